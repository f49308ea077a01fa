//! Near-valid and invalid `$filter` text.

use super::print_valid;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

/// Words, literals and punctuation of `$filter`, right and wrong, and characters that have
/// broken parsers and databases before (NUL, quotes, backslashes, `LIKE` wildcards).
pub const VOCABULARY: &[&str] = &[
    "userType",
    "USERTYPE",
    "displayName",
    "mail",
    "otherMails",
    "proxyAddresses",
    "id",
    "accountEnabled",
    "createdDateTime",
    "creationType",
    "externalUserState",
    "mailEnabled",
    "securityEnabled",
    "description",
    "status/errorCode",
    "status",
    "errorCode",
    "crossTenantAccessType",
    "initiatedBy/user/id",
    "targetResources",
    "t/id",
    "nope",
    "x",
    "p",
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "EQ",
    "and",
    "or",
    "not",
    "NOT",
    "in",
    "any",
    "all",
    "$count",
    "$it",
    "startswith",
    "endsWith",
    "contains",
    "null",
    "true",
    "false",
    "(",
    ")",
    "(",
    ")",
    ",",
    "/",
    ":",
    "'Guest'",
    "'a''b'",
    "''",
    "'",
    "0",
    "-1",
    "42",
    "1.5",
    "99999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "2026-03-01T00:00:00Z",
    "2026-03-01",
    "2026-03-01T00:00",
    "2026-13-45T99:99:99Z",
    "9999-12-31T23:59:59.999999999+14:00",
    "0000-01-01T00:00:00-14:00",
    "7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01",
    "'7f3c1a52-0c1e-4a47-9b5e-2d4f6a8b9c01'",
    "7f3c1a52-0c1e",
    "\"",
    "#",
    "%20",
    "%00",
    "+",
    "é",
    "\u{0}",
    "'\u{0}'",
    "'a\u{0}b'",
    "\\",
    "'\\'",
    "'%'",
    "'_'",
    "'; DROP TABLE users; --",
    "\u{fffd}",
    "\u{1f600}",
    "\r\n",
];

fn token_soup(rng: &mut StdRng) -> String {
    let length = rng.gen_range(0..40);
    let mut out = String::new();
    for _ in 0..length {
        out.push_str(VOCABULARY.choose(rng).unwrap_or(&"x"));
        out.push_str(["", " ", " ", "  ", "\t"].choose(rng).unwrap_or(&" "));
    }
    out
}

fn random_chars(rng: &mut StdRng) -> String {
    let length = rng.gen_range(0..200);
    (0..length)
        .map(|_| {
            if rng.gen_bool(0.7) {
                char::from(rng.gen_range(0x20u8..0x7f))
            } else {
                char::from_u32(rng.gen_range(0..0x11_0000)).unwrap_or('\u{fffd}')
            }
        })
        .collect()
}

/// One edit of `chars` at a random position: delete, insert a word, swap, cut or duplicate.
fn mutate_once(rng: &mut StdRng, chars: &mut Vec<char>) {
    let position = rng.gen_range(0..=chars.len());
    match rng.gen_range(0..5) {
        0 if position < chars.len() => {
            chars.remove(position);
        }
        1 => {
            let piece = VOCABULARY.choose(rng).unwrap_or(&"x");
            for (offset, c) in piece.chars().enumerate() {
                chars.insert(position + offset, c);
            }
        }
        2 if position + 1 < chars.len() => chars.swap(position, position + 1),
        3 => chars.truncate(position),
        _ => {
            let end = rng.gen_range(position..=chars.len());
            let copy: Vec<char> = chars[position..end].to_vec();
            for (offset, c) in copy.into_iter().enumerate() {
                chars.insert(end + offset, c);
            }
        }
    }
}

fn mutated(rng: &mut StdRng) -> String {
    let mut chars: Vec<char> = print_valid(rng).chars().collect();
    for _ in 0..rng.gen_range(1..6) {
        mutate_once(rng, &mut chars);
    }
    chars.into_iter().collect()
}

/// Characters a database or a `LIKE` pattern may treat specially, and control characters.
const ODD_CHARACTERS: &[char] = &[
    '\u{0}',
    '\u{1}',
    '\u{1f}',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{2028}',
    '\u{fffd}',
    '\u{feff}',
    '\u{10ffff}',
    '\\',
    '%',
    '_',
    '"',
    '`',
    ';',
    '\n',
];

/// A valid filter with odd characters inside its string literals (after some opening quote).
fn odd_literals(rng: &mut StdRng) -> String {
    let mut chars: Vec<char> = print_valid(rng).chars().collect();
    let quotes: Vec<usize> = (0..chars.len()).filter(|&i| chars[i] == '\'').collect();
    for _ in 0..rng.gen_range(1..4) {
        let Some(&quote) = quotes.choose(rng) else {
            break;
        };
        let odd = if rng.gen_bool(0.8) {
            *ODD_CHARACTERS.choose(rng).unwrap_or(&'\u{0}')
        } else {
            char::from_u32(rng.gen_range(0..0x11_0000)).unwrap_or('\u{0}')
        };
        chars.insert(quote + 1, odd);
    }
    chars.into_iter().collect()
}

/// A valid filter, respelled: letter case flipped outside string literals, spaces widened.
fn respelled(rng: &mut StdRng) -> String {
    let mut out = String::new();
    let mut in_string = false;
    for c in print_valid(rng).chars() {
        if c == '\'' {
            in_string = !in_string;
        }
        match c {
            _ if in_string => out.push(c),
            ' ' => out.push_str(["\t", "  ", " \n "].choose(rng).unwrap_or(&" ")),
            _ if rng.gen_bool(0.3) => out.push(c.to_ascii_uppercase()),
            _ => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

fn deep(rng: &mut StdRng) -> String {
    let depth = rng.gen_range(0..3000);
    let closing = if rng.gen_bool(0.8) {
        depth
    } else {
        rng.gen_range(0..depth + 1)
    };
    let core = "mail eq 'a'";
    match rng.gen_range(0..4) {
        0 => format!("{}{core}{}", "(".repeat(depth), ")".repeat(closing)),
        1 => format!("{}{core}", "not ".repeat(depth)),
        2 => format!("{}{core}", "not (".repeat(depth)),
        _ => format!(
            "{}x eq 'a'{}",
            "otherMails/any(x: ".repeat(depth.min(200)),
            ")".repeat(closing.min(200))
        ),
    }
}

fn huge(rng: &mut StdRng) -> String {
    let count = rng.gen_range(0..5000);
    match rng.gen_range(0..5) {
        0 => vec!["mail eq 'a'"; count].join(" or "),
        1 => format!("mail in ({})", vec!["'a'"; count].join(",")),
        2 => format!("mail eq '{}'", "a".repeat(count * 20)),
        3 => "(".repeat(count * 200),
        _ => vec!["userType eq 'Guest'"; count.min(400)].join(" and "),
    }
}

/// One generated input: 20 % token soup, 10 % valid filters with odd characters in their
/// literals, 30 % mutated valid filters, 15 % respelled valid filters, 15 % random characters,
/// 7 % deep nesting, 3 % huge inputs.
pub fn garbage(rng: &mut StdRng) -> String {
    match rng.gen_range(0..100) {
        0..=19 => token_soup(rng),
        20..=29 => odd_literals(rng),
        30..=59 => mutated(rng),
        60..=74 => respelled(rng),
        75..=89 => random_chars(rng),
        90..=96 => deep(rng),
        _ => huge(rng),
    }
}
