//! Splits `$filter` text into tokens. Literal forms are recognised here: `'…'` strings with `''`
//! escapes, integers, bare GUIDs (8-4-4-4-12) and DateTimeOffsets (`2026-03-01T00:00:00Z`).
//! Keywords, property names and function names are all `Word`s; the parser tells them apart.

use crate::error::{syntax, ODataError};
use crate::limits::MAX_STRING_LENGTH;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    /// A name: property, keyword (`eq`, `and`, `null`, `true`), function, lambda variable, or
    /// `$count` after a `/`.
    Word(String),
    Str(String),
    Int(i64),
    Guid(Uuid),
    DateTime(DateTime<Utc>),
    /// A date without a time (`2026-03-01`): not a DateTimeOffset, kept to explain the refusal.
    Date(String),
    OpenParen,
    CloseParen,
    Comma,
    Slash,
    Colon,
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    /// Character offset (0-based) of the token's first character.
    pub position: usize,
}

const OPTION: &str = "$filter";

/// The tokens of `text`, ending with one `End`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, ODataError> {
    Lexer {
        text,
        chars: text.chars().collect(),
        at: 0,
    }
    .run()
}

struct Lexer<'a> {
    text: &'a str,
    chars: Vec<char>,
    at: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn run(mut self) -> Result<Vec<Token>, ODataError> {
        let mut tokens = Vec::new();
        while let Some(c) = self.peek(0) {
            let position = self.at;
            let kind = match c {
                ' ' | '\t' | '\r' | '\n' => {
                    self.at += 1;
                    continue;
                }
                '(' => self.single(TokenKind::OpenParen),
                ')' => self.single(TokenKind::CloseParen),
                ',' => self.single(TokenKind::Comma),
                '/' => self.single(TokenKind::Slash),
                ':' => self.single(TokenKind::Colon),
                '\'' => self.string()?,
                _ if self.guid_ahead() => self.guid()?,
                '0'..='9' if self.date_ahead() => self.date_time()?,
                '0'..='9' => self.integer()?,
                '-' if self.peek(1).is_some_and(|next| next.is_ascii_digit()) => self.integer()?,
                _ if c.is_ascii_alphabetic() || c == '_' || c == '$' => self.word(),
                _ => return Err(self.error(position, &format!("unexpected character '{c}'"))),
            };
            tokens.push(Token { kind, position });
        }
        tokens.push(Token {
            kind: TokenKind::End,
            position: self.at,
        });
        Ok(tokens)
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn error(&self, position: usize, detail: &str) -> ODataError {
        syntax(OPTION, self.text, position, detail)
    }

    fn single(&mut self, kind: TokenKind) -> TokenKind {
        self.at += 1;
        kind
    }

    /// Whether the next `len` characters match `pattern`, where `9` stands for a decimal digit,
    /// `x` for a hex digit and any other character for itself.
    fn matches(&self, offset: usize, pattern: &str) -> bool {
        pattern.chars().enumerate().all(|(i, expected)| {
            self.peek(offset + i).is_some_and(|c| match expected {
                '9' => c.is_ascii_digit(),
                'x' => c.is_ascii_hexdigit(),
                other => c == other,
            })
        })
    }

    fn ends_word_at(&self, offset: usize) -> bool {
        !self
            .peek(offset)
            .is_some_and(|c| is_word_char(c) || c == '-')
    }

    fn guid_ahead(&self) -> bool {
        self.matches(0, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx") && self.ends_word_at(36)
    }

    fn guid(&mut self) -> Result<TokenKind, ODataError> {
        let position = self.at;
        let text: String = self.chars[self.at..self.at + 36].iter().collect();
        self.at += 36;
        Uuid::parse_str(&text)
            .map(TokenKind::Guid)
            .map_err(|_| self.error(position, "invalid GUID literal"))
    }

    fn date_ahead(&self) -> bool {
        self.matches(0, "9999-99-99")
    }

    /// `YYYY-MM-DD`, then optionally `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`.
    fn date_time(&mut self) -> Result<TokenKind, ODataError> {
        let position = self.at;
        let mut text: String = self.chars[self.at..self.at + 10].iter().collect();
        self.at += 10;
        if !self.peek(0).is_some_and(|c| c == 'T' || c == 't') {
            if !self.ends_word_at(0) {
                return Err(self.error(position, "invalid date literal"));
            }
            return Ok(TokenKind::Date(text));
        }
        text.push('T');
        self.at += 1;
        let time_start = text.len();
        while let Some(c) = self
            .peek(0)
            .filter(|c| c.is_ascii_digit() || *c == ':' || *c == '.')
        {
            text.push(c);
            self.at += 1;
        }
        if text[time_start..].matches(':').count() == 1 {
            text.push_str(":00"); // OData allows the seconds to be left out.
        }
        match self.peek(0) {
            Some('Z' | 'z') => {
                text.push('Z');
                self.at += 1;
            }
            Some(sign @ ('+' | '-')) if self.matches(1, "99:99") => {
                text.push(sign);
                text.extend(&self.chars[self.at + 1..self.at + 6]);
                self.at += 6;
            }
            _ => {
                return Err(self.error(
                    position,
                    "a DateTimeOffset needs a time zone ('Z' or '+01:00')",
                ))
            }
        }
        if !self.ends_word_at(0) {
            return Err(self.error(position, "invalid DateTimeOffset literal"));
        }
        DateTime::parse_from_rfc3339(&text)
            .map(|parsed| TokenKind::DateTime(parsed.with_timezone(&Utc)))
            .map_err(|_| self.error(position, &format!("invalid DateTimeOffset '{text}'")))
    }

    fn integer(&mut self) -> Result<TokenKind, ODataError> {
        let position = self.at;
        let mut text = String::new();
        if self.peek(0) == Some('-') {
            text.push('-');
            self.at += 1;
        }
        while let Some(c) = self.peek(0).filter(char::is_ascii_digit) {
            text.push(c);
            self.at += 1;
        }
        if self.peek(0) == Some('.') {
            return Err(self.error(position, "decimal numbers are not supported"));
        }
        if !self.ends_word_at(0) {
            return Err(self.error(position, "invalid number"));
        }
        text.parse()
            .map(TokenKind::Int)
            .map_err(|_| self.error(position, "integer out of range"))
    }

    /// `'…'`, where `''` stands for one quote.
    fn string(&mut self) -> Result<TokenKind, ODataError> {
        let position = self.at;
        self.at += 1;
        let mut value = String::new();
        let mut length = 0usize;
        loop {
            match self.peek(0) {
                None => return Err(self.error(position, "unterminated string literal")),
                Some('\'') if self.peek(1) == Some('\'') => {
                    value.push('\'');
                    self.at += 2;
                }
                Some('\'') => {
                    self.at += 1;
                    break;
                }
                // Databases cannot store it (PostgreSQL refuses it in text): never a real value.
                Some('\0') => {
                    return Err(self.error(self.at, "a string literal may not contain U+0000"))
                }
                Some(c) => {
                    value.push(c);
                    self.at += 1;
                }
            }
            length += 1;
            if length > MAX_STRING_LENGTH {
                return Err(ODataError::BadRequest(format!(
                    "A string literal in $filter is longer than {MAX_STRING_LENGTH} characters."
                )));
            }
        }
        Ok(TokenKind::Str(value))
    }

    fn word(&mut self) -> TokenKind {
        let mut word = String::new();
        if let Some(first) = self.peek(0) {
            word.push(first);
            self.at += 1;
        }
        while let Some(c) = self.peek(0).filter(|c| is_word_char(*c)) {
            word.push(c);
            self.at += 1;
        }
        TokenKind::Word(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|token| token.kind)
            .collect()
    }

    #[test]
    fn words_strings_and_punctuation() {
        assert_eq!(
            kinds("otherMails/any(x: x eq 'O''Brien')"),
            vec![
                TokenKind::Word("otherMails".into()),
                TokenKind::Slash,
                TokenKind::Word("any".into()),
                TokenKind::OpenParen,
                TokenKind::Word("x".into()),
                TokenKind::Colon,
                TokenKind::Word("x".into()),
                TokenKind::Word("eq".into()),
                TokenKind::Str("O'Brien".into()),
                TokenKind::CloseParen,
                TokenKind::End,
            ]
        );
    }

    #[test]
    fn guids_even_when_they_start_with_a_letter() {
        let id = "abcdef01-2345-6789-abcd-ef0123456789";
        assert_eq!(kinds(id)[0], TokenKind::Guid(Uuid::parse_str(id).unwrap()));
        assert!(matches!(kinds("abcdef01")[0], TokenKind::Word(_)));
    }

    #[test]
    fn date_times_integers_and_dates() {
        let expected = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            kinds("2026-03-01T00:00:00Z")[0],
            TokenKind::DateTime(expected)
        );
        assert_eq!(
            kinds("2026-03-01T01:00+01:00")[0],
            TokenKind::DateTime(expected)
        );
        assert_eq!(kinds("2026-03-01")[0], TokenKind::Date("2026-03-01".into()));
        assert_eq!(kinds("-42")[0], TokenKind::Int(-42));
        assert!(tokenize("2026-13-01T00:00:00Z").is_err());
        assert!(tokenize("2026-03-01T00:00:00").is_err());
        assert!(tokenize("1.5").is_err());
        assert!(tokenize("12abc").is_err());
        assert!(tokenize("99999999999999999999").is_err());
        assert!(tokenize("'open").is_err());
        assert!(tokenize("a # b").is_err());
    }

    #[test]
    fn nul_is_refused_inside_and_outside_strings() {
        for text in ["'a\0b'", "'\0'", "mail eq '\0'", "\0", "mail\0 eq 'a'"] {
            assert!(tokenize(text).is_err(), "{text:?}");
        }
    }
}
