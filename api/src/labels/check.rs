//! The catalogue's own check: every message the source can answer with reads in Chinese, with
//! no English word left in it.

use std::path::Path;

/// Where a message starts in the source: an error's constructor, or a validator's `Err`.
const OPENINGS: &[&str] = &[
    "ApiError::bad_input(",
    "ApiError::conflict(",
    "ApiError::forbidden(",
    "ApiError::not_found(",
    "ApiError::BadInput(",
    "ApiError::Conflict(",
    "ApiError::Forbidden(",
    "ApiError::NotFound(",
    "ApiError::Unauthenticated(",
    "ApiError::Unavailable(",
];

/// Files whose `Err("…")` strings are messages a client reads (validators of codes and texts).
const VALIDATORS: &[&str] = &["codes.rs"];

/// Messages built elsewhere than at a constructor (a constant, a refusal's own wording).
const ELSEWHERE: &[&str] = &[
    crate::error::OUTAGE,
    "the request took too long and was stopped; ask for less",
    "too many requests; try again in 7 s",
    "internal error",
    "authentication required: the session has ended; sign in again",
    "this person already holds an establishment slot; one person may hold at most one (一人一编)",
    "the request costs 7, over this caller's budget of 7 (lists count their page size times what each item asks \
     for): ask for fewer items or fields",
    "the query is nested too deep (7 levels; at most 7)",
    "a text value has 7 characters; at most 7 are accepted",
    "Invalid value for argument \"input.hireDate\", expected type \"Date\"",
];

/// A Rust string literal starting just after its opening quote, as the program sees it (escapes
/// and line continuations applied).
fn literal(source: &str) -> String {
    let mut out = String::new();
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('\n') => {
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => break,
            },
            _ => out.push(c),
        }
    }
    out
}

/// A `format!` string with each placeholder filled by `7` (braces doubled stay single).
fn filled(template: &str) -> String {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('{', Some('{')) | ('}', Some('}')) => {
                out.push(c);
                chars.next();
            }
            ('{', _) => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                out.push('7');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The messages one source file can answer with.
fn messages_in(source: &str, validator: bool) -> Vec<String> {
    let source = source.split("#[cfg(test)]").next().unwrap_or(source);
    let mut found = Vec::new();
    let mut openings: Vec<&str> = OPENINGS.to_vec();
    if validator {
        openings.push("Err(");
    }
    for opening in openings {
        for (at, _) in source.match_indices(opening) {
            let after = source[at + opening.len()..].trim_start();
            if let Some(rest) = after.strip_prefix("format!(") {
                if let Some(rest) = rest.trim_start().strip_prefix('"') {
                    found.push(filled(&literal(rest)));
                }
            } else if let Some(rest) = after.strip_prefix('"') {
                found.push(literal(rest));
            }
        }
    }
    found
}

fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("source folder").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if !path.ends_with("labels") {
                walk(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).expect("source file");
            let validator = VALIDATORS.iter().any(|v| path.ends_with(v));
            let name = path.display().to_string();
            out.extend(messages_in(&source, validator).into_iter().map(|m| (name.clone(), m)));
        }
    }
}

/// The English words left in a Chinese text: runs of two or more ASCII letters outside
/// backquotes (a command or a header a user types), other than a few names that are the same in
/// Chinese (file formats, standards).
fn english_words(text: &str) -> Vec<String> {
    const SAME_IN_CHINESE: &[&str] = &["CSV", "csv", "XLSX", "xlsx", "JSON", "GraphQL", "UUID", "ASCII", "GB", "T"];
    let outside: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    outside
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2 && !SAME_IN_CHINESE.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_message_the_api_can_produce_reads_in_chinese() {
    let mut messages = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut messages);
    messages.extend(ELSEWHERE.iter().map(|m| ("(elsewhere)".to_string(), m.to_string())));
    assert!(messages.len() > 300, "the scan found only {} messages", messages.len());
    let mut faults = Vec::new();
    for (file, english) in &messages {
        match super::messages::detail_zh(english) {
            None => faults.push(format!("{file}: no Chinese for {english:?}")),
            Some(chinese) => {
                let words = english_words(&chinese);
                if !words.is_empty() {
                    faults.push(format!("{file}: {english:?} reads {chinese:?}, English {words:?}"));
                }
            }
        }
    }
    assert!(faults.is_empty(), "{} of {} messages:\n{}", faults.len(), messages.len(), faults.join("\n"));
}

#[test]
fn the_scan_reads_literals_as_the_program_does() {
    assert_eq!(filled("`{field}` is {} of {{x}}"), "`7` is 7 of {x}");
    assert_eq!(literal("a \\\n     b\\\"c\" tail"), "a b\"c");
    assert_eq!(english_words("请填写 `Bearer` 令牌 CSV, plan"), vec!["plan".to_string()]);
}
