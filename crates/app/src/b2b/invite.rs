//! `POST /invitations`: the invitation-time checks of `docs/decisions.md` 2, in order, then a new guest
//! (or member), a re-invitation of the existing one (`docs/decisions.md` 3–4), or a reset of its
//! redemption — each one transaction with its audit record and, when asked, the e-mail.

use super::home::HomeAccount;
use super::invitation_mail::{invitation_message, InvitationMail};
use crate::directory::{Caller, GraphError};
use crate::secrets::digest_hex;
use crate::App;
use chrono::{DateTime, Duration, Utc};
use portico_model::group::RecipientKind;
use portico_model::invitation::{Invitation, InvitationStatus};
use portico_model::settings::TenantSettings;
use portico_model::tenant::Tenant;
use portico_model::user::{CreationType, ExternalUserState, ObjectIdentity, User, UserType};
use portico_model::{EmailAddress, ObjectId, ProxyAddress, Upn};
use portico_store::{Conflict, StoreError, UserChanges, Write};

/// An invitation request, as Graph's `invitation` resource carries it.
#[derive(Debug, Clone, Default)]
pub struct InvitationRequest {
    pub invited_user_email_address: Option<String>,
    pub invited_user_display_name: Option<String>,
    pub invite_redirect_url: Option<String>,
    pub send_invitation_message: bool,
    pub cc_recipients: Vec<String>,
    pub customized_message_body: Option<String>,
    pub invited_user_type: Option<String>,
    pub reset_redemption: bool,
    pub invited_user_id: Option<String>,
    /// `invitedUserMessageInfo.messageLanguage` (ISO 639; `ja` gets Japanese mail).
    pub message_language: Option<String>,
    /// `invitedUserSponsors`: ids of users or groups; empty means the inviter.
    pub invited_user_sponsors: Vec<String>,
}

/// What the invitation did.
#[derive(Debug, Clone)]
pub struct InvitationOutcome {
    pub invitation: Invitation,
    pub user: User,
    pub invite_redeem_url: String,
    /// `PendingAcceptance` or `Completed`.
    pub status: &'static str,
    pub send_invitation_message: bool,
    pub cc_recipients: Vec<EmailAddress>,
    pub customized_message_body: Option<String>,
}

fn bad(reason: &'static str, message: impl Into<String>) -> GraphError {
    GraphError::with_reason(reason, message)
}

/// `inviteRedirectUrl`: an absolute https URL (or http on loopback), never a script or data URL;
/// with `restrictInviteRedirectUrls`, one of the tenant's redirect URIs or verified domains.
async fn check_redirect(
    app: &App,
    tenant: &Tenant,
    settings: &TenantSettings,
    url: Option<&str>,
) -> Result<String, GraphError> {
    let url = url
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| GraphError::bad_request("Property 'inviteRedirectUrl' is required."))?;
    let invalid = || {
        bad(
            "invalidRedirectUrl",
            format!("'{url}' is not an acceptable inviteRedirectUrl: use an absolute https URL."),
        )
    };
    let parsed = portico_model::redirect::check_target(url).map_err(|_| invalid())?;
    let host = parsed.host_str().ok_or_else(invalid)?.to_owned();
    if settings.collaboration.restrict_invite_redirect_urls {
        let domains_ok = tenant
            .domains()
            .any(|d| host == d.as_str() || host.ends_with(&format!(".{d}")));
        let registered = app
            .store()
            .list_applications(tenant.id)
            .await?
            .iter()
            .any(|a| a.redirect_uris.iter().any(|r| r.matches(url)));
        if !domains_ok && !registered {
            return Err(bad("invalidRedirectUrl", format!("'{url}' is neither a registered redirect URI nor in a verified domain of this organization (restrictInviteRedirectUrls is on).")));
        }
    }
    Ok(url.to_owned())
}

/// The guest UPN of `docs/decisions.md` 8: `{address with @ as _}[n]#EXT#@{initial domain}`.
fn guest_upn(address: &EmailAddress, tenant: &Tenant, suffix: u32) -> Option<Upn> {
    let local = address.as_str().replace('@', "_");
    let number = if suffix == 0 {
        String::new()
    } else {
        suffix.to_string()
    };
    Upn::parse(&format!("{local}{number}#EXT#@{}", tenant.initial_domain)).ok()
}

