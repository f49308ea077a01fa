//! Graph shapes of named locations: `ipNamedLocation` (CIDR ranges) and
//! `countryNamedLocation` (ISO 3166 codes), and the bodies that create and change them.

use super::conditional_access::{is_type, refuse_read_only};
use super::timestamp;
use portico_model::conditional_access::{LocationKind, NamedLocation};
use portico_model::{invalid, Invalid};
use serde::Deserialize;
use serde_json::{json, Map, Value};

mod form;
pub use form::{named_location_body_from_form, named_location_form_pairs};

const IP_LOCATION: &str = "ipNamedLocation";
const COUNTRY_LOCATION: &str = "countryNamedLocation";
const IPV4_RANGE: &str = "iPv4CidrRange";
const IPV6_RANGE: &str = "iPv6CidrRange";

/// Which kind of named location a body names with its `@odata.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedLocationType {
    Ip,
    Country,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamedLocationBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    id: Option<Value>,
    created_date_time: Option<Value>,
    modified_date_time: Option<Value>,
    display_name: Option<String>,
    is_trusted: Option<bool>,
    ip_ranges: Option<Vec<IpRangeBody>>,
    countries_and_regions: Option<Vec<String>>,
    include_unknown_countries_and_regions: Option<bool>,
    country_lookup_method: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IpRangeBody {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    cidr_address: String,
}

/// The properties a body sets. CIDR syntax is checked by `portico_app`; here only that each
/// range matches its declared IPv4 / IPv6 type.
#[derive(Debug, Default)]
pub struct NamedLocationFields {
    pub location_type: Option<NamedLocationType>,
    pub display_name: Option<String>,
    pub is_trusted: Option<bool>,
    pub ip_ranges: Option<Vec<String>>,
    pub countries_and_regions: Option<Vec<String>>,
    pub include_unknown_countries_and_regions: Option<bool>,
}

impl IpRangeBody {
    fn into_cidr(self) -> Result<String, Invalid> {
        let looks_v6 = self.cidr_address.contains(':');
        match self.odata_type.as_deref() {
            None => {}
            Some(t) if is_type(t, IPV4_RANGE) && looks_v6 => {
                return Err(invalid!("ipRanges", "'{}' is an IPv6 range: send it as #microsoft.graph.{IPV6_RANGE}.", self.cidr_address))
            }
            Some(t) if is_type(t, IPV6_RANGE) && !looks_v6 => {
                return Err(invalid!("ipRanges", "'{}' is not an IPv6 range: send it as #microsoft.graph.{IPV4_RANGE}.", self.cidr_address))
            }
            Some(t) if is_type(t, IPV4_RANGE) || is_type(t, IPV6_RANGE) => {}
            Some(t) => {
                return Err(invalid!("ipRanges", "The type '{t}' is not valid in 'ipRanges'; use '#microsoft.graph.{IPV4_RANGE}' or '#microsoft.graph.{IPV6_RANGE}'."))
            }
        }
        Ok(self.cidr_address)
    }
}

impl NamedLocationBody {
    pub fn into_fields(self) -> Result<NamedLocationFields, Invalid> {
        refuse_read_only("id", &self.id)?;
        refuse_read_only("createdDateTime", &self.created_date_time)?;
        refuse_read_only("modifiedDateTime", &self.modified_date_time)?;
        let location_type = match self.odata_type.as_deref() {
            None => None,
            Some(t) if is_type(t, IP_LOCATION) => Some(NamedLocationType::Ip),
            Some(t) if is_type(t, COUNTRY_LOCATION) => Some(NamedLocationType::Country),
            Some(t) => return Err(invalid!("@odata.type", "The type '{t}' is not a named location type; use '#microsoft.graph.{IP_LOCATION}' or '#microsoft.graph.{COUNTRY_LOCATION}'.")),
        };
        if let Some(method) = self.country_lookup_method.as_deref() {
            if !method.eq_ignore_ascii_case("clientIpAddress") {
                return Err(invalid!("countryLookupMethod", "Portico looks countries up by the client's IP address only: 'countryLookupMethod' '{method}' is not supported; send clientIpAddress or leave it out."));
            }
        }
        let ip_ranges = self
            .ip_ranges
            .map(|ranges| ranges.into_iter().map(IpRangeBody::into_cidr).collect())
            .transpose()?;
        Ok(NamedLocationFields {
            location_type,
            display_name: self.display_name,
            is_trusted: self.is_trusted,
            ip_ranges,
            countries_and_regions: self.countries_and_regions,
            include_unknown_countries_and_regions: self.include_unknown_countries_and_regions,
        })
    }
}

/// A named location as Graph returns it, with its `@odata.type`.
pub fn named_location_json(location: &NamedLocation) -> Map<String, Value> {
    let common = |kind: &str| {
        json!({
            "@odata.type": format!("#microsoft.graph.{kind}"),
            "id": location.id.to_string(),
            "displayName": location.display_name,
            "createdDateTime": timestamp(location.created_at),
            "modifiedDateTime": timestamp(location.modified_at.unwrap_or(location.created_at)),
        })
    };
    let (mut object, extra) =
        match &location.location {
            LocationKind::Ip { ranges, is_trusted } => {
                let ranges: Vec<Value> = ranges
                .iter()
                .map(|cidr| {
                    let kind = if cidr.contains(':') { IPV6_RANGE } else { IPV4_RANGE };
                    json!({"@odata.type": format!("#microsoft.graph.{kind}"), "cidrAddress": cidr})
                })
                .collect();
                (
                    common(IP_LOCATION),
                    json!({"isTrusted": is_trusted, "ipRanges": ranges}),
                )
            }
            LocationKind::Country {
                countries,
                include_unknown,
            } => (
                common(COUNTRY_LOCATION),
                json!({
                    "countriesAndRegions": countries,
                    "includeUnknownCountriesAndRegions": include_unknown,
                    "countryLookupMethod": "clientIpAddress",
                }),
            ),
        };
    if let (Value::Object(map), Value::Object(more)) = (&mut object, extra) {
        map.extend(more);
    }
    match object {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: Value) -> Result<NamedLocationFields, String> {
        serde_json::from_value::<NamedLocationBody>(body)
            .map_err(|e| e.to_string())?
            .into_fields()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn range_types_must_match_addresses() {
        let fields = parse(
            json!({"@odata.type": "#microsoft.graph.ipNamedLocation", "ipRanges": [
            {"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "203.0.113.0/24"},
            {"@odata.type": "#microsoft.graph.iPv6CidrRange", "cidrAddress": "2001:db8::/32"}]}),
        )
        .unwrap();
        assert_eq!(fields.location_type, Some(NamedLocationType::Ip));
        assert_eq!(fields.ip_ranges.unwrap().len(), 2);
        assert!(parse(json!({"ipRanges": [{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "2001:db8::/32"}]}))
            .unwrap_err()
            .contains("IPv6"));
        assert!(parse(json!({"@odata.type": "#microsoft.graph.user"})).is_err());
        assert!(parse(json!({"countryLookupMethod": "authenticatorAppGps"})).is_err());
    }
}
