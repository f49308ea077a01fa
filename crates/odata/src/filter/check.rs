//! The entity's rules applied to each filter clause: is the property filterable with this
//! operator (and only in advanced queries?), and does the value have the property's type.

use super::AdvancedReason;
use crate::ast::{CmpOp, Expr, Literal};
use crate::error::{unsupported_clause, ODataError};
use crate::limits::{DEFAULT_IN_VALUES, DEFAULT_VALUE_LENGTH, MAX_IN_VALUES};
use crate::schema::{Entity, Kind, Property, Support};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A literal as written, before it meets the property it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Guid(Uuid),
    DateTime(DateTime<Utc>),
    /// A date without a time.
    Date,
}

impl RawValue {
    fn edm_name(&self) -> &'static str {
        match self {
            RawValue::Null => "null",
            RawValue::Bool(_) => "Edm.Boolean",
            RawValue::Int(value) if i32::try_from(*value).is_ok() => "Edm.Int32",
            RawValue::Int(_) => "Edm.Int64",
            RawValue::Str(_) => "Edm.String",
            RawValue::Guid(_) => "Edm.Guid",
            RawValue::DateTime(_) => "Edm.DateTimeOffset",
            RawValue::Date => "Edm.Date",
        }
    }
}

/// What a name in a filter refers to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// A single-valued property of the entity.
    Property(&'static Property),
    /// A collection property outside a lambda: only `/any(…)` and `/$count` may follow it.
    Collection(&'static Property),
    /// The lambda variable: one element of this collection.
    Element(&'static Property),
    /// A member of the lambda variable (`c/issuer`) over a collection of objects.
    Member(&'static Property, &'static str),
}

impl Target {
    pub(crate) fn of(property: &'static Property) -> Target {
        if property.is_collection() {
            Target::Collection(property)
        } else {
            Target::Property(property)
        }
    }

    fn property(self) -> &'static Property {
        match self {
            Target::Property(property)
            | Target::Collection(property)
            | Target::Element(property)
            | Target::Member(property, _) => property,
        }
    }

    /// The property name the AST uses: [`Expr::ELEMENT`] for the lambda variable, the member's
    /// name for a member of it.
    fn ast_name(self) -> String {
        match self {
            Target::Element(_) => Expr::ELEMENT.to_owned(),
            Target::Member(_, member) => member.to_owned(),
            _ => self.property().name.to_owned(),
        }
    }

    /// The type values are compared with: a collection's elements (and members) are strings.
    fn value_kind(self) -> Kind {
        match (self, self.property().kind) {
            (Target::Member(..), _) | (_, Kind::StringCollection) => Kind::String,
            (_, kind) => kind,
        }
    }
}

/// Applies one entity's rules, remembering the first reason the filter is an advanced query.
pub(crate) struct Rules<'e> {
    entity: &'e Entity,
    pub advanced: Option<AdvancedReason>,
}

impl<'e> Rules<'e> {
    pub(crate) fn new(entity: &'e Entity) -> Self {
        Rules {
            entity,
            advanced: None,
        }
    }

    pub(crate) fn unsupported(&self, property: &Property) -> ODataError {
        unsupported_clause(self.entity.resource, property.name)
    }

    /// Remembers why the filter is an advanced query, for entities that have the rule.
    pub(crate) fn note(&mut self, reason: AdvancedReason) {
        if self.entity.advanced_queries {
            self.advanced.get_or_insert(reason);
        }
    }

    fn require(
        &mut self,
        support: Support,
        property: &Property,
        operator: &'static str,
    ) -> Result<(), ODataError> {
        match support {
            Support::No => Err(self.unsupported(property)),
            Support::Default => Ok(()),
            Support::Advanced => {
                self.note(AdvancedReason::Operator(operator));
                Ok(())
            }
        }
    }

