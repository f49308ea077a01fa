//! Graph shapes of terms of use: `agreement` and the body that creates one. Entra stores PDFs;
//! Portico stores text, taken from the (default) agreement file's base64 `data`.

use super::conditional_access::{check_type, refuse_read_only};
use portico_model::conditional_access::TermsOfUse;
use portico_model::{invalid, Invalid};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// `POST /identityGovernance/termsOfUse/agreements`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgreementBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    id: Option<Value>,
    display_name: Option<String>,
    is_viewing_before_acceptance_required: Option<bool>,
    is_per_device_acceptance_required: Option<bool>,
    terms_expiration: Option<Value>,
    user_reaccept_required_frequency: Option<Value>,
    /// Graph's `agreementFileLocalization` list.
    files: Option<Vec<AgreementFileBody>>,
    /// Graph's `agreementFile`.
    file: Option<AgreementFileBody>,
}

/// Only `fileData.data` is used; the rest is accepted as Graph accepts it (one text, no languages).
#[allow(dead_code)]
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AgreementFileBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    file_name: Option<String>,
    display_name: Option<String>,
    language: Option<String>,
    is_default: Option<bool>,
    is_major_version: Option<bool>,
    file_data: Option<FileDataBody>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FileDataBody {
    data: Option<String>,
}

/// What an agreement body sets.
#[derive(Debug, Default)]
pub struct AgreementFields {
    pub display_name: Option<String>,
    pub is_viewing_before_acceptance_required: Option<bool>,
    pub is_per_device_acceptance_required: Option<bool>,
    /// The default file's base64 `data`.
    pub file_data: Option<String>,
}

impl AgreementBody {
    pub fn into_fields(self) -> Result<AgreementFields, Invalid> {
        check_type(self.odata_type.as_deref(), "agreement", "agreement")?;
        refuse_read_only("id", &self.id)?;
        for (name, value) in [
            ("termsExpiration", &self.terms_expiration),
            (
                "userReacceptRequiredFrequency",
                &self.user_reaccept_required_frequency,
            ),
        ] {
            if !matches!(value, None | Some(Value::Null)) {
                return Err(invalid!(name, "Portico does not support '{name}': users accept an agreement once. Leave it out or send null."));
            }
        }
        let mut files = self.files.unwrap_or_default();
        files.extend(self.file);
        // The default file, else the first (Graph's rule).
        let chosen = match files.iter().position(|f| f.is_default == Some(true)) {
            Some(index) => Some(files.swap_remove(index)),
            None => files.into_iter().next(),
        };
        let file_data = chosen.and_then(|f| f.file_data).and_then(|d| d.data);
        Ok(AgreementFields {
            display_name: self.display_name,
            is_viewing_before_acceptance_required: self.is_viewing_before_acceptance_required,
            is_per_device_acceptance_required: self.is_per_device_acceptance_required,
            file_data,
        })
    }
}

impl AgreementBody {
    /// The body the portal's form stands for: a name, the text as the file's base64 `data`
    /// (encoded by the caller), and whether the text must be opened before accepting.
    pub fn from_form(display_name: &str, data: String, viewing_required: bool) -> Self {
        Self {
            odata_type: None,
            id: None,
            display_name: Some(display_name.trim().to_owned()),
            is_viewing_before_acceptance_required: Some(viewing_required),
            is_per_device_acceptance_required: None,
            terms_expiration: None,
            user_reaccept_required_frequency: None,
            files: None,
            file: Some(AgreementFileBody {
                odata_type: None,
                file_name: None,
                display_name: None,
                language: None,
                is_default: Some(true),
                is_major_version: None,
                file_data: Some(FileDataBody { data: Some(data) }),
            }),
        }
    }
}

/// An agreement as Graph returns it.
pub fn agreement_json(terms: &TermsOfUse) -> Map<String, Value> {
    let object = json!({
        "id": terms.id.to_string(),
        "displayName": terms.display_name,
        "isViewingBeforeAcceptanceRequired": terms.is_viewing_before_acceptance_required,
        "isPerDeviceAcceptanceRequired": false,
        "userReacceptRequiredFrequency": null,
        "termsExpiration": null,
    });
    match object {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
