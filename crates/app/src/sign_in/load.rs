//! The interpreter's reads for one state and input: accounts, attempt claims, credential checks.
//! Everything here touches the store (or Argon2); the decisions are the machine's.

use super::context::Ctx;
use super::machine::{
    AccountMatch, Claimed, CodeCheck, GuestHome, HomeFacts, HomeMfa, Loaded, PasswordCheck,
};
use super::outcome::{ErrorPage, FlowOutcome};
use crate::b2b::HomeAccount;
use crate::tokens::lockout::refund;
use crate::App;
use chrono::{DateTime, Utc};
use portico_model::invitation::GuestBinding;
use portico_model::lockout::LockoutAccount;
use portico_model::oauth::{FlowPurpose, FlowStep, LoginFlow};
use portico_model::tenant::Tenant;
use portico_model::user::{MfaMethod, User};
use portico_model::{EmailAddress, ObjectId, TenantId, Upn};
use portico_store::{StoreError, Write};

/// A store (or other) failure as the "something went wrong" page.
pub(crate) fn broke<E: std::fmt::Display>(error: E) -> FlowOutcome {
    ErrorPage::server(error).into()
}

/// Whom a failure's log row is about.
#[derive(Default)]
pub(crate) struct Subjects {
    /// The state's account in the resource tenant.
    pub account: Option<User>,
    /// A guest's home tenant and account, and the guest object's id.
    pub home: Option<(Tenant, User)>,
    pub guest_id: Option<ObjectId>,
}

impl App {
    /// A member of `tenant` by UPN or any of their addresses.
    pub(crate) async fn find_member(
        &self,
        tenant: &Tenant,
        name: &str,
    ) -> Result<Option<User>, StoreError> {
        let local =
            |user: &User| user.creation_type != Some(portico_model::user::CreationType::Invitation);
        if let Ok(upn) = Upn::parse(name) {
            if let Some(user) = self.store().find_user_by_upn(tenant.id, &upn).await? {
                return Ok(local(&user).then_some(user));
            }
        }
        let Ok(address) = EmailAddress::parse(name) else {
            return Ok(None);
        };
        let mut users = self
            .store()
            .list_users_by_address(tenant.id, &address)
            .await?;
        users.retain(local);
        Ok(if users.len() == 1 { users.pop() } else { None })
    }

    /// What an account name matches: a member, a guest's home account, sign-up, or nothing.
    pub(crate) async fn login_facts(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        login: &str,
    ) -> Result<AccountMatch, FlowOutcome> {
        let tenant = ctx.tenant;
        if let Some(user) = self.find_member(tenant, login).await.map_err(broke)? {
            return Ok(AccountMatch::Member(Box::new(user)));
        }
        let domain = EmailAddress::parse(login)
            .map(|a| a.domain())
            .unwrap_or_else(|_| tenant.initial_domain.clone());
        if !tenant.owns_domain(&domain) {
            return self.guest_match(ctx, flow, login).await;
        }
        if self.offers_sign_up(tenant, login).await.map_err(broke)? {
            return Ok(AccountMatch::SignUpOffered);
        }
        Ok(AccountMatch::Unknown)
    }

    /// The account name is not a member of this tenant: is it a guest's home account?
    async fn guest_match(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        login: &str,
    ) -> Result<AccountMatch, FlowOutcome> {
        let Ok(address) = EmailAddress::parse(login) else {
            return Ok(AccountMatch::NotAnAddress);
        };
        let store = self.store();
        let settings = store.get_settings(ctx.tenant.id).await.map_err(broke)?;
        let candidates = self
            .home_candidates(&settings, &address)
            .await
            .map_err(broke)?;
        // The guest bound under any of the address's home accounts (the redemption order may
        // have changed since); otherwise the first in the order.
        let mut bound = None;
        for candidate in &candidates {
            let (issuer, subject) = candidate.key();
            let found = store.find_guest_by_home(ctx.tenant.id, &issuer, &subject);
            if let Some(binding) = found.await.map_err(broke)? {
                bound = Some((candidate.clone(), binding));
                break;
            }
        }
        let (home, found) = match bound {
            Some((home, binding)) => (home, Some(binding)),
            None => match candidates.into_iter().next() {
                Some(home) => (home, None),
                None => return Ok(AccountMatch::NotAnAddress),
            },
        };
        let binding = match &flow.purpose {
            FlowPurpose::Redeem { invitation_id } => {
                let redeeming = self.redeeming_binding(ctx, *invitation_id, found, login);
                match redeeming.await? {
                    Ok(guest_id) => Some(guest_id),
                    Err(refused) => return Ok(AccountMatch::Refused(refused)),
                }
            }
            _ => found.map(|binding| binding.guest_id),
        };
        let Some(guest_id) = binding else {
            let home_name = home
                .home_tenant()
                .map_or_else(|| "mail".to_owned(), |t| t.to_string());
            let message = format!(
                "User account '{login}' from identity provider '{home_name}' does not exist in tenant '{}' and cannot access the application. The account needs to be added as an external user in the tenant first.",
                ctx.tenant.display_name
            );
            return Ok(AccountMatch::NotAGuest { message });
        };
        Ok(AccountMatch::Guest {
            guest_id,
            home: guest_home(home),
        })
    }

