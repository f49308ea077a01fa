//! Prints a filter tree back to `$filter` text that parses to the same tree.
//!
//! Parentheses appear only where precedence needs them: around an `or` under an `and`, around a
//! right operand of the same operator (the parser associates to the left), and around an `and`
//! or `or` after `not`; so the text never nests deeper than the text the tree was parsed from.
//! Lambdas use the variable `x`. GUIDs are printed quoted (`id eq '…'`), as Graph clients
//! write them; DateTimes in UTC with `Z` and only the fractional digits they need.

use crate::ast::{Expr, Literal};
use chrono::SecondsFormat;
use std::fmt::Write;

/// The lambda variable printed inside `any(…)`.
const LAMBDA_VARIABLE: &str = "x";

/// `$filter` text for `expr`.
pub fn print_filter(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr);
    out
}

/// A literal as written in `$filter`.
pub fn print_literal(literal: &Literal) -> String {
    let mut out = String::new();
    write_literal(&mut out, literal);
    out
}

/// Binding strength, loosest first.
#[derive(PartialEq, PartialOrd)]
enum Precedence {
    Or,
    And,
    Unary,
}

fn precedence(expr: &Expr) -> Precedence {
    match expr {
        Expr::Or(..) => Precedence::Or,
        Expr::And(..) => Precedence::And,
        _ => Precedence::Unary,
    }
}

fn write_expr(out: &mut String, expr: &Expr) {
    match expr {
        Expr::Compare { .. }
        | Expr::In { .. }
        | Expr::StartsWith { .. }
        | Expr::EndsWith { .. } => write_condition(out, expr, LAMBDA_VARIABLE),
        Expr::Not(inner) => {
            out.push_str("not ");
            write_operand(out, inner, precedence(inner) < Precedence::Unary);
        }
        Expr::And(left, right) => write_binary(out, "and", Precedence::And, left, right),
        Expr::Or(left, right) => write_binary(out, "or", Precedence::Or, left, right),
        Expr::Any {
            collection,
            predicate,
        } => {
            // `targetResources/id`: a collection of objects, read through one member.
            let (name, element) = match collection.split_once('/') {
                Some((name, member)) => (name, format!("{LAMBDA_VARIABLE}/{member}")),
                None => (collection.as_str(), LAMBDA_VARIABLE.to_owned()),
            };
            out.push_str(name);
            out.push_str("/any(");
            out.push_str(LAMBDA_VARIABLE);
            out.push_str(": ");
            if names_members(predicate) {
                write_members(out, predicate);
            } else {
                write_condition(out, predicate, &element);
            }
            out.push(')');
        }
        Expr::Count {
            collection,
            op,
            value,
        } => {
            let _ = write!(out, "{collection}/$count {} {value}", op.keyword());
        }
    }
}

/// Whether an `any` predicate compares members of its objects (`x/issuer eq …`): `and`s of
/// comparisons on named members, never the element itself.
fn names_members(predicate: &Expr) -> bool {
    match predicate {
        Expr::Compare { property, .. } => property != Expr::ELEMENT,
        Expr::And(..) => true,
        _ => false,
    }
}

/// `x/issuerAssignedId eq '…' and x/issuer eq '…'`.
fn write_members(out: &mut String, predicate: &Expr) {
    match predicate {
        Expr::And(left, right) => {
            write_members(out, left);
            out.push_str(" and ");
            write_members(out, right);
        }
        Expr::Compare {
            property,
            op,
            value,
        } => {
            let _ = write!(out, "{LAMBDA_VARIABLE}/{property} {} ", op.keyword());
            write_literal(out, value);
        }
        other => write_expr(out, other),
    }
}

