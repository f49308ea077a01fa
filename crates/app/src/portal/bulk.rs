//! Bulk invitation: the admin center's CSV template (`version:v1.0`, then a header naming each
//! column by its `[key]`), read into rows that each become one ordinary invitation — the same
//! use case, checks and mail as a single one.

use crate::b2b::{InvitationOutcome, InvitationRequest};
use crate::directory::{Caller, GraphError};
use crate::App;
use portico_model::{invalid, Invalid};

/// The template offered for download: the header and an example row (skipped when read back).
pub const TEMPLATE: &str = "version:v1.0\r\nEmail address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]\r\nExample: someone@fabrikam.com,https://myapplications.microsoft.com,TRUE,Welcome to our projects.\r\n";

/// The most rows one upload may carry.
pub const MAX_ROWS: usize = 1000;

/// One row to invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    /// The row's line in the file (1-based), for the results.
    pub line: usize,
    pub email: String,
    pub redirect_url: String,
    pub send_email: bool,
    pub message: Option<String>,
}

/// The upload's form field, named in every error about its content.
const FILE: &str = "file";

fn column(headers: &csv::StringRecord, key: &str) -> Option<usize> {
    headers.iter().position(|h| h.contains(&format!("[{key}]")))
}

/// Reads the CSV; a file that is not the template's shape is refused with what is wrong.
pub fn parse_bulk_csv(text: &str) -> Result<Vec<BulkRow>, Invalid> {
    let body = text.trim_start_matches('\u{feff}');
    // The version line is not CSV; rows are numbered as lines of the whole file.
    let (body, offset) = match body.split_once('\n') {
        Some((first, rest)) if first.trim().to_ascii_lowercase().starts_with("version:") => {
            (rest, 1)
        }
        _ => (body, 0),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(body.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| invalid!(FILE, "The header row cannot be read: {e}"))?
        .clone();
    let (Some(email), Some(redirect)) = (
        column(&headers, "inviteeEmail"),
        column(&headers, "inviteRedirectURL"),
    ) else {
        return Err(Invalid::new(FILE, "The header row must name the columns [inviteeEmail] and [inviteRedirectURL]: start from the template."));
    };
    let (send, message) = (
        column(&headers, "sendEmail"),
        column(&headers, "customizedMessageBody"),
    );
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| invalid!(FILE, "The file is not valid CSV: {e}"))?;
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        let first = cell(Some(email));
        if first.is_empty() && record.iter().all(|c| c.trim().is_empty())
            || first.starts_with("Example")
        {
            continue;
        }
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
            + 1
            + offset;
        rows.push(BulkRow {
            line,
            email: first.to_owned(),
            redirect_url: cell(Some(redirect)).to_owned(),
            send_email: !cell(send).eq_ignore_ascii_case("false"),
            message: Some(cell(message).to_owned()).filter(|m| !m.is_empty()),
        });
        if rows.len() > MAX_ROWS {
            return Err(invalid!(
                FILE,
                "At most {MAX_ROWS} rows can be invited at once."
            ));
        }
    }
    if rows.is_empty() {
        return Err(Invalid::new(FILE, "The file has no rows to invite."));
    }
    Ok(rows)
}

impl App {
    /// One row of a bulk invitation: an ordinary invitation of the caller.
    pub async fn bulk_invite_row(
        &self,
        caller: &Caller,
        row: &BulkRow,
    ) -> Result<InvitationOutcome, GraphError> {
        let request = InvitationRequest {
            invited_user_email_address: Some(row.email.clone()),
            invite_redirect_url: Some(row.redirect_url.clone()),
            send_invitation_message: row.send_email,
            customized_message_body: row.message.clone(),
            ..InvitationRequest::default()
        };
        self.invite(caller, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_bulk_csv, TEMPLATE};

    #[test]
    fn the_template_reads_back_empty_and_rows_are_read() {
        assert!(parse_bulk_csv(TEMPLATE).is_err(), "only the example row");
        let file = format!("{TEMPLATE}a@example.net,https://x.example,false,\r\n\"b@example.net\",https://x.example,TRUE,\"Hi, there\"\r\n");
        let rows = parse_bulk_csv(&file).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(!rows[0].send_email && rows[1].send_email);
        assert_eq!(rows[1].message.as_deref(), Some("Hi, there"));
        assert_eq!((rows[0].line, rows[1].line), (4, 5));
        assert!(parse_bulk_csv("email,url\na@b.c,https://x").is_err());
    }
}
