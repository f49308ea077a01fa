//! Recursive descent over the tokens, with OData's precedence (`not` binds tighter than `and`,
//! `and` tighter than `or`; both binary operators associate to the left):
//!
//! ```text
//! or       := and ("or" and)*
//! and      := unary ("and" unary)*
//! unary    := "not" unary | primary
//! primary  := "(" or ")"
//!           | ("startswith" | "endswith") "(" name "," string ")"
//!           | name ("eq" | "ne" | "gt" | "ge" | "lt" | "le") literal
//!           | name "in" "(" literal ("," literal)* ")"
//!           | name "/" "any" "(" variable ":" or ")"
//!           | name "/" "$count" operator integer
//! ```
//!
//! Keywords, function names and property names match in any letter case. Each `(`, `not` and
//! lambda opens a nesting level, checked against `MAX_FILTER_DEPTH` before recursing, so no input
//! can exhaust the stack; every node is counted against `MAX_FILTER_NODES` as it is built.

use super::check::{too_many_in_values, RawValue, Rules, StringFunction, Target};
use super::lexer::{tokenize, Token, TokenKind};
use super::{AdvancedReason, ParsedFilter};
use crate::ast::{CmpOp, Expr};
use crate::error::{syntax, too_long, unknown_property, ODataError};
use crate::limits::{MAX_FILTER_DEPTH, MAX_FILTER_NODES, MAX_IN_VALUES, MAX_OPTION_LENGTH};
use crate::schema::{Entity, Property};

pub(crate) fn parse(entity: &Entity, text: &str) -> Result<ParsedFilter, ODataError> {
    if text.len() > MAX_OPTION_LENGTH {
        return Err(too_long("$filter", MAX_OPTION_LENGTH));
    }
    let mut parser = Parser {
        entity,
        text,
        tokens: tokenize(text)?,
        at: 0,
        nodes: 0,
        rules: Rules::new(entity),
    };
    let expr = parser.or(&Scope::Entity, 0)?;
    if *parser.peek() != TokenKind::End {
        return Err(parser.error("expected 'and', 'or' or the end of the filter"));
    }
    Ok(ParsedFilter {
        expr,
        advanced: parser.rules.advanced,
    })
}

/// Where names are looked up.
enum Scope {
    /// The entity's properties.
    Entity,
    /// Inside `collection/any(variable: …)`: only the variable may be named.
    Lambda {
        variable: String,
        collection: &'static Property,
    },
}

struct Parser<'a> {
    entity: &'a Entity,
    text: &'a str,
    /// Never empty: the last token is `End`.
    tokens: Vec<Token>,
    at: usize,
    nodes: usize,
    rules: Rules<'a>,
}