    /// The property a value condition applies to: a scalar or the lambda's element, never a
    /// collection as a whole.
    fn value_target(&self, target: Target) -> Result<&'static Property, ODataError> {
        match target {
            Target::Property(property)
            | Target::Element(property)
            | Target::Member(property, _) => Ok(property),
            Target::Collection(property) => Err(self.unsupported(property)),
        }
    }

    /// `property op value`.
    pub(crate) fn comparison(
        &mut self,
        target: Target,
        op: CmpOp,
        raw: RawValue,
    ) -> Result<Expr, ODataError> {
        let property = self.value_target(target)?;
        if let Target::Member(..) = target {
            return self.member_comparison(target, op, raw);
        }
        let filter = property.filter;
        if raw == RawValue::Null {
            match (op, target) {
                (_, Target::Element(_)) => return Err(self.unsupported(property)),
                (CmpOp::Eq, _) => self.require(filter.null, property, "eq")?,
                (CmpOp::Ne, _) => {
                    self.require(filter.null, property, "ne")?;
                    self.note(AdvancedReason::Operator("ne"));
                }
                _ => return Err(self.unsupported(property)),
            }
            return Ok(Expr::Compare {
                property: target.ast_name(),
                op,
                value: Literal::Null,
            });
        }
        match op {
            CmpOp::Eq => self.require(filter.eq, property, "eq")?,
            CmpOp::Ne => {
                self.require(filter.eq, property, "ne")?;
                self.note(AdvancedReason::Operator("ne"));
            }
            CmpOp::Gt | CmpOp::Ge | CmpOp::Lt | CmpOp::Le => {
                self.require(filter.range, property, op.keyword())?
            }
        }
        let value = typed(target.value_kind(), raw, op.kind_name())?;
        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
            self.check_value_length(property, &value);
        }
        Ok(Expr::Compare {
            property: target.ast_name(),
            op,
            value,
        })
    }

    /// `c/member eq 'text'` inside `any` over a collection of objects: `eq` only.
    fn member_comparison(
        &mut self,
        target: Target,
        op: CmpOp,
        raw: RawValue,
    ) -> Result<Expr, ODataError> {
        let property = target.property();
        if op != CmpOp::Eq || raw == RawValue::Null {
            return Err(self.unsupported(property));
        }
        Ok(Expr::Compare {
            property: target.ast_name(),
            op,
            value: typed(Kind::String, raw, op.kind_name())?,
        })
    }

    /// `property in (values)`.
    pub(crate) fn in_list(
        &mut self,
        target: Target,
        raws: Vec<RawValue>,
    ) -> Result<Expr, ODataError> {
        let property = self.value_target(target)?;
        self.require(property.filter.in_list, property, "in")?;
        if raws.len() > MAX_IN_VALUES {
            return Err(too_many_in_values(raws.len()));
        }
        if raws.len() > DEFAULT_IN_VALUES {
            self.note(AdvancedReason::LongInList(raws.len()));
        }
        let mut values = Vec::with_capacity(raws.len());
        for raw in raws {
            if raw == RawValue::Null {
                return Err(self.unsupported(property));
            }
            let value = typed(target.value_kind(), raw, "In")?;
            self.check_value_length(property, &value);
            values.push(value);
        }
        Ok(Expr::In {
            property: target.ast_name(),
            values,
        })
    }

    /// `startswith(property, 'text')` or `endswith(property, 'text')`.
    pub(crate) fn string_function(
        &mut self,
        function: StringFunction,
        target: Target,
        raw: RawValue,
    ) -> Result<Expr, ODataError> {
        let property = self.value_target(target)?;
        let (support, name) = match function {
            StringFunction::StartsWith => (property.filter.starts_with, "startsWith"),
            StringFunction::EndsWith => (property.filter.ends_with, "endsWith"),
        };
        self.require(support, property, name)?;
        let RawValue::Str(text) = raw else {
            return Err(ODataError::BadRequest(format!(
                "No function signature for the function with name '{}' matches the specified arguments.",
                name.to_ascii_lowercase()
            )));
        };
        let property = target.ast_name();
        Ok(match function {
            StringFunction::StartsWith => Expr::StartsWith {
                property,
                prefix: text,
            },
            StringFunction::EndsWith => Expr::EndsWith {
                property,
                suffix: text,
            },
        })
    }

    /// `collection/$count op n`.
    pub(crate) fn count(
        &mut self,
        target: Target,
        op: CmpOp,
        raw: RawValue,
    ) -> Result<Expr, ODataError> {
        let Target::Collection(property) = target else {
            return Err(self.unsupported(target.property()));
        };
        self.require(property.filter.count, property, "$count")?;
        let RawValue::Int(value) = raw else {
            return Err(incompatible_types("Edm.Int32", &raw, op.kind_name()));
        };
        Ok(Expr::Count {
            collection: property.name.to_owned(),
            op,
            value,
        })
    }

    /// `collection/any(x: predicate)`: the predicate must be one condition on the element.
    pub(crate) fn any(&mut self, target: Target, predicate: Expr) -> Result<Expr, ODataError> {
        let Target::Collection(property) = target else {
            return Err(self.unsupported(target.property()));
        };
        if !property.members.is_empty() {
            return self.members_any(property, predicate);
        }
        let single_element_condition = match &predicate {
            Expr::Compare { property, .. }
            | Expr::In { property, .. }
            | Expr::StartsWith { property, .. }
            | Expr::EndsWith { property, .. } => property == Expr::ELEMENT,
            _ => false,
        };
        if !single_element_condition {
            return Err(self.unsupported(property));
        }
        let collection = match property.element_member {
            Some(member) => format!("{}/{member}", property.name),
            None => property.name.to_owned(),
        };
        Ok(Expr::Any {
            collection,
            predicate: Box::new(predicate),
        })
    }

    /// `identities/any(c: c/issuerAssignedId eq '…' and c/issuer eq '…')`: `eq` on members,
    /// joined by `and`, naming every required member once.
    fn members_any(
        &mut self,
        property: &'static Property,
        predicate: Expr,
    ) -> Result<Expr, ODataError> {
        let mut named: Vec<&str> = Vec::new();
        if !member_conjunction(&predicate, &mut named) {
            return Err(self.unsupported(property));
        }
        let repeated = (1..named.len()).any(|i| named[..i].contains(&named[i]));
        let complete = property
            .required_members
            .iter()
            .all(|required| named.contains(required));
        if repeated || !complete {
            return Err(self.unsupported(property));
        }
        Ok(Expr::Any {
            collection: property.name.to_owned(),
            predicate: Box::new(predicate),
        })
    }

    fn check_value_length(&mut self, property: &'static Property, value: &Literal) {
        if let Literal::String(text) = value {
            if text.chars().count() > DEFAULT_VALUE_LENGTH {
                self.note(AdvancedReason::LongValue(property.name));
            }
        }
    }
}

