//! The layering scan (issue 12, `/work/shared/ARCHITECTURE.md`): every arrow
//! between the layers of `src/` runs down, never back up.
//!
//! - `domain` names no `db`, `app`, `web`, `views`, `mail`, diesel or actix;
//! - `db` names no `app`, `web`, `views`, `mail`;
//! - `app` names no `web`, `views`, actix;
//! - `views` names no `web`, `app`;
//! - nothing outside `src/web/` and `src/startup.rs` names actix.
//!
//! What a file names: the root module of every `crate::X` path (grouped
//! imports `crate::{X, Y::…}` included) and the external crates `diesel`
//! and `actix_*` used as a path root. Comments and string literals are not
//! read (the lexer of the catalog check); `#[cfg(test)]` modules count.
//!
//! Today's violations stand in `ALLOWED`; the list only shrinks: a new
//! violation fails, and so does an entry that is no longer one. The second
//! check does the same for files over `MAX_LINES` lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::catalog::{braced, ident, lex, path_sep, punct, rust_files, Tok, SRC};

/// Violations as of the application-layer skeleton: (file under `src/`,
/// what it names). Remove an entry when its arrow is gone.
const ALLOWED: &[(&str, &str)] = &[];

/// The longest a production file may be (issue 12: ~400, hard limit 450).
const MAX_LINES: usize = 450;

/// Generated, not read by people.
const EXEMPT_FROM_SIZE: &[&str] = &["db/schema.rs"];

/// Files over `MAX_LINES` today. Remove an entry when its file is split.
const OVERSIZED: &[&str] = &[];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layer {
    Domain,
    Db,
    App,
    Views,
    Web,
    /// Everything else (lib.rs, cli.rs, mail/, infra, …).
    Other,
}

/// A file's layer, from its path relative to `src/` (`db/claims.rs`).
fn layer(rel: &str) -> Layer {
    let top = rel.split('/').next().unwrap_or(rel);
    match top.strip_suffix(".rs").unwrap_or(top) {
        "domain" => Layer::Domain,
        "db" => Layer::Db,
        "app" => Layer::App,
        "views" => Layer::Views,
        "web" | "startup" => Layer::Web,
        _ => Layer::Other,
    }
}

fn is_actix(target: &str) -> bool {
    target.starts_with("actix")
}

/// Whether a file of `layer` may not name `target` (a root module of this
/// crate, or an external crate).
fn forbidden(layer: Layer, target: &str) -> bool {
    let actix = is_actix(target);
    match layer {
        Layer::Domain => {
            matches!(target, "db" | "app" | "web" | "views" | "mail" | "diesel") || actix
        }
        Layer::Db => matches!(target, "app" | "web" | "views" | "mail"),
        Layer::App => matches!(target, "web" | "views") || actix,
        Layer::Views => matches!(target, "web" | "app") || actix,
        Layer::Other => actix,
        Layer::Web => false,
    }
}

/// What a source file names, with the line of each: `crate::X` roots and
/// the external crates diesel and actix_*.
fn names(src: &str) -> Vec<(String, usize)> {
    let toks = lex(src);
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let Some(id) = ident(&toks, i) else {
            continue;
        };
        let line = toks[i].1;
        let after_sep = i >= 2 && path_sep(&toks, i - 2);
        if (id == "diesel" || is_actix(id)) && path_sep(&toks, i + 1) && !after_sep {
            out.push((id.to_string(), line));
        }
        if id != "crate" || !path_sep(&toks, i + 1) {
            continue;
        }
        if let Some(root) = ident(&toks, i + 3) {
            out.push((root.to_string(), line));
        } else if punct(&toks, i + 3, '{') {
            // `crate::{a, b::c, d::{e, f}}`: the first identifier of each
            // item at depth one.
            for (j, depth) in braced(&toks, i + 3) {
                if let Tok::Ident(s) = &toks[j].0 {
                    if depth == 1 && (punct(&toks, j - 1, '{') || punct(&toks, j - 1, ',')) {
                        out.push((s.clone(), toks[j].1));
                    }
                }
            }
        }
    }
    out
}

/// Every `.rs` file under `src/`: its path relative to `src/` and text.
fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(SRC)
                .unwrap_or(&p)
                .to_string_lossy()
                .trim_start_matches('/')
                .to_string();
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
            (rel, text)
        })
        .collect()
}

