//! `$search` on directory objects: quoted `"property:text"` clauses joined by `AND`, `OR` and
//! parentheses (`AND` binds tighter), as in
//! `"description:One" AND ("displayName:Video" OR "displayName:Drive")`.
//!
//! Matching ([`matches_search`]) is case-insensitive. Tokenized properties (`displayName`,
//! `description`) match when every word of the text starts some word of the value, words being
//! split by [`search_tokens`]; other searchable properties match when the value starts with the
//! text.

use crate::ast::Search;
use crate::error::{syntax, too_long, unknown_property, ODataError};
use crate::eval::{fold, Field, Record};
use crate::limits::{MAX_FILTER_DEPTH, MAX_FILTER_NODES, MAX_OPTION_LENGTH, MAX_STRING_LENGTH};
use crate::schema::{Entity, SearchMode};

const OPTION: &str = "$search";

/// Parses `$search` text for `entity`.
pub fn parse_search(entity: &Entity, text: &str) -> Result<Search, ODataError> {
    if text.len() > MAX_OPTION_LENGTH {
        return Err(too_long(OPTION, MAX_OPTION_LENGTH));
    }
    let mut parser = SearchParser {
        entity,
        text,
        tokens: tokenize(text)?,
        at: 0,
        nodes: 0,
    };
    let search = parser.or(0)?;
    if parser.at < parser.tokens.len() {
        return Err(parser.error("expected AND, OR or the end of $search"));
    }
    Ok(search)
}

/// Whether `record` matches `search`. `entity` tells how each property is matched.
pub fn matches_search(entity: &Entity, search: &Search, record: &impl Record) -> bool {
    match search {
        Search::Term { property, text } => {
            let mode = entity
                .property(property)
                .map_or(SearchMode::No, |found| found.search);
            match record.field(property) {
                Field::String(value) => term_matches(mode, &value, text),
                _ => false,
            }
        }
        Search::And(left, right) => {
            matches_search(entity, left, record) && matches_search(entity, right, record)
        }
        Search::Or(left, right) => {
            matches_search(entity, left, record) || matches_search(entity, right, record)
        }
    }
}

fn term_matches(mode: SearchMode, value: &str, text: &str) -> bool {
    match mode {
        SearchMode::No => false,
        SearchMode::Prefix => fold(value).starts_with(&fold(text)),
        SearchMode::Tokenized => {
            let words = search_tokens(value);
            let wanted = search_tokens(text);
            !wanted.is_empty()
                && wanted
                    .iter()
                    .all(|part| words.iter().any(|word| word.starts_with(part.as_str())))
        }
    }
}

/// The words `$search` sees in a tokenized value, ASCII-lowercased: split at every character
/// that is not a letter or digit, between a lower-case and an upper-case letter
/// (`PorticoDev` → `portico`, `dev`) and between letters and digits (`Room42` → `room`, `42`).
pub fn search_tokens(text: &str) -> Vec<String> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Lower,
        Upper,
        Digit,
    }
    let class = |c: char| {
        if c.is_numeric() {
            Class::Digit
        } else if c.is_uppercase() {
            Class::Upper
        } else {
            Class::Lower
        }
    };
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut previous: Option<Class> = None;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            previous = None;
            continue;
        }
        let this = class(c);
        let boundary = matches!(
            (previous, this),
            (Some(Class::Lower), Class::Upper)
                | (Some(Class::Digit), Class::Lower | Class::Upper)
                | (Some(Class::Lower | Class::Upper), Class::Digit)
        );
        if boundary && !current.is_empty() {
            tokens.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
        previous = Some(this);
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    /// A quoted clause's content, unescaped.
    Clause(String),
    And,
    Or,
    OpenParen,
    CloseParen,
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    position: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, ODataError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        let position = at;
        let kind = match c {
            ' ' | '\t' | '\r' | '\n' => {
                at += 1;
                continue;
            }
            '(' => {
                at += 1;
                TokenKind::OpenParen
            }
            ')' => {
                at += 1;
                TokenKind::CloseParen
            }
            '"' => {
                at += 1;
                let mut clause = String::new();
                loop {
                    match chars.get(at) {
                        None => return Err(syntax(OPTION, text, position, "unterminated quote")),
                        Some('\\') if matches!(chars.get(at + 1), Some('"' | '\\')) => {
                            clause.extend(chars.get(at + 1));
                            at += 2;
                        }
                        Some('"') => {
                            at += 1;
                            break;
                        }
                        Some(&other) => {
                            clause.push(other);
                            at += 1;
                        }
                    }
                }
                TokenKind::Clause(clause)
            }
            _ if c.is_ascii_alphabetic() => {
                let start = at;
                while chars.get(at).is_some_and(|c| c.is_ascii_alphabetic()) {
                    at += 1;
                }
                let word: String = chars[start..at].iter().collect();
                if word.eq_ignore_ascii_case("and") {
                    TokenKind::And
                } else if word.eq_ignore_ascii_case("or") {
                    TokenKind::Or
                } else {
                    return Err(syntax(
                        OPTION,
                        text,
                        position,
                        "search clauses must be quoted, as in \"displayName:foo\"",
                    ));
                }
            }
            _ => {
                return Err(syntax(
                    OPTION,
                    text,
                    position,
                    &format!("unexpected character '{c}'"),
                ))
            }
        };
        tokens.push(Token { kind, position });
    }
    Ok(tokens)
}