/// Whether `expr` is `eq` comparisons on members joined by `and`; collects the members named.
fn member_conjunction<'a>(expr: &'a Expr, named: &mut Vec<&'a str>) -> bool {
    match expr {
        Expr::Compare {
            property,
            op: CmpOp::Eq,
            ..
        } if property != Expr::ELEMENT => {
            named.push(property);
            true
        }
        Expr::And(left, right) => {
            member_conjunction(left, named) && member_conjunction(right, named)
        }
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringFunction {
    StartsWith,
    EndsWith,
}

impl StringFunction {
    pub(crate) fn from_name(name: &str) -> Option<StringFunction> {
        if name.eq_ignore_ascii_case("startswith") {
            Some(StringFunction::StartsWith)
        } else if name.eq_ignore_ascii_case("endswith") {
            Some(StringFunction::EndsWith)
        } else {
            None
        }
    }
}

pub(crate) fn too_many_in_values(count: usize) -> ODataError {
    ODataError::BadRequest(format!(
        "The 'in' list has {count} values or more; at most {MAX_IN_VALUES} are allowed."
    ))
}

fn incompatible_types(property_type: &str, raw: &RawValue, operator_kind: &str) -> ODataError {
    ODataError::BadRequest(format!(
        "A binary operator with incompatible types was detected. Found operand types '{property_type}' and '{}' for operator kind '{operator_kind}'.",
        raw.edm_name()
    ))
}

/// The literal converted to the property's type.
fn typed(kind: Kind, raw: RawValue, operator_kind: &str) -> Result<Literal, ODataError> {
    match (kind, raw) {
        (_, RawValue::Null) => Ok(Literal::Null),
        (Kind::String, RawValue::Str(text)) => Ok(Literal::String(text)),
        (Kind::Enum(values), RawValue::Str(text)) => Ok(Literal::String(
            values
                .iter()
                .find(|value| value.eq_ignore_ascii_case(&text))
                .map_or(text, |value| (*value).to_owned()),
        )),
        (Kind::Bool, RawValue::Bool(value)) => Ok(Literal::Bool(value)),
        (Kind::Int, RawValue::Int(value)) if i32::try_from(value).is_ok() => {
            Ok(Literal::Int(value))
        }
        (Kind::Guid, RawValue::Guid(id)) => Ok(Literal::Guid(id)),
        (Kind::Guid, RawValue::Str(text)) => parse_object_id(&text).map(Literal::Guid),
        (Kind::DateTime, RawValue::DateTime(at)) => Ok(Literal::DateTime(at)),
        (Kind::DateTime, RawValue::Date) => Err(ODataError::UnsupportedQuery(
            "The type of the value doesn't match the property whose type is DateTime".to_owned(),
        )),
        (kind, raw) => Err(incompatible_types(kind.edm_name(), &raw, operator_kind)),
    }
}

/// A quoted object id: the 36-character hyphenated GUID form only.
fn parse_object_id(text: &str) -> Result<Uuid, ODataError> {
    let hyphenated = text.len() == 36 && text.matches('-').count() == 4;
    match Uuid::try_parse(text) {
        Ok(id) if hyphenated => Ok(id),
        _ => Err(ODataError::BadRequest(format!(
            "Invalid object identifier '{text}'."
        ))),
    }
}
