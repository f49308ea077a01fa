//! Directory commands run against the store a server uses: `invite` (one address or a CSV
//! file, with a progress bar) and `import --synced` (accounts synced from on-premises).

use crate::cli::{ImportArgs, InviteArgs};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use portico_app::b2b::InvitationRequest;
use portico_app::directory::{Caller, SyncedImport};
use portico_app::tokens::master_key::MasterKey;
use portico_app::{App, AppConfig};
use portico_model::user::{User, UserType};
use portico_model::{EmailAddress, ObjectId, ProxyAddress, Upn};
use portico_store::{SqlStore, Store};
use std::sync::Arc;

/// The application over the store a server uses, with the server's master key: these commands
/// sign nothing, but the mail they queue is sealed with it, and the server must open it.
pub(crate) async fn open_app(args: &crate::cli::StoreArgs, public_url: &url::Url) -> Result<App> {
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&args.existing_store_config()?).await?);
    let master = MasterKey::load(&args.master_key_source(&crate::ca_dir()?))?;
    let config = AppConfig {
        public_url: public_url.clone(),
        dev_mode: false,
        seed: None,
        extra_root_pem: None,
    };
    Ok(App::start(store, config, master).await?)
}

/// One invitation to send.
struct Row {
    line: usize,
    email: String,
    redirect: String,
    send: bool,
    message: Option<String>,
    display_name: Option<String>,
}

/// Reads the portal's bulk-invite CSV (with or without its `version:v1.0` first line) or a CSV
/// whose headers are `email`, `redirectUrl`, `sendEmail`, `message`, `displayName`.
fn read_csv(path: &std::path::Path, default_redirect: &str) -> Result<Vec<Row>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let body = match text.lines().next() {
        Some(first)
            if first
                .trim_start_matches('\u{feff}')
                .to_ascii_lowercase()
                .starts_with("version:") =>
        {
            text.split_once('\n')
                .map(|(_, rest)| rest.to_owned())
                .unwrap_or_default()
        }
        _ => text,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(body.as_bytes());
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.contains(n)))
    };
    let email = column(&["inviteeemail", "email"])
        .context("the CSV needs an e-mail column ([inviteeEmail] or email)")?;
    let redirect = column(&["inviteredirecturl", "redirect"]);
    let send = column(&["sendemail", "send invitation"]);
    let message = column(&["customizedmessagebody", "message"]);
    let name = column(&["displayname", "display name"]);
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record?;
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let Some(address) = get(Some(email)) else {
            continue;
        };
        rows.push(Row {
            line: index + 2,
            email: address,
            redirect: get(redirect).unwrap_or_else(|| default_redirect.to_owned()),
            send: get(send).is_some_and(|v| v.eq_ignore_ascii_case("true")),
            message: get(message),
            display_name: get(name),
        });
    }
    Ok(rows)
}

