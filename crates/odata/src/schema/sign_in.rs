//! `signIn` (GET /auditLogs/signIns) in v1.0 ([`SIGN_IN`]) and beta ([`SIGN_IN_BETA`]): the
//! properties of each version's metadata that Portico serves. Filters follow the signIn resource
//! page (`eq` and `startsWith` where it lists them, `eq`/`ge`/`le` on the time) plus the B2B
//! columns the portal filters by (`homeTenantId`, `resourceTenantId`, `isInteractive`; in beta
//! `crossTenantAccessType`, `userType` and `signInEventTypes/any`). Graph's sign-in log has no
//! advanced-query rule: `ne` and `not` work wherever `eq` does.

use super::shorthand::D;
use super::{Entity, FilterSupport, Kind, Property};

/// Graph's `signInUserType`: lower-case, unlike the user resource's `userType`.
pub const SIGN_IN_USER_TYPES: &[&str] = &["member", "guest", "unknownFutureValue"];
/// Graph's `signInAccessType`.
pub const CROSS_TENANT_ACCESS_TYPES: &[&str] = &[
    "none",
    "b2bCollaboration",
    "b2bDirectConnect",
    "microsoftSupport",
    "serviceProvider",
    "unknownFutureValue",
    "passthrough",
];

const EQ: FilterSupport = FilterSupport {
    eq: D,
    ..FilterSupport::NONE
};

const EQ_STARTS_WITH: FilterSupport = FilterSupport {
    eq: D,
    starts_with: D,
    ..FilterSupport::NONE
};

/// A property returned by default and not filterable.
const fn shown(name: &'static str, kind: Kind) -> Property {
    Property::new(name, kind).default_select()
}

const CREATED: Property = Property::new("createdDateTime", Kind::DateTime)
    .filter(FilterSupport {
        eq: D,
        range: D,
        ..FilterSupport::NONE
    })
    .order_by(D)
    .default_select()
    .not_null();

/// What v1.0 and beta share, filters included.
const COMMON: [Property; 29] = [
    Property::new("id", Kind::String)
        .filter(EQ)
        .default_select()
        .not_null(),
    CREATED,
    shown("userDisplayName", Kind::String),
    shown("userPrincipalName", Kind::String).filter(EQ_STARTS_WITH),
    shown("userId", Kind::String).filter(EQ).not_null(),
    shown("appId", Kind::String).filter(EQ),
    shown("appDisplayName", Kind::String).filter(EQ_STARTS_WITH),
    shown("ipAddress", Kind::String),
    shown("clientAppUsed", Kind::String),
    shown("userAgent", Kind::String),
    shown("correlationId", Kind::String).filter(EQ),
    shown("conditionalAccessStatus", Kind::String),
    shown("isInteractive", Kind::Bool).filter(EQ),
    shown("resourceDisplayName", Kind::String),
    shown("resourceId", Kind::String),
    shown("resourceTenantId", Kind::String).filter(EQ),
    shown("homeTenantId", Kind::String).filter(EQ),
    shown("servicePrincipalId", Kind::String),
    shown("servicePrincipalName", Kind::String),
    shown("riskDetail", Kind::String),
    shown("riskLevelAggregated", Kind::String),
    shown("riskLevelDuringSignIn", Kind::String),
    shown("riskState", Kind::String),
    shown("riskEventTypes_v2", Kind::StringCollection),
    // `status` as a whole is selectable; only its error code is filterable.
    shown("status", Kind::Complex("microsoft.graph.signInStatus")),
    Property::new("status/errorCode", Kind::Int)
        .filter(EQ)
        .filter_only(),
    shown(
        "deviceDetail",
        Kind::Complex("microsoft.graph.deviceDetail"),
    ),
    shown("location", Kind::Complex("microsoft.graph.signInLocation")),
    shown(
        "appliedConditionalAccessPolicies",
        Kind::ComplexCollection("microsoft.graph.appliedConditionalAccessPolicy"),
    ),
];

const fn concat<const A: usize, const B: usize, const N: usize>(
    first: [Property; A],
    second: [Property; B],
) -> [Property; N] {
    let mut out = [first[0]; N];
    let mut i = 0;
    while i < A {
        out[i] = first[i];
        i += 1;
    }
    while i < N {
        out[i] = second[i - A];
        i += 1;
    }
    out
}

const V1_ONLY: [Property; 2] = [
    shown("riskEventTypes", Kind::StringCollection),
    shown(
        "authenticationAppDeviceDetails",
        Kind::Complex("microsoft.graph.authenticationAppDeviceDetails"),
    ),
];

const BETA_ONLY: [Property; 5] = [
    shown("userType", Kind::Enum(SIGN_IN_USER_TYPES)).filter(EQ),
    shown("homeTenantName", Kind::String),
    shown(
        "crossTenantAccessType",
        Kind::Enum(CROSS_TENANT_ACCESS_TYPES),
    )
    .filter(EQ),
    shown("isTenantRestricted", Kind::Bool),
    // `signInEventTypes/any(t: t eq 'nonInteractiveUser')`: a row has exactly one.
    shown("signInEventTypes", Kind::StringCollection).filter(EQ),
];