/// Every forbidden arrow: (file, target) → the lines naming it.
fn violations() -> BTreeMap<(String, String), Vec<usize>> {
    let mut found: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (rel, text) in sources() {
        let l = layer(&rel);
        for (target, line) in names(&text) {
            if forbidden(l, &target) {
                found.entry((rel.clone(), target)).or_default().push(line);
            }
        }
    }
    found
}

/// Compares what is found with an allow-list; the failure message (if any)
/// names new entries, stale entries and the list as it should now read.
fn check_list<K: Ord + Clone + std::fmt::Debug>(
    what: &str,
    found: &BTreeMap<K, String>,
    allowed: &BTreeSet<K>,
    list_name: &str,
) -> Option<String> {
    let new: Vec<&String> = found
        .iter()
        .filter(|(k, _)| !allowed.contains(*k))
        .map(|(_, why)| why)
        .collect();
    let stale: Vec<&K> = allowed.iter().filter(|k| !found.contains_key(*k)).collect();
    if new.is_empty() && stale.is_empty() {
        return None;
    }
    let mut msg = String::new();
    if !new.is_empty() {
        msg += &format!(
            "{} new {what} (fix them; do not add them to {list_name}):\n",
            new.len()
        );
        for why in &new {
            msg += &format!("  {why}\n");
        }
    }
    if !stale.is_empty() {
        msg += &format!(
            "{} entries of {list_name} are no longer {what}: remove them from the list \
             (the list only shrinks):\n",
            stale.len()
        );
        for k in &stale {
            msg += &format!("  {k:?}\n");
        }
    }
    Some(msg)
}

#[test]
fn no_arrow_runs_back_up() {
    let found: BTreeMap<(String, String), String> = violations()
        .into_iter()
        .map(|((file, target), lines)| {
            let why = format!(
                "src/{file} names `{target}` (lines {lines:?}): a {:?} file may not",
                layer(&file)
            );
            ((file, target), why)
        })
        .collect();
    let allowed: BTreeSet<(String, String)> = ALLOWED
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    if let Some(msg) = check_list("layering violations", &found, &allowed, "ALLOWED") {
        panic!("{msg}");
    }
}

#[test]
fn no_production_file_is_too_long() {
    let found: BTreeMap<String, String> = sources()
        .into_iter()
        .filter(|(rel, _)| !EXEMPT_FROM_SIZE.contains(&rel.as_str()))
        // Test modules moved to a sibling file are not production code.
        .filter(|(rel, _)| !rel.ends_with("/tests.rs") && !rel.contains("/tests/"))
        .map(|(rel, text)| (rel, text.lines().count()))
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(rel, n)| {
            let why = format!("src/{rel} has {n} lines (at most {MAX_LINES}): split it by concern");
            (rel, why)
        })
        .collect();
    let allowed: BTreeSet<String> = OVERSIZED.iter().map(|f| f.to_string()).collect();
    if let Some(msg) = check_list("files over the limit", &found, &allowed, "OVERSIZED") {
        panic!("{msg}");
    }
}

#[test]
fn scanner_reads_paths_not_comments_or_strings() {
    let src = r#"
        use crate::db::{self, Db};
        use crate::{app::Ctx, views, web::extract::{actor, ctx}};
        // use crate::mail;
        /// crate::startup in a doc comment
        let s = "crate::cli and diesel::prelude";
        use diesel::prelude::*;
        #[actix_web::main]
        pub(crate) fn f() -> crate::domain::X { x::diesel::y() }
    "#;
    let got: Vec<String> = names(src).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        got,
        ["db", "app", "views", "web", "diesel", "actix_web", "domain"],
        "{got:?}"
    );
    assert_eq!(layer("domain/floor/status.rs"), Layer::Domain);
    assert_eq!(layer("db/mod.rs"), Layer::Db);
    assert_eq!(layer("startup.rs"), Layer::Web);
    assert_eq!(layer("mail/compose.rs"), Layer::Other);
    assert!(forbidden(Layer::Domain, "diesel"));
    assert!(forbidden(Layer::Views, "app"));
    assert!(forbidden(Layer::Other, "actix_rt"));
    assert!(!forbidden(Layer::Views, "domain"));
    assert!(!forbidden(Layer::Web, "actix_web"));
    assert!(!forbidden(Layer::App, "db"));
}