pub async fn invite(args: InviteArgs) -> Result<()> {
    let app = open_app(&args.store, &args.public_url).await?;
    let tenant = app
        .resolve_tenant(&args.tenant)
        .await?
        .with_context(|| format!("no tenant has the id or verified domain '{}'", args.tenant))?;
    let caller = Caller::operator(
        tenant.id,
        "portico invite",
        &[
            "User.Invite.All",
            "User.ReadWrite.All",
            "Directory.ReadWrite.All",
        ],
    );
    let rows = match (&args.csv, &args.email) {
        (Some(path), None) => read_csv(path, &args.redirect_url)?,
        (None, Some(email)) => vec![Row {
            line: 0,
            email: email.clone(),
            redirect: args.redirect_url.clone(),
            send: args.send_email,
            message: None,
            display_name: args.display_name.clone(),
        }],
        _ => bail!("give --email ADDRESS or --csv FILE"),
    };
    let bar = ProgressBar::new(rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (mut created, mut existing, mut failed) = (0, 0, 0);
    for row in rows {
        let request = InvitationRequest {
            invited_user_email_address: Some(row.email.clone()),
            invited_user_display_name: row.display_name.clone(),
            invite_redirect_url: Some(row.redirect.clone()),
            send_invitation_message: row.send,
            customized_message_body: row.message.clone(),
            invited_user_type: args.member.then(|| "Member".to_owned()),
            ..Default::default()
        };
        let before = match EmailAddress::parse(&row.email) {
            Ok(address) => app
                .users_with_address(tenant.id, &address)
                .await
                .map(|u| u.len())
                .unwrap_or(0),
            Err(_) => 0,
        };
        let line = if row.line > 0 {
            format!("line {}: ", row.line)
        } else {
            String::new()
        };
        match app.invite(&caller, request).await {
            Ok(outcome) => {
                let new = before == 0;
                if new {
                    created += 1
                } else {
                    existing += 1
                }
                report(
                    &bar,
                    format!(
                        "{line}{} {} {} ({}) {}",
                        row.email,
                        if new { "invited" } else { "already a guest" },
                        outcome.user.id,
                        outcome.status,
                        outcome.invite_redeem_url
                    ),
                );
            }
            Err(error) => {
                failed += 1;
                report(&bar, format!("{line}{} failed: {error}", row.email));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    crate::output::println(&format!(
        "{created} invited, {existing} already guests, {failed} failed"
    ))?;
    if failed > 0 {
        std::process::exit(2);
    }
    Ok(())
}

/// `portico import --synced FILE.csv`: partner accounts synced from on-premises AD (state 3).
/// Columns: `userPrincipalName`, `displayName`, `mail`, `userType` (default Guest).
pub async fn import(args: ImportArgs) -> Result<()> {
    let app = open_app(&args.store, &url::Url::parse("https://localhost:8443")?).await?;
    let tenant = app
        .resolve_tenant(&args.tenant)
        .await?
        .with_context(|| format!("no tenant has the id or verified domain '{}'", args.tenant))?;
    let text = std::fs::read_to_string(&args.synced)
        .with_context(|| format!("cannot read {}", args.synced.display()))?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let upn_column =
        column("userprincipalname").context("the CSV needs a userPrincipalName column")?;
    let (name_column, mail_column, type_column) =
        (column("displayname"), column("mail"), column("usertype"));
    let (mut imported, mut skipped) = (0, 0);
    for record in reader.records() {
        let record = record?;
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let upn = Upn::parse(get(Some(upn_column)).unwrap_or_default())?;
        if !tenant.owns_domain(&upn.domain()) {
            bail!(
                "{upn}: synced accounts use one of {}'s verified domains",
                tenant.display_name
            );
        }
        let id = ObjectId::from_uuid(uuid::Uuid::new_v5(
            tenant.id.as_uuid(),
            format!("synced:{}", upn.normalized()).as_bytes(),
        ));
        #[allow(clippy::disallowed_methods)] // A command run by a person: now is the wall clock.
        let now = chrono::Utc::now();
        let mut user = User::member(
            id,
            upn.clone(),
            get(name_column).unwrap_or(upn.as_str()).to_owned(),
            now,
        );
        user.on_premises_sync_enabled = true;
        user.user_type = match get(type_column) {
            Some(t) if t.eq_ignore_ascii_case("Member") => UserType::Member,
            _ => UserType::Guest,
        };
        if let Some(mail) = get(mail_column) {
            let mail = EmailAddress::parse(mail)?;
            user.proxy_addresses = vec![ProxyAddress::primary(mail.clone())];
            user.mail = Some(mail);
        }
        match app.import_synced_user(tenant.id, user).await? {
            SyncedImport::Imported => imported += 1,
            SyncedImport::AlreadyPresent => skipped += 1,
        }
    }
    crate::output::println(&format!("{imported} imported, {skipped} already present"))?;
    Ok(())
}

/// A per-row result: above the progress bar on a terminal, as a plain line otherwise.
fn report(bar: &ProgressBar, line: String) {
    if bar.is_hidden() {
        // A progress line: a reader that has gone away does not stop the import.
        let _ = crate::output::println(&line);
    } else {
        bar.println(line);
    }
}
