//! The interactive sign-in as a state machine (the shape of kanidm's `AuthSession`). A state is
//! where the flow stands — a persisted [`FlowStep`], or [`State::Authenticated`] while the
//! policies decide — and [`advance`] is pure: from the state, what the browser sent and the
//! [`Facts`] the interpreter loaded (accounts, attempt claims, credential checks, the policy
//! verdict), it returns the [`Transition`]: the next page, completion with the writes to commit,
//! or failure with an error page. No store, no HTTP, no clock of its own; `interpreter.rs` does
//! the I/O.

use super::outcome::{inline, AgreementView, ErrorPage, InlineError, Page};
use crate::secrets::{constant_time_eq, digest_hex};
use chrono::{DateTime, Utc};
use portico_model::oauth::{FlowStep, GuestContinuation, HomeRef};
use portico_model::settings::DomainFederation;
use portico_model::user::User;
use portico_model::{ObjectId, TenantId};
use portico_store::Write;

/// Codes (MFA, one-time passcodes) one sign-in flow may try, all steps together.
pub(crate) const MAX_CODE_ATTEMPTS: u32 = 5;

/// The authentication method references, as tokens carry them.
pub(crate) mod amr {
    pub const PASSWORD: &str = "pwd";
    pub const PASSCODE: &str = "otp";
    pub const FEDERATED: &str = "fed";
}

/// Where a sign-in stands.
#[derive(Debug, Clone)]
pub(crate) enum State {
    /// A step the flow row keeps between pages.
    At(FlowStep),
    /// Credentials proved; the policies decide what follows (MFA, terms, consent, done).
    Authenticated(Box<Authenticated>),
}

/// Who proved themselves, how, and what to commit whatever the policies answer.
#[derive(Debug, Clone)]
pub(crate) struct Authenticated {
    pub who: Who,
    /// A guest's home sign-in (home account and its `amr`).
    pub guest: Option<GuestContinuation>,
    pub amr: Vec<String>,
    /// Saved with whatever comes next (an MFA registration, a new account).
    pub writes: Vec<Write>,
}

/// The account in the resource tenant: a member, or a guest's object.
#[derive(Debug, Clone)]
pub(crate) enum Who {
    /// An account in the store, loaded by the interpreter.
    Existing(ObjectId),
    /// An account created by this sign-in (self-service sign-up); its writes create it.
    New(Box<User>),
}

impl Who {
    pub(crate) fn id(&self) -> ObjectId {
        match self {
            Self::Existing(id) => *id,
            Self::New(user) => user.id,
        }
    }
}

/// What the browser (or an identity provider) sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    /// An account name.
    Login(String),
    /// A password; the interpreter checks it (Argon2) and reports in [`Loaded::Password`].
    Password,
    /// A verification code.
    Code(String),
    /// The sign-up page's new account.
    NewAccount,
    /// Accept (or decline) the terms of use or the permissions.
    Accept(bool),
    /// An external provider's answer at the callback.
    ProviderAnswer,
    /// The policies' verdict, for [`State::Authenticated`].
    Verdict,
}

/// What the interpreter loaded for one state and input.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// The resource tenant's name, as pages say it.
    pub organization: String,
    pub loaded: Loaded,
}

#[derive(Debug, Clone)]
pub(crate) enum Loaded {
    /// Nothing beyond the state and the input (terms, consent).
    Nothing,
    /// What an account name matched (`Identify`).
    Account(AccountMatch),
    /// A password check, of a member or of a guest's home account.
    Password(PasswordCheck),
    /// A code check (MFA here or at home, a passcode's attempt claims).
    Code(CodeCheck),
    /// The self-service sign-up: the new account and its writes, or what to fix.
    NewAccount(Result<(Box<User>, Vec<Write>), String>),
    /// The provider's verified answer: the address it asserts, or why it failed.
    Provider(Result<String, ErrorPage>),
    /// The policy engine's verdict on an [`Authenticated`] sign-in.
    Verdict(Verdict),
}

