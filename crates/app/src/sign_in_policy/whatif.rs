//! What-if: evaluate a hypothetical sign-in without performing it — the same facts and the same
//! engine as a real sign-in, so the answer is the one a real sign-in would get.

use super::facts::{Attempt, AMR_HOME_MFA, AMR_MFA};
use super::request::ClientRequest;
use crate::b2b::HomeAccount;
use crate::App;
use portico_model::conditional_access::RiskLevel;
use portico_model::oauth::HomeRef;
use portico_model::user::{User, UserType};
use portico_model::{ClientId, EmailAddress, ObjectId, Upn};
use portico_policy::decision::{Decision, Denial, Evaluation, Outcome, Party, Step};
use portico_policy::facts::{DeviceClaims, SignIn, Stage};
use std::collections::BTreeMap;

/// A hypothetical sign-in.
#[derive(Debug, Clone, Default)]
pub struct WhatIfRequest {
    /// A member's UPN, a guest's UPN, or the address of a home account.
    pub user: String,
    /// The tenant signed in to, by id or verified domain.
    pub resource_tenant: String,
    pub app_id: String,
    pub ip_address: Option<String>,
    /// Request headers, e.g. `Restrict-Access-To-Tenants`, `User-Agent`.
    pub headers: BTreeMap<String, String>,
    pub device_compliant: bool,
    pub device_domain_joined: bool,
    /// MFA done at the guest's home tenant.
    pub home_mfa_satisfied: bool,
    /// MFA done in the resource tenant.
    pub mfa_satisfied: bool,
    /// Overrides the sign-in risk.
    pub sign_in_risk: Option<RiskLevel>,
}

/// The answer: the engine's evaluation and the facts it saw.
#[derive(Debug, Clone)]
pub struct WhatIf {
    pub evaluation: Evaluation,
    pub facts: SignIn,
    /// False when the user has no object in the resource tenant yet (not invited).
    pub user_exists: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    #[error("the tenant '{0}' does not exist")]
    UnknownTenant(String),
    #[error("the application '{0}' is not registered in {1}")]
    UnknownApp(String, String),
    #[error("no account '{0}' is known in {1} or in any home tenant")]
    UnknownUser(String, String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] portico_store::StoreError),
    #[error(transparent)]
    App(#[from] crate::AppError),
}

fn header<'a>(headers: &'a BTreeMap<String, String>, name: &str) -> Option<&'a String> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

impl WhatIfRequest {
    fn client_request(&self) -> Result<ClientRequest, WhatIfError> {
        let ip = match &self.ip_address {
            Some(text) => Some(
                text.trim()
                    .parse()
                    .map_err(|_| WhatIfError::Invalid(format!("'{text}' is not an IP address")))?,
            ),
            None => None,
        };
        Ok(ClientRequest {
            ip,
            user_agent: header(&self.headers, "User-Agent").cloned(),
            restrict_access_to_tenants: header(&self.headers, "Restrict-Access-To-Tenants")
                .cloned(),
            restrict_access_context: header(&self.headers, "Restrict-Access-Context").cloned(),
            restrict_tenant_access_policy: header(
                &self.headers,
                "sec-Restrict-Tenant-Access-Policy",
            )
            .cloned(),
            simulated_device: Some(DeviceClaims {
                compliant: self.device_compliant,
                domain_joined: self.device_domain_joined,
            }),
        })
    }
}

impl App {
    /// Evaluates `request` as a sign-in would, and writes nothing.
    pub async fn what_if(&self, request: &WhatIfRequest) -> Result<WhatIf, WhatIfError> {
        let resource = self
            .resolve_tenant(request.resource_tenant.trim())
            .await?
            .ok_or_else(|| WhatIfError::UnknownTenant(request.resource_tenant.clone()))?;
        let client_id = ClientId::parse(request.app_id.trim()).map_err(|_| {
            WhatIfError::UnknownApp(request.app_id.clone(), resource.display_name.clone())
        })?;
        // The nil client id is the tenant's own sign-in (its direct link), as the logs name it.
        let app = if client_id.as_uuid().is_nil() {
            crate::sign_in::portal_app(&resource, self.now())
        } else {
            self.store()
                .find_application(resource.id, client_id)
                .await?
                .ok_or_else(|| {
                    WhatIfError::UnknownApp(request.app_id.clone(), resource.display_name.clone())
                })?
        };
        let (user, home, exists) = self.what_if_user(&resource, request.user.trim()).await?;
        let mut amr = vec!["pwd".to_owned()];
        if request.home_mfa_satisfied {
            amr.push(AMR_HOME_MFA.into());
        }
        if request.mfa_satisfied {
            amr.push(AMR_MFA.into());
        }
        let client = request.client_request()?;
        let attempt = Attempt {
            resource: &resource,
            user: &user,
            app: &app,
            home: home.as_ref(),
            amr: &amr,
            entered_at: None,
            request: &client,
            stage: Stage::WhatIf,
        };
        let mut facts = self.sign_in_facts(&attempt).await?;
        if let Some(level) = request.sign_in_risk {
            facts.risk.sign_in = level;
        }
        let mut evaluation = portico_policy::evaluate(&facts);
        if !exists {
            not_invited(
                &mut evaluation,
                &facts,
                &request.user,
                &app.display_name,
                client_id,
            );
        }
        Ok(WhatIf {
            evaluation,
            facts,
            user_exists: exists,
        })
    }

