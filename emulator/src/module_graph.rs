//! A check of the file-level module graph (issue 16 part 5): no file may import a module that
//! imports it back, so the dependencies point one way (handlers → `state` → plain data such as
//! `state::scx`, `catalogue`, `clock`). The crate root (`lib.rs`), which declares every module
//! and re-exports the public API, is left out; so are inline `#[cfg(test)]` modules, whose
//! `super` is their own file.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

/// A token of the little that matters for paths.
#[derive(PartialEq)]
enum Tok {
    Ident(String),
    Colons,
    Open,
    Close,
    Comma,
    Semi,
    Other,
}

/// Module path (`state::scx`) → source text (comments and inline tests cut), for every file.
fn sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path
                .strip_prefix(&root)
                .expect("under src/")
                .with_extension("");
            let segments: Vec<String> = relative
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| s != "mod")
                .collect();
            let name = segments.join("::");
            if name == "lib" || name == "main" {
                continue;
            }
            let text = fs::read_to_string(&path).expect("a readable source file");
            let text = text.split("#[cfg(test)]\nmod ").next().unwrap_or_default();
            let code: Vec<&str> = text
                .lines()
                .map(|l| l.split("//").next().unwrap_or_default())
                .collect();
            out.insert(name, code.join("\n"));
        }
    }
    out
}

fn tokens(code: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
            continue;
        }
        i += 1;
        out.push(match c {
            ':' if chars.get(i) == Some(&':') => {
                i += 1;
                Tok::Colons
            }
            '{' => Tok::Open,
            '}' => Tok::Close,
            ',' => Tok::Comma,
            ';' => Tok::Semi,
            c if c.is_whitespace() => continue,
            _ => Tok::Other,
        });
    }
    out
}

/// The paths of a use tree (or of an inline path) starting at `toks[*i]`, each after `prefix`.
fn tree(toks: &[Tok], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        match toks.get(*i) {
            Some(Tok::Ident(name)) => {
                path.push(name.clone());
                *i += 1;
                if toks.get(*i) != Some(&Tok::Colons) {
                    out.push(path);
                    return;
                }
                *i += 1;
            }
            Some(Tok::Open) => {
                *i += 1;
                while !matches!(toks.get(*i), None | Some(Tok::Close)) {
                    tree(toks, i, path.clone(), out);
                    // Skip what the branch did not take (`as name`, `*`) up to `,` or `}`.
                    while !matches!(toks.get(*i), None | Some(Tok::Comma | Tok::Close)) {
                        *i += 1;
                    }
                    if toks.get(*i) == Some(&Tok::Comma) {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            _ => {
                out.push(path);
                return;
            }
        }
    }
}

/// Module → the modules its file names (`crate::`, `super::`, `self::` paths and `mod x;`).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let sources = sources();
    let known: BTreeSet<&String> = sources.keys().collect();
    let mut graph = BTreeMap::new();
    for (module, code) in &sources {
        let own: Vec<String> = module.split("::").map(str::to_owned).collect();
        let parent = own[..own.len() - 1].to_vec();
        let toks = tokens(code);
        let mut paths = Vec::new();
        for at in 0..toks.len() {
            let Tok::Ident(word) = &toks[at] else {
                continue;
            };
            let after_path = at > 0 && toks[at - 1] == Tok::Colons;
            if word == "mod" {
                if let (Some(Tok::Ident(child)), Some(Tok::Semi)) =
                    (toks.get(at + 1), toks.get(at + 2))
                {
                    paths.push([own.clone(), vec![child.clone()]].concat());
                }
                continue;
            }
            let base = match word.as_str() {
                "crate" => Vec::new(),
                "super" => parent.clone(),
                "self" => own.clone(),
                _ => continue,
            };
            if after_path || toks.get(at + 1) != Some(&Tok::Colons) {
                continue;
            }
            let mut i = at + 2;
            tree(&toks, &mut i, base, &mut paths);
        }
        let mut names = BTreeSet::new();
        for path in paths {
            let target = (1..=path.len())
                .map(|n| path[..n].join("::"))
                .take_while(|m| known.contains(m))
                .last();
            if let Some(target) = target.filter(|t| t != module) {
                names.insert(target);
            }
        }
        graph.insert(module.clone(), names);
    }
    graph
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_owned()];
    while let Some(module) = todo.pop() {
        if module == to {
            return true;
        }
        if seen.insert(module.clone()) {
            todo.extend(graph.get(&module).into_iter().flatten().cloned());
        }
    }
    false
}

#[test]
fn no_file_imports_a_module_that_imports_it_back() {
    let graph = graph();
    // The check sees the dependencies this refactoring is about.
    assert!(graph["oauth"].contains("state"), "{graph:?}");
    assert!(graph["state"].contains("state::clients"), "{graph:?}");
    assert!(
        graph["graphql::schema"].contains("graphql::connection"),
        "{graph:?}"
    );
    let circles: Vec<String> = graph
        .iter()
        .flat_map(|(a, names)| names.iter().map(move |b| (a, b)))
        .filter(|(a, b)| reaches(&graph, b, a))
        .map(|(a, b)| format!("{a} -> {b} -> … -> {a}"))
        .collect();
    assert!(circles.is_empty(), "file-level circles: {circles:#?}");
}

#[test]
fn state_names_only_plain_data_modules() {
    let graph = graph();
    let handlers = [
        "admin",
        "app_tokens",
        "erp",
        "gateway",
        "graphql",
        "jwks",
        "oauth",
        "scx",
        "session",
        "user_auth",
        "wawi",
    ];
    for (module, names) in graph
        .iter()
        .filter(|(m, _)| m.split("::").next() == Some("state"))
    {
        let bad: Vec<&String> = names
            .iter()
            .filter(|n| handlers.contains(&n.as_str()))
            .collect();
        assert!(bad.is_empty(), "{module} names handler modules {bad:?}");
    }
}
