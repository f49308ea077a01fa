//! The portal's cross-tenant forms build the same target configuration a Graph client sends,
//! so `TargetConfigurationBody::to_model` (and then the use case's rules) judge it.

use super::{TargetBody, TargetConfigurationBody};

impl TargetConfigurationBody {
    /// `accessType` and `(target, targetType)` pairs as the form gives them.
    pub fn from_form(access_type: &str, targets: Vec<(String, &str)>) -> Self {
        Self {
            odata_type: None,
            access_type: Some(access_type.to_owned()),
            targets: Some(
                targets
                    .into_iter()
                    .map(|(target, kind)| TargetBody {
                        odata_type: None,
                        target: Some(target),
                        target_type: Some(kind.to_owned()),
                    })
                    .collect(),
            ),
        }
    }
}
