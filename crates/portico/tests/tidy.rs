//! Tidy: the invariants ARCHITECTURE.md states, checked over the source text (rust-analyzer's
//! practice). Each rule names a pattern and the only places it may appear. A few known
//! exceptions are listed with how many times they may occur and why; those counts may only fall.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

use std::path::{Path, PathBuf};

struct Rule {
    what: &'static str,
    pattern: &'static str,
    /// Path prefixes (from the workspace root) where the pattern belongs.
    home: &'static [&'static str],
    /// Known exceptions: a file, how often, and why.
    exceptions: &'static [(&'static str, usize, &'static str)],
}

const RULES: &[Rule] = &[
    Rule {
        what: "only use cases touch the store (portico-app); handlers and commands call them",
        pattern: ".store()",
        home: &["crates/app/src/"],
        exceptions: &[],
    },
    Rule {
        what: "the store-for-tests accessor is for tests only",
        pattern: "store_for_tests",
        home: &["crates/app/src/app.rs"],
        exceptions: &[],
    },
    Rule {
        what: "audit rows are built in audit.rs (the store maps them back from rows)",
        pattern: "AuditRecord {",
        home: &[
            "crates/app/src/audit.rs",
            "crates/model/src/logs.rs",
            "crates/store/src/",
        ],
        exceptions: &[],
    },
    Rule {
        what: "directory roles decide permissions only in the permission table",
        pattern: "has_role(",
        home: &[
            "crates/app/src/directory/permissions/",
            "crates/app/src/directory/access.rs",
        ],
        exceptions: &[],
    },
    Rule {
        what:
            "the wall clock is read only by the Clock (or for a diagnostic or operator timestamp)",
        pattern: "allow(clippy::disallowed_methods)",
        home: &["crates/app/src/clock.rs"],
        exceptions: &[
            (
                "crates/http/src/errors.rs",
                1,
                "Graph's innerError.date is wall-clock",
            ),
            (
                "crates/http/src/server.rs",
                1,
                "the local CA's certificate validity",
            ),
            (
                "crates/portico/src/main.rs",
                2,
                "operator commands run at wall-clock time",
            ),
            (
                "crates/portico/src/directory.rs",
                1,
                "an import run by a person",
            ),
        ],
    },
    Rule {
        what: "ids, secrets and one-time codes come from the app's Randomness (seedable in tests)",
        pattern: "new_v4(",
        home: &["crates/app/src/random.rs"],
        exceptions: &[
            (
                "crates/http/src/context.rs",
                2,
                "request ids for the logs, drawn before any app is at hand",
            ),
            (
                "crates/store/src/sql/backend.rs",
                1,
                "the name of a private in-memory database",
            ),
        ],
    },
    Rule {
        what: "no ad-hoc random generators: the app's Randomness is the one source",
        pattern: "thread_rng(",
        home: &["crates/app/src/random.rs"],
        exceptions: &[],
    },
    Rule {
        what: "the operating system's generator is used directly only for key material",
        pattern: "SystemRandom",
        home: &[
            "crates/app/src/tokens/jwt.rs",
            "crates/app/src/tokens/master_key.rs",
        ],
        exceptions: &[],
    },
    Rule {
        what: "errors are typed: a bad value is `Invalid {property, message}`, other failures \
               their own error enums (no `Result<_, String>`)",
        pattern: ", String> {",
        home: &[],
        exceptions: &[],
    },
    Rule {
        what: "SQL lives in the store",
        pattern: "sqlx::",
        home: &["crates/store/src/"],
        exceptions: &[],
    },
    Rule {
        what: "JSON shapes live in portico-wire (tokens are the token service's format; the \
               OpenAPI document is generated in its module)",
        pattern: "json!(",
        home: &[
            "crates/wire/src/",
            "crates/app/src/tokens/jwt.rs",
            "crates/app/src/tokens/issue.rs",
            "crates/http/src/graph/openapi.rs",
            "crates/http/src/graph/openapi/",
            "crates/http/src/graph/openapi_bodies.rs",
        ],
        exceptions: &[],
    },
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/portico sits two levels below the root")
        .to_path_buf()
}

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `src` file of every crate, with its path from the root and its text outside
/// `#[cfg(test)]` modules (tests may reach into anything).
fn production_sources() -> Vec<(String, String)> {
    let root = workspace_root();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates"))
        .expect("crates/")
        .flatten()
    {
        rust_sources(&krate.path().join("src"), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable source");
            let relative = path
                .strip_prefix(&root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            (relative, without_test_modules(&text))
        })
        .collect()
}

/// The text before the first `#[cfg(test)]` (test modules sit at the end of a file here).
fn without_test_modules(text: &str) -> String {
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

#[test]
fn the_architecture_invariants_hold() {
    let sources = production_sources();
    assert!(sources.len() > 100, "found only {} sources", sources.len());
    let mut broken = Vec::new();
    for rule in RULES {
        for (path, text) in &sources {
            let count = text.matches(rule.pattern).count();
            if count == 0 || rule.home.iter().any(|home| path.starts_with(home)) {
                continue;
            }
            let allowed = rule
                .exceptions
                .iter()
                .find(|(file, _, _)| file == path)
                .map_or(0, |(_, n, _)| *n);
            if count > allowed {
                broken.push(format!(
                    "{path}: `{}` {count}× (allowed {allowed}) — {}",
                    rule.pattern, rule.what
                ));
            }
        }
    }
    assert!(broken.is_empty(), "\n{}", broken.join("\n"));
}

#[test]
fn listed_exceptions_are_still_needed() {
    let sources = production_sources();
    let mut stale = Vec::new();
    for rule in RULES {
        for (file, allowed, why) in rule.exceptions {
            let count = sources
                .iter()
                .find(|(path, _)| path == file)
                .map_or(0, |(_, text)| text.matches(rule.pattern).count());
            if count < *allowed {
                stale.push(format!(
                    "{file}: `{}` now {count}×, listed as {allowed} ({why}): lower the count",
                    rule.pattern
                ));
            }
        }
    }
    assert!(stale.is_empty(), "\n{}", stale.join("\n"));
}

#[test]
fn no_function_in_the_app_layer_is_over_80_lines() {
    // Issue 11: small functions with names that explain them; no use case over 80 lines.
    const LIMIT: usize = 80;
    let mut long = Vec::new();
    let mut seen = 0;
    for (path, text) in production_sources() {
        if !path.starts_with("crates/app/src/") {
            continue;
        }
        for (name, lines) in function_lengths(&text) {
            seen += 1;
            if lines > LIMIT {
                long.push(format!("{path}: fn {name} is {lines} lines"));
            }
        }
    }
    assert!(seen > 300, "the scan found only {seen} functions");
    assert!(long.is_empty(), "\n{}", long.join("\n"));
}

/// Each `fn` and how many lines its body spans, by brace matching (good enough for rustfmt'd
/// code: braces in strings and comments are rare and balanced).
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let mut signature = line.trim_start();
        for prefix in [
            "pub(crate) ",
            "pub(super) ",
            "pub ",
            "const ",
            "async ",
            "unsafe ",
        ] {
            signature = signature.strip_prefix(prefix).unwrap_or(signature);
        }
        let Some(rest) = signature.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i32;
        let mut opened = false;
        for (offset, body_line) in lines[start..].iter().enumerate() {
            for c in body_line.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                found.push((name.clone(), offset + 1));
                break;
            }
            if !opened && body_line.trim_end().ends_with(';') {
                break; // a declaration without a body
            }
        }
    }
    found
}
