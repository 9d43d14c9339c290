//! The message catalog against the source: every error code (`Code`) and
//! every message key used in `src/` has a sentence in the catalog
//! (`src/i18n/catalog/*.toml`), in Bahasa Indonesia and in English — a key
//! without one reaches people as the generic "Permintaan tidak dapat
//! diproses." fallback — and every catalog entry is used.
//!
//! Keys are collected from:
//! - `Code::SlotFull` (the code's word, `slot_full`, is its sentence's key);
//! - `.detail("x")`;
//! - `Invalid::new(code, "field", "detail")` (the detail), and the domain
//!   modules' helpers around it: `invalid("x")`, `err("x")`;
//! - `t(l, "x")`, `t(lang, "x")`, `t(Lang::Id, "x")`, `i18n::t(…, "x")`,
//!   `ctx.t("x")`, `self.t("x")`;
//! - claim refusals: `detail: "x"`, `rule: "x"`, `not_before("x", …)`;
//! - every string literal returned by a function whose name ends in `_key`.
//!
//! Unit-test modules (`#[cfg(test)] mod … { … }`) and comments are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub(crate) const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
    /// Numbers, char literals, lifetimes: never part of a pattern.
    Other,
}

/// A token with its line number.
pub(crate) type Spanned = (Tok, usize);

/// A small Rust lexer: enough to find string literals in call positions.
pub(crate) fn lex(src: &str) -> Vec<Spanned> {
    let b: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' || ((c == 'b' || c == 'c') && b.get(i + 1) == Some(&'"')) {
            let start_line = line;
            if c != '"' {
                i += 1;
            }
            i += 1;
            let mut s = String::new();
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' && i + 1 < b.len() {
                    s.push(b[i]);
                    s.push(b[i + 1]);
                    if b[i + 1] == '\n' {
                        line += 1;
                    }
                    i += 2;
                    continue;
                }
                if b[i] == '\n' {
                    line += 1;
                }
                s.push(b[i]);
                i += 1;
            }
            i += 1;
            out.push((Tok::Str(s), start_line));
        } else if (c == 'r' || (c == 'b' && b.get(i + 1) == Some(&'r')))
            && matches!(b.get(i + 1 + usize::from(c == 'b')), Some('"') | Some('#'))
            && is_raw_string_start(&b, i + 1 + usize::from(c == 'b'))
        {
            // r"…", r#"…"#, br"…"
            let start_line = line;
            i += 1 + usize::from(c == 'b');
            let mut hashes = 0;
            while b.get(i) == Some(&'#') {
                hashes += 1;
                i += 1;
            }
            i += 1; // the opening quote
            let mut s = String::new();
            loop {
                if i >= b.len() {
                    break;
                }
                if b[i] == '"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                if b[i] == '\n' {
                    line += 1;
                }
                s.push(b[i]);
                i += 1;
            }
            out.push((Tok::Str(s), start_line));
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if b.get(i + 1) == Some(&'\\') {
                i += 3;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                    i += 1;
                }
            }
            out.push((Tok::Other, line));
        } else if c.is_alphabetic() || c == '_' {
            let mut s = String::new();
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                s.push(b[i]);
                i += 1;
            }
            out.push((Tok::Ident(s), line));
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '.') {
                // Stop at a method call on a literal (1.max(..)) — harmless either way.
                i += 1;
            }
            out.push((Tok::Other, line));
        } else {
            out.push((Tok::Punct(c), line));
            i += 1;
        }
    }
    out
}

fn is_raw_string_start(b: &[char], mut i: usize) -> bool {
    while b.get(i) == Some(&'#') {
        i += 1;
    }
    b.get(i) == Some(&'"')
}

