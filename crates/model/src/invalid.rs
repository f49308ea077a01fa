//! A value that breaks a rule: the property it is in, and a message that says what to change.
//! Every validation in Portico answers with this one type; the HTTP layer turns it into Graph's
//! 400 (`error.details[0].target` names the property) or the control API's error.

/// The property at fault (a JSON path like `conditions.users.includeUsers`) and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub property: String,
    pub message: String,
}

impl Invalid {
    pub fn new(property: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            property: property.into(),
            message: message.into(),
        }
    }
}

/// `Invalid` for `property`, its message formatted like `format!`:
/// `invalid!("state", "Invalid value '{value}' for 'state'.")`.
#[macro_export]
macro_rules! invalid {
    ($property:expr, $($message:tt)+) => {
        $crate::Invalid::new($property, format!($($message)+))
    };
}
