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
    let openings: Vec<&str> = if validator { [OPENINGS, &["Err("]].concat() } else { OPENINGS.to_vec() };
    strings_after(source, &openings)
}

/// The strings (literal or `format!`ted) that follow any of `openings` in a file's code.
fn strings_after(source: &str, openings: &[&str]) -> Vec<String> {
    let source = source.split("#[cfg(test)]").next().unwrap_or(source);
    let mut found = Vec::new();
    for &opening in openings {
        for (at, _) in source.match_indices(opening) {
            let after = source[at + opening.len()..].trim_start();
            if let Some(rest) = after.strip_prefix("format!(").or(opening.ends_with("format!(").then_some(after)) {
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

/// Where an import's reason for a row starts in the source.
const REASON_OPENINGS: &[&str] = &["fail(", "Err(", "|| format!(", "reason: "];

/// Reasons built from the readers' constants, which a scan cannot fill.
fn constant_reasons() -> Vec<String> {
    use crate::import::read::*;
    vec![
        format!("{TOO_MANY_ROWS} 7"),
        format!("{TOO_MANY_COLUMNS} 7"),
        format!("name: {CELL_TOO_LONG} 7"),
        format!("name: {CONTROL_CHARACTER}"),
        format!("{UNPACKS_TOO_LARGE} 7"),
        format!("{PACKED_TOO_TIGHT} 7"),
        format!("{TOO_MANY_TEXTS} 7"),
        OUT_OF_ORDER.to_string(),
        crate::import::staff::HELD_ELSEWHERE.to_string(),
        crate::import::institutions::REGISTERED_ELSEWHERE.to_string(),
    ]
}

#[test]
fn every_import_reason_reads_in_chinese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("staff/record.rs"), root.join("codes.rs")];
    let mut folders = vec![root.join("import")];
    while let Some(folder) = folders.pop() {
        for path in std::fs::read_dir(folder).expect("import folder").flatten().map(|e| e.path()) {
            if path.is_dir() { folders.push(path) } else { files.push(path) }
        }
    }
    let mut reasons = constant_reasons();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("source file");
        for reason in strings_after(&source, REASON_OPENINGS) {
            // A reason that leads with its column's placeholder names a column: say which.
            let reason = match reason.strip_prefix("7: ") {
                Some(rest) => format!("name: {rest}"),
                None => reason,
            };
            // "column 5" names a column without a header: not a sentence.
            if !english_words(&reason).is_empty() && reason != "column 7" {
                reasons.push(reason);
            }
        }
    }
    assert!(reasons.len() > 40, "the scan found only {} reasons", reasons.len());
    let faults: Vec<String> = reasons
        .iter()
        .filter_map(|english| {
            let chinese = super::reason_zh_in(english, "staff");
            let words = english_words(&chinese);
            (!words.is_empty()).then(|| format!("{english:?} reads {chinese:?}, English {words:?}"))
        })
        .collect();
    assert!(faults.is_empty(), "{} of {} reasons:\n{}", faults.len(), reasons.len(), faults.join("\n"));
}

#[test]
fn the_scan_reads_literals_as_the_program_does() {
    assert_eq!(filled("`{field}` is {} of {{x}}"), "`7` is 7 of {x}");
    assert_eq!(literal("a \\\n     b\\\"c\" tail"), "a b\"c");
    assert_eq!(english_words("请填写 `Bearer` 令牌 CSV, plan"), vec!["plan".to_string()]);
}
