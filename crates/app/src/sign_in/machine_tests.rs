//! The sign-in machine, state by state: every state and each of its transitions, with facts
//! written out — no store, no HTTP, no clock.

use super::*;
use chrono::TimeZone;
use portico_model::Upn;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap()
}

fn id(n: u128) -> ObjectId {
    ObjectId::from_uuid(uuid::Uuid::from_u128(n))
}

fn tenant_id(n: u128) -> TenantId {
    TenantId::from_uuid(uuid::Uuid::from_u128(n))
}

fn alice() -> User {
    let upn = Upn::parse("alice@contoso.com").unwrap();
    User::member(id(1), upn, "Alice".into(), now())
}

fn facts(loaded: Loaded) -> Facts {
    Facts {
        organization: "Contoso".into(),
        loaded,
    }
}

fn at(step: FlowStep, input: Input, loaded: Loaded) -> Transition {
    advance(&State::At(step), &input, &facts(loaded), now())
}

/// The page shown, the step saved (if any), the inline error code and the log row's code.
fn shown(t: &Transition) -> (Page, Option<FlowStep>, Option<u32>, Option<u32>) {
    match t {
        Transition::Show {
            next,
            page,
            error,
            log,
            ..
        } => (
            page.clone(),
            next.clone(),
            error.as_ref().map(|e| e.0),
            log.as_ref().map(|l| l.code),
        ),
        other => panic!("expected a page, got {other:?}"),
    }
}

