//! Dynamic membership rules (Graph `membershipRule` of a `DynamicMembership` group), Entra's
//! syntax: `user.<property> -<operator> <value>` joined by `-and`, `-or`, `-not` and parentheses,
//! e.g. `(user.userType -eq "Guest") -and (user.department -in ["Sales","Support"])`.
//!
//! [`MembershipRule::parse`] checks a rule once (unknown properties and operators, unbalanced
//! parentheses, bad regular expressions are refused); [`MembershipRule::matches`] decides one user.
//! Comparisons ignore letter case, as Entra's do. A missing value is `null`: `-eq null` holds,
//! `-ne "x"` holds, every other comparison with a string fails. `user.objectId -ne null` is the
//! "All users" rule — it includes guests (seed 003), as in Entra.

use crate::user::{ProfileValue, User, UserType};
use std::fmt;

/// Longest rule Entra accepts (characters).
pub const MAX_RULE_LENGTH: usize = 3072;

/// Why a rule was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(pub String);

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

/// A checked rule.
#[derive(Debug, Clone)]
pub struct MembershipRule {
    root: Node,
}

#[derive(Debug, Clone)]
enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Compare {
        property: Property,
        op: Op,
        value: Value,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    StartsWith,
    NotStartsWith,
    Contains,
    NotContains,
    Match,
    NotMatch,
    In,
    NotIn,
}

#[derive(Debug, Clone)]
enum Value {
    Null,
    Bool(bool),
    Text(String),
    List(Vec<String>),
    Pattern(regex::Regex),
}

/// The user properties a rule may name (Entra's names, any letter case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Property {
    ObjectId,
    UserType,
    AccountEnabled,
    UserPrincipalName,
    DisplayName,
    GivenName,
    Surname,
    Mail,
    CreationType,
    ExternalUserState,
    /// A profile value, by its Graph name (`department`, `jobTitle` …).
    Profile(&'static str),
}

const PROFILE_PROPERTIES: &[&str] = &[
    "city",
    "companyName",
    "country",
    "department",
    "employeeId",
    "employeeType",
    "facsimileTelephoneNumber",
    "jobTitle",
    "mailNickname",
    "mobile",
    "physicalDeliveryOfficeName",
    "postalCode",
    "preferredLanguage",
    "state",
    "streetAddress",
    "telephoneNumber",
    "usageLocation",
];

impl Property {
    fn parse(name: &str) -> Option<Property> {
        let fixed = [
            ("objectId", Property::ObjectId),
            ("userType", Property::UserType),
            ("accountEnabled", Property::AccountEnabled),
            ("userPrincipalName", Property::UserPrincipalName),
            ("displayName", Property::DisplayName),
            ("givenName", Property::GivenName),
            ("surname", Property::Surname),
            ("mail", Property::Mail),
            ("creationType", Property::CreationType),
            ("externalUserState", Property::ExternalUserState),
        ];
        fixed
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, p)| *p)
            .or_else(|| {
                PROFILE_PROPERTIES
                    .iter()
                    .find(|n| n.eq_ignore_ascii_case(name))
                    .map(|n| Property::Profile(n))
            })
    }

    fn is_flag(self) -> bool {
        self == Property::AccountEnabled
    }

    /// The user's value: text, a flag, or `None` (null).
    fn read(self, user: &User) -> Option<Read> {
        let text = |s: &str| Some(Read::Text(s.to_owned()));
        match self {
            Property::ObjectId => text(&user.id.to_string()),
            Property::UserType => text(match user.user_type {
                UserType::Member => "Member",
                UserType::Guest => "Guest",
            }),
            Property::AccountEnabled => Some(Read::Flag(user.account_enabled)),
            Property::UserPrincipalName => text(&user.user_principal_name.to_string()),
            Property::DisplayName => text(&user.display_name),
            Property::GivenName => user.given_name.as_deref().and_then(text),
            Property::Surname => user.surname.as_deref().and_then(text),
            Property::Mail => user.mail.as_ref().and_then(|m| text(&m.to_string())),
            Property::CreationType => user
                .creation_type
                .as_ref()
                .and_then(|c| text(&format!("{c:?}"))),
            Property::ExternalUserState => user
                .external_user_state
                .as_ref()
                .and_then(|s| text(&format!("{s:?}"))),
            Property::Profile(name) => match user.profile.get(profile_name(name)) {
                Some(ProfileValue::Text(value)) => text(value),
                Some(ProfileValue::Texts(values)) => values.first().and_then(|v| text(v)),
                Some(ProfileValue::Time(at)) => text(&at.to_rfc3339()),
                None => None,
            },
        }
    }
}

