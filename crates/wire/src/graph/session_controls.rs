//! Graph `conditionalAccessSessionControls`: sign-in frequency and persistent browser session,
//! the two Portico enforces. The other session controls belong to services Portico does not run
//! (Defender for Cloud Apps, Exchange and SharePoint restrictions) and are refused.

use super::conditional_access::{check_type, enum_value, refuse_unsupported};
use portico_model::conditional_access::{
    FrequencyInterval, PersistentBrowser, SessionControls, SignInFrequency,
};
use portico_model::{invalid, Invalid};
use serde::Deserialize;
use serde_json::{json, Value};

const FREQUENCY: &str = "sessionControls.signInFrequency";
const BROWSER: &str = "sessionControls.persistentBrowser";

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionControlsBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    sign_in_frequency: Option<SignInFrequencyBody>,
    persistent_browser: Option<PersistentBrowserBody>,
    application_enforced_restrictions: Option<Value>,
    cloud_app_security: Option<Value>,
    disable_resilience_defaults: Option<Value>,
}

/// The portal's session fields (named by their Graph paths) as the body a Graph client sends;
/// `None` when neither control is chosen.
pub fn session_body_from_form(
    text: impl Fn(&str) -> Option<String>,
) -> Option<SessionControlsBody> {
    let interval = text(&format!("{FREQUENCY}.frequencyInterval")).filter(|i| i != "off");
    let mode = text(&format!("{BROWSER}.mode")).filter(|m| m != "off");
    if interval.is_none() && mode.is_none() {
        return None;
    }
    let every_time = interval.as_deref() == Some("everyTime");
    let sign_in_frequency = interval.map(|interval| SignInFrequencyBody {
        odata_type: None,
        is_enabled: Some(true),
        // A value that is not a number is sent as none, and Graph's rule explains what is needed.
        value: (!every_time)
            .then(|| text(&format!("{FREQUENCY}.value")))
            .flatten()
            .and_then(|v| v.trim().parse().ok()),
        unit: (!every_time)
            .then(|| text(&format!("{FREQUENCY}.type")))
            .flatten(),
        authentication_type: None,
        frequency_interval: Some(interval),
    });
    let persistent_browser = mode.map(|mode| PersistentBrowserBody {
        odata_type: None,
        is_enabled: Some(true),
        mode: Some(mode),
    });
    Some(SessionControlsBody {
        odata_type: None,
        sign_in_frequency,
        persistent_browser,
        application_enforced_restrictions: None,
        cloud_app_security: None,
        disable_resilience_defaults: None,
    })
}

/// A policy's session controls as the portal's form fields (Graph paths), enabled ones only.
pub fn session_form_pairs(session: &Option<SessionControls>) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let Some(session) = session else {
        return pairs;
    };
    if let Some(frequency) = session.sign_in_frequency.filter(|f| f.is_enabled) {
        match frequency.interval {
            FrequencyInterval::TimeBased { value, unit } => {
                pairs.push((format!("{FREQUENCY}.frequencyInterval"), "timeBased".into()));
                pairs.push((format!("{FREQUENCY}.value"), value.to_string()));
                pairs.push((format!("{FREQUENCY}.type"), unit.name().into()));
            }
            FrequencyInterval::EveryTime => {
                pairs.push((format!("{FREQUENCY}.frequencyInterval"), "everyTime".into()));
            }
        }
    }
    if let Some(browser) = session.persistent_browser.filter(|b| b.is_enabled) {
        pairs.push((format!("{BROWSER}.mode"), browser.mode.name().into()));
    }
    pairs
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignInFrequencyBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    is_enabled: Option<bool>,
    value: Option<u32>,
    #[serde(rename = "type")]
    unit: Option<String>,
    authentication_type: Option<String>,
    frequency_interval: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PersistentBrowserBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    is_enabled: Option<bool>,
    mode: Option<String>,
}

impl SessionControlsBody {
    pub fn into_model(self) -> Result<SessionControls, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "conditionalAccessSessionControls",
            "sessionControls",
        )?;
        refuse_unsupported(
            "sessionControls.applicationEnforcedRestrictions",
            &self.application_enforced_restrictions,
        )?;
        refuse_unsupported("sessionControls.cloudAppSecurity", &self.cloud_app_security)?;
        // Portico has no resilience defaults to turn off: only `false` says the same thing.
        if !matches!(
            self.disable_resilience_defaults,
            None | Some(Value::Null) | Some(Value::Bool(false))
        ) {
            refuse_unsupported(
                "sessionControls.disableResilienceDefaults",
                &self.disable_resilience_defaults,
            )?;
        }
        Ok(SessionControls {
            sign_in_frequency: self
                .sign_in_frequency
                .map(SignInFrequencyBody::into_model)
                .transpose()?,
            persistent_browser: self
                .persistent_browser
                .map(PersistentBrowserBody::into_model)
                .transpose()?,
        })
    }
}