/// The error page's code, whether the flow ends, and the log row's code.
fn failed(t: &Transition) -> (u32, bool, Option<u32>) {
    match t {
        Transition::Fail { page, end, log } => (page.code, *end, log.as_ref().map(|l| l.code)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn authenticated(t: &Transition) -> &Authenticated {
    match t {
        Transition::Authenticate { who, .. } => who,
        other => panic!("expected authentication, got {other:?}"),
    }
}

fn amr_of(who: &Authenticated) -> Vec<&str> {
    who.amr.iter().map(String::as_str).collect()
}

// --- identify --------------------------------------------------------------------------------

fn identify(found: AccountMatch) -> Transition {
    let login = Input::Login(" bob@fabrikam.com ".into());
    at(FlowStep::Identify, login, Loaded::Account(found))
}

#[test]
fn identify_a_member_asks_for_the_password() {
    let (page, next, error, log) = shown(&identify(AccountMatch::Member(Box::new(alice()))));
    assert_eq!(
        page,
        Page::Password {
            username: "alice@contoso.com".into()
        }
    );
    assert_eq!(next, Some(FlowStep::Password { user_id: id(1) }));
    assert_eq!((error, log), (None, None));
}

#[test]
fn identify_a_guest_goes_to_the_home_account() {
    let home = GuestHome::Tenant {
        tenant: tenant_id(7),
        user: id(8),
        username: "bob@fabrikam.com".into(),
    };
    let t = identify(AccountMatch::Guest {
        guest_id: id(2),
        home,
    });
    let (page, next, ..) = shown(&t);
    assert_eq!(
        page,
        Page::Password {
            username: "bob@fabrikam.com".into()
        }
    );
    assert_eq!(
        next,
        Some(FlowStep::HomePassword {
            guest_id: id(2),
            home_tenant: tenant_id(7),
            home_user: id(8)
        })
    );
    let mail = GuestHome::Mail {
        address: "bob@gmail.com".into(),
    };
    let t = identify(AccountMatch::Guest {
        guest_id: id(2),
        home: mail,
    });
    assert!(
        matches!(t, Transition::SendPasscode { guest_id, ref address } if guest_id == id(2) && address == "bob@gmail.com")
    );
    let federation = DomainFederation {
        domain: portico_model::DomainName::parse("fabrikam.com").unwrap(),
        issuer: "https://idp.example".into(),
        client_id: "portico".into(),
        client_secret: "sealed:x".into(),
    };
    let federated = GuestHome::Federated {
        federation,
        address: "bob@fabrikam.com".into(),
    };
    let t = identify(AccountMatch::Guest {
        guest_id: id(2),
        home: federated,
    });
    assert!(
        matches!(t, Transition::Federate { ref federation, .. } if federation.issuer == "https://idp.example")
    );
}

#[test]
fn identify_offers_sign_up_with_the_trimmed_address() {
    let (page, next, ..) = shown(&identify(AccountMatch::SignUpOffered));
    assert_eq!(
        page,
        Page::SignUp {
            email: "bob@fabrikam.com".into()
        }
    );
    assert_eq!(
        next,
        Some(FlowStep::SignUp {
            email: "bob@fabrikam.com".into()
        })
    );
}

#[test]
fn identify_an_unknown_name_asks_again_and_logs_only_real_attempts() {
    let (page, next, error, log) = shown(&identify(AccountMatch::Unknown));
    assert!(matches!(page, Page::Identify { login_hint: Some(ref h) } if h == "bob@fabrikam.com"));
    assert_eq!((next, error, log), (None, Some(50034), Some(50034)));
    let (_, next, error, log) = shown(&identify(AccountMatch::NotAnAddress));
    assert_eq!((next, error, log), (None, Some(50034), None));
}

#[test]
fn identify_an_outsider_who_is_no_guest_fails_logged_and_refusals_fail_as_given() {
    let message = "User account 'bob@fabrikam.com' … does not exist".to_owned();
    let t = identify(AccountMatch::NotAGuest { message });
    assert_eq!(failed(&t), (50020, false, Some(50020)));
    let t = identify(AccountMatch::Refused(ErrorPage::invalid_link()));
    assert_eq!(failed(&t), (90075, false, None));
}

// --- password (member) -----------------------------------------------------------------------

fn password(claimed: Claimed, correct: bool, enabled: bool) -> Transition {
    let check = PasswordCheck {
        claimed,
        correct,
        username: "alice@contoso.com".into(),
        enabled,
        home: None,
    };
    let step = FlowStep::Password { user_id: id(1) };
    at(step, Input::Password, Loaded::Password(check))
}

#[test]
fn password_transitions() {
    // (claim, right, enabled) → page error and log, or failure, or authenticated.
    let (_, next, error, log) = shown(&password(Claimed::Locked, true, true));
    assert_eq!((next, error, log), (None, Some(50053), Some(50053)));
    let (_, next, error, log) = shown(&password(Claimed::Granted, false, true));
    assert_eq!((next, error, log), (None, Some(50126), Some(50126)));
    assert_eq!(
        failed(&password(Claimed::Granted, true, false)),
        (50057, true, Some(50057))
    );
    let t = password(Claimed::Granted, true, true);
    let who = authenticated(&t);
    assert_eq!(who.who.id(), id(1));
    assert!(who.guest.is_none());
    assert_eq!(amr_of(who), ["pwd"]);
}

#[test]
fn a_locked_password_log_row_carries_the_address() {
    let Transition::Show { log: Some(log), .. } = password(Claimed::Locked, false, true) else {
        panic!("a page");
    };
    assert_eq!(log.subject, Subject::Account { with_ip: true });
}

// --- sign-up ---------------------------------------------------------------------------------

#[test]
fn sign_up_transitions() {
    let step = || FlowStep::SignUp {
        email: "new@contoso.com".into(),
    };
    let made = Loaded::NewAccount(Ok((Box::new(alice()), Vec::new())));
    let t = at(step(), Input::NewAccount, made);
    let who = authenticated(&t);
    assert!(matches!(who.who, Who::New(_)));
    assert_eq!(amr_of(who), ["pwd"]);
    let problem = Loaded::NewAccount(Err("Enter your name.".into()));
    let (page, next, error, _) = shown(&at(step(), Input::NewAccount, problem));
    assert!(matches!(page, Page::SignUp { .. }));
    assert_eq!((next, error), (None, Some(9002313)));
}

// --- home password (guests) ------------------------------------------------------------------

fn home_step() -> FlowStep {
    FlowStep::HomePassword {
        guest_id: id(2),
        home_tenant: tenant_id(7),
        home_user: id(8),
    }
}

fn home_password(
    claimed: Claimed,
    correct: bool,
    enabled: bool,
    mfa: Option<HomeMfa>,
) -> Transition {
    let check = PasswordCheck {
        claimed,
        correct,
        username: "bob@fabrikam.com".into(),
        enabled,
        home: Some(HomeFacts {
            name: "Fabrikam".into(),
            mfa,
        }),
    };
    at(home_step(), Input::Password, Loaded::Password(check))
}

#[test]
fn home_password_transitions() {
    let (_, _, error, log) = shown(&home_password(Claimed::Locked, true, true, None));
    assert_eq!((error, log), (Some(50053), Some(50053)));
    let (_, _, error, log) = shown(&home_password(Claimed::Granted, false, true, None));
    assert_eq!((error, log), (Some(50126), Some(50126)));
    let disabled = home_password(Claimed::Granted, true, false, None);
    assert_eq!(failed(&disabled), (50057, false, Some(50057)));
    let Transition::Fail { log: Some(log), .. } = disabled else {
        panic!("a failure");
    };
    assert_eq!(log.subject, Subject::Guest);
    let t = home_password(Claimed::Granted, true, true, None);
    let who = authenticated(&t);
    assert_eq!(who.who.id(), id(2));
    let guest = who.guest.as_ref().unwrap();
    assert_eq!(
        guest.home,
        HomeRef::Tenant {
            tenant_id: tenant_id(7),
            user_id: id(8)
        }
    );
    assert_eq!(amr_of(who), ["pwd"]);
}

#[test]
fn home_password_then_home_mfa_when_the_home_tenant_requires_it() {
    let (page, next, ..) = shown(&home_password(
        Claimed::Granted,
        true,
        true,
        Some(HomeMfa::Challenge),
    ));
    assert!(matches!(page, Page::ChallengeMfa { .. }));
    assert!(matches!(
        next,
        Some(FlowStep::HomeMfa {
            register_secret: None,
            ..
        })
    ));
    let register = HomeMfa::Register {
        plain: "JBSWY3DP".into(),
        sealed: "sealed:abc".into(),
    };
    let (page, next, ..) = shown(&home_password(Claimed::Granted, true, true, Some(register)));
    assert!(
        matches!(page, Page::RegisterMfa { ref secret_base32, .. } if secret_base32 == "JBSWY3DP")
    );
    assert!(
        matches!(next, Some(FlowStep::HomeMfa { register_secret: Some(ref s), .. }) if s == "sealed:abc")
    );
}

#[test]
fn home_password_of_a_home_tenant_that_is_gone_is_a_dead_link() {
    let check = PasswordCheck {
        claimed: Claimed::Granted,
        correct: true,
        username: String::new(),
        enabled: true,
        home: None,
    };
    let t = at(home_step(), Input::Password, Loaded::Password(check));
    assert_eq!(failed(&t), (90075, false, None));
}

// --- codes: home MFA, passcode, MFA here -----------------------------------------------------

fn code(claimed: Claimed, correct: bool, used: u32) -> CodeCheck {
    CodeCheck {
        claimed,
        correct,
        used,
        username: "bob@fabrikam.com".into(),
        secret: None,
        writes: Vec::new(),
    }
}

fn home_mfa(check: CodeCheck) -> Transition {
    let step = FlowStep::HomeMfa {
        guest_id: id(2),
        home_tenant: tenant_id(7),
        home_user: id(8),
        register_secret: None,
    };
    at(step, Input::Code("123456".into()), Loaded::Code(check))
}

#[test]
fn home_mfa_transitions() {
    assert_eq!(
        failed(&home_mfa(code(Claimed::Spent, false, 5))),
        (50053, true, None)
    );
    let (_, _, error, log) = shown(&home_mfa(code(Claimed::Locked, false, 0)));
    assert_eq!((error, log), (Some(50053), None));
    let (page, _, error, _) = shown(&home_mfa(code(Claimed::Granted, false, 0)));
    assert!(matches!(page, Page::ChallengeMfa { .. }));
    assert_eq!(error, Some(500121));
    // The fifth wrong code ends the flow.
    assert_eq!(
        failed(&home_mfa(code(Claimed::Granted, false, 4))),
        (50053, true, None)
    );
    let t = home_mfa(code(Claimed::Granted, true, 0));
    assert_eq!(amr_of(authenticated(&t)), ["pwd", "home_mfa"]);
}

#[test]
fn a_wrong_registration_code_shows_the_secret_again() {
    let mut check = code(Claimed::Granted, false, 0);
    check.secret = Some("JBSWY3DP".into());
    let (page, ..) = shown(&home_mfa(check));
    assert!(
        matches!(page, Page::RegisterMfa { ref secret_base32, .. } if secret_base32 == "JBSWY3DP")
    );
}

fn passcode_step(expires_at: DateTime<Utc>) -> FlowStep {
    FlowStep::OneTimePasscode {
        guest_id: id(2),
        address: "bob@gmail.com".into(),
        code_sha256_hex: digest_hex("12345678"),
        expires_at,
    }
}

fn passcode(typed: &str, check: CodeCheck, expires_at: DateTime<Utc>) -> Transition {
    let input = Input::Code(typed.into());
    at(passcode_step(expires_at), input, Loaded::Code(check))
}

#[test]
fn passcode_transitions() {
    let later = now() + chrono::Duration::minutes(5);
    let granted = || code(Claimed::Granted, false, 0);
    assert_eq!(
        failed(&passcode("12345678", code(Claimed::Spent, false, 5), later)),
        (50053, true, None)
    );
    let (page, _, error, _) = shown(&passcode(
        "12345678",
        code(Claimed::Locked, false, 0),
        later,
    ));
    assert!(matches!(page, Page::Passcode { .. }));
    assert_eq!(error, Some(50053));
    assert_eq!(
        failed(&passcode("12345678", granted(), now())),
        (50053, true, None),
        "an expired code ends the flow"
    );
    let (_, _, error, _) = shown(&passcode("00000000", granted(), later));
    assert_eq!(error, Some(500121));
    assert_eq!(
        failed(&passcode(
            "00000000",
            code(Claimed::Granted, false, 4),
            later
        )),
        (50053, true, None)
    );
    let t = passcode(" 12345678 ", granted(), later);
    let who = authenticated(&t);
    assert_eq!(amr_of(who), ["otp"]);
    assert_eq!(
        who.guest.as_ref().unwrap().home,
        HomeRef::Mail {
            address: "bob@gmail.com".into()
        }
    );
}

fn mfa_here(step: FlowStep, check: CodeCheck) -> Transition {
    at(step, Input::Code("123456".into()), Loaded::Code(check))
}

#[test]
fn mfa_here_transitions_for_members() {
    let challenge = || FlowStep::ChallengeMfa {
        user_id: id(1),
        guest: None,
    };
    assert_eq!(
        failed(&mfa_here(challenge(), code(Claimed::Spent, false, 5))),
        (50053, true, None)
    );
    let (_, _, error, log) = shown(&mfa_here(challenge(), code(Claimed::Locked, false, 0)));
    assert_eq!((error, log), (Some(50053), Some(50053)));
    let (_, _, error, log) = shown(&mfa_here(challenge(), code(Claimed::Granted, false, 1)));
    assert_eq!((error, log), (Some(500121), Some(500121)));
    assert_eq!(
        failed(&mfa_here(challenge(), code(Claimed::Granted, false, 4))),
        (50053, true, Some(500121)),
        "the last wrong code is logged and ends the flow"
    );
    let t = mfa_here(challenge(), code(Claimed::Granted, true, 0));
    assert_eq!(amr_of(authenticated(&t)), ["pwd", "mfa"]);
    let register = FlowStep::RegisterMfa {
        user_id: id(1),
        secret_base32: "sealed:abc".into(),
        guest: None,
    };
    let t = mfa_here(register, code(Claimed::Granted, true, 0));
    assert_eq!(amr_of(authenticated(&t)), ["pwd", "mfa"]);
}

#[test]
fn mfa_here_keeps_a_guests_home_proof() {
    let guest = GuestContinuation {
        home: HomeRef::Mail {
            address: "bob@gmail.com".into(),
        },
        amr: vec!["otp".into()],
    };
    let step = FlowStep::ChallengeMfa {
        user_id: id(2),
        guest: Some(guest),
    };
    let t = mfa_here(step, code(Claimed::Granted, true, 0));
    let who = authenticated(&t);
    assert_eq!(amr_of(who), ["otp", "mfa"]);
    assert_eq!(who.guest.as_ref().unwrap().amr, ["otp", "mfa"]);
}

// --- federation ------------------------------------------------------------------------------

fn federated(answer: Result<String, ErrorPage>) -> Transition {
    let step = FlowStep::Federated {
        guest_id: id(2),
        issuer: "https://idp.example".into(),
        address: "bob@fabrikam.com".into(),
        state_sha256_hex: String::new(),
        nonce: String::new(),
        verifier: String::new(),
    };
    at(step, Input::ProviderAnswer, Loaded::Provider(answer))
}

#[test]
fn federated_transitions() {
    let page = ErrorPage::provider_failed("https://idp.example", "no");
    assert_eq!(failed(&federated(Err(page))), (50000, false, None));
    assert_eq!(
        failed(&federated(Ok("eve@fabrikam.com".into()))),
        (90072, false, None)
    );
    let t = federated(Ok("Bob@Fabrikam.com".into()));
    let who = authenticated(&t);
    assert_eq!(amr_of(who), ["pwd", "fed"]);
    assert!(matches!(
        who.guest.as_ref().unwrap().home,
        HomeRef::Federated { .. }
    ));
}

// --- terms and consent -----------------------------------------------------------------------

#[test]
fn terms_transitions() {
    let step = || FlowStep::AcceptTerms {
        user_id: id(1),
        terms: vec![id(40)],
        amr: vec!["pwd".into(), "mfa".into()],
        guest: None,
    };
    assert_eq!(
        failed(&at(step(), Input::Accept(false), Loaded::Nothing)),
        (50158, true, None)
    );
    let t = at(step(), Input::Accept(true), Loaded::Nothing);
    let Transition::Authenticate { who, terms } = t else {
        panic!("authenticated");
    };
    assert_eq!(terms, vec![id(40)]);
    assert_eq!(amr_of(&who), ["pwd", "mfa"]);
}

#[test]
fn consent_transitions() {
    let step = || FlowStep::Consent {
        guest_id: id(2),
        home: HomeRef::Mail {
            address: "bob@gmail.com".into(),
        },
        amr: vec!["otp".into()],
    };
    assert_eq!(
        failed(&at(step(), Input::Accept(false), Loaded::Nothing)),
        (65004, true, None)
    );
    let t = at(step(), Input::Accept(true), Loaded::Nothing);
    assert!(
        matches!(t, Transition::Redeem { guest_id, ref amr, .. } if guest_id == id(2) && amr == &["otp"])
    );
}

// --- the policies' verdict -------------------------------------------------------------------

fn member_proved() -> Authenticated {
    Authenticated {
        who: Who::Existing(id(1)),
        guest: None,
        amr: vec!["pwd".into()],
        writes: Vec::new(),
    }
}

fn guest_proved() -> Authenticated {
    let home = HomeRef::Mail {
        address: "bob@gmail.com".into(),
    };
    Authenticated {
        who: Who::Existing(id(2)),
        guest: Some(GuestContinuation {
            home,
            amr: vec!["otp".into()],
        }),
        amr: vec!["otp".into()],
        writes: Vec::new(),
    }
}

fn decide(who: Authenticated, decision: Decided, needs_consent: bool) -> Transition {
    let verdict = Verdict {
        decision,
        username: "someone".into(),
        device_markers: vec!["compliant".into()],
        consent: match needs_consent {
            true => Consent::Ask,
            false => Consent::NotNeeded,
        },
    };
    let state = State::Authenticated(Box::new(who));
    advance(
        &state,
        &Input::Verdict,
        &facts(Loaded::Verdict(verdict)),
        now(),
    )
}

#[test]
fn the_verdict_allows_a_member_with_the_device_state_proved() {
    let t = decide(member_proved(), Decided::Allow, false);
    let Transition::Complete { amr, .. } = t else {
        panic!("complete");
    };
    assert_eq!(amr, ["pwd", "compliant"]);
}

#[test]
fn the_verdict_sends_a_pending_guest_to_review_permissions() {
    let (page, next, ..) = shown(&decide(guest_proved(), Decided::Allow, true));
    assert_eq!(
        page,
        Page::Consent {
            organization: "Contoso".into(),
            username: "someone".into()
        }
    );
    assert!(matches!(next, Some(FlowStep::Consent { guest_id, .. }) if guest_id == id(2)));
    let t = decide(guest_proved(), Decided::Allow, false);
    assert!(matches!(t, Transition::Complete { ref amr, .. } if amr == &["otp"]));
}

#[test]
fn automatic_redemption_redeems_without_the_consent_page() {
    let verdict = Verdict {
        decision: Decided::Allow,
        username: "someone".into(),
        device_markers: Vec::new(),
        consent: Consent::Automatic,
    };
    let state = State::Authenticated(Box::new(guest_proved()));
    let t = advance(
        &state,
        &Input::Verdict,
        &facts(Loaded::Verdict(verdict)),
        now(),
    );
    assert!(
        matches!(t, Transition::Redeem { guest_id, .. } if guest_id == id(2)),
        "{t:?}"
    );
}

#[test]
fn the_verdict_refuses_or_asks_for_more() {
    let t = decide(member_proved(), Decided::Deny(ErrorPage::expired()), false);
    assert!(matches!(t, Transition::Refuse { ref page, .. } if page.code == 9002313));
    let (page, next, ..) = shown(&decide(member_proved(), Decided::ChallengeMfa, false));
    assert!(matches!(page, Page::ChallengeMfa { .. }));
    assert!(
        matches!(next, Some(FlowStep::ChallengeMfa { user_id, guest: None }) if user_id == id(1))
    );
    let register = Decided::RegisterMfa {
        plain: "JBSWY3DP".into(),
        sealed: "sealed:abc".into(),
    };
    let (page, next, ..) = shown(&decide(member_proved(), register, false));
    assert!(
        matches!(page, Page::RegisterMfa { ref secret_base32, .. } if secret_base32 == "JBSWY3DP")
    );
    assert!(
        matches!(next, Some(FlowStep::RegisterMfa { ref secret_base32, .. }) if secret_base32 == "sealed:abc")
    );
    let terms = Decided::AcceptTerms {
        terms: vec![id(40)],
        agreements: Vec::new(),
    };
    let (page, next, ..) = shown(&decide(guest_proved(), terms, false));
    assert!(matches!(page, Page::Terms { .. }));
    assert!(
        matches!(next, Some(FlowStep::AcceptTerms { ref amr, guest: Some(_), .. }) if amr == &["otp"])
    );
}

#[test]
fn writes_of_the_authentication_ride_along_whatever_the_verdict() {
    let mut who = member_proved();
    who.writes = vec![Write::DeleteSession {
        session_hash: "x".into(),
    }];
    for decision in [Decided::ChallengeMfa, Decided::Deny(ErrorPage::expired())] {
        let kept = match decide(who.clone(), decision, false) {
            Transition::Show { writes, .. } | Transition::Refuse { writes, .. } => writes.len(),
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(kept, 1);
    }
    let Transition::Complete { who, .. } = decide(who, Decided::Allow, false) else {
        panic!("complete");
    };
    assert_eq!(who.writes.len(), 1);
}

#[test]
fn a_form_for_another_state_is_an_expired_sign_in() {
    let t = at(
        FlowStep::Identify,
        Input::Password,
        Loaded::Password(PasswordCheck {
            claimed: Claimed::Granted,
            correct: true,
            username: String::new(),
            enabled: true,
            home: None,
        }),
    );
    assert_eq!(failed(&t), (9002313, false, None));
}
