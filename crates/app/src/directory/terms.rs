//! Terms of use (Graph `agreement`) through Graph. Entra stores a PDF; Portico stores text, sent
//! as the agreement file's base64 `data` (UTF-8), and shows it on the sign-in page.

use super::access::{Caller, GraphError};
use super::permissions::Operation;
use crate::App;
use base64::Engine;
use portico_model::conditional_access::TermsOfUse;
use portico_model::ObjectId;
use portico_store::{StoreError, Write};

/// Agreements are read on a sign-in page; a bound keeps that page small.
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// `POST /identityGovernance/termsOfUse/agreements`.
#[derive(Debug, Clone, Default)]
pub struct NewAgreement {
    pub display_name: Option<String>,
    pub is_viewing_before_acceptance_required: Option<bool>,
    pub is_per_device_acceptance_required: Option<bool>,
    /// The agreement file's `data`: base64 of UTF-8 text.
    pub file_data: Option<String>,
}

/// The agreement text from base64 `data`, or what to send instead.
fn agreement_text(data: &str) -> Result<String, GraphError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| {
            GraphError::bad_request(
                "The agreement file's 'data' is not base64: encode the agreement's text (UTF-8) in base64.",
            )
        })?;
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(GraphError::bad_request(format!(
            "The agreement text is larger than {MAX_TEXT_BYTES} bytes: shorten it or link to the full document from it."
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        GraphError::bad_request("Portico shows agreements as text: the file's 'data' must be base64 of UTF-8 text, not a PDF.")
    })?;
    if text.trim().is_empty() {
        return Err(GraphError::bad_request(
            "The agreement text is empty: put the terms in the file's 'data' (base64 of UTF-8 text).",
        ));
    }
    Ok(text)
}

impl App {
    pub async fn graph_list_agreements(
        &self,
        caller: &Caller,
    ) -> Result<Vec<TermsOfUse>, GraphError> {
        caller.require(Operation::ListAgreements)?;
        Ok(self.store().list_terms_of_use(caller.tenant()).await?)
    }

    pub async fn graph_get_agreement(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<TermsOfUse, GraphError> {
        caller.require(Operation::GetAgreement)?;
        let wanted = ObjectId::parse(id).map_err(|_| GraphError::NotFound(id.to_owned()))?;
        self.store()
            .list_terms_of_use(caller.tenant())
            .await?
            .into_iter()
            .find(|t| t.id == wanted)
            .ok_or_else(|| GraphError::NotFound(id.to_owned()))
    }

    pub async fn graph_create_agreement(
        &self,
        caller: &Caller,
        new: NewAgreement,
    ) -> Result<TermsOfUse, GraphError> {
        caller.require(Operation::CreateAgreement)?;
        let display_name = new
            .display_name
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| {
                GraphError::bad_request(
                    "Property 'displayName' is required when creating an agreement.",
                )
            })?;
        if new.is_per_device_acceptance_required == Some(true) {
            return Err(GraphError::bad_request("Portico has no registered devices, so 'isPerDeviceAcceptanceRequired' must be false: each user accepts once."));
        }
        let data = new.file_data.ok_or_else(|| {
            GraphError::bad_request("The agreement needs its text: send 'files' with one file whose 'fileData.data' is base64 of UTF-8 text.")
        })?;
        let terms = TermsOfUse {
            id: self.random().object_id(),
            display_name,
            text: agreement_text(&data)?,
            created_at: self.now(),
            is_viewing_before_acceptance_required: new
                .is_viewing_before_acceptance_required
                .unwrap_or(false),
        };
        let audit = self.directory_audit(
            caller,
            "Policy",
            "Add terms of use",
            "Agreement",
            terms.id,
            &terms.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::PutTermsOfUse(terms.clone()), audit],
            )
            .await?;
        Ok(terms)
    }

    pub async fn graph_delete_agreement(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::DeleteAgreement)?;
        let terms = self.graph_get_agreement(caller, id).await?;
        if let Some(policy) = self.policy_referring_to(caller, terms.id).await? {
            return Err(GraphError::with_reason(
                "agreementInUse",
                format!(
                    "Agreement '{}' is required by Conditional Access policy '{}' ({}). Remove it from that policy's grantControls.termsOfUse first, then delete it.",
                    terms.display_name, policy.display_name, policy.id
                ),
            ));
        }
        let audit = self.directory_audit(
            caller,
            "Policy",
            "Delete terms of use",
            "Agreement",
            terms.id,
            &terms.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::DeleteTermsOfUse(terms.id), audit],
            )
            .await
            .map_err(|e| match e {
                StoreError::NotFound => GraphError::NotFound(id.to_owned()),
                other => other.into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_text_is_base64_utf8() {
        assert_eq!(agreement_text("QmUgbmljZS4=").unwrap(), "Be nice.");
        assert!(agreement_text("not base64!").is_err());
        // "%PDF" followed by a byte that is not UTF-8.
        assert!(agreement_text("JVBERv8=").is_err());
        assert!(agreement_text("ICA=").is_err());
    }
}
