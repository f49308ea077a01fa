//! External collaboration settings beyond the authorization policy (which has its Graph use
//! case): e-mail one-time passcode, invitation lifetime, redirect URL restriction and the domain
//! allow/deny list. Graph v1.0 has no resource for them; the permission is the authorization
//! policy's (Global Administrator, `Policy.ReadWrite.Authorization`).

use crate::directory::{Caller, GraphError, Operation};
use crate::App;
use portico_model::settings::{CollaborationSettings, DomainRestriction};
use portico_model::{DomainName, ObjectId};
use portico_store::Write;

/// The longest invitation lifetime accepted: ten years.
const MAX_LIFETIME_DAYS: u32 = 3650;

/// The settings as the form sends them.
#[derive(Debug, Clone, Default)]
pub struct CollaborationPatch {
    pub email_otp_enabled: bool,
    /// Empty: invitations never expire.
    pub invitation_lifetime_days: Option<String>,
    pub restrict_invite_redirect_urls: bool,
    /// `allowAll`, `allowOnly` or `block`.
    pub domain_mode: String,
    /// Domains, separated by commas, spaces or lines.
    pub domains: String,
}

fn lifetime(text: Option<&str>) -> Result<Option<u32>, GraphError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<u32>() {
        Ok(days) if (1..=MAX_LIFETIME_DAYS).contains(&days) => Ok(Some(days)),
        _ => Err(GraphError::bad_request(format!(
            "The invitation lifetime must be a number of days from 1 to {MAX_LIFETIME_DAYS}, or empty for invitations that never expire; '{text}' is not."
        ))),
    }
}

fn restriction(mode: &str, text: &str) -> Result<DomainRestriction, GraphError> {
    if mode == "allowAll" {
        // The list is kept in the form but means nothing then.
        return Ok(DomainRestriction::AllowAll);
    }
    let domains = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|d| !d.is_empty())
        .map(|d| {
            DomainName::parse(d)
                .map_err(|_| GraphError::bad_request(format!("'{d}' is not a domain name.")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    match mode {
        "allowOnly" | "block" if domains.is_empty() => Err(GraphError::bad_request(
            "List at least one domain, or choose to allow invitations to any domain.",
        )),
        "allowOnly" => Ok(DomainRestriction::AllowOnly(domains)),
        "block" => Ok(DomainRestriction::Block(domains)),
        other => Err(GraphError::bad_request(format!(
            "'{other}' is not a collaboration restriction: use allowAll, allowOnly or block."
        ))),
    }
}

impl App {
    pub async fn collaboration_settings(
        &self,
        caller: &Caller,
    ) -> Result<CollaborationSettings, GraphError> {
        caller.require(Operation::GetAuthorizationPolicy)?;
        Ok(self
            .store()
            .get_settings(caller.tenant())
            .await?
            .collaboration)
    }

    /// Replaces the settings of the form in one transaction with its audit record.
    pub async fn update_collaboration_settings(
        &self,
        caller: &Caller,
        patch: CollaborationPatch,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateAuthorizationPolicy)?;
        let days = lifetime(patch.invitation_lifetime_days.as_deref())?;
        let domains = restriction(&patch.domain_mode, &patch.domains)?;
        let mut settings = self.store().get_settings(caller.tenant()).await?;
        let collaboration = &mut settings.collaboration;
        collaboration.email_otp_enabled = patch.email_otp_enabled;
        collaboration.invitation_lifetime_days = days;
        collaboration.restrict_invite_redirect_urls = patch.restrict_invite_redirect_urls;
        collaboration.domain_restriction = domains;
        let audit = self.directory_audit(
            caller,
            "Policy",
            "Update external collaboration settings",
            "Policy",
            ObjectId::from_uuid(uuid::Uuid::nil()),
            "externalCollaborationSettings",
        );
        Ok(self
            .store()
            .apply(caller.tenant(), vec![Write::PutSettings(settings), audit])
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::{lifetime, restriction};
    use portico_model::settings::DomainRestriction;

    #[test]
    fn lifetimes_and_domain_lists_are_checked() {
        assert_eq!(lifetime(Some(" 90 ")).unwrap(), Some(90));
        assert_eq!(lifetime(Some("")).unwrap(), None);
        assert!(lifetime(Some("0")).is_err() && lifetime(Some("ninety")).is_err());
        assert_eq!(
            restriction("allowAll", "ignored").unwrap(),
            DomainRestriction::AllowAll
        );
        let DomainRestriction::Block(blocked) =
            restriction("block", "a.example, b.example\nc.example").unwrap()
        else {
            panic!("a deny list");
        };
        assert_eq!(blocked.len(), 3);
        assert!(restriction("allowOnly", "").is_err());
        assert!(restriction("block", "not a domain!").is_err());
        assert!(restriction("sometimes", "a.example").is_err());
    }
}
