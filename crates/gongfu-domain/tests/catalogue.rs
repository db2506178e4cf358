//! The message catalogue against the code that uses it: every `msg!("id", arg = …)` in the
//! workspace names a message the catalogue has, in Chinese, with exactly the variables the
//! message uses; every message in the catalogue is used somewhere (or it is dead text that
//! drifts).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gongfu_domain::message::FILES;

/// id → (file, text, variables) for every message of the catalogue.
fn catalogue() -> BTreeMap<String, (String, String, BTreeSet<String>)> {
    let mut out = BTreeMap::new();
    for (file, source) in FILES {
        let res = fluent_bundle::FluentResource::try_new(source.to_string())
            .unwrap_or_else(|(_, e)| panic!("{file} does not parse: {e:?}"));
        drop(res);
        let mut current: Option<String> = None;
        for line in source.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                current = None;
                continue;
            }
            if line.starts_with(' ') {
                if let Some(id) = &current {
                    let e: &mut (String, String, BTreeSet<String>) =
                        out.get_mut(id).expect("continued message exists");
                    e.1.push_str(line.trim());
                }
                continue;
            }
            let (id, text) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("{file}: not a message line: {line}"));
            let id = id.trim().to_string();
            assert!(
                out.insert(
                    id.clone(),
                    (file.to_string(), text.trim().to_string(), BTreeSet::new())
                )
                .is_none(),
                "{file}: message {id} is defined twice"
            );
            current = Some(id);
        }
    }
    for (_, text, vars) in out.values_mut() {
        let mut rest = text.as_str();
        while let Some(i) = rest.find('$') {
            rest = &rest[i + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            vars.insert(name);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every `msg!` call in the workspace's sources: (place, id, argument names).
fn uses() -> Vec<(String, String, BTreeSet<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![];
    rust_files(&root.join("crates"), &mut files);
    let mut out = vec![];
    for f in files
        .into_iter()
        .filter(|f| !f.ends_with("gongfu-domain/tests/catalogue.rs"))
    {
        let src = std::fs::read_to_string(&f).expect("readable source");
        let mut at = 0;
        while let Some(i) = src[at..].find("msg!(") {
            let start = at + i + "msg!(".len();
            // The call's text up to its closing parenthesis (arguments may nest calls).
            let mut depth = 1;
            let mut end = start;
            for (j, c) in src[start..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = start + j;
                    break;
                }
            }
            at = start;
            // Calls in comments and documentation are examples, not uses.
            let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
            if src[line_start..start].trim_start().starts_with("//") {
                continue;
            }
            let call = &src[start..end];
            let Some(id) = call
                .trim_start()
                .strip_prefix('"')
                .and_then(|r| r.split('"').next())
            else {
                continue; // the macro's own definition
            };
            let line = src[..start].lines().count();
            // Arguments: `name = value` at the call's top level.
            let mut names = BTreeSet::new();
            let mut depth = 0;
            let mut piece = String::new();
            let mut pieces = vec![];
            for c in call.chars() {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    ',' if depth == 0 => {
                        pieces.push(std::mem::take(&mut piece));
                        continue;
                    }
                    _ => {}
                }
                piece.push(c);
            }
            pieces.push(piece);
            for p in pieces.iter().skip(1) {
                if let Some((name, _)) = p.split_once('=') {
                    let name = name.trim();
                    if !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        names.insert(name.to_string());
                    }
                }
            }
            let place = format!("{}:{line}", f.strip_prefix(&root).unwrap_or(&f).display());
            out.push((place, id.to_string(), names));
        }
    }
    out
}

fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_message_used_is_in_the_catalogue_in_chinese_with_its_arguments() {
    let cat = catalogue();
    let uses = uses();
    assert!(uses.len() > 50, "the scan found only {} uses", uses.len());
    let mut problems = vec![];
    for (place, id, args) in &uses {
        match cat.get(id) {
            None => problems.push(format!("{place}: message {id} is not in the catalogue")),
            Some((file, text, vars)) => {
                if !chinese(text) {
                    problems.push(format!("{file}: message {id} is not Chinese: {text}"));
                }
                if args != vars {
                    problems.push(format!(
                        "{place}: message {id} takes {vars:?} ({file}) but is given {args:?}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_message_in_the_catalogue_is_used() {
    let used: BTreeSet<String> = uses().into_iter().map(|(_, id, _)| id).collect();
    let unused: Vec<String> = catalogue()
        .into_iter()
        .filter(|(id, _)| !used.contains(id))
        .map(|(id, (file, _, _))| format!("{file}: {id}"))
        .collect();
    assert!(
        unused.is_empty(),
        "messages nothing uses:\n{}",
        unused.join("\n")
    );
}