/// What an account name matched.
#[derive(Debug, Clone)]
pub(crate) enum AccountMatch {
    Member(Box<User>),
    /// A guest of this tenant whose home account signs in.
    Guest {
        guest_id: ObjectId,
        home: GuestHome,
    },
    /// No account; the tenant offers self-service sign-up for the address.
    SignUpOffered,
    /// Not an address a guest could have: ask again, not logged.
    NotAnAddress,
    /// No account by this name: ask again, logged.
    Unknown,
    /// An outside account that is no guest here (logged with `message`).
    NotAGuest {
        message: String,
    },
    /// The guest lookup refused with a page (an invitation for someone else, a dead link).
    Refused(ErrorPage),
}

/// Where a guest's home account proves itself.
#[derive(Debug, Clone)]
pub(crate) enum GuestHome {
    /// A Portico tenant's user: the home password.
    Tenant {
        tenant: TenantId,
        user: ObjectId,
        username: String,
    },
    /// An address no tenant owns (or no user of the tenant that owns it): a one-time passcode.
    Mail { address: String },
    /// A domain federated with an external provider.
    Federated {
        federation: DomainFederation,
        address: String,
    },
}

/// A credential check's claim on the counters, taken before the check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claimed {
    /// The check ran.
    Granted,
    /// Smart lockout: refused without looking at the credential.
    Locked,
    /// The flow's code attempts are spent.
    Spent,
}

#[derive(Debug, Clone)]
pub(crate) struct PasswordCheck {
    pub claimed: Claimed,
    pub correct: bool,
    /// The account (a guest's home account) and whether it is enabled.
    pub username: String,
    pub enabled: bool,
    /// A guest's home tenant; `None` for a member, or when the home tenant no longer exists.
    pub home: Option<HomeFacts>,
}

#[derive(Debug, Clone)]
pub(crate) struct HomeFacts {
    pub name: String,
    /// The authenticator the home tenant's security defaults require, if they do.
    pub mfa: Option<HomeMfa>,
}

/// The home tenant requires MFA: a challenge, or a registration with a new secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HomeMfa {
    Challenge,
    /// The secret shown once and its sealed form, kept by the flow.
    Register {
        plain: String,
        sealed: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct CodeCheck {
    pub claimed: Claimed,
    /// Whether the code was right (and its time step claimed); a passcode is checked by the
    /// machine itself against the flow's digest.
    pub correct: bool,
    /// The attempts the flow had used before this one.
    pub used: u32,
    /// The page to show again: the username, and a registration's secret opened.
    pub username: String,
    pub secret: Option<String>,
    /// Writes a right code brings (the method saved, the lockout claim refunded).
    pub writes: Vec<Write>,
}

/// The policy engine's answer, as the machine needs it.
#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    pub decision: Decided,
    /// The name the pages greet (a guest's address, a member's UPN).
    pub username: String,
    /// The device state the sign-in proved, for a member's `amr`.
    pub device_markers: Vec<String>,
    /// A guest whose invitation is pending, or a redeem link: review permissions first, unless
    /// both tenants redeem automatically.
    pub consent: Consent,
}

/// Whether a guest reviews the resource tenant's permissions before the invitation is redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Consent {
    /// Nothing to redeem.
    NotNeeded,
    /// The consent page.
    Ask,
    /// Automatic redemption: the home tenant's outbound and the resource tenant's inbound
    /// cross-tenant settings consent for the user, so the invitation is redeemed without asking.
    Automatic,
}

#[derive(Debug, Clone)]
pub(crate) enum Decided {
    Allow,
    Deny(ErrorPage),
    ChallengeMfa,
    /// A new authenticator secret: shown once, and sealed for the flow.
    RegisterMfa {
        plain: String,
        sealed: String,
    },
    AcceptTerms {
        terms: Vec<ObjectId>,
        agreements: Vec<AgreementView>,
    },
}

