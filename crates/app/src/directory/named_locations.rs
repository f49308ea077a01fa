//! Named locations (IP ranges or countries) through Graph. They belong to one tenant: only that
//! tenant's policies may use them, and one in use cannot be deleted.

use super::access::{Caller, GraphError};
use super::countries::iso_alpha2;
use super::permissions::Operation;
use crate::App;
use portico_model::conditional_access::{LocationKind, NamedLocation};
use portico_model::{Invalid, ObjectId};
use portico_store::{StoreError, Write};
use std::str::FromStr;

/// `#microsoft.graph.ipNamedLocation` or `#microsoft.graph.countryNamedLocation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationType {
    Ip,
    Country,
}

/// A create or `PATCH` body; the properties present change.
#[derive(Debug, Clone, Default)]
pub struct NamedLocationPatch {
    pub location_type: Option<LocationType>,
    pub display_name: Option<String>,
    pub is_trusted: Option<bool>,
    /// CIDR ranges, already checked to match their declared IPv4 / IPv6 type.
    pub ip_ranges: Option<Vec<String>>,
    pub countries_and_regions: Option<Vec<String>>,
    pub include_unknown_countries_and_regions: Option<bool>,
}

fn type_of(location: &LocationKind) -> LocationType {
    match location {
        LocationKind::Ip { .. } => LocationType::Ip,
        LocationKind::Country { .. } => LocationType::Country,
    }
}

/// Checks ranges (with `ipnet`) and country codes, normalising codes to upper case.
pub fn validate_location(location: &mut NamedLocation) -> Result<(), Invalid> {
    if location.display_name.trim().is_empty() {
        return Err(Invalid::new(
            "displayName",
            "'displayName' is required and cannot be empty.",
        ));
    }
    match &mut location.location {
        LocationKind::Ip { ranges, .. } => {
            if ranges.is_empty() {
                return Err(Invalid::new("ipRanges", "'ipRanges' needs at least one range, such as {\"@odata.type\": \"#microsoft.graph.iPv4CidrRange\", \"cidrAddress\": \"203.0.113.0/24\"}."));
            }
            for range in ranges.iter_mut() {
                let net = ipnet::IpNet::from_str(range.trim()).map_err(|_| {
                    Invalid::new("ipRanges", format!("'{range}' in 'ipRanges' is not a CIDR range: write an address and a prefix length, such as 203.0.113.0/24 or 2001:db8::/32."))
                })?;
                *range = net.to_string();
            }
        }
        LocationKind::Country { countries, .. } => {
            if countries.is_empty() {
                return Err(Invalid::new("countriesAndRegions", "'countriesAndRegions' needs at least one ISO 3166-1 alpha-2 code, such as [\"JP\"]."));
            }
            for country in countries.iter_mut() {
                *country = iso_alpha2(country).ok_or_else(|| {
                    Invalid::new("countriesAndRegions", format!("'{country}' in 'countriesAndRegions' is not an ISO 3166-1 alpha-2 country code (two letters, such as US or JP)."))
                })?;
            }
            let mut seen: Vec<String> = Vec::new();
            countries.retain(|c| {
                let first = !seen.contains(c);
                seen.push(c.clone());
                first
            });
        }
    }
    Ok(())
}

/// Applies the patch's properties to `location`, refusing properties of the other type.
fn apply_patch(location: &mut NamedLocation, patch: NamedLocationPatch) -> Result<(), Invalid> {
    if let Some(name) = patch.display_name {
        location.display_name = name;
    }
    match &mut location.location {
        LocationKind::Ip { ranges, is_trusted } => {
            if patch.countries_and_regions.is_some()
                || patch.include_unknown_countries_and_regions.is_some()
            {
                return Err(Invalid::new("countriesAndRegions", "'countriesAndRegions' and 'includeUnknownCountriesAndRegions' belong to #microsoft.graph.countryNamedLocation, not to an ipNamedLocation."));
            }
            if let Some(new) = patch.ip_ranges {
                *ranges = new;
            }
            if let Some(trusted) = patch.is_trusted {
                *is_trusted = trusted;
            }
        }
        LocationKind::Country {
            countries,
            include_unknown,
        } => {
            if patch.ip_ranges.is_some() || patch.is_trusted.is_some() {
                return Err(Invalid::new("ipRanges", "'ipRanges' and 'isTrusted' belong to #microsoft.graph.ipNamedLocation, not to a countryNamedLocation."));
            }
            if let Some(new) = patch.countries_and_regions {
                *countries = new;
            }
            if let Some(unknown) = patch.include_unknown_countries_and_regions {
                *include_unknown = unknown;
            }
        }
    }
    validate_location(location)
}

impl App {
    pub async fn graph_list_named_locations(
        &self,
        caller: &Caller,
    ) -> Result<Vec<NamedLocation>, GraphError> {
        caller.require(Operation::ListNamedLocations)?;
        Ok(self.store().list_named_locations(caller.tenant()).await?)
    }