/// Drops `#[cfg(test)] mod name { … }` blocks.
fn strip_test_modules(toks: Vec<Spanned>) -> Vec<Spanned> {
    let pat = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let matches =
            toks.len() >= i + pat.len() && (0..pat.len()).all(|k| toks[i + k].0 == pat[k]);
        if matches {
            // Skip attributes and the item up to its closing brace (or `;`).
            let mut j = i + pat.len();
            let mut depth = 0i32;
            while j < toks.len() {
                match toks[j].0 {
                    Tok::Punct('{') => depth += 1,
                    Tok::Punct('}') => {
                        depth -= 1;
                        if depth == 0 {
                            j += 1;
                            break;
                        }
                    }
                    Tok::Punct(';') if depth == 0 => {
                        j += 1;
                        break;
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j;
        } else {
            out.push(toks[i].clone());
            i += 1;
        }
    }
    out
}

/// The arguments of the call whose `(` is at `open`: each as its tokens.
fn call_args(toks: &[Spanned], open: usize) -> Vec<Vec<Tok>> {
    let mut args = vec![Vec::new()];
    let mut depth = 0i32;
    let mut i = open;
    while i < toks.len() {
        let t = &toks[i].0;
        match t {
            Tok::Punct('(') | Tok::Punct('[') | Tok::Punct('{') => {
                depth += 1;
                if depth > 1 {
                    args.last_mut().expect("arg").push(t.clone());
                }
            }
            Tok::Punct(')') | Tok::Punct(']') | Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                args.last_mut().expect("arg").push(t.clone());
            }
            Tok::Punct(',') if depth == 1 => args.push(Vec::new()),
            _ => args.last_mut().expect("arg").push(t.clone()),
        }
        i += 1;
    }
    if args.last().is_some_and(Vec::is_empty) && args.len() > 1 {
        args.pop();
    }
    args
}

/// The tokens inside the braces opened at `open`, each with its depth
/// (1: directly inside), up to the matching `}`.
pub(crate) fn braced(toks: &[Spanned], open: usize) -> Vec<(usize, i32)> {
    let mut inside = Vec::new();
    let mut depth = 0i32;
    for (j, (tok, _)) in toks.iter().enumerate().skip(open) {
        match tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            break;
        }
        if j > open {
            inside.push((j, depth));
        }
    }
    inside
}

/// The literal if the argument is exactly one string literal.
fn lit(arg: Option<&Vec<Tok>>) -> Option<String> {
    match arg.map(Vec::as_slice) {
        Some([Tok::Str(s)]) => Some(s.clone()),
        _ => None,
    }
}

pub(crate) fn ident(toks: &[Spanned], i: usize) -> Option<&str> {
    match toks.get(i).map(|t| &t.0) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    }
}

pub(crate) fn punct(toks: &[Spanned], i: usize, c: char) -> bool {
    matches!(toks.get(i).map(|t| &t.0), Some(Tok::Punct(p)) if *p == c)
}

pub(crate) fn path_sep(toks: &[Spanned], i: usize) -> bool {
    punct(toks, i, ':') && punct(toks, i + 1, ':')
}

