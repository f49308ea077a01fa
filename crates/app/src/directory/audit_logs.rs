//! `/auditLogs/signIns` and `/auditLogs/directoryAudits`: a tenant's own log rows, newest first,
//! filtered in SQL and paged with a cursor on (time, id) so that rows arriving meanwhile never
//! shift a page. A cross-tenant sign-in has a row in each tenant (same correlation id); a caller
//! only ever reads the rows of its token's tenant.

use super::access::{Caller, GraphError};
use super::listing::Listing;
use super::permissions::Operation;
use crate::App;
use portico_model::logs::{Actor, AuditRecord, SignInRecord};
use portico_model::{ClientId, ObjectId, TenantId};
use portico_odata::{CmpOp, Direction, Expr, Literal, QueryOptions};
use portico_store::{LogPosition, LogQuery};
use std::collections::HashMap;

/// A sign-in row with `status.additionalDetails` written out for people.
#[derive(Debug, Clone)]
pub struct SignInView {
    pub record: SignInRecord,
    /// "Who must act: home (Woodgrove Bank). Decided by: <setting>. <remediation>"
    pub additional_details: Option<String>,
}

/// An audit row with the application id of an app that initiated it, when Portico knows it.
#[derive(Debug, Clone)]
pub struct AuditView {
    pub record: AuditRecord,
    pub initiating_app_id: Option<ClientId>,
}

/// Where the next page starts, carried (signed) in the skip token: `log:<micros>:<id>`.
fn parse_cursor(cursor: Option<&str>) -> Result<Option<LogPosition>, GraphError> {
    let invalid = || GraphError::bad_request("The $skiptoken is not valid for this request.");
    let Some(text) = cursor else {
        return Ok(None);
    };
    let mut parts = text.splitn(3, ':');
    let (Some("log"), Some(micros), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    let at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
    let id = ObjectId::parse(id).map_err(|_| invalid())?;
    Ok(Some(LogPosition { at, id }))
}

fn cursor_of(at: chrono::DateTime<chrono::Utc>, id: ObjectId) -> String {
    format!("log:{}:{id}", at.timestamp_micros())
}

/// The store query for a page: `$orderby` may only ask for the time, either way.
fn log_query(options: &QueryOptions, cursor: Option<&str>) -> Result<LogQuery, GraphError> {
    let oldest_first = matches!(options.order_by.first(), Some((_, Direction::Ascending)));
    Ok(LogQuery {
        filter: options.filter.clone(),
        oldest_first,
        after: parse_cursor(cursor)?,
        // One more than asked: whether it comes back says if there is a next page.
        limit: options.top.saturating_add(1),
    })
}

/// Trims the extra row and names where the next page starts.
fn page<T>(
    mut items: Vec<T>,
    top: u32,
    position: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let more = items.len() > top as usize;
    items.truncate(top as usize);
    let next = if more {
        items.last().map(position)
    } else {
        None
    };
    (items, next)
}

/// The record's who-must-act, deciding setting and remediation as one sentence (`docs/decisions.md`
/// 16); `tenant_name` names the responsible tenant. Rows without a responsible party keep their
/// own text.
pub fn status_details(record: &SignInRecord, tenant_name: Option<&str>) -> Option<String> {
    let Some(party) = record.responsible_party.as_deref() else {
        return record.additional_details.clone();
    };
    let who = match tenant_name {
        Some(name) => format!("{party} ({name})"),
        None => party.to_owned(),
    };
    // The row's own text starts with who must act ("home (Woodgrove Bank): …"): keep the rest.
    let remediation = record.additional_details.as_deref().map(|text| {
        text.strip_prefix(&format!("{who}: "))
            .or_else(|| text.strip_prefix(&format!("{party}: ")))
            .unwrap_or(text)
    });
    let mut sentence = format!("Who must act: {who}.");
    if let Some(setting) = &record.decided_by {
        sentence.push_str(&format!(" Decided by: {}.", setting.trim_end_matches('.')));
    }
    if let Some(text) = remediation.map(str::trim).filter(|t| !t.is_empty()) {
        sentence.push(' ');
        sentence.push_str(text);
    }
    Some(sentence)
}

/// Which sign-ins a listing holds, as Entra's versions of the API give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInScope {
    /// v1.0: interactive user sign-ins only.
    Interactive,
    /// Beta: interactive ones, unless the filter names `signInEventTypes` (then what it asks).
    ByEventType,
    /// Every row (the portal, which has its own interactive filter).
    All,
}

