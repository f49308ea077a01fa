//! `directoryAudit` (GET /auditLogs/directoryAudits): the filters the directoryAudit resource page
//! lists that Portico can answer, plus `category` and `result`. Like the sign-in log, it has no
//! advanced-query rule.

use super::shorthand::D;
use super::{Entity, FilterSupport, Kind, Property};

/// Graph's `operationResult`.
pub const AUDIT_RESULTS: &[&str] = &["success", "failure", "timeout", "unknownFutureValue"];

const EQ: FilterSupport = FilterSupport {
    eq: D,
    ..FilterSupport::NONE
};

const EQ_STARTS_WITH: FilterSupport = FilterSupport {
    eq: D,
    starts_with: D,
    ..FilterSupport::NONE
};

const fn shown(name: &'static str, kind: Kind) -> Property {
    Property::new(name, kind).default_select()
}

pub static DIRECTORY_AUDIT: Entity = Entity {
    name: "directoryAudit",
    resource: "DirectoryAudit",
    type_name: "microsoft.graph.directoryAudit",
    default_top: 1000,
    max_top: 1000,
    advanced_queries: false,
    properties: &[
        Property::new("id", Kind::String)
            .filter(EQ)
            .default_select(),
        shown("category", Kind::String).filter(EQ),
        shown("correlationId", Kind::String).filter(EQ),
        shown("result", Kind::Enum(AUDIT_RESULTS)).filter(EQ),
        shown("resultReason", Kind::String),
        shown("activityDisplayName", Kind::String).filter(EQ_STARTS_WITH),
        shown("activityDateTime", Kind::DateTime)
            .filter(FilterSupport {
                eq: D,
                range: D,
                ..FilterSupport::NONE
            })
            .order_by(D),
        shown("loggedByService", Kind::String),
        shown("operationType", Kind::String),
        shown("initiatedBy", Kind::String),
        Property::new("initiatedBy/user/id", Kind::String).filter(EQ),
        Property::new("initiatedBy/user/userPrincipalName", Kind::String).filter(EQ_STARTS_WITH),
        Property::new("initiatedBy/app/displayName", Kind::String).filter(EQ),
        // `targetResources/any(t: t/id eq '…')`; other members of a target are not filterable.
        shown("targetResources", Kind::StringCollection)
            .filter(EQ)
            .element_member("id"),
        shown("additionalDetails", Kind::String),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_filter, print_filter, CmpOp, Expr, Literal};

    #[test]
    fn lambda_over_target_ids() {
        let (expr, advanced) =
            parse_filter(&DIRECTORY_AUDIT, "targetResources/any(t: t/id eq 'ABC')").unwrap();
        assert!(!advanced);
        assert_eq!(
            expr,
            Expr::Any {
                collection: "targetResources/id".into(),
                predicate: Box::new(Expr::Compare {
                    property: Expr::ELEMENT.into(),
                    op: CmpOp::Eq,
                    value: Literal::String("ABC".into()),
                }),
            }
        );
        let printed = print_filter(&expr);
        assert_eq!(printed, "targetResources/any(x: x/id eq 'ABC')");
        assert_eq!(parse_filter(&DIRECTORY_AUDIT, &printed).unwrap().0, expr);
        for refused in [
            "targetResources/any(t: t eq 'ABC')",
            "targetResources/any(t: t/displayName eq 'ABC')",
            "targetResources/any(t: t/id ge 'ABC')",
            "targetResources/$count eq 1",
        ] {
            assert!(
                parse_filter(&DIRECTORY_AUDIT, refused).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn initiator_paths() {
        let (expr, _) = parse_filter(
            &DIRECTORY_AUDIT,
            "initiatedBy/user/id eq '00000000-0000-0000-0000-000000000001' or startswith(initiatedBy/user/userPrincipalName, 'admin@')",
        )
        .unwrap();
        assert_eq!(
            print_filter(&expr),
            "initiatedBy/user/id eq '00000000-0000-0000-0000-000000000001' or startswith(initiatedBy/user/userPrincipalName, 'admin@')"
        );
        assert!(parse_filter(&DIRECTORY_AUDIT, "initiatedBy/user/displayName eq 'x'").is_err());
        assert!(parse_filter(&DIRECTORY_AUDIT, "result eq 'FAILURE'").is_ok());
        assert!(parse_filter(
            &DIRECTORY_AUDIT,
            "category eq 'UserManagement' and activityDateTime ge 2026-01-01T00:00:00Z"
        )
        .is_ok());
    }
}