/// A failed attempt's log row: about whom, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub subject: Subject,
    pub code: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subject {
    /// The state's account in this tenant (with the client's address when `with_ip`).
    Account { with_ip: bool },
    /// An account name that matched no user.
    Unknown(String),
    /// A guest: rows in the resource tenant and the home tenant.
    Guest,
}

/// What the interpreter does next.
#[derive(Debug, Clone)]
pub(crate) enum Transition {
    /// Show `page` (with an inline error); `next` is the step to save (`None`: the flow row is
    /// not written); `writes` and the `log` row are committed with it.
    Show {
        next: Option<FlowStep>,
        page: Page,
        error: Option<InlineError>,
        writes: Vec<Write>,
        log: Option<Failure>,
    },
    /// Credentials proved: ask the policies, then [`advance`] from [`State::Authenticated`].
    /// `terms` were just accepted: recorded before the policies decide again.
    Authenticate {
        who: Box<Authenticated>,
        terms: Vec<ObjectId>,
    },
    /// Mail a one-time passcode to a guest's address (the passcode state follows).
    SendPasscode { guest_id: ObjectId, address: String },
    /// Send the browser to a guest's external identity provider.
    Federate {
        guest_id: ObjectId,
        federation: Box<DomainFederation>,
        address: String,
    },
    /// The guest accepted: redeem the invitation, decide again, and finish.
    Redeem {
        guest_id: ObjectId,
        home: HomeRef,
        amr: Vec<String>,
    },
    /// Done: issue the code and the session for `amr`, committing the writes.
    Complete {
        who: Box<Authenticated>,
        amr: Vec<String>,
    },
    /// The policies refused: end the flow (committing `writes`) and log the refusal.
    Refuse { page: ErrorPage, writes: Vec<Write> },
    /// The sign-in cannot go on: show `page`, ending the flow when `end` says so.
    Fail {
        page: ErrorPage,
        end: bool,
        log: Option<Failure>,
    },
}

impl Transition {
    fn show(page: Page, error: Option<InlineError>) -> Self {
        Self::Show {
            next: None,
            page,
            error,
            writes: Vec::new(),
            log: None,
        }
    }

    fn next(step: FlowStep, page: Page, writes: Vec<Write>) -> Self {
        Self::Show {
            next: Some(step),
            page,
            error: None,
            writes,
            log: None,
        }
    }

    fn fail(page: ErrorPage) -> Self {
        Self::Fail {
            page,
            end: false,
            log: None,
        }
    }

    fn end(page: ErrorPage) -> Self {
        Self::Fail {
            page,
            end: true,
            log: None,
        }
    }

    /// The same move, with a log row of the failure.
    fn logged(mut self, subject: Subject, (code, message): InlineError) -> Self {
        let failure = Some(Failure {
            subject,
            code,
            message,
        });
        if let Self::Show { log, .. } | Self::Fail { log, .. } = &mut self {
            *log = failure;
        }
        self
    }

    fn authenticate(who: Who, guest: Option<GuestContinuation>, amr: &[&str]) -> Self {
        Self::Authenticate {
            who: Box::new(Authenticated {
                who,
                guest,
                amr: amr.iter().map(|a| (*a).to_owned()).collect(),
                writes: Vec::new(),
            }),
            terms: Vec::new(),
        }
    }
}