/// `SlotFull` → `slot_full`.
fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// (key, where) pairs found in one file.
fn keys_in(file: &str, src: &str) -> Vec<(String, String)> {
    let toks = strip_test_modules(lex(src));
    let mut found = Vec::new();
    let mut add = |key: String, line: usize, how: &str| {
        found.push((key, format!("{file}:{line} ({how})")));
    };
    let mut i = 0;
    while i < toks.len() {
        let line = toks[i].1;
        match ident(&toks, i) {
            // Code::SlotFull: the error code's word is its catalog key.
            Some("Code") if path_sep(&toks, i + 1) => {
                if let Some(variant) = ident(&toks, i + 3) {
                    add(snake_case(variant), line, "Code::");
                }
            }
            // Invalid::new("code", "field", "detail")
            Some("Invalid")
                if path_sep(&toks, i + 1)
                    && ident(&toks, i + 3) == Some("new")
                    && punct(&toks, i + 4, '(') =>
            {
                let args = call_args(&toks, i + 4);
                if let Some(k) = lit(args.get(2)) {
                    add(k, line, "Invalid::new detail");
                }
            }
            // .detail("x")
            Some("detail") if i > 0 && punct(&toks, i - 1, '.') && punct(&toks, i + 1, '(') => {
                if let Some(k) = lit(call_args(&toks, i + 1).first()) {
                    add(k, line, ".detail");
                }
            }
            // detail: "x" / rule: "x" (claim refusals)
            Some("detail" | "rule")
                if punct(&toks, i + 1, ':')
                    && !punct(&toks, i + 2, ':')
                    && matches!(toks.get(i + 2).map(|t| &t.0), Some(Tok::Str(_))) =>
            {
                if let Some((Tok::Str(k), _)) = toks.get(i + 2) {
                    add(k.clone(), line, "refusal field");
                }
            }
            // t(l, "x"), i18n::t(Lang::Id, "x"), ctx.t("x"), self.t("x")
            Some("t")
                if punct(&toks, i + 1, '(') && !(i > 0 && ident(&toks, i - 1) == Some("fn")) =>
            {
                let args = call_args(&toks, i + 1);
                let method = i > 0 && punct(&toks, i - 1, '.');
                let key = if method {
                    lit(args.first())
                } else {
                    lit(args.get(1))
                };
                if let Some(k) = key {
                    add(k, line, "t()");
                }
            }
            // Domain helpers: invalid("x"), err("x"), not_before("x", …)
            Some(name @ ("invalid" | "err" | "not_before"))
                if punct(&toks, i + 1, '(') && !(i > 0 && ident(&toks, i - 1) == Some("fn")) =>
            {
                if let Some(k) = lit(call_args(&toks, i + 1).first()) {
                    add(k, line, name);
                }
            }
            // fn something_key(…) -> &'static str { "…" … }
            Some("fn") => {
                if let Some(name) = ident(&toks, i + 1).filter(|n| n.ends_with("_key")) {
                    let name = name.to_string();
                    let mut j = i + 2;
                    while j < toks.len() && !punct(&toks, j, '{') {
                        j += 1;
                    }
                    // Only `-> &'static str` functions return catalog keys.
                    let returns_str = j >= 5
                        && ident(&toks, j - 1) == Some("str")
                        && toks[j - 2].0 == Tok::Other
                        && punct(&toks, j - 3, '&')
                        && punct(&toks, j - 4, '>')
                        && punct(&toks, j - 5, '-');
                    if !returns_str {
                        i += 1;
                        continue;
                    }
                    for (k, _) in braced(&toks, j) {
                        if let Tok::Str(s) = &toks[k].0 {
                            add(s.clone(), toks[k].1, &format!("fn {name}"));
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The catalog as the server reads it: key → (Indonesian, English).
fn catalog() -> BTreeMap<String, (String, String)> {
    antre::i18n::entries()
        .map(|(k, id, en)| (k.to_string(), (id.to_string(), en.to_string())))
        .collect()
}

/// All keys used in src/, with where they occur.
fn used_keys() -> BTreeMap<String, Vec<String>> {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    assert!(
        files.len() > 10,
        "found only {} source files under {SRC}",
        files.len()
    );
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in files {
        let text =
            std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("read {}: {e}", f.display()));
        let rel = f
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&f)
            .display()
            .to_string();
        for (k, at) in keys_in(&rel, &text) {
            keys.entry(k).or_default().push(at);
        }
    }
    keys
}

#[test]
fn every_used_key_has_a_sentence() {
    let cat = catalog();
    let used = used_keys();
    // The scanner must actually see the well-known codes, or it is broken.
    for k in [
        "unauthenticated",
        "claim_open",
        "not_yet_eligible",
        "invalid_nik",
        "nik_length",
        "kpj_empty",
        "name_empty",
        "partial_once",
        "date_in_future",
        "waiting_period",
        "mail_booked_subject",
        "slot_full",
        "field_nik",
    ] {
        assert!(
            used.contains_key(k),
            "the scan did not find the key {k:?}: scanner broken?"
        );
    }
    let missing: Vec<String> = used
        .iter()
        .filter(|(k, _)| !cat.contains_key(*k))
        .map(|(k, at)| format!("  {k:?} used at {}", at.join(", ")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} key(s) used in src/ have no entry in src/i18n/catalog/ (people would read the generic fallback):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn catalog_entries_are_complete() {
    let cat = catalog();
    assert!(cat.len() > 100, "only {} catalog entries", cat.len());
    let mut problems = Vec::new();
    let placeholders = |s: &str| -> BTreeSet<String> {
        s.split('{')
            .skip(1)
            .filter_map(|r| r.split_once('}'))
            .map(|(p, _)| p.to_string())
            .collect()
    };
    for (k, (id, en)) in &cat {
        if k.trim().is_empty()
            || k.chars()
                .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        {
            problems.push(format!("  {k:?}: key is not snake_case"));
        }
        if id.trim().is_empty() {
            problems.push(format!("  {k:?}: Indonesian text is empty"));
        }
        if en.trim().is_empty() {
            problems.push(format!("  {k:?}: English text is empty"));
        }
        // A placeholder filled in one language must be filled in the other.
        if placeholders(id) != placeholders(en) {
            problems.push(format!(
                "  {k:?}: placeholders differ: {:?} vs {:?}",
                placeholders(id),
                placeholders(en)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "catalog problems:\n{}",
        problems.join("\n")
    );
}

/// The scanner itself: the patterns it must and must not pick up.
#[test]
fn scanner_recognises_the_patterns() {
    let src = r##"
        fn a() {
            let e = AppError::conflict(Code::KConflict).detail("k_detail");
            let g = AppError::internal("not a key");
            let h = Invalid::new(Code::KCode, "field_name_not_a_key", "k_inv_detail");
            let s = i18n::t(Lang::Id, "k_t_path");
            let s = t(l, "k_t_l");
            let s = ctx.t("k_ctx");
            let s = self.t("k_self");
            let s = format!("x {}", "not_a_key");
            let r = Refusal::InvalidDate { field, detail: "k_refusal" };
            let c = '"'; let q = '\''; let life: &'static str = "not_a_key_either";
            // AppError::conflict(Code::CommentedOut)
            let u = "http://example.id"; let v = AppError::unprocessable(Code::KAfterUrl);
        }
        fn subject_key(self) -> &'static str { match self { A => "k_fn_key", _ => r#"k_raw"# } }
        const CODE: Code = Code::KConstCode;
        fn idempotency_key(req: &HttpRequest) -> Option<String> { req.get("not-a-key") }
        #[cfg(test)]
        mod tests { fn x() { AppError::conflict(Code::KInTests); } }
    "##;
    let keys: BTreeSet<String> = keys_in("x.rs", src).into_iter().map(|(k, _)| k).collect();
    let expected: BTreeSet<String> = [
        "k_conflict",
        "k_detail",
        "k_code",
        "k_inv_detail",
        "k_t_path",
        "k_t_l",
        "k_ctx",
        "k_self",
        "k_refusal",
        "k_after_url",
        "k_fn_key",
        "k_raw",
        "k_const_code",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(keys, expected);
}

/// Every error code the API can answer with has its sentence, in both
/// languages (the code's word is the key).
#[test]
fn every_error_code_has_a_sentence() {
    let missing: Vec<&str> = antre::domain::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|k| {
            !antre::i18n::has(k)
                || antre::i18n::t(antre::i18n::Lang::Id, k).trim().is_empty()
                || antre::i18n::t(antre::i18n::Lang::En, k).trim().is_empty()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "error codes without a sentence: {missing:?}"
    );
}

/// Every catalog entry is reached from the source: its key is a string in
/// `src/` (outside the catalog), an error code, or a key built at run time
/// as `format!("prefix_{…}")` (or by `i18n::label(lang, "prefix_", …)`)
/// from a word that is itself a string in `src/` (a state's word,
/// `?done=booked`).
#[test]
fn every_catalog_key_is_used() {
    let cat = catalog();
    let mut words: BTreeSet<String> = antre::domain::Code::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    let mut prefixes = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    for f in &files {
        let text =
            std::fs::read_to_string(f).unwrap_or_else(|e| panic!("read {}: {e}", f.display()));
        for (tok, _) in lex(&text) {
            let Tok::Str(s) = tok else { continue };
            if let Some((prefix, _)) = s.split_once('{').filter(|(p, _)| p.ends_with('_')) {
                prefixes.insert(prefix.to_string());
            }
            // A prefix handed to `i18n::label(lang, "role_", word)`.
            if s.ends_with('_') && s.len() > 1 {
                prefixes.insert(s.clone());
            }
            words.extend(
                s.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .map(String::from),
            );
        }
    }
    assert!(
        prefixes.contains("claim_status_"),
        "format! prefixes not found: {prefixes:?}"
    );
    let unused: Vec<&String> = cat
        .keys()
        .filter(|k| {
            !words.contains(*k)
                && !prefixes.iter().any(|p| {
                    k.strip_prefix(p.as_str())
                        .is_some_and(|w| words.contains(w))
                })
        })
        .collect();
    assert!(
        unused.is_empty(),
        "{} catalog key(s) used nowhere in src/ (remove them, or use them): {unused:?}",
        unused.len()
    );
}