/// Whether `expr` says anything about `signInEventTypes`.
fn names_event_types(expr: &Expr) -> bool {
    match expr {
        Expr::Any { collection, .. } | Expr::Count { collection, .. } => {
            collection.eq_ignore_ascii_case(EVENT_TYPES)
        }
        Expr::Not(inner) => names_event_types(inner),
        Expr::And(a, b) | Expr::Or(a, b) => names_event_types(a) || names_event_types(b),
        _ => false,
    }
}

const EVENT_TYPES: &str = "signInEventTypes";

/// The caller's filter with the scope's own condition added.
fn scoped_filter(filter: Option<&Expr>, scope: SignInScope) -> Option<Expr> {
    let interactive_only = match scope {
        SignInScope::Interactive => true,
        SignInScope::ByEventType => !filter.is_some_and(names_event_types),
        SignInScope::All => false,
    };
    if !interactive_only {
        return filter.cloned();
    }
    let interactive = Expr::Compare {
        property: "isInteractive".into(),
        op: CmpOp::Eq,
        value: Literal::Bool(true),
    };
    Some(match filter {
        Some(expr) => Expr::And(Box::new(interactive), Box::new(expr.clone())),
        None => interactive,
    })
}

impl App {
    /// `GET /auditLogs/signIns`; `cursor` comes from a verified skip token.
    pub async fn graph_list_sign_ins(
        &self,
        caller: &Caller,
        options: &QueryOptions,
        scope: SignInScope,
        cursor: Option<&str>,
    ) -> Result<Listing<SignInView>, GraphError> {
        caller.require(Operation::ListSignIns)?;
        let mut query = log_query(options, cursor)?;
        query.filter = scoped_filter(options.filter.as_ref(), scope);
        let rows = self.store().query_sign_ins(caller.tenant(), &query).await?;
        let (rows, next) = page(rows, options.top, |r| cursor_of(r.created_at, r.id));
        Ok(Listing {
            items: self.sign_in_views(caller, rows).await?,
            next,
            count: None,
        })
    }