/// The next move from `state`, given what the browser sent and the facts loaded for it.
pub(crate) fn advance(
    state: &State,
    input: &Input,
    facts: &Facts,
    now: DateTime<Utc>,
) -> Transition {
    let org = facts.organization.as_str();
    match (state, input, &facts.loaded) {
        (State::At(FlowStep::Identify), Input::Login(login), Loaded::Account(found)) => {
            identify(login.trim(), found, org)
        }
        (State::At(FlowStep::Password { user_id }), Input::Password, Loaded::Password(check)) => {
            member_password(*user_id, check, org)
        }
        (State::At(FlowStep::SignUp { email }), Input::NewAccount, Loaded::NewAccount(made)) => {
            sign_up(email, made)
        }
        (State::At(step @ FlowStep::HomePassword { .. }), Input::Password, Loaded::Password(c)) => {
            home_password(step, c, org)
        }
        (State::At(step @ FlowStep::HomeMfa { .. }), Input::Code(_), Loaded::Code(check)) => {
            home_mfa(step, check)
        }
        (
            State::At(step @ FlowStep::OneTimePasscode { .. }),
            Input::Code(code),
            Loaded::Code(check),
        ) => passcode(step, code, check, now),
        (
            State::At(step @ FlowStep::Federated { .. }),
            Input::ProviderAnswer,
            Loaded::Provider(r),
        ) => federated(step, r),
        (
            State::At(step @ (FlowStep::RegisterMfa { .. } | FlowStep::ChallengeMfa { .. })),
            Input::Code(_),
            Loaded::Code(check),
        ) => mfa(step, check),
        (State::At(step @ FlowStep::AcceptTerms { .. }), Input::Accept(yes), _) => {
            terms(step, *yes, org)
        }
        (State::At(step @ FlowStep::Consent { .. }), Input::Accept(yes), _) => consent(step, *yes),
        (State::Authenticated(who), Input::Verdict, Loaded::Verdict(verdict)) => {
            decide(who, verdict, org)
        }
        // A form for another step than the flow's (an old tab, a replay).
        _ => Transition::fail(ErrorPage::expired()),
    }
}

fn identify(login: &str, found: &AccountMatch, org: &str) -> Transition {
    let ask_again = || Page::Identify {
        login_hint: Some(login.to_owned()),
    };
    match found {
        AccountMatch::Member(user) => Transition::next(
            FlowStep::Password { user_id: user.id },
            Page::Password {
                username: user.user_principal_name.to_string(),
            },
            Vec::new(),
        ),
        AccountMatch::Guest { guest_id, home } => guest_home(*guest_id, home),
        AccountMatch::SignUpOffered => Transition::next(
            FlowStep::SignUp {
                email: login.to_owned(),
            },
            Page::SignUp {
                email: login.to_owned(),
            },
            Vec::new(),
        ),
        AccountMatch::NotAnAddress => {
            Transition::show(ask_again(), Some(inline::unknown_username()))
        }
        AccountMatch::Unknown => Transition::show(ask_again(), Some(inline::unknown_username()))
            .logged(
                Subject::Unknown(login.to_owned()),
                inline::unknown_username(),
            ),
        AccountMatch::NotAGuest { message } => {
            Transition::fail(ErrorPage::not_a_guest(message.clone(), login, org))
                .logged(Subject::Unknown(login.to_owned()), (50020, message.clone()))
        }
        AccountMatch::Refused(page) => Transition::fail(page.clone()),
    }
}

fn guest_home(guest_id: ObjectId, home: &GuestHome) -> Transition {
    match home {
        GuestHome::Tenant {
            tenant,
            user,
            username,
        } => Transition::next(
            FlowStep::HomePassword {
                guest_id,
                home_tenant: *tenant,
                home_user: *user,
            },
            Page::Password {
                username: username.clone(),
            },
            Vec::new(),
        ),
        GuestHome::Mail { address } => Transition::SendPasscode {
            guest_id,
            address: address.clone(),
        },
        GuestHome::Federated {
            federation,
            address,
        } => Transition::Federate {
            guest_id,
            federation: Box::new(federation.clone()),
            address: address.clone(),
        },
    }
}

fn member_password(user_id: ObjectId, check: &PasswordCheck, org: &str) -> Transition {
    let again = || Page::Password {
        username: check.username.clone(),
    };
    let account = |with_ip| Subject::Account { with_ip };
    match (check.claimed, check.correct, check.enabled) {
        (Claimed::Locked | Claimed::Spent, ..) => Transition::show(again(), Some(inline::locked()))
            .logged(account(true), inline::locked()),
        (Claimed::Granted, false, _) => Transition::show(again(), Some(inline::wrong_password()))
            .logged(account(false), inline::wrong_password()),
        (Claimed::Granted, true, false) => {
            let disabled = crate::tokens::errors::OAuthError::account_disabled();
            Transition::end(ErrorPage::account_disabled(org))
                .logged(account(false), (disabled.code, disabled.message))
        }
        (Claimed::Granted, true, true) => {
            Transition::authenticate(Who::Existing(user_id), None, &[amr::PASSWORD])
        }
    }
}