    /// The user object the sign-in would use, its home, and whether it exists yet.
    async fn what_if_user(
        &self,
        resource: &portico_model::tenant::Tenant,
        name: &str,
    ) -> Result<(User, Option<HomeRef>, bool), WhatIfError> {
        let unknown = || WhatIfError::UnknownUser(name.to_owned(), resource.display_name.clone());
        if let Ok(upn) = Upn::parse(name) {
            if let Some(user) = self.store().find_user_by_upn(resource.id, &upn).await? {
                return Ok((user, None, true));
            }
        }
        let address = EmailAddress::parse(name).map_err(|_| unknown())?;
        let settings = self.store().get_settings(resource.id).await?;
        let home = self.home_account_for(&settings, &address).await?;
        let (issuer, subject) = home.key();
        if let Some(binding) = self
            .store()
            .find_guest_by_home(resource.id, &issuer, &subject)
            .await?
        {
            let guest = self.store().get_user(resource.id, binding.guest_id).await?;
            let home = super::facts::home_of_binding(&binding);
            return Ok((guest, Some(home), true));
        }
        if let Some(guest) = self
            .store()
            .list_users_by_address(resource.id, &address)
            .await?
            .into_iter()
            .find(|u| u.user_type == UserType::Guest)
        {
            return Ok((guest, None, true));
        }
        // Not invited yet: evaluate as the guest an invitation would create.
        let home_ref = match &home {
            HomeAccount::Tenant { tenant, user } => HomeRef::Tenant {
                tenant_id: tenant.id,
                user_id: user.id,
            },
            HomeAccount::UnknownInTenant { .. } => return Err(unknown()),
            HomeAccount::Federated {
                federation,
                address,
            } => HomeRef::Federated {
                issuer: federation.issuer.clone(),
                address: address.to_string(),
            },
            HomeAccount::Mail { address } => HomeRef::Mail {
                address: address.to_string(),
            },
        };
        let upn = Upn::parse(&format!(
            "{}#EXT#@{}",
            address.as_str().replace('@', "_"),
            resource.initial_domain
        ))
        .map_err(|_| unknown())?;
        let mut guest = User::member(
            ObjectId::from_uuid(uuid::Uuid::nil()),
            upn,
            address.to_string(),
            self.now(),
        );
        guest.user_type = UserType::Guest;
        guest.mail = Some(address);
        Ok((guest, Some(home_ref), false))
    }
}

/// A user without an object in the resource tenant cannot sign in there (AADSTS50020); the
/// rest of the trace still shows what an invitation would meet.
fn not_invited(
    evaluation: &mut Evaluation,
    facts: &SignIn,
    name: &str,
    app_name: &str,
    client_id: ClientId,
) {
    let resource = &facts.resource.tenant;
    let idp = match facts.origin.home_tenant() {
        Some(home) => home.display_name.clone(),
        None => "an external identity provider".into(),
    };
    let setting = format!(
        "{} › users › {name}: no guest object",
        resource.display_name
    );
    evaluation.trace.insert(
        0,
        Step {
            check: "userExists",
            tenant: Some(resource.clone()),
            outcome: Outcome::Failed,
            setting: setting.clone(),
            detail: format!("{name} has not been invited to {}.", resource.display_name),
        },
    );
    evaluation.decision = Decision::Deny(Denial {
        code: 50020,
        reason: format!("User account '{name}' from identity provider '{idp}' does not exist in tenant '{}' and cannot access the application '{client_id}'({app_name}) in that tenant. The account needs to be added as an external user in the tenant first.", resource.display_name),
        responsible: Party::Resource,
        responsible_tenant: Some(resource.clone()),
        setting,
        remediation: format!("An administrator (or a guest inviter) of {} must invite {name} first; the rest of this trace shows what the invitation and the sign-in would then meet.", resource.display_name),
    });
}