/// One condition; `element` is how the lambda's element is spelled (`x`, `x/id`).
fn write_condition(out: &mut String, expr: &Expr, element: &str) {
    match expr {
        Expr::Compare {
            property,
            op,
            value,
        } => {
            write_name(out, property, element);
            out.push(' ');
            out.push_str(op.keyword());
            out.push(' ');
            write_literal(out, value);
        }
        Expr::In { property, values } => {
            write_name(out, property, element);
            out.push_str(" in (");
            for (index, value) in values.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_literal(out, value);
            }
            out.push(')');
        }
        Expr::StartsWith { property, prefix } => {
            write_function(out, "startswith", property, prefix, element)
        }
        Expr::EndsWith { property, suffix } => {
            write_function(out, "endswith", property, suffix, element)
        }
        other => write_expr(out, other),
    }
}

fn write_binary(out: &mut String, keyword: &str, own: Precedence, left: &Expr, right: &Expr) {
    // Left operands of equal precedence need no parentheses: the parser groups to the left.
    write_operand(out, left, precedence(left) < own);
    out.push(' ');
    out.push_str(keyword);
    out.push(' ');
    write_operand(out, right, precedence(right) <= own);
}

fn write_operand(out: &mut String, expr: &Expr, parenthesise: bool) {
    if parenthesise {
        out.push('(');
        write_expr(out, expr);
        out.push(')');
    } else {
        write_expr(out, expr);
    }
}

fn write_function(out: &mut String, function: &str, property: &str, text: &str, element: &str) {
    out.push_str(function);
    out.push('(');
    write_name(out, property, element);
    out.push_str(", ");
    write_string(out, text);
    out.push(')');
}

/// A property name, or the lambda's element.
fn write_name(out: &mut String, property: &str, element: &str) {
    if property == Expr::ELEMENT {
        out.push_str(element);
    } else {
        out.push_str(property);
    }
}

fn write_literal(out: &mut String, literal: &Literal) {
    match literal {
        Literal::Null => out.push_str("null"),
        Literal::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Literal::Int(value) => {
            let _ = write!(out, "{value}");
        }
        Literal::String(text) => write_string(out, text),
        Literal::Guid(id) => {
            let _ = write!(out, "'{}'", id.hyphenated());
        }
        Literal::DateTime(at) => out.push_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('\'');
    out.push_str(&text.replace('\'', "''"));
    out.push('\'');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::CmpOp;

    fn compare(property: &str, value: &str) -> Expr {
        Expr::Compare {
            property: property.into(),
            op: CmpOp::Eq,
            value: Literal::String(value.into()),
        }
    }

    #[test]
    fn parentheses_only_where_precedence_needs_them() {
        let a = compare("mail", "a");
        let b = compare("mail", "b");
        let c = compare("mail", "c");
        let or = Expr::Or(Box::new(a.clone()), Box::new(b.clone()));
        let and_of_or = Expr::And(Box::new(or.clone()), Box::new(c.clone()));
        assert_eq!(
            print_filter(&and_of_or),
            "(mail eq 'a' or mail eq 'b') and mail eq 'c'"
        );
        let right_nested = Expr::Or(Box::new(c), Box::new(or));
        assert_eq!(
            print_filter(&right_nested),
            "mail eq 'c' or (mail eq 'a' or mail eq 'b')"
        );
        let not = Expr::Not(Box::new(Expr::And(Box::new(a.clone()), Box::new(b))));
        assert_eq!(print_filter(&not), "not (mail eq 'a' and mail eq 'b')");
        let not_not = Expr::Not(Box::new(Expr::Not(Box::new(a))));
        assert_eq!(print_filter(&not_not), "not not mail eq 'a'");
    }

    #[test]
    fn literals_and_lambdas() {
        let any = Expr::Any {
            collection: "otherMails".into(),
            predicate: Box::new(compare("", "O'Brien@example.com")),
        };
        assert_eq!(
            print_filter(&any),
            "otherMails/any(x: x eq 'O''Brien@example.com')"
        );
        let count = Expr::Count {
            collection: "proxyAddresses".into(),
            op: CmpOp::Ne,
            value: 0,
        };
        assert_eq!(print_filter(&count), "proxyAddresses/$count ne 0");
    }
}