struct SearchParser<'a> {
    entity: &'a Entity,
    text: &'a str,
    tokens: Vec<Token>,
    at: usize,
    nodes: usize,
}

impl SearchParser<'_> {
    fn peek(&self) -> Option<&TokenKind> {
        self.tokens.get(self.at).map(|token| &token.kind)
    }

    fn error(&self, detail: &str) -> ODataError {
        let position = self
            .tokens
            .get(self.at)
            .map_or(self.text.chars().count(), |token| token.position);
        syntax(OPTION, self.text, position, detail)
    }

    fn add_node(&mut self) -> Result<(), ODataError> {
        self.nodes += 1;
        if self.nodes > MAX_FILTER_NODES {
            return Err(ODataError::BadRequest(format!(
                "The $search is too complex: at most {MAX_FILTER_NODES} clauses and operators are allowed."
            )));
        }
        Ok(())
    }

    fn or(&mut self, depth: usize) -> Result<Search, ODataError> {
        let mut left = self.and(depth)?;
        while self.peek() == Some(&TokenKind::Or) {
            self.at += 1;
            let right = self.and(depth)?;
            self.add_node()?;
            left = Search::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Search, ODataError> {
        let mut left = self.primary(depth)?;
        while self.peek() == Some(&TokenKind::And) {
            self.at += 1;
            let right = self.primary(depth)?;
            self.add_node()?;
            left = Search::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn primary(&mut self, depth: usize) -> Result<Search, ODataError> {
        match self.peek().cloned() {
            Some(TokenKind::OpenParen) => {
                if depth >= MAX_FILTER_DEPTH {
                    return Err(ODataError::BadRequest(format!(
                        "The $search is nested too deeply: at most {MAX_FILTER_DEPTH} levels of parentheses are allowed."
                    )));
                }
                self.at += 1;
                let inner = self.or(depth + 1)?;
                if self.peek() != Some(&TokenKind::CloseParen) {
                    return Err(self.error("expected ')'"));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(TokenKind::Clause(clause)) => {
                let term = self.term(&clause)?;
                self.at += 1;
                self.add_node()?;
                Ok(term)
            }
            _ => Err(self.error("expected a quoted \"property:text\" clause or '('")),
        }
    }

    fn term(&self, clause: &str) -> Result<Search, ODataError> {
        let Some((name, text)) = clause.split_once(':') else {
            return Err(self.error(&format!(
                "the clause \"{clause}\" names no property; write \"displayName:{clause}\""
            )));
        };
        let name = name.trim();
        let property = self
            .entity
            .property(name)
            .ok_or_else(|| unknown_property(self.entity.type_name, name))?;
        if property.search == SearchMode::No {
            return Err(ODataError::UnsupportedQuery(format!(
                "$search is not supported on property '{}' of resource '{}'.",
                property.name, self.entity.resource
            )));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(self.error("the search text is empty"));
        }
        if text.chars().count() > MAX_STRING_LENGTH {
            return Err(ODataError::BadRequest(format!(
                "A $search text is longer than {MAX_STRING_LENGTH} characters."
            )));
        }
        Ok(Search::Term {
            property: property.name,
            text: text.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_at_case_digits_and_punctuation() {
        assert_eq!(
            search_tokens("PorticoDev Room42-b.c"),
            vec!["portico", "dev", "room", "42", "b", "c"]
        );
        assert_eq!(search_tokens("HTTPServer"), vec!["httpserver"]);
        assert!(search_tokens("--").is_empty());
    }

    #[test]
    fn tokenized_and_prefix_matching() {
        assert!(term_matches(SearchMode::Tokenized, "Bruce Wayne", "wa"));
        assert!(term_matches(
            SearchMode::Tokenized,
            "Conference Room 1",
            "conf room"
        ));
        assert!(!term_matches(SearchMode::Tokenized, "Bruce Wayne", "ayne"));
        assert!(term_matches(
            SearchMode::Prefix,
            "megan@contoso.com",
            "MEGAN@"
        ));
        assert!(!term_matches(
            SearchMode::Prefix,
            "megan@contoso.com",
            "contoso"
        ));
        assert!(!term_matches(SearchMode::No, "x", "x"));
    }
}