    /// A redeem link is for its invitation's guest; with Entra's compatibility setting any
    /// account without a guest here may redeem it (`docs/decisions.md` 7).
    async fn redeeming_binding(
        &self,
        ctx: &Ctx<'_>,
        invitation_id: ObjectId,
        found: Option<GuestBinding>,
        login: &str,
    ) -> Result<Result<ObjectId, ErrorPage>, FlowOutcome> {
        let store = self.store();
        let invitation = store
            .find_invitation(ctx.tenant.id, invitation_id)
            .await
            .map_err(broke)?;
        let Some(invitation) = invitation else {
            return Ok(Err(ErrorPage::invalid_link()));
        };
        match found {
            Some(binding) if binding.guest_id == invitation.invited_user_id => {
                return Ok(Ok(binding.guest_id))
            }
            None => {
                let settings = store.get_settings(ctx.tenant.id).await.map_err(broke)?;
                if settings.entra_compat.redeem_with_any_account {
                    return Ok(Ok(invitation.invited_user_id));
                }
            }
            Some(_) => {}
        }
        Ok(Err(ErrorPage::invitation_for_someone_else(
            invitation.invited_email.as_str(),
            login,
            &ctx.tenant.display_name,
        )))
    }

    /// A member's password: the lockout claim, the check, the claim given back when right.
    pub(crate) async fn member_password_facts(
        &self,
        ctx: &Ctx<'_>,
        user_id: ObjectId,
        password: String,
        subjects: &mut Subjects,
    ) -> Result<Loaded, FlowOutcome> {
        let tenant = ctx.tenant.id;
        let user = self
            .store()
            .get_user(tenant, user_id)
            .await
            .map_err(broke)?;
        let (claimed, correct) = self.password_claimed(ctx, tenant, &user, password).await?;
        let check = PasswordCheck {
            claimed,
            correct,
            username: user.user_principal_name.to_string(),
            enabled: user.account_enabled,
            home: None,
        };
        subjects.account = Some(user);
        Ok(Loaded::Password(check))
    }

    /// Claims a password check of `user` (in `tenant`), runs it, and refunds it when right.
    async fn password_claimed(
        &self,
        ctx: &Ctx<'_>,
        tenant: TenantId,
        user: &User,
        password: String,
    ) -> Result<(Claimed, bool), FlowOutcome> {
        let account = Some((tenant, LockoutAccount::User(user.id)));
        let (claimed, key) = self
            .claim_attempt(tenant, None, account, ctx.request.ip)
            .await
            .map_err(broke)?;
        let Some(key) = key else {
            return Ok((claimed, false));
        };
        let correct = self.check_password(user, password).await.map_err(broke)?;
        if correct {
            let refunded = vec![refund(key)];
            self.store().apply(tenant, refunded).await.map_err(broke)?;
        }
        Ok((claimed, correct))
    }