static V1_PROPERTIES: [Property; 31] = concat(COMMON, V1_ONLY);
static BETA_PROPERTIES: [Property; 34] = concat(COMMON, BETA_ONLY);

/// v1.0's `signIn`: exactly the properties of the v1.0 metadata. The list holds interactive
/// sign-ins only (the use case adds the condition).
pub static SIGN_IN: Entity = Entity {
    name: "signIn",
    resource: "SignIn",
    type_name: "microsoft.graph.signIn",
    // signin-list: "The maximum and default page size is 1,000 objects".
    default_top: 1000,
    max_top: 1000,
    advanced_queries: false,
    properties: &V1_PROPERTIES,
};

/// Beta's `signIn`: v1.0's plus the cross-tenant columns the portal and the seed's filter use
/// (`crossTenantAccessType`, `userType`, …) and `signInEventTypes`, which selects the
/// non-interactive and service principal rows.
pub static SIGN_IN_BETA: Entity = Entity {
    name: "signIn",
    resource: "SignIn",
    type_name: "microsoft.graph.signIn",
    default_top: 1000,
    max_top: 1000,
    advanced_queries: false,
    properties: &BETA_PROPERTIES,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_filter, parse_query, print_filter, CmpOp, Expr, Literal, RawQuery};

    fn filter(text: &str) -> Expr {
        parse_filter(&SIGN_IN_BETA, text)
            .unwrap_or_else(|e| panic!("{text}: {e:?}"))
            .0
    }

    #[test]
    fn nested_paths_and_integers() {
        assert_eq!(
            filter("status/errorCode eq 500212"),
            Expr::Compare {
                property: "status/errorCode".into(),
                op: CmpOp::Eq,
                value: Literal::Int(500212),
            }
        );
        // Property paths match in any letter case, and reprint canonically.
        let expr = filter("Status/ErrorCode ne 0");
        assert_eq!(print_filter(&expr), "status/errorCode ne 0");
        assert!(parse_filter(&SIGN_IN, "status/errorCode eq '0'").is_err());
        assert!(parse_filter(&SIGN_IN, "status/failureReason eq 'x'").is_err());
        assert!(parse_filter(&SIGN_IN, "status eq 'x'").is_err());
    }

    #[test]
    fn beta_columns_are_not_v1_properties() {
        for text in [
            "crossTenantAccessType eq 'b2bCollaboration'",
            "userType eq 'guest'",
            "signInEventTypes/any(t: t eq 'nonInteractiveUser')",
        ] {
            assert!(parse_filter(&SIGN_IN, text).is_err(), "{text}");
            filter(text);
        }
        assert_eq!(
            filter("signInEventTypes/any(t: t eq 'servicePrincipal')"),
            Expr::Any {
                collection: "signInEventTypes".into(),
                predicate: Box::new(Expr::Compare {
                    property: Expr::ELEMENT.into(),
                    op: CmpOp::Eq,
                    value: Literal::String("servicePrincipal".into()),
                }),
            }
        );
    }

    #[test]
    fn enums_take_graph_spelling_in_any_case() {
        assert_eq!(
            filter("crossTenantAccessType eq 'B2BCOLLABORATION'"),
            filter("crossTenantAccessType eq 'b2bCollaboration'")
        );
        assert_eq!(
            filter("userType eq 'Guest'"),
            Expr::Compare {
                property: "userType".into(),
                op: CmpOp::Eq,
                value: Literal::String("guest".into()),
            }
        );
    }

    #[test]
    fn no_advanced_query_rule_for_logs() {
        let raw = RawQuery::from_pairs([
            (
                "$filter",
                "status/errorCode ne 0 and not (isInteractive eq false)",
            ),
            ("$top", "1000"),
        ])
        .unwrap();
        let options = parse_query(&SIGN_IN, &raw, false).unwrap();
        assert_eq!(options.top, 1000);
        assert!(!options.advanced);
        let too_many = RawQuery::from_pairs([("$top", "1001")]).unwrap();
        assert!(parse_query(&SIGN_IN, &too_many, false).is_err());
        let default = parse_query(&SIGN_IN, &RawQuery::default(), false).unwrap();
        assert_eq!(default.top, 1000);
    }

    #[test]
    fn ranges_and_functions_where_graph_lists_them() {
        filter(
            "createdDateTime ge 2026-03-01T00:00:00Z and createdDateTime lt 2026-03-02T00:00:00Z",
        );
        filter("startswith(userPrincipalName, 'alice')");
        filter("startsWith(appDisplayName,'Contoso') or appId eq 'c0c0a003-0000-4000-8000-000000000003'");
        for refused in [
            "endswith(userPrincipalName, 'x')",
            "userId ge 'a'",
            "location/city eq 'Redmond'",
            "ipAddress eq '10.0.0.1'",
            "userId in ('a', 'b')",
        ] {
            assert!(parse_filter(&SIGN_IN, refused).is_err(), "{refused}");
        }
    }
}