impl Parser<'_> {
    fn peek(&self) -> &TokenKind {
        self.peek_ahead(0)
    }

    fn peek_ahead(&self, ahead: usize) -> &TokenKind {
        self.tokens
            .get(self.at + ahead)
            .or(self.tokens.last())
            .map_or(&TokenKind::End, |token| &token.kind)
    }

    fn advance(&mut self) {
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), TokenKind::Word(word) if word.eq_ignore_ascii_case(keyword))
    }

    fn error(&self, detail: &str) -> ODataError {
        let position = self
            .tokens
            .get(self.at)
            .map_or(self.text.chars().count(), |token| token.position);
        syntax("$filter", self.text, position, detail)
    }

    fn expect(&mut self, expected: TokenKind, shown: &str) -> Result<(), ODataError> {
        if *self.peek() == expected {
            self.advance();
            Ok(())
        } else {
            Err(self.error(&format!("expected {shown}")))
        }
    }

    /// Counts `count` more nodes against the limit.
    fn add_nodes(&mut self, count: usize) -> Result<(), ODataError> {
        self.nodes += count;
        if self.nodes > MAX_FILTER_NODES {
            return Err(ODataError::BadRequest(format!(
                "The $filter is too complex: at most {MAX_FILTER_NODES} nodes (conditions, operators and 'in' values) are allowed."
            )));
        }
        Ok(())
    }

    /// The next nesting level, if it is within the limit.
    fn deeper(&self, depth: usize) -> Result<usize, ODataError> {
        if depth >= MAX_FILTER_DEPTH {
            return Err(ODataError::BadRequest(format!(
                "The $filter is nested too deeply: at most {MAX_FILTER_DEPTH} levels of parentheses, 'not' and 'any' are allowed."
            )));
        }
        Ok(depth + 1)
    }

    fn or(&mut self, scope: &Scope, depth: usize) -> Result<Expr, ODataError> {
        let mut left = self.and(scope, depth)?;
        while self.peek_keyword("or") {
            self.advance();
            let right = self.and(scope, depth)?;
            self.add_nodes(1)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, scope: &Scope, depth: usize) -> Result<Expr, ODataError> {
        let mut left = self.unary(scope, depth)?;
        while self.peek_keyword("and") {
            self.advance();
            let right = self.unary(scope, depth)?;
            self.add_nodes(1)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, scope: &Scope, depth: usize) -> Result<Expr, ODataError> {
        if !self.peek_keyword("not") {
            return self.primary(scope, depth);
        }
        self.advance();
        let depth = self.deeper(depth)?;
        self.rules.note(AdvancedReason::Operator("not"));
        let inner = self.unary(scope, depth)?;
        self.add_nodes(1)?;
        Ok(Expr::Not(Box::new(inner)))
    }

    fn primary(&mut self, scope: &Scope, depth: usize) -> Result<Expr, ODataError> {
        match self.peek().clone() {
            TokenKind::OpenParen => {
                self.advance();
                let depth = self.deeper(depth)?;
                let inner = self.or(scope, depth)?;
                self.expect(TokenKind::CloseParen, "')'")?;
                Ok(inner)
            }
            TokenKind::Word(name) if *self.peek_ahead(1) == TokenKind::OpenParen => {
                self.function(&name, scope)
            }
            TokenKind::Word(name) => {
                self.advance();
                let target = self.resolve(&name, scope)?;
                self.after_name(target, depth)
            }
            _ => Err(self.error("expected a property name, a function or '('")),
        }
    }

    /// What `name` (just consumed) refers to. A property path (`status/errorCode`) continues
    /// over `/` while the entity has a property along it; a lambda variable over a collection of
    /// objects must be followed by its member (`t/id`).
    fn resolve(&mut self, name: &str, scope: &Scope) -> Result<Target, ODataError> {
        match scope {
            Scope::Entity => {
                let path = self.property_path(name);
                self.entity
                    .property(&path)
                    .map(Target::of)
                    .ok_or_else(|| unknown_property(self.entity.type_name, &path))
            }
            Scope::Lambda {
                variable,
                collection,
            } => {
                if !name.eq_ignore_ascii_case(variable) {
                    return Err(self.rules.unsupported(collection));
                }
                if !collection.members.is_empty() {
                    return self.member(collection);
                }
                if let Some(member) = collection.element_member {
                    let named = matches!(self.peek_ahead(1), TokenKind::Word(word) if word.eq_ignore_ascii_case(member));
                    if *self.peek() != TokenKind::Slash || !named {
                        return Err(self.rules.unsupported(collection));
                    }
                    self.advance();
                    self.advance();
                }
                Ok(Target::Element(collection))
            }
        }
    }

    /// `/member` after the lambda variable of a collection of objects compared by several members.
    fn member(&mut self, collection: &'static Property) -> Result<Target, ODataError> {
        let member = match self.peek_ahead(1) {
            TokenKind::Word(word) if *self.peek() == TokenKind::Slash => collection
                .members
                .iter()
                .find(|member| member.eq_ignore_ascii_case(word))
                .copied(),
            _ => None,
        };
        let Some(member) = member else {
            return Err(self.rules.unsupported(collection));
        };
        self.advance();
        self.advance();
        Ok(Target::Member(collection, member))
    }

    /// `first`, extended over `/segment`s while some property of the entity is at or below the
    /// longer path (so `otherMails/any` and `proxyAddresses/$count` stay as they are).
    fn path_continues(&self, path: &str) -> bool {
        let below = format!("{path}/");
        self.entity.properties.iter().any(|property| {
            property.name.eq_ignore_ascii_case(path)
                || property
                    .name
                    .get(..below.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(&below))
        })
    }

    fn property_path(&mut self, first: &str) -> String {
        let mut path = first.to_owned();
        while *self.peek() == TokenKind::Slash {
            let TokenKind::Word(segment) = self.peek_ahead(1).clone() else {
                break;
            };
            let longer = format!("{path}/{segment}");
            if !self.path_continues(&longer) {
                break;
            }
            self.advance();
            self.advance();
            path = longer;
        }
        path
    }

    /// `startswith(name, 'text')` or `endswith(name, 'text')`.
    fn function(&mut self, name: &str, scope: &Scope) -> Result<Expr, ODataError> {
        let Some(function) = StringFunction::from_name(name) else {
            return Err(ODataError::UnsupportedQuery(format!(
                "The function '{name}' is not supported in $filter."
            )));
        };
        self.advance();
        self.advance();
        let TokenKind::Word(argument) = self.peek().clone() else {
            return Err(self.error(&format!(
                "expected a property name as the first argument of {name}"
            )));
        };
        self.advance();
        let target = self.resolve(&argument, scope)?;
        self.expect(TokenKind::Comma, "','")?;
        let text = self.literal()?;
        self.expect(TokenKind::CloseParen, "')'")?;
        self.add_nodes(1)?;
        self.rules.string_function(function, target, text)
    }

    /// What follows a property name: an operator, `in`, `/any(…)` or `/$count`.
    fn after_name(&mut self, target: Target, depth: usize) -> Result<Expr, ODataError> {
        let TokenKind::Word(word) = self.peek().clone() else {
            if *self.peek() == TokenKind::Slash {
                self.advance();
                return self.after_slash(target, depth);
            }
            return Err(self.error("expected an operator"));
        };
        if word.eq_ignore_ascii_case("in") {
            self.advance();
            let values = self.literal_list()?;
            self.add_nodes(1)?;
            return self.rules.in_list(target, values);
        }
        let Some(op) = CmpOp::from_keyword(&word) else {
            return Err(self.error(&format!("unsupported operator '{word}'")));
        };
        self.advance();
        let value = self.literal()?;
        self.add_nodes(1)?;
        self.rules.comparison(target, op, value)
    }

    fn after_slash(&mut self, target: Target, depth: usize) -> Result<Expr, ODataError> {
        let unsupported = |parser: &Self| match target {
            Target::Property(property)
            | Target::Collection(property)
            | Target::Element(property)
            | Target::Member(property, _) => parser.rules.unsupported(property),
        };
        let TokenKind::Word(word) = self.peek().clone() else {
            return Err(unsupported(self));
        };
        if word.eq_ignore_ascii_case("$count") {
            self.advance();
            let TokenKind::Word(operator) = self.peek().clone() else {
                return Err(self.error("expected an operator after $count"));
            };
            let Some(op) = CmpOp::from_keyword(&operator) else {
                return Err(self.error(&format!("unsupported operator '{operator}'")));
            };
            self.advance();
            let value = self.literal()?;
            self.add_nodes(1)?;
            return self.rules.count(target, op, value);
        }
        if !word.eq_ignore_ascii_case("any") {
            return Err(unsupported(self));
        }
        let Target::Collection(collection) = target else {
            return Err(unsupported(self));
        };
        self.advance();
        self.expect(TokenKind::OpenParen, "'(' after any")?;
        let depth = self.deeper(depth)?;
        let TokenKind::Word(variable) = self.peek().clone() else {
            return Err(self.error("expected a lambda variable, as in any(x: x eq 'value')"));
        };
        self.advance();
        self.expect(TokenKind::Colon, "':' after the lambda variable")?;
        let scope = Scope::Lambda {
            variable,
            collection,
        };
        let predicate = self.or(&scope, depth)?;
        self.expect(TokenKind::CloseParen, "')'")?;
        self.add_nodes(1)?;
        self.rules.any(target, predicate)
    }

    fn literal(&mut self) -> Result<RawValue, ODataError> {
        let value = match self.peek() {
            TokenKind::Str(text) => RawValue::Str(text.clone()),
            TokenKind::Int(value) => RawValue::Int(*value),
            TokenKind::Guid(id) => RawValue::Guid(*id),
            TokenKind::DateTime(at) => RawValue::DateTime(*at),
            TokenKind::Date(_) => RawValue::Date,
            TokenKind::Word(word) if word.eq_ignore_ascii_case("null") => RawValue::Null,
            TokenKind::Word(word) if word.eq_ignore_ascii_case("true") => RawValue::Bool(true),
            TokenKind::Word(word) if word.eq_ignore_ascii_case("false") => RawValue::Bool(false),
            _ => return Err(self.error("expected a value")),
        };
        self.advance();
        Ok(value)
    }

    /// `(value, value, …)`, each value counted as a node.
    fn literal_list(&mut self) -> Result<Vec<RawValue>, ODataError> {
        self.expect(TokenKind::OpenParen, "'(' after in")?;
        let mut values = Vec::new();
        loop {
            values.push(self.literal()?);
            self.add_nodes(1)?;
            if values.len() > MAX_IN_VALUES {
                return Err(too_many_in_values(values.len()));
            }
            match self.peek() {
                TokenKind::Comma => self.advance(),
                TokenKind::CloseParen => {
                    self.advance();
                    return Ok(values);
                }
                _ => return Err(self.error("expected ',' or ')'")),
            }
        }
    }
}