/// The Graph property behind an Entra rule name where the two differ.
fn profile_name(rule_name: &'static str) -> &'static str {
    match rule_name {
        "facsimileTelephoneNumber" => "faxNumber",
        "mobile" => "mobilePhone",
        "physicalDeliveryOfficeName" => "officeLocation",
        "telephoneNumber" => "businessPhones",
        other => other,
    }
}

enum Read {
    Text(String),
    Flag(bool),
}

impl MembershipRule {
    /// Checks a rule's text.
    pub fn parse(text: &str) -> Result<MembershipRule, RuleError> {
        if text.trim().is_empty() {
            return Err(RuleError("The rule is empty.".into()));
        }
        if text.chars().count() > MAX_RULE_LENGTH {
            return Err(RuleError(format!(
                "The rule is longer than {MAX_RULE_LENGTH} characters."
            )));
        }
        let tokens = lex(text)?;
        let mut parser = Parser { tokens, at: 0 };
        let root = parser.or()?;
        match parser.peek() {
            None => Ok(MembershipRule { root }),
            Some(token) => Err(RuleError(format!("Unexpected '{token}'."))),
        }
    }

    /// Whether `user` is a member under this rule.
    pub fn matches(&self, user: &User) -> bool {
        eval(&self.root, user)
    }
}

fn eval(node: &Node, user: &User) -> bool {
    match node {
        Node::And(left, right) => eval(left, user) && eval(right, user),
        Node::Or(left, right) => eval(left, user) || eval(right, user),
        Node::Not(inner) => !eval(inner, user),
        Node::Compare {
            property,
            op,
            value,
        } => compare(property.read(user), *op, value),
    }
}

fn lower(text: &str) -> String {
    text.to_lowercase()
}

fn compare(actual: Option<Read>, op: Op, value: &Value) -> bool {
    let negated = matches!(
        op,
        Op::Ne | Op::NotStartsWith | Op::NotContains | Op::NotMatch | Op::NotIn
    );
    let holds = match (actual, value) {
        (None, Value::Null) => true,
        (None, _) | (Some(_), Value::Null) => false,
        (Some(Read::Flag(flag)), Value::Bool(expected)) => flag == *expected,
        (Some(Read::Flag(_)), _) | (Some(Read::Text(_)), Value::Bool(_)) => false,
        (Some(Read::Text(text)), value) => {
            let text = lower(&text);
            match (op, value) {
                (Op::Eq | Op::Ne, Value::Text(v)) => text == lower(v),
                (Op::StartsWith | Op::NotStartsWith, Value::Text(v)) => text.starts_with(&lower(v)),
                (Op::Contains | Op::NotContains, Value::Text(v)) => text.contains(&lower(v)),
                (Op::Match | Op::NotMatch, Value::Pattern(p)) => p.is_match(&text),
                (Op::In | Op::NotIn, Value::List(items)) => {
                    items.iter().any(|item| lower(item) == text)
                }
                _ => false,
            }
        }
    };
    holds != negated
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    /// `-eq`, `-and` … (lower-cased, without the dash).
    Operator(String),
    /// `user.department`, `null`, `true`.
    Word(String),
    Text(String),
    List(Vec<String>),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Open => f.write_str("("),
            Token::Close => f.write_str(")"),
            Token::Operator(op) => write!(f, "-{op}"),
            Token::Word(word) => f.write_str(word),
            Token::Text(text) => write!(f, "\"{text}\""),
            Token::List(_) => f.write_str("["),
        }
    }
}

fn lex(text: &str) -> Result<Vec<Token>, RuleError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            '"' | '\'' => {
                let (value, next) = quoted(&chars, i)?;
                tokens.push(Token::Text(value));
                i = next;
            }
            '[' => {
                let (items, next) = list(&chars, i)?;
                tokens.push(Token::List(items));
                i = next;
            }
            '-' => {
                let end = word_end(&chars, i + 1);
                let name: String = chars[i + 1..end].iter().collect();
                if name.is_empty() {
                    return Err(RuleError("An operator is missing after '-'.".into()));
                }
                tokens.push(Token::Operator(name.to_ascii_lowercase()));
                i = end;
            }
            _ => {
                let end = word_end(&chars, i);
                if end == i {
                    return Err(RuleError(format!("Unexpected character '{c}'.")));
                }
                tokens.push(Token::Word(chars[i..end].iter().collect()));
                i = end;
            }
        }
    }
    Ok(tokens)
}