/// An invitation that passed checks 1–5, on its way to a guest.
struct Invitee<'a> {
    caller: &'a Caller,
    tenant: &'a Tenant,
    settings: &'a TenantSettings,
    request: &'a InvitationRequest,
    home: &'a HomeAccount,
    address: EmailAddress,
    user_type: UserType,
    redirect: String,
    cc: Vec<EmailAddress>,
}

/// The new guest object: pending acceptance, hidden from address lists, named by the request
/// (or the address's local part).
fn new_guest(
    id: ObjectId,
    invitee: &Invitee<'_>,
    proxies: Vec<ProxyAddress>,
    suffix: u32,
    now: DateTime<Utc>,
) -> Result<User, GraphError> {
    let (address, tenant) = (&invitee.address, invitee.tenant);
    let upn = guest_upn(address, tenant, suffix).ok_or_else(|| {
        bad(
            "invalidEmailAddress",
            format!("No user principal name can be made from {address}."),
        )
    })?;
    let display_name = invitee
        .request
        .invited_user_display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| address.local_part().to_owned());
    let mut user = User::member(id, upn.clone(), display_name, now);
    user.user_type = invitee.user_type;
    user.creation_type = Some(CreationType::Invitation);
    user.external_user_state = Some(ExternalUserState::PendingAcceptance);
    user.external_user_state_changed_at = Some(now);
    user.identities = vec![ObjectIdentity {
        sign_in_type: "userPrincipalName".into(),
        issuer: tenant.initial_domain.to_string(),
        issuer_assigned_id: upn.to_string(),
    }];
    user.mail = Some(address.clone());
    user.other_mails = vec![address.clone()];
    user.proxy_addresses = proxies;
    user.hidden_from_address_lists = true;
    Ok(user)
}

/// A new guest's commit failing: a taken UPN (try the next), a guest bound meanwhile, or a
/// proxy address another recipient holds.
fn create_error(error: StoreError, tenant: &Tenant) -> CreateError {
    match error {
        StoreError::Conflict(Conflict::UserPrincipalName(_)) => CreateError::UpnTaken,
        StoreError::Conflict(Conflict::Precondition(_)) => CreateError::AlreadyBound,
        StoreError::Conflict(Conflict::ProxyAddress(address)) => CreateError::Graph(bad(
            "proxyAddressConflict",
            format!(
                "{address} already belongs to another recipient of {}.",
                tenant.display_name
            ),
        )),
        other => CreateError::Graph(other.into()),
    }
}

/// A reset guest: pending acceptance again, signing in by its UPN until redeemed anew.
fn pending_again(guest: &mut User, tenant: &Tenant, address: &EmailAddress, now: DateTime<Utc>) {
    guest.external_user_state = Some(ExternalUserState::PendingAcceptance);
    guest.external_user_state_changed_at = Some(now);
    guest.identities = vec![ObjectIdentity {
        sign_in_type: "userPrincipalName".into(),
        issuer: tenant.initial_domain.to_string(),
        issuer_assigned_id: guest.user_principal_name.to_string(),
    }];
    if !guest.other_mails.contains(address) {
        guest.other_mails.push(address.clone());
    }
}

/// `invitedUserType`: Guest (the default) or Member.
fn invited_user_type(request: &InvitationRequest) -> Result<UserType, GraphError> {
    match request.invited_user_type.as_deref() {
        None => Ok(UserType::Guest),
        Some(t) if t.eq_ignore_ascii_case("Guest") => Ok(UserType::Guest),
        Some(t) if t.eq_ignore_ascii_case("Member") => Ok(UserType::Member),
        Some(other) => Err(GraphError::bad_request(format!(
            "Invalid value '{other}' for property 'invitedUserType': use 'Guest' or 'Member'."
        ))),
    }
}