fn sign_up(email: &str, made: &Result<(Box<User>, Vec<Write>), String>) -> Transition {
    match made {
        Ok((user, writes)) => Transition::Authenticate {
            who: Box::new(Authenticated {
                who: Who::New(user.clone()),
                guest: None,
                amr: vec![amr::PASSWORD.to_owned()],
                writes: writes.clone(),
            }),
            terms: Vec::new(),
        },
        Err(problem) => Transition::show(
            Page::SignUp {
                email: email.to_owned(),
            },
            Some((9002313, problem.clone())),
        ),
    }
}

fn home_password(step: &FlowStep, check: &PasswordCheck, org: &str) -> Transition {
    let FlowStep::HomePassword {
        guest_id,
        home_tenant,
        home_user,
    } = step
    else {
        return Transition::fail(ErrorPage::expired());
    };
    let Some(home) = &check.home else {
        return Transition::fail(ErrorPage::invalid_link());
    };
    let username = check.username.clone();
    let again = || Page::Password {
        username: username.clone(),
    };
    match (check.claimed, check.correct, check.enabled, &home.mfa) {
        (Claimed::Locked | Claimed::Spent, ..) => Transition::show(again(), Some(inline::locked()))
            .logged(Subject::Guest, inline::locked()),
        (Claimed::Granted, false, ..) => Transition::show(again(), Some(inline::wrong_password()))
            .logged(Subject::Guest, inline::wrong_password()),
        (Claimed::Granted, true, false, _) => {
            let why = "The user account is disabled in the home tenant.";
            Transition::fail(ErrorPage::home_account_disabled(&home.name, org))
                .logged(Subject::Guest, (50057, why.to_owned()))
        }
        (Claimed::Granted, true, true, Some(mfa)) => {
            let (page, register_secret) = match mfa {
                HomeMfa::Challenge => (Page::ChallengeMfa { username }, None),
                HomeMfa::Register { plain, sealed } => (
                    Page::RegisterMfa {
                        username,
                        secret_base32: plain.clone(),
                    },
                    Some(sealed.clone()),
                ),
            };
            let step = FlowStep::HomeMfa {
                guest_id: *guest_id,
                home_tenant: *home_tenant,
                home_user: *home_user,
                register_secret,
            };
            Transition::next(step, page, Vec::new())
        }
        (Claimed::Granted, true, true, None) => {
            let home = HomeRef::Tenant {
                tenant_id: *home_tenant,
                user_id: *home_user,
            };
            guest_proved(*guest_id, home, &[amr::PASSWORD], Vec::new())
        }
    }
}

/// A guest's home account proved itself: the policies of both tenants decide next.
fn guest_proved(guest_id: ObjectId, home: HomeRef, amr: &[&str], writes: Vec<Write>) -> Transition {
    let amr: Vec<String> = amr.iter().map(|a| (*a).to_owned()).collect();
    Transition::Authenticate {
        who: Box::new(Authenticated {
            who: Who::Existing(guest_id),
            guest: Some(GuestContinuation {
                home,
                amr: amr.clone(),
            }),
            amr,
            writes,
        }),
        terms: Vec::new(),
    }
}

/// A wrong code: the page again with `error`, or the end when that was the flow's last attempt.
fn wrong_code(check: &CodeCheck, page: Page, error: InlineError) -> Transition {
    if check.used + 1 >= MAX_CODE_ATTEMPTS {
        return Transition::end(ErrorPage::too_many_codes());
    }
    Transition::show(page, Some(error))
}

