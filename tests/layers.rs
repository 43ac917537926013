//! The crate's layers run one way (docs/architecture.md): read from the code's own `crate::` and
//! `super::` paths, no import circle among `api/src`'s files is larger than three files (a
//! small mutual pair inside one folder is fine), and no file is over 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const LARGEST_CIRCLE: usize = 3;
const LONGEST_FILE: usize = 600;

/// Every `.rs` file under `root`, by its path from `root`, with its text.
fn sources(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(name, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

/// The text without comments (string contents are kept: paths in strings are rare).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |n| &after[n..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |n| &after[n + 2..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn ident_len(text: &str) -> usize {
    text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len())
}

/// The paths that continue `prefix` at the start of `text`: `a::b`, or a group `{a, b::{c, d}}`.
fn continue_path(prefix: &[String], text: &str, out: &mut Vec<Vec<String>>) {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    continue_path(prefix, &group[start..i], out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    continue_path(prefix, &group[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let n = ident_len(text);
    if n == 0 {
        out.push(prefix.to_vec());
        return;
    }
    let mut path = prefix.to_vec();
    if &text[..n] != "self" {
        path.push(text[..n].to_string());
    }
    match text[n..].strip_prefix("::") {
        Some(rest) => continue_path(&path, rest, out),
        None => out.push(path),
    }
}

/// The module a file is (`a/b.rs` and `a/b/mod.rs` are `a::b`).
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.trim_end_matches(".rs").split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The files a file names, by the longest module file of each path.
fn imports(files: &BTreeMap<String, String>) -> BTreeMap<&str, BTreeSet<&str>> {
    let file_for = |parts: &[String]| {
        (1..=parts.len()).rev().find_map(|k| {
            let base = parts[..k].join("/");
            [format!("{base}.rs"), format!("{base}/mod.rs")]
                .into_iter()
                .find_map(|candidate| files.get_key_value(&candidate).map(|(name, _)| name.as_str()))
        })
    };
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (file, text) in files {
        let text = without_comments(text);
        let here = module_of(file);
        let mut paths = Vec::new();
        for (at, _) in text.match_indices("::") {
            let head_start = text[..at].rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
            let base = match &text[head_start..at] {
                "crate" => Vec::new(),
                "super" if !text[..head_start].ends_with("::") => here[..here.len().saturating_sub(1)].to_vec(),
                _ => continue,
            };
            let mut found = Vec::new();
            continue_path(&base, &text[at + 2..], &mut found);
            // `super::*` (a test module's glob of its own file) names no other file.
            paths.extend(found.into_iter().filter(|path| path.len() > base.len()));
        }
        let targets = edges.entry(file.as_str()).or_default();
        for path in paths {
            if let Some(target) = file_for(&path).filter(|t| *t != file.as_str()) {
                targets.insert(target);
            }
        }
    }
    edges
}

/// Strongly connected components of more than one file (Tarjan).
fn circles<'a>(edges: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<Vec<&'a str>> {
    struct Walk<'a, 'e> {
        edges: &'e BTreeMap<&'a str, BTreeSet<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<&'a str>>,
    }
    impl<'a> Walk<'a, '_> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for &w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort_unstable();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for &v in edges.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found.sort_by_key(|c| std::cmp::Reverse(c.len()));
    walk.found
}

fn crate_sources() -> BTreeMap<String, String> {
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src"))
}

#[test]
fn no_import_circle_is_larger_than_three_files() {
    let files = crate_sources();
    let edges = imports(&files);
    let circles = circles(&edges);
    let large: Vec<&Vec<&str>> = circles.iter().filter(|c| c.len() > LARGEST_CIRCLE).collect();
    assert!(large.is_empty(), "import circles larger than {LARGEST_CIRCLE} files (docs/architecture.md): {large:#?}");
}

#[test]
fn the_reader_finds_a_circle_when_there_is_one() {
    let files: BTreeMap<String, String> = [
        ("db.rs", "use crate::audit::link;"),
        ("audit.rs", "use crate::{scope::Scope, db};"),
        ("scope/mod.rs", "fn f() { super::db::begin(); }"),
        ("scope/tree.rs", "// crate::audit is only named in a comment\nuse super::Scope;"),
    ]
    .into_iter()
    .map(|(name, text)| (name.to_string(), text.to_string()))
    .collect();
    let circles = circles(&imports(&files));
    assert_eq!(circles, vec![vec!["audit.rs", "db.rs", "scope/mod.rs"]]);
}

#[test]
fn no_source_file_is_over_six_hundred_lines() {
    let long: Vec<(String, usize)> = crate_sources()
        .into_iter()
        .map(|(name, text)| (name, text.lines().count()))
        .filter(|(_, lines)| *lines > LONGEST_FILE)
        .collect();
    assert!(long.is_empty(), "files over {LONGEST_FILE} lines (split them by responsibility): {long:?}");
}
