//! `$filter` (and the other text options) for every entity: no input may panic; an accepted
//! filter respects the node limit, evaluates, and prints to text that parses to the same tree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use portico_odata::limits::{MAX_FILTER_NODES, MAX_OPTION_LENGTH};
use portico_odata::{
    evaluate, parse_filter, parse_query, parse_search, print_filter, Entity, Field, RawQuery,
    Record, DIRECTORY_AUDIT, GROUP, ORG_CONTACT, SIGN_IN, USER,
};

const ENTITIES: [&Entity; 5] = [&USER, &GROUP, &ORG_CONTACT, &SIGN_IN, &DIRECTORY_AUDIT];

/// A record whose every string field is the input itself and every collection holds it.
struct Echo<'a>(&'a str);

impl Record for Echo<'_> {
    fn field(&self, property: &str) -> Field {
        match property.len() % 3 {
            0 => Field::String(self.0.to_owned()),
            1 => Field::Strings(vec![self.0.to_owned(), String::new()]),
            _ => Field::Null,
        }
    }
}

fn check_filter(entity: &Entity, text: &str) {
    let Ok((expr, _)) = parse_filter(entity, text) else {
        return;
    };
    assert!(expr.node_count() <= MAX_FILTER_NODES);
    evaluate(&expr, &Echo(text));
    let printed = print_filter(&expr);
    if printed.len() <= MAX_OPTION_LENGTH {
        let reparsed = parse_filter(entity, &printed).map(|(tree, _)| tree);
        assert_eq!(reparsed, Ok(expr), "{text:?} printed as {printed:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for entity in ENTITIES {
        check_filter(entity, text);
        let _ = parse_search(entity, text);
        for name in ["$select", "$orderby", "$top", "$count"] {
            if let Ok(raw) = RawQuery::from_pairs([(name, text)]) {
                let _ = parse_query(entity, &raw, true);
            }
        }
    }
});