    /// A guest's home password, and what the home tenant requires after it.
    pub(crate) async fn home_password_facts(
        &self,
        ctx: &Ctx<'_>,
        step: &FlowStep,
        password: String,
        subjects: &mut Subjects,
    ) -> Result<Loaded, FlowOutcome> {
        let FlowStep::HomePassword {
            guest_id,
            home_tenant,
            home_user,
        } = step
        else {
            return Err(ErrorPage::expired().into());
        };
        subjects.guest_id = Some(*guest_id);
        let store = self.store();
        let Some(home) = store.find_tenant(*home_tenant).await.map_err(broke)? else {
            return Ok(Loaded::Password(PasswordCheck {
                claimed: Claimed::Granted,
                correct: false,
                username: String::new(),
                enabled: false,
                home: None,
            }));
        };
        let user = store
            .get_user(*home_tenant, *home_user)
            .await
            .map_err(broke)?;
        let (claimed, correct) = self
            .password_claimed(ctx, *home_tenant, &user, password)
            .await?;
        let mfa = match correct && user.account_enabled {
            true => self.home_mfa(&user, *home_tenant).await?,
            false => None,
        };
        let check = PasswordCheck {
            claimed,
            correct,
            username: user.user_principal_name.to_string(),
            enabled: user.account_enabled,
            home: Some(HomeFacts {
                name: home.display_name.clone(),
                mfa,
            }),
        };
        subjects.home = Some((home, user));
        Ok(Loaded::Password(check))
    }

    /// The MFA a home tenant's security defaults require of `user`, if any.
    async fn home_mfa(&self, user: &User, home: TenantId) -> Result<Option<HomeMfa>, FlowOutcome> {
        let settings = self.store().get_settings(home).await.map_err(broke)?;
        if !settings.security_defaults_enabled {
            return Ok(None);
        }
        if user
            .mfa_methods
            .iter()
            .any(|m| matches!(m, MfaMethod::Totp { .. }))
        {
            return Ok(Some(HomeMfa::Challenge));
        }
        let (plain, sealed) = self.new_totp_secret(home, user.id).map_err(broke)?;
        Ok(Some(HomeMfa::Register { plain, sealed }))
    }

    /// A code for any code step: the flow's attempt (and, for a challenge, the lockout) claimed,
    /// then the code checked; a right code's writes are in the answer.
    pub(crate) async fn code_facts(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        code: &str,
        now: DateTime<Utc>,
        subjects: &mut Subjects,
    ) -> Result<Loaded, FlowOutcome> {
        let check = match &flow.step {
            FlowStep::RegisterMfa {
                user_id,
                secret_base32,
                guest,
            } => {
                let user = self.get_user_in(ctx.tenant.id, *user_id).await?;
                let username = display_name_for(&user, guest.is_some());
                let tenant = ctx.tenant.id;
                let check = self.registration(ctx, tenant, flow, user, secret_base32, code, now);
                let (check, user) = check.await?;
                subjects.account = Some(user);
                CodeCheck { username, ..check }
            }
            FlowStep::ChallengeMfa { user_id, guest } => {
                let user = self.get_user_in(ctx.tenant.id, *user_id).await?;
                let username = display_name_for(&user, guest.is_some());
                let check = self.challenge(ctx, ctx.tenant.id, flow, &user, code, now);
                let check = CodeCheck {
                    username,
                    ..check.await?
                };
                subjects.account = Some(user);
                check
            }
            FlowStep::HomeMfa {
                home_tenant,
                home_user,
                register_secret,
                ..
            } => {
                let user = self.get_user_in(*home_tenant, *home_user).await?;
                let check = self.home_code(ctx, flow, user, register_secret, code, now);
                check.await?
            }
            FlowStep::OneTimePasscode { guest_id, .. } => {
                self.passcode_claim(ctx, flow, *guest_id).await?
            }
            _ => return Err(ErrorPage::expired().into()),
        };
        Ok(Loaded::Code(check))
    }

    async fn get_user_in(&self, tenant: TenantId, id: ObjectId) -> Result<User, FlowOutcome> {
        self.store().get_user(tenant, id).await.map_err(broke)
    }

