//! The lexical scan of PDF bytes: names, tokens, indirect lengths, found
//! without trusting the PDF's structure (see [`super::pdf`]).

use super::pdf::is_active_name;

/// What the lexical scan of PDF bytes found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct PdfScan {
    /// An active name ([`super::pdf::PDF_ACTIVE_NAMES`]).
    pub(super) active: bool,
    /// The name `/Encrypt`.
    pub(super) encrypted: bool,
    /// Tokens (names, numbers, keywords, strings, `[`, `<<`…), each of which
    /// becomes an object in memory when parsed.
    pub(super) tokens: usize,
}

/// Byte ranges of the values of indirect `/Length` entries (`12 0 R`),
/// found without any parsing (so that no structure can hide one): every
/// `/` starts a name candidate, decoded with its `#xx` escapes.
pub(super) fn find_indirect_lengths(b: &[u8]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (slash, _) in b.iter().enumerate().filter(|(_, &c)| c == b'/') {
        let start = slash + 1;
        let end = start
            + b[start..]
                .iter()
                .take_while(|&&c| is_pdf_regular(c))
                .count();
        if end - start <= 3 * b"Length".len() && decode_pdf_name(&b[start..end]) == b"Length" {
            found.extend(reference_at(b, end));
        }
    }
    found
}

/// If `b[i..]` starts (after whitespace) with a reference `N G R`, the
/// range of the reference.
pub(super) fn reference_at(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let skip_space = |mut i: usize| {
        while b.get(i).copied().is_some_and(is_pdf_whitespace) {
            i += 1;
        }
        i
    };
    let digits = |i: usize| {
        let end = i + b[i.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        (end > i).then_some(end)
    };
    i = skip_space(i);
    let start = i;
    i = skip_space(digits(i)?);
    i = skip_space(digits(i)?);
    if b.get(i) != Some(&b'R') || b.get(i + 1).copied().is_some_and(is_pdf_regular) {
        return None;
    }
    Some((start, i + 1))
}

/// The `/W` names in the raw bytes, counted without any parsing (so that no
/// structure can hide one): `/W` or `/#57` followed by a non-name byte.
pub(super) fn count_w_names(b: &[u8]) -> usize {
    let plain = b
        .windows(3)
        .filter(|w| w[..2] == *b"/W" && !is_pdf_regular(w[2]))
        .count();
    let escaped = b
        .windows(5)
        .filter(|w| w[..4] == *b"/#57" && !is_pdf_regular(w[4]))
        .count();
    plain + escaped
}

pub(super) fn is_pdf_whitespace(c: u8) -> bool {
    matches!(c, 0 | 9 | 10 | 12 | 13 | 32)
}

pub(super) fn is_pdf_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

pub(super) fn is_pdf_regular(c: u8) -> bool {
    !is_pdf_whitespace(c) && !is_pdf_delimiter(c)
}

/// Decode `#xx` escapes in a raw name.
pub(super) fn decode_pdf_name(raw: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' {
            if let (Some(h), Some(l)) = (
                raw.get(i + 1).copied().and_then(hex),
                raw.get(i + 2).copied().and_then(hex),
            ) {
                // Two hex digits: at most 0xFF.
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'#'));
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// Scan PDF syntax for names and count tokens, skipping comments, the
/// inside of literal strings and stream bodies (`stream` … `endstream`).
pub(super) fn lex_pdf(b: &[u8]) -> PdfScan {
    let mut scan = PdfScan::default();
    let n = b.len();
    let mut i = 0;
    while i < n {
        match b[i] {
            b'%' => {
                while i < n && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => {
                scan.tokens += 1;
                let mut depth = 1usize;
                i += 1;
                while i < n && depth > 0 {
                    match b[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'/' => {
                scan.tokens += 1;
                let start = i + 1;
                i = start;
                while i < n && is_pdf_regular(b[i]) {
                    i += 1;
                }
                let name = decode_pdf_name(&b[start..i]);
                scan.active |= is_active_name(&name);
                scan.encrypted |= name == b"Encrypt";
            }
            c if is_pdf_regular(c) => {
                scan.tokens += 1;
                let start = i;
                while i < n && is_pdf_regular(b[i]) {
                    i += 1;
                }
                if &b[start..i] == b"stream" {
                    i = b[i..]
                        .windows(9)
                        .position(|w| w == b"endstream")
                        .map_or(n, |p| i + p + 9);
                }
            }
            b'[' | b'<' | b'{' => {
                scan.tokens += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    scan
}
