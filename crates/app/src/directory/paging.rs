//! Graph paging: `@odata.nextLink` carries an opaque `$skiptoken` that names where the next page
//! starts. It is bound to the tenant, the collection and the query it continues, and tagged with a
//! key derived from the master key, so it cannot be forged, replayed elsewhere or read.

use crate::App;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portico_model::TenantId;

impl App {
    /// A skip token for `cursor` (where the next page starts) in `collection` under `query`.
    pub fn skiptoken(
        &self,
        tenant: TenantId,
        collection: &str,
        query: &str,
        cursor: &str,
    ) -> String {
        let body = format!(
            "{tenant}\n{collection}\n{}\n{cursor}",
            crate::secrets::digest_hex(query)
        );
        let tag = self.keys().master().tag(body.as_bytes());
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(cursor),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The cursor of a skip token issued for the same tenant, collection and query, or `None`.
    pub fn open_skiptoken(
        &self,
        tenant: TenantId,
        collection: &str,
        query: &str,
        token: &str,
    ) -> Option<String> {
        let (cursor, tag) = token.split_once('.')?;
        let cursor = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let body = format!(
            "{tenant}\n{collection}\n{}\n{cursor}",
            crate::secrets::digest_hex(query)
        );
        self.keys()
            .master()
            .verify_tag(body.as_bytes(), &tag)
            .then_some(cursor)
    }
}