    /// `GET /auditLogs/signIns/{id}`: 404 alike for a missing id and another tenant's row.
    pub async fn graph_get_sign_in(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<SignInView, GraphError> {
        caller.require(Operation::GetSignIn)?;
        let not_found = || GraphError::NotFound(id.to_owned());
        let id = ObjectId::parse(id).map_err(|_| not_found())?;
        let row = self
            .store()
            .find_sign_in(caller.tenant(), id)
            .await?
            .ok_or_else(not_found)?;
        let mut views = self.sign_in_views(caller, vec![row]).await?;
        views.pop().ok_or_else(not_found)
    }

    /// `GET /auditLogs/directoryAudits`.
    pub async fn graph_list_directory_audits(
        &self,
        caller: &Caller,
        options: &QueryOptions,
        cursor: Option<&str>,
    ) -> Result<Listing<AuditView>, GraphError> {
        caller.require(Operation::ListDirectoryAudits)?;
        let query = log_query(options, cursor)?;
        let store = self.store();
        let rows = store.query_audit_records(caller.tenant(), &query).await?;
        let (rows, next) = page(rows, options.top, |r| cursor_of(r.activity_at, r.id));
        Ok(Listing {
            items: self.audit_views(caller.tenant(), rows).await?,
            next,
            count: None,
        })
    }

    /// `GET /auditLogs/directoryAudits/{id}`.
    pub async fn graph_get_directory_audit(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<AuditView, GraphError> {
        caller.require(Operation::GetDirectoryAudit)?;
        let not_found = || GraphError::NotFound(id.to_owned());
        let id = ObjectId::parse(id).map_err(|_| not_found())?;
        let row = self
            .store()
            .find_audit_record(caller.tenant(), id)
            .await?
            .ok_or_else(not_found)?;
        let mut views = self.audit_views(caller.tenant(), vec![row]).await?;
        views.pop().ok_or_else(not_found)
    }

    /// The rows as the caller may see them: the applied Conditional Access policies only for
    /// callers who may read Conditional Access (as in Graph), the details written out.
    async fn sign_in_views(
        &self,
        caller: &Caller,
        rows: Vec<SignInRecord>,
    ) -> Result<Vec<SignInView>, GraphError> {
        let show_policies = caller
            .reach(Operation::ListConditionalAccessPolicies)
            .is_some();
        let mut names: HashMap<TenantId, Option<String>> = HashMap::new();
        let mut views = Vec::with_capacity(rows.len());
        for mut record in rows {
            if !show_policies {
                record.applied_conditional_access_policies.clear();
            }
            let name = match record.responsible_tenant_id {
                Some(tenant) => match names.get(&tenant) {
                    Some(known) => known.clone(),
                    None => {
                        let found = self.store().find_tenant(tenant).await?;
                        let name = found.map(|t| t.display_name);
                        names.insert(tenant, name.clone());
                        name
                    }
                },
                None => None,
            };
            let additional_details = status_details(&record, name.as_deref());
            views.push(SignInView {
                record,
                additional_details,
            });
        }
        Ok(views)
    }

    async fn audit_views(
        &self,
        tenant: TenantId,
        rows: Vec<AuditRecord>,
    ) -> Result<Vec<AuditView>, GraphError> {
        let by_app = rows
            .iter()
            .any(|r| matches!(r.initiated_by, Actor::App { .. }));
        let apps: HashMap<ObjectId, ClientId> = if by_app {
            let apps = self.store().list_applications(tenant).await?;
            apps.into_iter().map(|a| (a.id, a.client_id)).collect()
        } else {
            HashMap::new()
        };
        Ok(rows
            .into_iter()
            .map(|record| {
                let initiating_app_id = match &record.initiated_by {
                    Actor::App { id, .. } => apps.get(id).copied(),
                    _ => None,
                };
                AuditView {
                    record,
                    initiating_app_id,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(party: Option<&str>, details: Option<&str>, setting: Option<&str>) -> SignInRecord {
        SignInRecord {
            id: ObjectId::from_uuid(uuid::Uuid::nil()),
            created_at: chrono::DateTime::UNIX_EPOCH,
            sign_in_event_type: "interactiveUser".into(),
            correlation_id: ObjectId::from_uuid(uuid::Uuid::nil()),
            user_id: None,
            user_principal_name: None,
            user_display_name: None,
            user_type: None,
            app_id: None,
            app_display_name: None,
            ip_address: None,
            client_app_used: None,
            cross_tenant_access_type: portico_model::logs::CrossTenantAccessType::None,
            home_tenant_id: None,
            resource_tenant_id: TenantId::from_uuid(uuid::Uuid::nil()),
            error_code: 500212,
            failure_reason: None,
            additional_details: details.map(Into::into),
            responsible_party: party.map(Into::into),
            responsible_tenant_id: None,
            decided_by: setting.map(Into::into),
            conditional_access_status: None,
            applied_conditional_access_policies: vec![],
            resource_id: None,
            resource_display_name: None,
            risk_level_during_sign_in: None,
            risk_state: None,
            is_tenant_restricted: false,
            risk_level_aggregated: None,
            user_agent: None,
            service_principal_id: None,
        }
    }

    #[test]
    fn details_name_who_acts_the_setting_and_the_remedy() {
        let denied = row(
            Some("home"),
            Some("home (Woodgrove Bank): Ask Woodgrove Bank's admin to allow Contoso."),
            Some("Woodgrove Bank › cross-tenant access › partner Contoso › B2B collaboration outbound."),
        );
        assert_eq!(
            status_details(&denied, Some("Woodgrove Bank")).as_deref(),
            Some("Who must act: home (Woodgrove Bank). Decided by: Woodgrove Bank › cross-tenant access › partner Contoso › B2B collaboration outbound. Ask Woodgrove Bank's admin to allow Contoso.")
        );
        let user = row(
            Some("user"),
            Some("user: Register MFA"),
            Some("Contoso › CA › MFA"),
        );
        assert_eq!(
            status_details(&user, None).as_deref(),
            Some("Who must act: user. Decided by: Contoso › CA › MFA. Register MFA")
        );
        let plain = row(None, Some("Invalid username or password."), None);
        assert_eq!(
            status_details(&plain, None).as_deref(),
            Some("Invalid username or password.")
        );
        assert_eq!(status_details(&row(None, None, None), None), None);
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let id = ObjectId::from_uuid(uuid::Uuid::from_u128(7));
        let at = chrono::DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        let cursor = cursor_of(at, id);
        assert_eq!(
            parse_cursor(Some(&cursor)).unwrap(),
            Some(LogPosition { at, id })
        );
        for bad in ["id:x", "log:1", "log:x:y", "log:1:not-a-guid"] {
            assert!(parse_cursor(Some(bad)).is_err(), "{bad}");
        }
    }
}
