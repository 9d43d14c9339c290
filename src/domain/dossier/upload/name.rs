//! The uploaded file name, made safe for display (see [`super`]).

use super::MAX_NAME_CHARS;

/// The extension of a name (after the last dot), if any.
pub(super) fn extension(name: &str) -> Option<&str> {
    name.rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|e| !e.is_empty())
}

/// Invisible characters that change how a name reads: bidi controls,
/// zero-width characters, the byte order mark, soft hyphen.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// The uploaded file name made safe for display (see the module doc).
/// May be empty.
pub fn sanitize_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_invisible(c))
        .collect();
    let name = cleaned.trim();
    if name == "." || name == ".." {
        return String::new();
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    // Keep a short extension (with its dot) and shorten the stem.
    let ext_start = chars
        .iter()
        .rposition(|&c| c == '.')
        .filter(|&dot| chars.len() - dot <= 16);
    match ext_start {
        Some(dot) => {
            let ext_len = chars.len() - dot;
            let stem: String = chars[..MAX_NAME_CHARS - ext_len].iter().collect();
            let ext: String = chars[dot..].iter().collect();
            format!("{}{ext}", stem.trim_end())
        }
        None => chars[..MAX_NAME_CHARS].iter().collect(),
    }
}
