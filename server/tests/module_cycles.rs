//! No import cycles: the server's top-level modules form layers (the store
//! imports nothing above it, the domain nothing of the HTTP layer…), and no
//! two source files of the server or of xtask depend on each other, however
//! indirectly. A cycle is how a layer starts reaching up; this test names
//! the edges of the first one it finds so it is fixed where it starts.
//!
//! Dependencies are read from the source: every `crate::` and `super::`
//! path outside comments (use declarations and inline paths alike), resolved
//! to the deepest module file that exists. A module's use of its own
//! ancestors (`super::Caller` in `domain/users.rs`) is not an edge: a parent
//! module is its children's namespace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;
type Graph = BTreeMap<Module, BTreeSet<Module>>;

#[test]
fn server_top_level_modules_form_layers() {
    let graph = collapse(&read_crate(&source("server/src")), 1);
    assert_no_cycle("server (top-level modules)", &graph);
}

#[test]
fn no_two_server_files_depend_on_each_other() {
    assert_no_cycle("server (files)", &read_crate(&source("server/src")));
}

#[test]
fn no_two_xtask_files_depend_on_each_other() {
    assert_no_cycle("xtask (files)", &read_crate(&source("xtask/src")));
}

#[test]
fn a_cycle_is_found() {
    let module = |name: &str| vec![name.to_string()];
    let graph: Graph = [
        (module("a"), [module("b")].into()),
        (module("b"), [module("c")].into()),
        (module("c"), [module("a")].into()),
        (module("d"), [module("a")].into()),
    ]
    .into();
    assert_eq!(cycles(&graph), vec![vec![module("a"), module("b"), module("c")]]);
}

fn source(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

fn assert_no_cycle(what: &str, graph: &Graph) {
    let found = cycles(graph);
    let Some(cycle) = found.first() else { return };
    let name = |m: &Module| if m.is_empty() { "crate".to_string() } else { m.join("::") };
    let edges: Vec<String> = cycle
        .iter()
        .flat_map(|from| graph[from].iter().filter(|to| cycle.contains(to)).map(move |to| (from, to)))
        .map(|(from, to)| format!("  {} -> {}", name(from), name(to)))
        .collect();
    panic!(
        "{what}: {} import cycle(s); the first joins {} modules through:\n{}",
        found.len(),
        cycle.len(),
        edges.join("\n")
    );
}

/// Every module file of the crate rooted at `src`, with the modules it uses.
fn read_crate(src: &Path) -> Graph {
    let mut files = Vec::new();
    collect_files(src, &mut files);
    let modules: BTreeMap<Module, PathBuf> = files.into_iter().map(|path| (module_of(src, &path), path)).collect();
    let mut graph = Graph::new();
    for (module, path) in &modules {
        let text = std::fs::read_to_string(path).expect("readable source");
        let mut uses = BTreeSet::new();
        for path in paths(&strip_comments(&text), module) {
            if let Some(target) = (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| modules.contains_key(m))
                && !module.starts_with(&target)
            {
                uses.insert(target);
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// `store/mod.rs` is `store`, `store/users.rs` is `store::users`, `lib.rs`
/// and `main.rs` the crate itself.
fn module_of(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).expect("file under src").with_extension("");
    let mut parts: Module = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

fn strip_comments(text: &str) -> String {
    text.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The absolute module paths named by `crate::…` and `super::…` in `text`
/// of `module`, use trees (`crate::{a, b::{c, d}}`) expanded.
fn paths(text: &str, module: &Module) -> Vec<Module> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(offset) = text[at..].find("crate::").into_iter().chain(text[at..].find("super::")).min() {
        let start = at + offset;
        at = start + 1;
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let (base, rest) = if text[start..].starts_with("crate::") {
            (Vec::new(), &text[start + "crate::".len()..])
        } else {
            // `super` of `a/b.rs` (module a::b) and of `a/b/mod.rs` alike is `a`.
            (module[..module.len().saturating_sub(1)].to_vec(), &text[start + "super::".len()..])
        };
        use_tree(base, rest, &mut found);
    }
    found
}

/// Expands the use tree at the start of `rest` under `prefix`.
fn use_tree(mut prefix: Module, mut rest: &str, found: &mut Vec<Module>) {
    loop {
        rest = rest.trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            for item in split_group(group) {
                use_tree(prefix.clone(), item, found);
            }
            return;
        }
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if name.is_empty() {
            break;
        }
        rest = &rest[name.len()..];
        match name.as_str() {
            "super" => {
                prefix.pop();
            }
            "self" => {}
            _ => prefix.push(name),
        }
        match rest.strip_prefix("::") {
            Some(after) => rest = after,
            None => break,
        }
    }
    found.push(prefix);
}

/// The items of a `{…}` group (its text after the brace), split at its own commas.
fn split_group(group: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

/// The graph with every module replaced by its first `depth` path segments.
fn collapse(graph: &Graph, depth: usize) -> Graph {
    let cut = |m: &Module| m[..m.len().min(depth)].to_vec();
    let mut collapsed = Graph::new();
    for (from, to) in graph {
        let from = cut(from);
        let targets = to.iter().map(cut).filter(|t| *t != from && !from.starts_with(t) && !t.is_empty());
        collapsed.entry(from.clone()).or_default().extend(targets.collect::<Vec<_>>());
    }
    collapsed
}

/// The strongly connected groups of more than one module (Tarjan), sorted.
fn cycles(graph: &Graph) -> Vec<Vec<Module>> {
    struct Walk<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a Module) {
        let n = walk.index.len();
        walk.index.insert(node, n);
        walk.low.insert(node, n);
        walk.stack.push(node);
        for next in walk.graph.get(node).into_iter().flatten() {
            if !walk.index.contains_key(next) {
                visit(walk, next);
                let low = walk.low[node].min(walk.low[next]);
                walk.low.insert(node, low);
            } else if walk.stack.contains(&next) {
                let low = walk.low[node].min(walk.index[next]);
                walk.low.insert(node, low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let at = walk.stack.iter().rposition(|m| *m == node).expect("on the stack");
            let mut group: Vec<Module> = walk.stack.drain(at..).cloned().collect();
            if group.len() > 1 {
                group.sort();
                walk.found.push(group);
            }
        }
    }
    let mut walk = Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for node in graph.keys() {
        if !walk.index.contains_key(node) {
            visit(&mut walk, node);
        }
    }
    walk.found.sort();
    walk.found
}
