//! The portal's named-location form, both ways: the submitted pairs become the `NamedLocationBody`
//! a Graph client sends (same parsing, same `Invalid {property, message}`), and a stored location
//! becomes the pairs that fill the form. Field names are Graph property names; the kind is
//! `@odata.type` (`ipNamedLocation` or `countryNamedLocation`).

use super::{IpRangeBody, NamedLocationBody, COUNTRY_LOCATION, IP_LOCATION};
use portico_model::conditional_access::{LocationKind, NamedLocation};

fn values<'a>(pairs: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    pairs
        .iter()
        .filter(move |(n, _)| n == name)
        .flat_map(|(_, v)| v.split(['\n', ',', ' ']))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn text(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim().to_owned())
}

fn ticked(pairs: &[(String, String)], name: &str) -> bool {
    pairs.iter().any(|(n, _)| n == name)
}

/// The Graph body the form stands for: only the properties of its kind.
pub fn named_location_body_from_form(pairs: &[(String, String)]) -> NamedLocationBody {
    let kind = text(pairs, "@odata.type").unwrap_or_default();
    let ip = kind == IP_LOCATION;
    let country = kind == COUNTRY_LOCATION;
    NamedLocationBody {
        odata_type: Some(format!("#microsoft.graph.{kind}")),
        id: None,
        created_date_time: None,
        modified_date_time: None,
        display_name: Some(text(pairs, "displayName").unwrap_or_default()),
        is_trusted: ip.then(|| ticked(pairs, "isTrusted")),
        ip_ranges: ip.then(|| {
            values(pairs, "ipRanges")
                .map(|cidr| IpRangeBody {
                    odata_type: None,
                    cidr_address: cidr.to_owned(),
                })
                .collect()
        }),
        countries_and_regions: country.then(|| {
            values(pairs, "countriesAndRegions")
                .map(str::to_owned)
                .collect()
        }),
        include_unknown_countries_and_regions: country
            .then(|| ticked(pairs, "includeUnknownCountriesAndRegions")),
        country_lookup_method: None,
    }
}

/// The form's pairs for a stored location (to edit it).
pub fn named_location_form_pairs(location: &NamedLocation) -> Vec<(String, String)> {
    let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
    let mut pairs = vec![pair("displayName", &location.display_name)];
    match &location.location {
        LocationKind::Ip { ranges, is_trusted } => {
            pairs.push(pair("@odata.type", IP_LOCATION));
            pairs.extend(ranges.iter().map(|r| pair("ipRanges", r)));
            if *is_trusted {
                pairs.push(pair("isTrusted", "true"));
            }
        }
        LocationKind::Country {
            countries,
            include_unknown,
        } => {
            pairs.push(pair("@odata.type", COUNTRY_LOCATION));
            pairs.extend(countries.iter().map(|c| pair("countriesAndRegions", c)));
            if *include_unknown {
                pairs.push(pair("includeUnknownCountriesAndRegions", "true"));
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::named_locations::NamedLocationType;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_ip_form_is_the_graph_body() {
        let fields = named_location_body_from_form(&pairs(&[
            ("@odata.type", "ipNamedLocation"),
            ("displayName", "Office"),
            ("ipRanges", "203.0.113.0/24\n2001:db8::/32"),
            ("isTrusted", "true"),
            ("countriesAndRegions", "FR"),
        ]))
        .into_fields()
        .unwrap();
        assert_eq!(fields.location_type, Some(NamedLocationType::Ip));
        assert_eq!(
            fields.ip_ranges.unwrap(),
            ["203.0.113.0/24", "2001:db8::/32"]
        );
        assert_eq!(fields.is_trusted, Some(true));
        assert_eq!(fields.countries_and_regions, None);
    }

    #[test]
    fn a_country_form_is_the_graph_body() {
        let fields = named_location_body_from_form(&pairs(&[
            ("@odata.type", "countryNamedLocation"),
            ("displayName", "Home countries"),
            ("countriesAndRegions", "fr, de"),
        ]))
        .into_fields()
        .unwrap();
        assert_eq!(fields.location_type, Some(NamedLocationType::Country));
        assert_eq!(fields.countries_and_regions.unwrap(), ["fr", "de"]);
        assert_eq!(fields.include_unknown_countries_and_regions, Some(false));
        assert!(
            named_location_body_from_form(&pairs(&[("@odata.type", "x")]))
                .into_fields()
                .is_err()
        );
    }
}