/// The invited address and the (at most one) copied recipient.
fn invitation_addresses(
    request: &InvitationRequest,
) -> Result<(EmailAddress, Vec<EmailAddress>), GraphError> {
    let raw = request
        .invited_user_email_address
        .clone()
        .unwrap_or_default();
    let address = EmailAddress::parse(&raw).map_err(|_| bad("invalidEmailAddress", format!("'{raw}' is not a valid e-mail address. Check the address and send the invitation again.")))?;
    if request.cc_recipients.len() > 1 {
        return Err(GraphError::bad_request(
            "invitedUserMessageInfo.ccRecipients takes at most one recipient.",
        ));
    }
    let cc = request
        .cc_recipients
        .iter()
        .map(|c| {
            EmailAddress::parse(c).map_err(|_| {
                bad(
                    "invalidEmailAddress",
                    format!("'{c}' is not a valid e-mail address."),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((address, cc))
}

impl App {
    /// The redeem link: `{public URL}redeem?tenant={id}&ticket={ticket}`.
    fn redeem_url(&self, tenant: &Tenant, ticket: &str) -> String {
        format!(
            "{}redeem?tenant={}&ticket={ticket}",
            self.public_base(),
            tenant.id
        )
    }

    /// The sign-in link of a tenant (for guests who already accepted).
    pub fn tenant_link(&self, tenant: &Tenant) -> String {
        format!("{}{}", self.public_base(), tenant.id)
    }

    /// `POST /invitations`: the checks of `docs/decisions.md` 2 in order, then a new guest, a
    /// re-invitation of the guest the address's home account already has, or a reset.
    pub async fn invite(
        &self,
        caller: &Caller,
        request: InvitationRequest,
    ) -> Result<InvitationOutcome, GraphError> {
        let outcome = self.invite_checked(caller, request).await;
        if outcome.is_ok() {
            self.metrics().invitation_created();
        }
        outcome
    }

    async fn invite_checked(
        &self,
        caller: &Caller,
        request: InvitationRequest,
    ) -> Result<InvitationOutcome, GraphError> {
        let tenant_id = caller.tenant();
        let tenant = self
            .store()
            .find_tenant(tenant_id)
            .await?
            .ok_or_else(|| GraphError::Internal("tenant vanished".into()))?;
        let settings = self.store().get_settings(tenant_id).await?;
        let user_type = invited_user_type(&request)?;
        // 1. Who may invite.
        caller.require_inviter(&settings, user_type == UserType::Member)?;
        // 2. The request's shape, then the address.
        super::request_checks::check_request(&request)?;
        self.check_invitation_sponsors(caller, &request).await?;
        let (address, cc) = invitation_addresses(&request)?;
        let redirect = check_redirect(
            self,
            &tenant,
            &settings,
            request.invite_redirect_url.as_deref(),
        )
        .await?;
        if tenant.owns_domain(&address.domain()) {
            return Err(bad("internalAddress", format!("{address} is in a verified domain of {}: create a member user instead of inviting it.", tenant.display_name)));
        }
        // 3.–5. The address's kind, the collaboration restriction, the inbound setting.
        let home = self.invitee_home(&tenant, &settings, &address).await?;
        if request.reset_redemption {
            return self
                .reset_redemption(
                    caller, &tenant, &settings, request, address, home, redirect, cc,
                )
                .await;
        }
        let invitee = Invitee {
            caller,
            tenant: &tenant,
            settings: &settings,
            request: &request,
            home: &home,
            address,
            user_type,
            redirect,
            cc,
        };
        if let Some(outcome) = self.reinvite_if_bound(&invitee).await? {
            return Ok(outcome);
        }
        self.invite_new_guest(invitee).await
    }

    /// Checks 3–5: not a group's address, a domain the collaboration restriction permits, and
    /// the inbound cross-tenant setting for the invitee's home; the home account found.
    async fn invitee_home(
        &self,
        tenant: &Tenant,
        settings: &TenantSettings,
        address: &EmailAddress,
    ) -> Result<HomeAccount, GraphError> {
        if self.is_group_address(address).await? {
            return Err(bad("groupEmailNotSupported", format!("{address} is a group e-mail address. Only user accounts can be invited; invite a user account that belongs to the group instead.")));
        }
        if !settings
            .collaboration
            .domain_restriction
            .permits(&address.domain())
        {
            return Err(bad(
                "domainBlockedByCollaborationRestrictions",
                format!("Invitations to {} are blocked by {}'s collaboration restrictions (the domain allow/deny list). An administrator can change the external collaboration settings.", address.domain(), tenant.display_name),
            ));
        }
        let home = self.home_account_for(settings, address).await?;
        if let Some(denial) = self.inbound_refusal(tenant, &home).await? {
            return Err(GraphError::denied(
                "blockedByCrossTenantAccessPolicy",
                // Entra's words first, then which setting decided and who can change it.
                format!(
                    "This invitation is blocked by cross-tenant access settings. Admins in both your organization and the invited user's organization must configure cross-tenant access settings to allow the invitation. Decided by {}: {} {}",
                    denial.setting, denial.reason, denial.remediation
                ),
            ));
        }
        Ok(home)
    }

    /// The home account already has a guest here: invite that guest again.
    async fn reinvite_if_bound(
        &self,
        invitee: &Invitee<'_>,
    ) -> Result<Option<InvitationOutcome>, GraphError> {
        let (issuer, subject) = invitee.home.key();
        let tenant_id = invitee.tenant.id;
        let Some(binding) = self
            .store()
            .find_guest_by_home(tenant_id, &issuer, &subject)
            .await?
        else {
            return Ok(None);
        };
        let outcome = self
            .reinvite(
                invitee.caller,
                invitee.tenant,
                invitee.settings,
                binding.guest_id,
                invitee.address.clone(),
                invitee.redirect.clone(),
                invitee.request,
                invitee.cc.clone(),
            )
            .await?;
        Ok(Some(outcome))
    }

    /// Check 6 (the tenant's recipients, the mail-contact matrix of seed 003), then a new
    /// guest under the first free UPN; a concurrent invitation of the same person answers as a
    /// re-invitation.
    async fn invite_new_guest(
        &self,
        invitee: Invitee<'_>,
    ) -> Result<InvitationOutcome, GraphError> {
        let Some(proxies) = self.invitee_proxies(&invitee).await? else {
            // A concurrent invitation of the same person may have just created the guest.
            if let Some(outcome) = self.reinvite_if_bound(&invitee).await? {
                return Ok(outcome);
            }
            let address = &invitee.address;
            return Err(bad("proxyAddressConflict", format!("{address} already belongs to a user or group of {}. That person should sign in with their own account.", invitee.tenant.display_name)));
        };
        let mut last_error = None;
        for suffix in 0..5 {
            match self.create_invitee(&invitee, proxies.clone(), suffix).await {
                Ok(outcome) => return Ok(outcome),
                // Someone invited the same person at the same moment: answer as a re-invitation;
                // otherwise a different person holds the UPN and the next suffix is tried.
                Err(CreateError::UpnTaken | CreateError::AlreadyBound) => {
                    if let Some(outcome) = self.reinvite_if_bound(&invitee).await? {
                        return Ok(outcome);
                    }
                    last_error = Some(GraphError::Internal("binding vanished".into()));
                }
                Err(CreateError::Graph(error)) => return Err(error),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            bad(
                "proxyAddressConflict",
                format!(
                    "No free user principal name could be made for {}.",
                    invitee.address
                ),
            )
        }))
    }

    /// The new guest's proxy addresses; `None` when a user or group already holds the address.
    async fn invitee_proxies(
        &self,
        invitee: &Invitee<'_>,
    ) -> Result<Option<Vec<ProxyAddress>>, GraphError> {
        let address = &invitee.address;
        let guest = invitee.user_type == UserType::Guest;
        let owner = self
            .store()
            .find_proxy_owner(invitee.tenant.id, address)
            .await?;
        let proxies = match owner {
            None => vec![ProxyAddress::primary(address.clone())],
            Some((RecipientKind::Contact, _)) if guest => Vec::new(),
            Some((RecipientKind::Contact, _)) => {
                return Err(bad("proxyAddressConflict", format!("A mail contact in {} already uses {address}. Invite as a guest (the contact is kept), or remove the contact first.", invitee.tenant.display_name)));
            }
            Some(_) => return Ok(None),
        };
        Ok(Some(if guest { proxies } else { Vec::new() }))
    }

    fn expiry(&self, settings: &TenantSettings, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        settings
            .collaboration
            .invitation_lifetime_days
            .map(|days| now + Duration::days(i64::from(days)))
    }

    fn inviter_name(caller: &Caller) -> String {
        match &caller.user {
            Some(user) => user.display_name.clone(),
            None => caller
                .claims
                .raw
                .get("app_displayname")
                .and_then(|v| v.as_str())
                .unwrap_or("An administrator")
                .to_owned(),
        }
    }

    fn new_invitation(
        &self,
        settings: &TenantSettings,
        caller: &Caller,
        guest: &User,
        address: &EmailAddress,
        redirect: &str,
        status: InvitationStatus,
    ) -> Result<(Invitation, String), GraphError> {
        let ticket = self.random().secret();
        let now = self.now();
        let invitation = Invitation {
            id: self.random().object_id(),
            invited_user_id: guest.id,
            invited_email: address.clone(),
            invited_user_type: guest.user_type,
            invite_redirect_url: redirect.to_owned(),
            ticket_sha256_hex: digest_hex(&ticket),
            status,
            invited_by: caller.claims.oid,
            created_at: now,
            expires_at: self.expiry(settings, now),
            redeemed_at: None,
        };
        Ok((invitation, ticket))
    }

    fn mail_writes(
        &self,
        tenant: &Tenant,
        caller: &Caller,
        request: &InvitationRequest,
        to: &EmailAddress,
        cc: Vec<EmailAddress>,
        url: &str,
    ) -> Result<Vec<Write>, GraphError> {
        if !request.send_invitation_message {
            return Ok(Vec::new());
        }
        let inviter = Self::inviter_name(caller);
        let mail = InvitationMail {
            id: self.random().object_id(),
            language: super::request_checks::mail_language(request),
            tenant,
            inviter: &inviter,
            to: to.clone(),
            cc,
            custom_message: request.customized_message_body.as_deref(),
            redeem_url: url,
            now: self.now(),
        };
        let Some(message) = invitation_message(mail) else {
            return Ok(Vec::new());
        };
        let sealed = self
            .seal_mail(message)
            .map_err(|e| GraphError::Internal(e.to_string()))?;
        Ok(vec![Write::EnqueueMail(sealed)])
    }

    /// A new guest (user, binding, invitation, audit, mail and sponsors in one transaction)
    /// under the `suffix`th candidate UPN.
    async fn create_invitee(
        &self,
        invitee: &Invitee<'_>,
        proxies: Vec<ProxyAddress>,
        suffix: u32,
    ) -> Result<InvitationOutcome, CreateError> {
        let Invitee {
            caller,
            tenant,
            settings,
            request,
            address,
            ..
        } = invitee;
        let now = self.now();
        let user = new_guest(self.random().object_id(), invitee, proxies, suffix, now)
            .map_err(CreateError::Graph)?;
        let (invitation, ticket) = self
            .new_invitation(
                settings,
                caller,
                &user,
                address,
                &invitee.redirect,
                InvitationStatus::PendingAcceptance,
            )
            .map_err(CreateError::Graph)?;
        let url = self.redeem_url(tenant, &ticket);
        let mut writes = vec![
            Write::InsertUser(user.clone()),
            Write::PutGuestBinding(invitee.home.binding(user.id, false)),
            Write::InsertInvitation(invitation.clone()),
            self.directory_audit(
                caller,
                "UserManagement",
                "Invite external user",
                "User",
                user.id,
                &user.display_name,
            ),
        ];
        let cc = invitee.cc.clone();
        writes.extend(
            self.mail_writes(tenant, caller, request, address, cc.clone(), &url)
                .map_err(CreateError::Graph)?,
        );
        writes.extend(crate::directory::invitation_sponsor_writes(
            caller, user.id, request,
        ));
        let applied = self.store().apply(tenant.id, writes).await;
        applied.map_err(|error| create_error(error, tenant))?;
        self.mail_wakeup().notify_one();
        Ok(InvitationOutcome {
            invitation,
            user,
            invite_redeem_url: url,
            status: "PendingAcceptance",
            send_invitation_message: request.send_invitation_message,
            cc_recipients: cc,
            customized_message_body: request.customized_message_body.clone(),
        })
    }

    /// An invitation for someone who already has a guest here: no new object (`docs/decisions.md` 3).
    #[allow(clippy::too_many_arguments)]
    async fn reinvite(
        &self,
        caller: &Caller,
        tenant: &Tenant,
        settings: &TenantSettings,
        guest_id: ObjectId,
        address: EmailAddress,
        redirect: String,
        request: &InvitationRequest,
        cc: Vec<EmailAddress>,
    ) -> Result<InvitationOutcome, GraphError> {
        let mut guest = self.store().get_user(tenant.id, guest_id).await?;
        let mut writes = self.new_address(tenant, &mut guest, &address).await?;
        let accepted = guest.external_user_state == Some(ExternalUserState::Accepted)
            || guest.external_user_state.is_none();
        let (status, invitation, url) = if accepted {
            let (invitation, _) = self.new_invitation(
                settings,
                caller,
                &guest,
                &address,
                &redirect,
                InvitationStatus::Completed,
            )?;
            ("Completed", invitation, self.tenant_link(tenant))
        } else {
            writes.extend(self.superseded(tenant, guest.id).await?);
            let (invitation, ticket) = self.new_invitation(
                settings,
                caller,
                &guest,
                &address,
                &redirect,
                InvitationStatus::PendingAcceptance,
            )?;
            (
                "PendingAcceptance",
                invitation,
                self.redeem_url(tenant, &ticket),
            )
        };
        writes.push(Write::InsertInvitation(invitation.clone()));
        writes.push(self.directory_audit(
            caller,
            "UserManagement",
            "Invite external user",
            "User",
            guest.id,
            &guest.display_name,
        ));
        writes.extend(self.mail_writes(tenant, caller, request, &address, cc.clone(), &url)?);
        self.store().apply(tenant.id, writes).await?;
        self.mail_wakeup().notify_one();
        Ok(InvitationOutcome {
            invitation,
            user: guest,
            invite_redeem_url: url,
            status,
            send_invitation_message: request.send_invitation_message,
            cc_recipients: cc,
            customized_message_body: request.customized_message_body.clone(),
        })
    }

    /// A new address of the same home account joins otherMails and, when free, the proxies.
    async fn new_address(
        &self,
        tenant: &Tenant,
        guest: &mut User,
        address: &EmailAddress,
    ) -> Result<Vec<Write>, GraphError> {
        if guest.other_mails.contains(address) {
            return Ok(Vec::new());
        }
        guest.other_mails.push(address.clone());
        if guest.mail.as_ref() != Some(address)
            && !guest.proxy_addresses.is_empty()
            && self
                .store()
                .find_proxy_owner(tenant.id, address)
                .await?
                .is_none()
        {
            guest
                .proxy_addresses
                .push(ProxyAddress::secondary(address.clone()));
        }
        Ok(vec![addresses_patch(guest)])
    }

    /// The pending invitations of `guest_id`, superseded by a new one.
    async fn superseded(
        &self,
        tenant: &Tenant,
        guest_id: ObjectId,
    ) -> Result<Vec<Write>, GraphError> {
        let invitations = self
            .store()
            .list_invitations_for_user(tenant.id, guest_id)
            .await?;
        Ok(invitations
            .into_iter()
            .filter(|old| old.status == InvitationStatus::PendingAcceptance)
            .map(|old| {
                Write::UpdateInvitation(Invitation {
                    status: InvitationStatus::Superseded,
                    ..old
                })
            })
            .collect())
    }

    /// The guest a reset names (`invitedUser.id`), for administrators only.
    async fn guest_to_reset(
        &self,
        caller: &Caller,
        tenant: &Tenant,
        request: &InvitationRequest,
    ) -> Result<User, GraphError> {
        if !caller.administers_users() {
            return Err(GraphError::denied("resetRedemptionNotAllowed", "Only administrators (Global Administrator, User Administrator) can reset a guest's redemption."));
        }
        let id = request.invited_user_id.as_deref().ok_or_else(|| {
            GraphError::bad_request(
                "resetRedemption needs invitedUser.id: the guest whose redemption is reset.",
            )
        })?;
        let id = ObjectId::parse(id).map_err(|_| GraphError::NotFound(id.to_owned()))?;
        match self.store().get_user(tenant.id, id).await {
            Ok(user) => Ok(user),
            Err(StoreError::NotFound) => Err(GraphError::NotFound(id.to_string())),
            Err(other) => Err(other.into()),
        }
    }

    /// `resetRedemption`: the same object (id, groups, app assignments) goes back to pending and
    /// will be bound to whoever redeems the new invitation as the (possibly new) address.
    #[allow(clippy::too_many_arguments)]
    async fn reset_redemption(
        &self,
        caller: &Caller,
        tenant: &Tenant,
        settings: &TenantSettings,
        request: InvitationRequest,
        address: EmailAddress,
        home: HomeAccount,
        redirect: String,
        cc: Vec<EmailAddress>,
    ) -> Result<InvitationOutcome, GraphError> {
        let mut guest = self.guest_to_reset(caller, tenant, &request).await?;
        let now = self.now();
        pending_again(&mut guest, tenant, &address, now);
        let mut writes = vec![
            Write::DeleteGuestBinding { guest_id: guest.id },
            Write::RevokeUserTokens {
                user_id: guest.id,
                at: now,
            },
        ];
        writes.extend(self.superseded(tenant, guest.id).await?);
        let (invitation, ticket) = self.new_invitation(
            settings,
            caller,
            &guest,
            &address,
            &redirect,
            InvitationStatus::PendingAcceptance,
        )?;
        let url = self.redeem_url(tenant, &ticket);
        let changes = UserChanges {
            external_user_state: Some(guest.external_user_state),
            external_user_state_changed_at: Some(guest.external_user_state_changed_at),
            identities: Some(guest.identities.clone()),
            other_mails: Some(guest.other_mails.clone()),
            ..UserChanges::default()
        };
        writes.push(Write::PatchUser {
            id: guest.id,
            changes,
        });
        writes.push(Write::PutGuestBinding(home.binding(guest.id, false)));
        writes.push(Write::InsertInvitation(invitation.clone()));
        writes.push(self.directory_audit(
            caller,
            "UserManagement",
            "Reset redemption of external user",
            "User",
            guest.id,
            &guest.display_name,
        ));
        writes.extend(self.mail_writes(tenant, caller, &request, &address, cc.clone(), &url)?);
        if let Err(error) = self.store().apply(tenant.id, writes).await {
            return Err(match error {
                StoreError::Conflict(Conflict::Precondition(_)) => bad(
                    "proxyAddressConflict",
                    format!(
                        "Another guest of {} already stands for {address}.",
                        tenant.display_name
                    ),
                ),
                other => other.into(),
            });
        }
        self.mail_wakeup().notify_one();
        Ok(InvitationOutcome {
            invitation,
            user: guest,
            invite_redeem_url: url,
            status: "PendingAcceptance",
            send_invitation_message: request.send_invitation_message,
            cc_recipients: cc,
            customized_message_body: request.customized_message_body,
        })
    }
}

enum CreateError {
    UpnTaken,
    AlreadyBound,
    Graph(GraphError),
}

impl From<StoreError> for CreateError {
    fn from(error: StoreError) -> Self {
        Self::Graph(error.into())
    }
}

/// A re-invitation adds an address: only the address lists are written, so a concurrent change
/// to the guest (an administrator disabling it) is kept.
fn addresses_patch(guest: &User) -> Write {
    Write::PatchUser {
        id: guest.id,
        changes: UserChanges {
            other_mails: Some(guest.other_mails.clone()),
            proxy_addresses: Some(guest.proxy_addresses.clone()),
            ..UserChanges::default()
        },
    }
}