fn home_mfa(step: &FlowStep, check: &CodeCheck) -> Transition {
    let FlowStep::HomeMfa {
        guest_id,
        home_tenant,
        home_user,
        ..
    } = step
    else {
        return Transition::fail(ErrorPage::expired());
    };
    let page = mfa_page(check);
    match (check.claimed, check.correct) {
        (Claimed::Spent, _) => Transition::end(ErrorPage::too_many_codes()),
        (Claimed::Locked, _) => Transition::show(page, Some(inline::locked())),
        (Claimed::Granted, false) => wrong_code(check, page, inline::wrong_code()),
        // The authenticator belongs to the home tenant: the interpreter saves it there.
        (Claimed::Granted, true) => {
            let home = HomeRef::Tenant {
                tenant_id: *home_tenant,
                user_id: *home_user,
            };
            let amr = [amr::PASSWORD, crate::sign_in_policy::AMR_HOME_MFA];
            guest_proved(*guest_id, home, &amr, Vec::new())
        }
    }
}

/// The MFA page again: a registration shows its secret once more.
fn mfa_page(check: &CodeCheck) -> Page {
    let username = check.username.clone();
    match &check.secret {
        Some(secret) => Page::RegisterMfa {
            username,
            secret_base32: secret.clone(),
        },
        None => Page::ChallengeMfa { username },
    }
}

fn passcode(step: &FlowStep, code: &str, check: &CodeCheck, now: DateTime<Utc>) -> Transition {
    let FlowStep::OneTimePasscode {
        guest_id,
        address,
        code_sha256_hex,
        expires_at,
    } = step
    else {
        return Transition::fail(ErrorPage::expired());
    };
    let page = Page::Passcode {
        address: address.clone(),
    };
    match check.claimed {
        Claimed::Spent => return Transition::end(ErrorPage::too_many_codes()),
        Claimed::Locked => return Transition::show(page, Some(inline::locked())),
        Claimed::Granted => {}
    }
    if now >= *expires_at {
        return Transition::end(ErrorPage::passcode_expired());
    }
    if !constant_time_eq(&digest_hex(code.trim()), code_sha256_hex) {
        return wrong_code(check, page, inline::wrong_passcode());
    }
    let home = HomeRef::Mail {
        address: address.clone(),
    };
    guest_proved(*guest_id, home, &[amr::PASSCODE], check.writes.clone())
}

fn federated(step: &FlowStep, answer: &Result<String, ErrorPage>) -> Transition {
    let FlowStep::Federated {
        guest_id,
        issuer,
        address,
        ..
    } = step
    else {
        return Transition::fail(ErrorPage::expired());
    };
    match answer {
        Err(page) => Transition::fail(page.clone()),
        Ok(asserted) if !asserted.eq_ignore_ascii_case(address) => {
            Transition::fail(ErrorPage::signed_in_as_someone_else(asserted, address))
        }
        Ok(_) => {
            let home = HomeRef::Federated {
                issuer: issuer.clone(),
                address: address.clone(),
            };
            guest_proved(
                *guest_id,
                home,
                &[amr::PASSWORD, amr::FEDERATED],
                Vec::new(),
            )
        }
    }
}

/// MFA in the resource tenant (register or challenge), for members and guests alike.
fn mfa(step: &FlowStep, check: &CodeCheck) -> Transition {
    let (user_id, guest) = match step {
        FlowStep::RegisterMfa { user_id, guest, .. }
        | FlowStep::ChallengeMfa { user_id, guest } => (*user_id, guest),
        _ => return Transition::fail(ErrorPage::expired()),
    };
    let page = mfa_page(check);
    let account = |with_ip| Subject::Account { with_ip };
    match (check.claimed, check.correct) {
        (Claimed::Spent, _) => Transition::end(ErrorPage::too_many_codes()),
        (Claimed::Locked, _) => {
            Transition::show(page, Some(inline::locked())).logged(account(true), inline::locked())
        }
        (Claimed::Granted, false) => wrong_code(check, page, inline::wrong_code())
            .logged(account(false), inline::wrong_code()),
        (Claimed::Granted, true) => {
            let mut amr = match guest {
                Some(guest) => guest.amr.clone(),
                None => vec![amr::PASSWORD.to_owned()],
            };
            if !amr.iter().any(|a| a == crate::sign_in_policy::AMR_MFA) {
                amr.push(crate::sign_in_policy::AMR_MFA.to_owned());
            }
            let guest = guest.clone().map(|g| GuestContinuation {
                amr: amr.clone(),
                ..g
            });
            Transition::Authenticate {
                who: Box::new(Authenticated {
                    who: Who::Existing(user_id),
                    guest,
                    amr,
                    writes: check.writes.clone(),
                }),
                terms: Vec::new(),
            }
        }
    }
}

