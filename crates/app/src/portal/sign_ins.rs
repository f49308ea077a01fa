//! The portal's sign-in log: Graph's sign-in listing (its permission row, its SQL filter, pages
//! on (time, id)) with the portal's filters as one OData filter. Failures alone cannot be asked
//! of the store (`status/errorCode` takes only `eq`), so those rows are picked here, examining
//! at most `SCAN_LIMIT` rows per page. And the diagnosis: what-if for the caller's own tenant.

use crate::directory::{Caller, GraphError, Operation, SignInScope, SignInView};
use crate::sign_in_policy::whatif::{WhatIf, WhatIfError, WhatIfRequest};
use crate::App;
use chrono::{DateTime, Utc};
use portico_odata::{parse_query, RawQuery, SIGN_IN_BETA};

const SCAN_LIMIT: usize = 5_000;
const BATCH: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInStatus {
    Success,
    Failure,
}

/// The log's filters; every one optional.
#[derive(Debug, Clone, Default)]
pub struct SignInFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Start of the user principal name.
    pub user: Option<String>,
    /// Start of the application's name.
    pub app: Option<String>,
    pub status: Option<SignInStatus>,
    /// `none`, `b2bCollaboration`, …
    pub access_type: Option<String>,
    pub home_tenant: Option<String>,
    pub correlation_id: Option<String>,
}

/// One page, and the cursor of the next.
#[derive(Debug, Clone)]
pub struct SignInPage {
    pub rows: Vec<SignInView>,
    pub next: Option<String>,
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl SignInFilter {
    fn odata(&self) -> Option<String> {
        let mut terms = Vec::new();
        let time = |t: &DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        if let Some(from) = &self.from {
            terms.push(format!("createdDateTime ge {}", time(from)));
        }
        if let Some(to) = &self.to {
            terms.push(format!("createdDateTime le {}", time(to)));
        }
        if let Some(user) = &self.user {
            terms.push(format!("startsWith(userPrincipalName,{})", quoted(user)));
        }
        if let Some(app) = &self.app {
            terms.push(format!("startsWith(appDisplayName,{})", quoted(app)));
        }
        if self.status == Some(SignInStatus::Success) {
            terms.push("status/errorCode eq 0".to_owned());
        }
        let equal = [
            ("crossTenantAccessType", &self.access_type),
            ("homeTenantId", &self.home_tenant),
            ("correlationId", &self.correlation_id),
        ];
        for (property, value) in equal {
            if let Some(value) = value {
                terms.push(format!("{property} eq {}", quoted(value)));
            }
        }
        (!terms.is_empty()).then(|| terms.join(" and "))
    }
}

impl App {
    /// A page of `size` rows of the caller's tenant's log, newest first, after `cursor`.
    pub async fn portal_list_sign_ins(
        &self,
        caller: &Caller,
        filter: &SignInFilter,
        cursor: Option<&str>,
        size: usize,
    ) -> Result<SignInPage, GraphError> {
        let raw = RawQuery {
            filter: filter.odata(),
            top: Some(BATCH.to_string()),
            ..RawQuery::default()
        };
        let options = parse_query(&SIGN_IN_BETA, &raw, false)
            .map_err(|e| GraphError::bad_request(e.to_string()))?;
        let mut cursor = cursor.map(str::to_owned);
        let mut rows = Vec::new();
        let mut examined = 0;
        loop {
            let listing = self
                .graph_list_sign_ins(caller, &options, SignInScope::All, cursor.as_deref())
                .await?;
            for view in listing.items {
                examined += 1;
                let position = format!(
                    "log:{}:{}",
                    view.record.created_at.timestamp_micros(),
                    view.record.id
                );
                if filter.status != Some(SignInStatus::Failure) || view.record.error_code != 0 {
                    rows.push(view);
                }
                if rows.len() == size || examined == SCAN_LIMIT {
                    return Ok(SignInPage {
                        rows,
                        next: Some(position),
                    });
                }
            }
            match listing.next {
                Some(next) => cursor = Some(next),
                None => return Ok(SignInPage { rows, next: None }),
            }
        }
    }

    /// What-if for a sign-in to the caller's own tenant, for those who may read its sign-ins.
    pub async fn portal_what_if(
        &self,
        caller: &Caller,
        mut request: WhatIfRequest,
    ) -> Result<Result<WhatIf, WhatIfError>, GraphError> {
        caller.require(Operation::ListSignIns)?;
        request.resource_tenant = caller.tenant().to_string();
        Ok(self.what_if(&request).await)
    }
}
