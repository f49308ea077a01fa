//! Compiles checked OData `$filter` trees to parameterised SQL, with the semantics of
//! `portico_odata::evaluate` on both backends: ASCII case folding, code-point ordering,
//! two-valued logic (no `NULL` ever leaks out of a predicate), `any` and `/$count` over the
//! collection side tables. Property names come only from the entity's column map, and values
//! only as parameters.

use super::Backend;
use crate::{StoreError, StoreResult};
use portico_odata::{CmpOp, Direction, Expr, Kind, Literal};

/// A bind parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// How a property is stored.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Column {
    /// Text compared with ASCII case folding (names, addresses, enums, GUIDs).
    Text(&'static str),
    /// A flag, as 0/1.
    Flag(&'static str),
    /// The negation of a flag (`showInAddressList` is `NOT hidden_from_address_lists`).
    NotFlag(&'static str),
    /// A flag Graph reports as `null` when false (`onPremisesSyncEnabled`).
    TrueOrNull(&'static str),
    /// Microseconds since the epoch.
    Time(&'static str),
    /// An integer (`status/errorCode`).
    Int(&'static str),
    /// A collection in a side table: its table, the owner column, and the element expression
    /// (already folded) over alias `c`.
    Collection {
        table: &'static str,
        owner: &'static str,
        element: &'static str,
        extra: &'static str,
    },
    /// A collection of objects in a side table, compared by members: each member's (already
    /// folded) column over alias `c`.
    Objects {
        table: &'static str,
        owner: &'static str,
        members: &'static [(&'static str, &'static str)],
    },
}

/// The column map of one entity: `table` is the main table's name (alias-free).
pub(crate) struct Entity {
    pub table: &'static str,
    pub columns: fn(&str) -> Option<Column>,
}

pub(crate) const USERS: Entity = Entity {
    table: "users",
    columns: user_column,
};
pub(crate) const GROUPS: Entity = Entity {
    table: "directory_groups",
    columns: group_column,
};
pub(crate) const CONTACTS: Entity = Entity {
    table: "contacts",
    columns: contact_column,
};

/// The users table's column for a filterable property: read from `portico_odata::USER`, with the
/// collections' side tables and the two flags Graph reports differently named here.
fn user_column(property: &str) -> Option<Column> {
    Some(match property {
        "otherMails" => Column::Collection {
            table: "user_other_mails",
            owner: "user_id",
            element: "c.address_key",
            extra: "",
        },
        "proxyAddresses" => Column::Collection {
            table: "proxy_addresses",
            owner: "owner_id",
            element: "('smtp:' || c.address_key)",
            extra: "",
        },
        "identities" => Column::Objects {
            table: "user_identities",
            owner: "user_id",
            members: &[
                ("signInType", "c.sign_in_type_key"),
                ("issuer", "c.issuer_key"),
                ("issuerAssignedId", "c.issuer_assigned_id_key"),
            ],
        },
        "showInAddressList" => Column::NotFlag("hidden_from_address_lists"),
        "onPremisesSyncEnabled" => Column::TrueOrNull("on_premises_sync_enabled"),
        _ => {
            let property = portico_odata::USER.property(property)?;
            let column = property.column()?;
            match property.kind {
                Kind::Bool => Column::Flag(column),
                Kind::DateTime => Column::Time(column),
                Kind::Int => Column::Int(column),
                Kind::String | Kind::Enum(_) | Kind::Guid => Column::Text(column),
                Kind::StringCollection | Kind::Complex(_) | Kind::ComplexCollection(_) => {
                    return None
                }
            }
        }
    })
}

fn group_column(property: &str) -> Option<Column> {
    Some(match property {
        "id" => Column::Text("id"),
        "displayName" => Column::Text("display_name"),
        "description" => Column::Text("description"),
        "mail" => Column::Text("mail"),
        "mailNickname" => Column::Text("mail_nickname"),
        "mailEnabled" => Column::Flag("mail_enabled"),
        "securityEnabled" => Column::Flag("security_enabled"),
        "createdDateTime" => Column::Time("created_at"),
        "proxyAddresses" => Column::Collection {
            table: "proxy_addresses",
            owner: "owner_id",
            element: "('smtp:' || c.address_key)",
            extra: "",
        },
        _ => return None,
    })
}

fn contact_column(property: &str) -> Option<Column> {
    Some(match property {
        "id" => Column::Text("id"),
        "displayName" => Column::Text("display_name"),
        "mail" => Column::Text("mail"),
        "createdDateTime" => Column::Time("created_at"),
        "proxyAddresses" => Column::Collection {
            table: "proxy_addresses",
            owner: "owner_id",
            element: "('smtp:' || c.address_key)",
            extra: "",
        },
        _ => return None,
    })
}

/// ASCII-only lower-casing, as the evaluator folds: SQLite's `lower` folds ASCII only;
/// PostgreSQL's follows the locale, so it gets an explicit translation.
fn fold(backend: Backend, expr: &str) -> String {
    match backend {
        Backend::Sqlite => format!("lower({expr})"),
        Backend::Postgres => {
            format!("translate({expr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')")
        }
    }
}

/// Code-point order for `<`/`>` on text: SQLite's default BINARY, PostgreSQL's "C" collation.
fn ordered(backend: Backend, expr: String) -> String {
    match backend {
        Backend::Sqlite => expr,
        Backend::Postgres => format!("({expr}) COLLATE \"C\""),
    }
}

/// Escapes LIKE wildcards in folded text.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn sql_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
    }
}

/// What the lambda variable of `any(...)` is: one value, or an object's members.
enum Element {
    Value(Scalar),
    Members(&'static [(&'static str, &'static str)]),
}

/// A scalar value expression and whether it is text (folded, code-point ordered).
struct Scalar {
    expr: String,
    text: bool,
}

pub(crate) struct Compiler<'e> {
    backend: Backend,
    entity: &'e Entity,
    /// Placeholders continue from here (`$1`… are the caller's).
    first: usize,
    pub params: Vec<Param>,
}

impl<'e> Compiler<'e> {
    pub fn new(backend: Backend, entity: &'e Entity, first: usize) -> Self {
        Self {
            backend,
            entity,
            first,
            params: Vec::new(),
        }
    }

    fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.first + self.params.len() - 1)
    }

    fn column(&self, property: &str) -> StoreResult<Column> {
        (self.entity.columns)(property)
            .ok_or_else(|| StoreError::Corrupt(format!("no column for property '{property}'")))
    }

    fn scalar(&self, property: &str) -> StoreResult<Scalar> {
        let table = self.entity.table;
        Ok(match self.column(property)? {
            Column::Text(name) => Scalar {
                expr: fold(self.backend, &format!("{table}.{name}")),
                text: true,
            },
            Column::Flag(name) => Scalar {
                expr: format!("(CASE WHEN {table}.{name} THEN 1 ELSE 0 END)"),
                text: false,
            },
            Column::NotFlag(name) => Scalar {
                expr: format!("(CASE WHEN {table}.{name} THEN 0 ELSE 1 END)"),
                text: false,
            },
            Column::TrueOrNull(name) => Scalar {
                expr: format!("(CASE WHEN {table}.{name} THEN 1 END)"),
                text: false,
            },
            Column::Time(name) | Column::Int(name) => Scalar {
                expr: format!("{table}.{name}"),
                text: false,
            },
            Column::Collection { .. } | Column::Objects { .. } => {
                return Err(StoreError::Corrupt(format!("'{property}' is a collection")))
            }
        })
    }

    fn literal(&mut self, value: &Literal) -> Option<String> {
        let param = match value {
            Literal::Null => return None,
            Literal::Bool(flag) => Param::Int(i64::from(*flag)),
            Literal::Int(number) => Param::Int(*number),
            Literal::String(text) => Param::Text(text.to_ascii_lowercase()),
            Literal::Guid(id) => Param::Text(id.hyphenated().to_string()),
            Literal::DateTime(at) => Param::Int(at.timestamp_micros()),
        };
        Some(self.bind(param))
    }

    fn compare(&mut self, field: &Scalar, op: CmpOp, value: &Literal) -> String {
        let f = &field.expr;
        let Some(p) = self.literal(value) else {
            return match op {
                CmpOp::Eq => format!("({f} IS NULL)"),
                CmpOp::Ne => format!("({f} IS NOT NULL)"),
                _ => "(1 = 0)".to_owned(),
            };
        };
        let (left, right) = if field.text && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            (ordered(self.backend, f.clone()), ordered(self.backend, p))
        } else {
            (f.clone(), p)
        };
        match op {
            CmpOp::Ne => format!("({f} IS NULL OR {left} <> {right})"),
            other => format!("({f} IS NOT NULL AND {left} {} {right})", sql_op(other)),
        }
    }

    fn like(&mut self, field: &Scalar, pattern: String) -> String {
        let p = self.bind(Param::Text(pattern));
        format!(
            "({f} IS NOT NULL AND {f} LIKE {p} ESCAPE '\\')",
            f = field.expr
        )
    }

    /// The SQL condition for `expr`; never `NULL`.
    pub fn condition(&mut self, expr: &Expr) -> StoreResult<String> {
        self.condition_on(expr, None)
    }

    /// `element` is the collection element inside `any(...)`.
    fn condition_on(&mut self, expr: &Expr, element: Option<&Element>) -> StoreResult<String> {
        let field = |this: &Self, property: &str| -> StoreResult<Scalar> {
            match element {
                Some(Element::Value(element)) if property == Expr::ELEMENT => Ok(Scalar {
                    expr: element.expr.clone(),
                    text: true,
                }),
                Some(Element::Members(members)) => members
                    .iter()
                    .find(|(member, _)| *member == property)
                    .map(|(_, column)| Scalar {
                        expr: (*column).to_owned(),
                        text: true,
                    })
                    .ok_or_else(|| StoreError::Corrupt(format!("no member '{property}'"))),
                _ => this.scalar(property),
            }
        };
        Ok(match expr {
            Expr::Compare {
                property,
                op,
                value,
            } => {
                let f = field(self, property)?;
                self.compare(&f, *op, value)
            }
            Expr::In { property, values } => {
                let f = field(self, property)?;
                let parts: Vec<String> = values
                    .iter()
                    .map(|v| self.compare(&f, CmpOp::Eq, v))
                    .collect();
                if parts.is_empty() {
                    "(1 = 0)".to_owned()
                } else {
                    format!("({})", parts.join(" OR "))
                }
            }
            Expr::StartsWith { property, prefix } => {
                let f = field(self, property)?;
                self.like(
                    &f,
                    format!("{}%", like_escape(&prefix.to_ascii_lowercase())),
                )
            }
            Expr::EndsWith { property, suffix } => {
                let f = field(self, property)?;
                self.like(
                    &f,
                    format!("%{}", like_escape(&suffix.to_ascii_lowercase())),
                )
            }
            Expr::Not(inner) => format!("(NOT {})", self.condition_on(inner, element)?),
            Expr::And(left, right) => format!(
                "({} AND {})",
                self.condition_on(left, element)?,
                self.condition_on(right, element)?
            ),
            Expr::Or(left, right) => format!(
                "({} OR {})",
                self.condition_on(left, element)?,
                self.condition_on(right, element)?
            ),
            Expr::Any {
                collection,
                predicate,
            } => {
                let (from, element) = self.collection_source(collection)?;
                let inner = self.condition_on(predicate, Some(&element))?;
                format!("EXISTS (SELECT 1 {from} AND {inner})")
            }
            Expr::Count {
                collection,
                op,
                value,
            } => {
                let (from, _) = self.collection_source(collection)?;
                let p = self.bind(Param::Int(*value));
                format!("((SELECT COUNT(*) {from}) {} {p})", sql_op(*op))
            }
        })
    }

    /// `FROM … WHERE` joining a collection's side table to the current row, and its element.
    fn collection_source(&self, collection: &str) -> StoreResult<(String, Element)> {
        let main = self.entity.table;
        let join = |table: &str, owner: &str, extra: &str| {
            format!("FROM {table} c WHERE c.tenant_id = {main}.tenant_id AND c.{owner} = {main}.id{extra}")
        };
        match self.column(collection)? {
            Column::Collection {
                table,
                owner,
                element,
                extra,
            } => Ok((
                join(table, owner, extra),
                Element::Value(Scalar {
                    expr: element.to_owned(),
                    text: true,
                }),
            )),
            Column::Objects {
                table,
                owner,
                members,
            } => Ok((join(table, owner, ""), Element::Members(members))),
            _ => Err(StoreError::Corrupt(format!(
                "'{collection}' is not a collection"
            ))),
        }
    }

    /// `ORDER BY` terms: nulls first, then code-point order of the folded value; id breaks ties.
    pub fn order_by(&self, order: &[(String, Direction)]) -> StoreResult<String> {
        let mut terms = Vec::new();
        for (property, direction) in order {
            let f = self.scalar(property)?;
            let dir = match direction {
                Direction::Ascending => "ASC",
                Direction::Descending => "DESC",
            };
            let value = if f.text {
                ordered(self.backend, f.expr.clone())
            } else {
                f.expr.clone()
            };
            terms.push(format!(
                "(CASE WHEN {} IS NULL THEN 0 ELSE 1 END) {dir}, {value} {dir}",
                f.expr
            ));
        }
        terms.push(format!("{}.id ASC", self.entity.table));
        Ok(terms.join(", "))
    }
}