fn terms(step: &FlowStep, accepted: bool, org: &str) -> Transition {
    let FlowStep::AcceptTerms {
        user_id,
        terms,
        amr,
        guest,
    } = step
    else {
        return Transition::fail(ErrorPage::expired());
    };
    if !accepted {
        return Transition::end(ErrorPage::terms_declined(org));
    }
    Transition::Authenticate {
        who: Box::new(Authenticated {
            who: Who::Existing(*user_id),
            guest: guest.clone(),
            amr: amr.clone(),
            writes: Vec::new(),
        }),
        terms: terms.clone(),
    }
}

fn consent(step: &FlowStep, accepted: bool) -> Transition {
    let FlowStep::Consent {
        guest_id,
        home,
        amr,
    } = step
    else {
        return Transition::fail(ErrorPage::expired());
    };
    if !accepted {
        return Transition::end(ErrorPage::consent_declined());
    }
    Transition::Redeem {
        guest_id: *guest_id,
        home: home.clone(),
        amr: amr.clone(),
    }
}

/// The policies' verdict on an authenticated sign-in.
fn decide(who: &Authenticated, verdict: &Verdict, org: &str) -> Transition {
    let user_id = who.who.id();
    let guest = who.guest.clone();
    let writes = who.writes.clone();
    let username = verdict.username.clone();
    let (step, page) = match &verdict.decision {
        Decided::Deny(page) => {
            return Transition::Refuse {
                page: page.clone(),
                writes,
            }
        }
        Decided::Allow => return allowed(who, verdict, org),
        Decided::ChallengeMfa => (
            FlowStep::ChallengeMfa { user_id, guest },
            Page::ChallengeMfa { username },
        ),
        Decided::RegisterMfa { plain, sealed } => (
            FlowStep::RegisterMfa {
                user_id,
                secret_base32: sealed.clone(),
                guest,
            },
            Page::RegisterMfa {
                username,
                secret_base32: plain.clone(),
            },
        ),
        Decided::AcceptTerms { terms, agreements } => (
            FlowStep::AcceptTerms {
                user_id,
                terms: terms.clone(),
                amr: who.amr.clone(),
                guest,
            },
            Page::Terms {
                agreements: agreements.clone(),
            },
        ),
    };
    Transition::next(step, page, writes)
}

/// Allowed: a member is done (with the device state proved); a guest whose invitation is
/// pending reviews permissions first.
fn allowed(who: &Authenticated, verdict: &Verdict, org: &str) -> Transition {
    match &who.guest {
        None => {
            let mut amr = who.amr.clone();
            for marker in &verdict.device_markers {
                if !amr.contains(marker) {
                    amr.push(marker.clone());
                }
            }
            Transition::Complete {
                who: Box::new(who.clone()),
                amr,
            }
        }
        Some(guest) if verdict.consent == Consent::Automatic => Transition::Redeem {
            guest_id: who.who.id(),
            home: guest.home.clone(),
            amr: guest.amr.clone(),
        },
        Some(guest) if verdict.consent == Consent::Ask => Transition::next(
            FlowStep::Consent {
                guest_id: who.who.id(),
                home: guest.home.clone(),
                amr: guest.amr.clone(),
            },
            Page::Consent {
                organization: org.to_owned(),
                username: verdict.username.clone(),
            },
            who.writes.clone(),
        ),
        Some(guest) => Transition::Complete {
            who: Box::new(who.clone()),
            amr: guest.amr.clone(),
        },
    }
}

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;
