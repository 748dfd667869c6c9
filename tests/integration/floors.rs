//! The floors of `src/` (README, "Where things go"): each file imports only from its own floor
//! or the floors below, and no files import each other in a circle. Read from the source's own
//! `use` lines and inline `crate::`/`super::` paths, with re-exports followed to the file that
//! defines the name, so a folder's `mod.rs` facade hides nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top floor first. `lib.rs` (the crate root's two constants) and `main.rs` sit outside.
const FLOORS: [&str; 7] = ["serve", "app", "ui", "api", "server", "domain", "error"];

type Module = Vec<String>;

struct Source {
    module: Module,
    text: String,
    is_folder: bool,
}

fn sources(root: &Path) -> Vec<Source> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel: PathBuf = path.strip_prefix(root).unwrap().with_extension("");
                let mut module: Module = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
                let is_folder = matches!(module.last().map(String::as_str), Some("mod" | "lib"));
                if is_folder {
                    module.pop();
                }
                if module == ["main"] {
                    continue;
                }
                out.push(Source { module, text: without_tests_and_comments(&std::fs::read_to_string(&path).unwrap()), is_folder });
            }
        }
    }
    out
}

/// The code a build without tests compiles: a file's `#[cfg(test)]` module goes, and so do
/// comments (doc comments name paths that are no import).
fn without_tests_and_comments(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" && lines.peek().is_some_and(|next| next.trim_start().starts_with("mod ")) {
            break;
        }
        let code = match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Every path the text names: each `use` tree expanded, and each inline `crate::…`/`super::…`.
/// The flag says whether the `use` was public (a re-export).
fn paths(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = find_word(rest, "use") {
        let before = rest[..i].trim_end();
        let public = before.ends_with("pub") || (before.ends_with(')') && before.rfind("pub(").is_some_and(|p| !before[p..].contains('\n')));
        let after = &rest[i + 3..];
        let end = after.find(';').unwrap_or(after.len());
        let tree: String = after[..end].replace(" as ", "#").chars().filter(|c| !c.is_whitespace()).collect();
        out.extend(inline(&rest[..i]).into_iter().map(|p| (false, p)));
        if tree.chars().all(|c| c.is_alphanumeric() || "_:{},*#".contains(c)) {
            out.extend(expand(&tree).into_iter().map(|p| (public, p)));
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            // The word "use" in a string, not an import.
            rest = after;
        }
    }
    out.extend(inline(rest).into_iter().map(|p| (false, p)));
    out
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(word).map(|i| i + from) {
        let before_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let after_ok = bytes.get(i + word.len()).is_some_and(|b| b.is_ascii_whitespace());
        if before_ok && after_ok {
            return Some(i);
        }
        from = i + word.len();
    }
    None
}

fn inline(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start).map(|i| i + from) {
            let prev = text[..i].chars().last();
            from = i + start.len();
            if prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let len = text[i..].find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(text.len() - i);
            out.push(text[i..i + len].trim_end_matches(':').to_owned());
        }
    }
    out
}

/// `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else { return vec![tree.split('#').next().unwrap_or(tree).to_owned()] };
    let close = matching(tree, open);
    let (prefix, inner, suffix) = (&tree[..open], &tree[open + 1..close], &tree[close + 1..]);
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).flat_map(|p| expand(&format!("{prefix}{p}{suffix}"))).collect()
}