fn word_end(chars: &[char], from: usize) -> usize {
    let mut end = from;
    while end < chars.len() && (chars[end].is_alphanumeric() || matches!(chars[end], '.' | '_')) {
        end += 1;
    }
    end
}

/// A quoted string starting at `start`; a doubled quote or a backslash escapes the next quote.
fn quoted(chars: &[char], start: usize) -> Result<(String, usize), RuleError> {
    let quote = chars[start];
    let mut value = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&quote) {
            value.push(quote);
            i += 2;
        } else if c == quote {
            return Ok((value, i + 1));
        } else {
            value.push(c);
            i += 1;
        }
    }
    Err(RuleError("A quoted value is not closed.".into()))
}

/// `["a", "b"]` starting at `start`.
fn list(chars: &[char], start: usize) -> Result<(Vec<String>, usize), RuleError> {
    let mut items = Vec::new();
    let mut i = start + 1;
    loop {
        while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == ',') {
            i += 1;
        }
        match chars.get(i) {
            Some(']') => return Ok((items, i + 1)),
            Some('"' | '\'') => {
                let (value, next) = quoted(chars, i)?;
                items.push(value);
                i = next;
            }
            _ => return Err(RuleError("A list must hold quoted values in [ ].".into())),
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn at_operator(&self, name: &str) -> bool {
        matches!(self.peek(), Some(Token::Operator(op)) if op == name)
    }

    fn or(&mut self) -> Result<Node, RuleError> {
        let mut left = self.and()?;
        while self.at_operator("or") {
            self.at += 1;
            left = Node::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, RuleError> {
        let mut left = self.unary()?;
        while self.at_operator("and") {
            self.at += 1;
            left = Node::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, RuleError> {
        if self.at_operator("not") {
            self.at += 1;
            return Ok(Node::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            return match self.next() {
                Some(Token::Close) => Ok(inner),
                _ => Err(RuleError("A parenthesis is not closed.".into())),
            };
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node, RuleError> {
        let property = match self.next() {
            Some(Token::Word(word)) => parse_property(&word)?,
            Some(other) => return Err(RuleError(format!("Unexpected '{other}'."))),
            None => return Err(RuleError("The rule ends too early.".into())),
        };
        let op = match self.next() {
            Some(Token::Operator(name)) => parse_op(&name)?,
            _ => return Err(RuleError("An operator such as -eq is expected.".into())),
        };
        let value = match (self.next(), op) {
            (Some(Token::List(items)), Op::In | Op::NotIn) => Value::List(items),
            (Some(_), Op::In | Op::NotIn) => {
                return Err(RuleError(
                    "-in and -notIn take a list: [\"a\",\"b\"].".into(),
                ))
            }
            (Some(Token::Text(text)), Op::Match | Op::NotMatch) => Value::Pattern(pattern(&text)?),
            (Some(Token::Text(text)), _) => Value::Text(text),
            (Some(Token::Word(word)), _) if word.eq_ignore_ascii_case("null") => Value::Null,
            (Some(Token::Word(word)), _) if word.eq_ignore_ascii_case("true") => Value::Bool(true),
            (Some(Token::Word(word)), _) if word.eq_ignore_ascii_case("false") => {
                Value::Bool(false)
            }
            _ => return Err(RuleError("A value is expected after the operator.".into())),
        };
        check_operands(property, op, &value)?;
        Ok(Node::Compare {
            property,
            op,
            value,
        })
    }
}

fn parse_property(word: &str) -> Result<Property, RuleError> {
    let name = word
        .strip_prefix("user.")
        .or_else(|| word.strip_prefix("User."))
        .ok_or_else(|| RuleError(format!("'{word}' is not a user property (user.…).")))?;
    Property::parse(name).ok_or_else(|| RuleError(format!("Unsupported property '{word}'.")))
}

fn parse_op(name: &str) -> Result<Op, RuleError> {
    Ok(match name {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "startswith" => Op::StartsWith,
        "notstartswith" => Op::NotStartsWith,
        "contains" => Op::Contains,
        "notcontains" => Op::NotContains,
        "match" => Op::Match,
        "notmatch" => Op::NotMatch,
        "in" => Op::In,
        "notin" => Op::NotIn,
        other => return Err(RuleError(format!("Unsupported operator '-{other}'."))),
    })
}

/// Only `-eq`/`-ne` compare with `null` and flags.
fn check_operands(property: Property, op: Op, value: &Value) -> Result<(), RuleError> {
    let equality = matches!(op, Op::Eq | Op::Ne);
    match value {
        Value::Null if !equality => Err(RuleError("Only -eq and -ne compare with null.".into())),
        Value::Bool(_) if !equality || !property.is_flag() => Err(RuleError(
            "true and false compare only with accountEnabled, by -eq or -ne.".into(),
        )),
        Value::Text(_) if property.is_flag() => Err(RuleError(
            "accountEnabled compares with true or false.".into(),
        )),
        _ => Ok(()),
    }
}

/// A `-match` pattern: case-insensitive, size-limited.
fn pattern(text: &str) -> Result<regex::Regex, RuleError> {
    regex::RegexBuilder::new(text)
        .case_insensitive(true)
        .size_limit(1 << 16)
        .build()
        .map_err(|_| RuleError(format!("'{text}' is not a valid regular expression.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EmailAddress, ObjectId, Upn};
    use chrono::TimeZone;

    fn user(kind: UserType, department: Option<&str>) -> User {
        let at = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut user = User::member(
            ObjectId::parse("00000000-0000-4000-8000-000000000001").unwrap(),
            Upn::parse("megan@contoso.com").unwrap(),
            "Megan Bowen".into(),
            at,
        );
        user.user_type = kind;
        user.mail = Some(EmailAddress::parse("Megan@Contoso.com").unwrap());
        if let Some(d) = department {
            user.profile
                .insert("department".into(), ProfileValue::Text(d.into()));
        }
        user.profile
            .insert("country".into(), ProfileValue::Text("Japan".into()));
        user
    }

    #[test]
    fn rules_decide_as_entra_does() {
        let member = user(UserType::Member, Some("Sales"));
        let guest = user(UserType::Guest, None);
        let cases: &[(&str, bool, bool)] = &[
            // (rule, member matches, guest matches)
            (r#"user.userType -eq "Guest""#, false, true),
            (r#"user.usertype -EQ "guest""#, false, true),
            (r#"user.userType -ne "Guest""#, true, false),
            ("user.objectId -ne null", true, true),
            ("user.department -eq null", false, true),
            ("user.department -ne null", true, false),
            (r#"user.department -ne "Sales""#, false, true),
            (r#"user.department -startsWith "sal""#, true, false),
            (r#"user.department -notStartsWith "sal""#, false, true),
            (r#"user.mail -contains "@contoso""#, true, true),
            (r#"user.displayName -notContains "bowen""#, false, false),
            (
                r#"user.userPrincipalName -match "^megan@.*\.com$""#,
                true,
                true,
            ),
            (r#"user.department -notMatch "^S""#, false, true),
            (r#"user.department -in ["Support", "sales"]"#, true, false),
            (
                r#"user.department -notIn ["Support", "sales"]"#,
                false,
                true,
            ),
            ("user.accountEnabled -eq true", true, true),
            ("user.accountEnabled -ne true", false, false),
            (
                r#"(user.userType -eq "Member") -and (user.country -eq "Japan")"#,
                true,
                false,
            ),
            (
                r#"user.userType -eq "Guest" -or user.department -eq "Sales""#,
                true,
                true,
            ),
            (r#"-not (user.userType -eq "Guest")"#, true, false),
            (
                r#"-not user.userType -eq "Guest" -and user.country -eq "Japan""#,
                true,
                false,
            ),
            (
                r#"(user.department -eq "Sales" -or user.department -eq "HR") -and user.accountEnabled -eq true"#,
                true,
                false,
            ),
            ("user.companyName -eq null", true, true),
        ];
        for (text, for_member, for_guest) in cases {
            let rule = MembershipRule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(rule.matches(&member), *for_member, "member: {text}");
            assert_eq!(rule.matches(&guest), *for_guest, "guest: {text}");
        }
    }

    #[test]
    fn bad_rules_are_refused() {
        for text in [
            "",
            "user.userType",
            r#"user.userType -eq"#,
            r#"user.nope -eq "x""#,
            r#"device.deviceOSType -eq "Windows""#,
            r#"user.userType -like "Guest""#,
            r#"(user.userType -eq "Guest""#,
            r#"user.userType -eq "Guest")"#,
            r#"user.userType -eq "Guest"#,
            r#"user.department -in "Sales""#,
            r#"user.department -match "(""#,
            r#"user.department -startsWith null"#,
            r#"user.accountEnabled -eq "yes""#,
            r#"user.department -eq true"#,
            r#"user.userType -eq "Guest" -and"#,
            r#"user.userType -eq "Guest" user.country -eq "Japan""#,
        ] {
            assert!(MembershipRule::parse(text).is_err(), "accepted: {text:?}");
        }
        let long = format!(r#"user.department -eq "{}""#, "x".repeat(MAX_RULE_LENGTH));
        assert!(MembershipRule::parse(&long).is_err());
    }
}