    /// An authenticator being registered (no lockout: the secret is new).
    #[allow(clippy::too_many_arguments)]
    async fn registration(
        &self,
        ctx: &Ctx<'_>,
        tenant: TenantId,
        flow: &LoginFlow,
        mut user: User,
        sealed: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<(CodeCheck, User), FlowOutcome> {
        let (claimed, _) = self
            .claim_attempt(ctx.tenant.id, Some(flow), None, None)
            .await
            .map_err(broke)?;
        let mut check = unchecked(claimed, flow);
        if claimed != Claimed::Granted {
            return Ok((check, user));
        }
        let saved = self.register_totp(tenant, &mut user, sealed, code, now);
        match saved.await.map_err(broke)? {
            Some(saved) => {
                check.correct = true;
                check.writes = vec![self.registered_security_info(&user), saved];
            }
            None => {
                let plain = self.open_totp_secret(tenant, user.id, sealed);
                check.secret = Some(plain.map_err(broke)?);
            }
        }
        Ok((check, user))
    }

    /// A challenge of `user`'s authenticators in `tenant` (the account's lockout counts it).
    async fn challenge(
        &self,
        ctx: &Ctx<'_>,
        tenant: TenantId,
        flow: &LoginFlow,
        user: &User,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<CodeCheck, FlowOutcome> {
        let account = Some((tenant, LockoutAccount::User(user.id)));
        let (claimed, key) = self
            .claim_attempt(ctx.tenant.id, Some(flow), account, ctx.request.ip)
            .await
            .map_err(broke)?;
        let mut check = unchecked(claimed, flow);
        let Some(key) = key else {
            return Ok(check);
        };
        if let Some(mut writes) = self
            .check_totp(tenant, user, code, now)
            .await
            .map_err(broke)?
        {
            writes.push(refund(key));
            check.correct = true;
            check.writes = writes;
        }
        Ok(check)
    }

    /// MFA at a guest's home tenant: the authenticator is saved (and audited) there at once.
    async fn home_code(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        user: User,
        register_secret: &Option<String>,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<CodeCheck, FlowOutcome> {
        let FlowStep::HomeMfa { home_tenant, .. } = &flow.step else {
            return Err(ErrorPage::expired().into());
        };
        let mut check = match register_secret {
            Some(sealed) => {
                let registered =
                    self.registration(ctx, *home_tenant, flow, user.clone(), sealed, code, now);
                registered.await?.0
            }
            None => {
                self.challenge(ctx, *home_tenant, flow, &user, code, now)
                    .await?
            }
        };
        check.username = user.user_principal_name.to_string();
        if check.correct {
            let saved = std::mem::take(&mut check.writes);
            self.store()
                .apply(*home_tenant, saved)
                .await
                .map_err(broke)?;
        }
        Ok(check)
    }

    /// A passcode's claims; the machine compares the code with the flow's digest.
    async fn passcode_claim(
        &self,
        ctx: &Ctx<'_>,
        flow: &LoginFlow,
        guest_id: ObjectId,
    ) -> Result<CodeCheck, FlowOutcome> {
        let tenant = ctx.tenant.id;
        let account = Some((tenant, LockoutAccount::User(guest_id)));
        let (claimed, key) = self
            .claim_attempt(tenant, Some(flow), account, ctx.request.ip)
            .await
            .map_err(broke)?;
        let mut check = unchecked(claimed, flow);
        check.writes = key.map(refund).into_iter().collect::<Vec<Write>>();
        Ok(check)
    }
}

/// A code check before the code is looked at.
fn unchecked(claimed: Claimed, flow: &LoginFlow) -> CodeCheck {
    CodeCheck {
        claimed,
        correct: false,
        used: flow.failed_attempts,
        username: String::new(),
        secret: None,
        writes: Vec::new(),
    }
}

/// The name the MFA pages greet: a guest's address, a member's UPN.
pub(crate) fn display_name_for(user: &User, guest: bool) -> String {
    if guest {
        user.mail
            .as_ref()
            .map_or_else(|| user.display_name.clone(), ToString::to_string)
    } else {
        user.user_principal_name.to_string()
    }
}

fn guest_home(home: HomeAccount) -> GuestHome {
    match home {
        HomeAccount::Tenant { tenant, user } => GuestHome::Tenant {
            tenant: tenant.id,
            user: user.id,
            username: user.user_principal_name.to_string(),
        },
        HomeAccount::UnknownInTenant { address, .. } | HomeAccount::Mail { address } => {
            GuestHome::Mail {
                address: address.to_string(),
            }
        }
        HomeAccount::Federated {
            federation,
            address,
        } => GuestHome::Federated {
            federation,
            address: address.to_string(),
        },
    }
}