    pub async fn graph_get_named_location(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<NamedLocation, GraphError> {
        caller.require(Operation::GetNamedLocation)?;
        let wanted = ObjectId::parse(id).map_err(|_| GraphError::NotFound(id.to_owned()))?;
        self.store()
            .list_named_locations(caller.tenant())
            .await?
            .into_iter()
            .find(|l| l.id == wanted)
            .ok_or_else(|| GraphError::NotFound(id.to_owned()))
    }

    async fn save_location(
        &self,
        caller: &Caller,
        location: NamedLocation,
        activity: &str,
    ) -> Result<NamedLocation, GraphError> {
        let audit = self.directory_audit(
            caller,
            "Policy",
            activity,
            "NamedLocation",
            location.id,
            &location.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::PutNamedLocation(location.clone()), audit],
            )
            .await?;
        Ok(location)
    }

    pub async fn graph_create_named_location(
        &self,
        caller: &Caller,
        patch: NamedLocationPatch,
    ) -> Result<NamedLocation, GraphError> {
        caller.require(Operation::CreateNamedLocation)?;
        let kind = match patch.location_type {
            Some(LocationType::Ip) => LocationKind::Ip {
                ranges: Vec::new(),
                is_trusted: false,
            },
            Some(LocationType::Country) => LocationKind::Country {
                countries: Vec::new(),
                include_unknown: false,
            },
            None => return Err(GraphError::bad_request("'@odata.type' is required when creating a named location: use #microsoft.graph.ipNamedLocation or #microsoft.graph.countryNamedLocation.")),
        };
        let mut location = NamedLocation {
            id: self.random().object_id(),
            display_name: String::new(),
            location: kind,
            created_at: self.now(),
            modified_at: None,
        };
        apply_patch(&mut location, patch)?;
        self.save_location(caller, location, "Add named location")
            .await
    }

    pub async fn graph_update_named_location(
        &self,
        caller: &Caller,
        id: &str,
        patch: NamedLocationPatch,
    ) -> Result<(), GraphError> {
        caller.require(Operation::UpdateNamedLocation)?;
        let mut location = self.graph_get_named_location(caller, id).await?;
        if patch
            .location_type
            .is_some_and(|t| t != type_of(&location.location))
        {
            return Err(GraphError::bad_request("A named location's type cannot change: send the '@odata.type' it was created with, or delete it and create a new one."));
        }
        apply_patch(&mut location, patch)?;
        location.modified_at = Some(self.now());
        self.save_location(caller, location, "Update named location")
            .await
            .map(|_| ())
    }

    pub async fn graph_delete_named_location(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(), GraphError> {
        caller.require(Operation::DeleteNamedLocation)?;
        let location = self.graph_get_named_location(caller, id).await?;
        if let Some(policy) = self.policy_referring_to(caller, location.id).await? {
            return Err(GraphError::with_reason(
                "namedLocationInUse",
                format!(
                    "Named location '{}' is used by Conditional Access policy '{}' ({}). Remove it from that policy's conditions.locations first, then delete it.",
                    location.display_name, policy.display_name, policy.id
                ),
            ));
        }
        let audit = self.directory_audit(
            caller,
            "Policy",
            "Delete named location",
            "NamedLocation",
            location.id,
            &location.display_name,
        );
        self.store()
            .apply(
                caller.tenant(),
                vec![Write::DeleteNamedLocation(location.id), audit],
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
    use chrono::TimeZone;

    fn location(kind: LocationKind) -> NamedLocation {
        NamedLocation {
            id: ObjectId::from_uuid(uuid::Uuid::nil()),
            display_name: "HQ".into(),
            location: kind,
            created_at: chrono::Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
            modified_at: None,
        }
    }

    #[test]
    fn ranges_and_countries_are_checked() {
        let mut ip = location(LocationKind::Ip {
            ranges: vec!["203.0.113.0/24".into(), "2001:db8::/32".into()],
            is_trusted: true,
        });
        validate_location(&mut ip).unwrap();
        for bad in [
            "203.0.113.0",
            "203.0.113.0/33",
            "300.0.0.0/8",
            "not a range",
        ] {
            let mut ip = location(LocationKind::Ip {
                ranges: vec![bad.into()],
                is_trusted: false,
            });
            assert!(validate_location(&mut ip).is_err(), "{bad}");
        }
        let mut country = location(LocationKind::Country {
            countries: vec!["jp".into(), "US".into()],
            include_unknown: false,
        });
        validate_location(&mut country).unwrap();
        assert_eq!(
            country.location,
            LocationKind::Country {
                countries: vec!["JP".into(), "US".into()],
                include_unknown: false
            }
        );
        let mut bad = location(LocationKind::Country {
            countries: vec!["XX".into()],
            include_unknown: false,
        });
        assert!(validate_location(&mut bad).is_err());
    }

    #[test]
    fn properties_of_the_other_type_are_refused() {
        let mut ip = location(LocationKind::Ip {
            ranges: vec!["10.0.0.0/8".into()],
            is_trusted: false,
        });
        let patch = NamedLocationPatch {
            countries_and_regions: Some(vec!["JP".into()]),
            ..Default::default()
        };
        assert!(apply_patch(&mut ip, patch)
            .unwrap_err()
            .message
            .contains("countryNamedLocation"));
    }
}