impl SignInFrequencyBody {
    fn into_model(self) -> Result<SignInFrequency, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "signInFrequencySessionControl",
            FREQUENCY,
        )?;
        let every_time = match self.frequency_interval.as_deref() {
            None => false,
            Some(name) => {
                let property = format!("{FREQUENCY}.frequencyInterval");
                enum_value::<String>(&property, name, &["timeBased", "everyTime"])? == "everyTime"
            }
        };
        let secondary_only = match self.authentication_type.as_deref() {
            None => false,
            Some(name) => {
                let property = format!("{FREQUENCY}.authenticationType");
                let allowed = [
                    "primaryAndSecondaryAuthentication",
                    "secondaryAuthentication",
                ];
                enum_value::<String>(&property, name, &allowed)? == "secondaryAuthentication"
            }
        };
        let interval = match (every_time, self.value, self.unit.as_deref()) {
            (true, None, None) => FrequencyInterval::EveryTime,
            (true, _, _) => return Err(invalid!(&format!("{FREQUENCY}.value"), "'{FREQUENCY}.value' and 'type' must be null when 'frequencyInterval' is 'everyTime'.")),
            (false, Some(value), Some(unit)) => FrequencyInterval::TimeBased {
                value,
                unit: enum_value(&format!("{FREQUENCY}.type"), unit, &["hours", "days"])?,
            },
            (false, _, _) => return Err(invalid!(&format!("{FREQUENCY}.value"), "'{FREQUENCY}' needs 'value' and 'type' (\"hours\" or \"days\"), for example {{\"value\": 8, \"type\": \"hours\"}}, or 'frequencyInterval': \"everyTime\".")),
        };
        Ok(SignInFrequency {
            is_enabled: self.is_enabled.unwrap_or(true),
            interval,
            secondary_only,
        })
    }
}

impl PersistentBrowserBody {
    fn into_model(self) -> Result<PersistentBrowser, Invalid> {
        check_type(
            self.odata_type.as_deref(),
            "persistentBrowserSessionControl",
            BROWSER,
        )?;
        let Some(mode) = self.mode else {
            return Err(invalid!(
                &format!("{BROWSER}.mode"),
                "'{BROWSER}.mode' is required: \"always\" or \"never\"."
            ));
        };
        Ok(PersistentBrowser {
            is_enabled: self.is_enabled.unwrap_or(true),
            mode: enum_value(&format!("{BROWSER}.mode"), &mode, &["always", "never"])?,
        })
    }
}

/// A policy's `sessionControls` as Graph returns it (`null` when it has none).
pub fn session_controls_json(session: &Option<SessionControls>) -> Value {
    let Some(session) = session else {
        return Value::Null;
    };
    let frequency = session.sign_in_frequency.map_or(Value::Null, |f| {
        let (value, unit, interval) = match f.interval {
            FrequencyInterval::TimeBased { value, unit } => (
                json!(value),
                json!(unit.name()),
                "timeBased",
            ),
            FrequencyInterval::EveryTime => (Value::Null, Value::Null, "everyTime"),
        };
        json!({
            "isEnabled": f.is_enabled,
            "value": value,
            "type": unit,
            "authenticationType": if f.secondary_only { "secondaryAuthentication" } else { "primaryAndSecondaryAuthentication" },
            "frequencyInterval": interval,
        })
    });
    let browser = session.persistent_browser.map_or(Value::Null, |b| {
        json!({
            "isEnabled": b.is_enabled,
            "mode": b.mode.name(),
        })
    });
    json!({
        "applicationEnforcedRestrictions": null,
        "cloudAppSecurity": null,
        "disableResilienceDefaults": null,
        "persistentBrowser": browser,
        "signInFrequency": frequency,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use portico_model::conditional_access::{FrequencyUnit, PersistentBrowserMode};

    fn parse(body: Value) -> Result<SessionControls, Invalid> {
        serde_json::from_value::<SessionControlsBody>(body)
            .unwrap()
            .into_model()
    }

    #[test]
    fn sign_in_frequency_round_trips() {
        let body = json!({"signInFrequency": {"isEnabled": true, "value": 8, "type": "hours",
            "authenticationType": "primaryAndSecondaryAuthentication", "frequencyInterval": "timeBased"}});
        let session = parse(body.clone()).unwrap();
        assert_eq!(
            session.sign_in_frequency.unwrap().interval,
            FrequencyInterval::TimeBased {
                value: 8,
                unit: FrequencyUnit::Hours
            }
        );
        let shown = session_controls_json(&Some(session));
        assert_eq!(shown["signInFrequency"], body["signInFrequency"]);
        assert_eq!(shown["persistentBrowser"], Value::Null);
    }

    #[test]
    fn every_time_takes_no_value_and_time_based_needs_one() {
        let every = parse(json!({"signInFrequency": {"frequencyInterval": "everyTime"}})).unwrap();
        assert_eq!(
            every.sign_in_frequency.unwrap().interval,
            FrequencyInterval::EveryTime
        );
        let bad = parse(json!({"signInFrequency": {"frequencyInterval": "everyTime", "value": 1, "type": "hours"}})).unwrap_err();
        assert_eq!(bad.property, "sessionControls.signInFrequency.value");
        let bad = parse(json!({"signInFrequency": {"value": 1}})).unwrap_err();
        assert!(bad.message.contains("\"hours\" or \"days\""), "{bad}");
        let bad = parse(json!({"signInFrequency": {"value": 1, "type": "weeks"}})).unwrap_err();
        assert_eq!(bad.property, "sessionControls.signInFrequency.type");
    }

    #[test]
    fn persistent_browser_needs_a_mode_and_other_controls_are_refused() {
        let session =
            parse(json!({"persistentBrowser": {"isEnabled": true, "mode": "never"}})).unwrap();
        assert_eq!(
            session.persistent_browser.unwrap().mode,
            PersistentBrowserMode::Never
        );
        assert!(parse(json!({"persistentBrowser": {"isEnabled": true}})).is_err());
        let bad = parse(
            json!({"cloudAppSecurity": {"isEnabled": true, "cloudAppSecurityType": "monitorOnly"}}),
        )
        .unwrap_err();
        assert_eq!(bad.property, "sessionControls.cloudAppSecurity");
        assert!(parse(json!({"disableResilienceDefaults": false})).is_ok());
        assert!(parse(json!({"disableResilienceDefaults": true})).is_err());
    }
}