fn matching(text: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + i;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// The segments a path names, from the crate root; `None` for paths outside the crate.
fn absolute(from: &Source, path: &str) -> Option<Module> {
    let mut segs = path.split("::").filter(|s| !s.is_empty() && *s != "*" && *s != "self").map(str::to_owned);
    let mut base: Module = match segs.next()?.as_str() {
        "crate" => Vec::new(),
        "super" => from.module[..from.module.len().saturating_sub(1)].to_vec(),
        _ => return None,
    };
    let mut segs = segs.peekable();
    while segs.peek().map(String::as_str) == Some("super") {
        segs.next();
        base.pop();
    }
    base.extend(segs);
    Some(base)
}

struct Tree {
    files: BTreeSet<Module>,
    /// A folder's `pub use child::Name`: (folder, Name) -> the path it stands for.
    reexports: BTreeMap<(Module, String), Module>,
}

impl Tree {
    /// The file that defines what `path` names: the longest module prefix, followed through
    /// a folder's re-export when the next segment is one.
    fn file_of(&self, path: &[String], hops: usize) -> Option<Module> {
        let n = (0..=path.len()).rev().find(|n| self.files.contains(&path[..*n].to_vec()))?;
        let module = path[..n].to_vec();
        if let (Some(name), true) = (path.get(n), hops < 8) {
            if let Some(target) = self.reexports.get(&(module.clone(), name.clone())) {
                let mut through = target.clone();
                through.extend_from_slice(&path[n + 1..]);
                return self.file_of(&through, hops + 1);
            }
        }
        Some(module)
    }
}

fn edges(sources: &[Source]) -> BTreeMap<Module, BTreeSet<Module>> {
    let files: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let mut reexports = BTreeMap::new();
    for s in sources.iter().filter(|s| s.is_folder) {
        for (public, path) in paths(&s.text) {
            let rel = if ["crate::", "super::", "self::"].iter().any(|p| path.starts_with(p)) { path.clone() } else { format!("self::{path}") };
            let abs = if let Some(local) = rel.strip_prefix("self::") {
                let mut m = s.module.clone();
                m.extend(local.split("::").filter(|x| !x.is_empty() && *x != "*").map(str::to_owned));
                Some(m)
            } else {
                // A folder's `super` is its parent folder.
                absolute(&Source { module: [s.module.clone(), vec![String::new()]].concat(), text: String::new(), is_folder: true }, &rel)
            };
            if let (true, Some(abs)) = (public, abs) {
                if let Some(name) = abs.last() {
                    reexports.insert((s.module.clone(), name.clone()), abs.clone());
                }
            }
        }
    }
    let tree = Tree { files, reexports };
    let mut out: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for s in sources {
        let from = if s.is_folder { Source { module: [s.module.clone(), vec![String::new()]].concat(), text: String::new(), is_folder: true } } else { Source { module: s.module.clone(), text: String::new(), is_folder: false } };
        let targets = out.entry(s.module.clone()).or_default();
        for (_, path) in paths(&s.text) {
            let abs = match path.strip_prefix("self::") {
                // A folder's `self::child`; a file's `self::` names its own items.
                Some(local) if s.is_folder => Some([s.module.clone(), local.split("::").map(str::to_owned).collect()].concat()),
                Some(_) => continue,
                None => absolute(&from, &path),
            };
            let abs = match abs {
                Some(a) => a,
                // `use child::Name` in a folder, or a sibling module by its bare name.
                None if s.is_folder => [s.module.clone(), path.split("::").map(str::to_owned).collect()].concat(),
                None => continue,
            };
            if let Some(file) = tree.file_of(&abs, 0) {
                if file != s.module && !file.is_empty() {
                    targets.insert(file);
                }
            }
        }
    }
    out
}

fn floor(m: &Module) -> Option<usize> {
    FLOORS.iter().position(|f| m.first().map(String::as_str) == Some(*f))
}

fn name(m: &Module) -> String {
    m.join("::")
}

/// Strongly connected groups of more than one file (Tarjan).
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        graph: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on: BTreeSet<&'a Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flatten() {
            let Some((w, _)) = graph.get_key_value(w) else { continue };
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                group.push(w.clone());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                s.found.push(group);
            }
        }
    }
    let mut s = State { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), found: Vec::new() };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.found
}

fn src_dir() -> PathBuf {
    // The checkout cargo runs the tests in (a build may have been made in another clone).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned());
    Path::new(&manifest).join("src")
}

#[test]
fn no_file_imports_from_a_floor_above_and_none_in_a_circle() {
    let sources = sources(&src_dir());
    assert!(sources.len() > 100, "read the whole of src/ ({} files)", sources.len());
    let graph = edges(&sources);
    let upward: Vec<String> = graph
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| (from, to)))
        .filter(|(from, to)| matches!((floor(from), floor(to)), (Some(a), Some(b)) if b < a))
        .map(|(from, to)| format!("{} -> {}", name(from), name(to)))
        .collect();
    assert!(upward.is_empty(), "imports from a floor above ({}): {upward:#?}", FLOORS.join(" > "));
    let circles: Vec<String> = circles(&graph).iter().map(|c| c.iter().map(name).collect::<Vec<_>>().join(", ")).collect();
    assert!(circles.is_empty(), "files that import each other in a circle: {circles:#?}");
}

#[test]
fn the_reader_sees_imports_through_facades_and_groups() {
    let text = "use crate::a::{b, c::{D, E as F}};\nlet x = super::g::H;\n// crate::not::this\n";
    let found: Vec<String> = paths(&without_tests_and_comments(text)).into_iter().map(|(_, p)| p).collect();
    assert_eq!(found, ["crate::a::b", "crate::a::c::D", "crate::a::c::E", "super::g::H"]);
    let sources = vec![
        Source { module: vec!["x".into()], text: "pub use self::y::Thing;\npub mod y;\n".into(), is_folder: true },
        Source { module: vec!["x".into(), "y".into()], text: "use crate::z::Other;\n".into(), is_folder: false },
        Source { module: vec!["z".into()], text: "use crate::x::Thing;\n".into(), is_folder: false },
    ];
    let graph = edges(&sources);
    assert!(graph[&vec!["z".to_owned()]].contains(&vec!["x".to_owned(), "y".to_owned()]), "{graph:?}");
    assert_eq!(circles(&graph).len(), 1, "z -> x::y -> z through the facade");
}
