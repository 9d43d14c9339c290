//! # PDFs: active content is refused
//!
//! CS agents open the documents inline in their browser, on office machines
//! connected to the internal network, and they open hundreds a day: a PDF
//! that runs script, launches a program, carries an attachment, submits
//! data or acts on opening is an attack vector against the agents and the
//! back office, and no genuine claim document (a scan, a letter, a
//! certificate) needs any of it. Such a PDF is refused
//! ([`UploadError::PdfActiveContent`], detail `pdf_active_content`); the
//! participant is asked to upload a scan or a "print to PDF" copy. Refused
//! when any of these names appears as a dictionary key or a name value
//! anywhere in the document: `/JS`, `/JavaScript`, `/Launch`,
//! `/EmbeddedFile`, `/EmbeddedFiles`, `/EF`, `/FileAttachment`, `/AA`
//! (additional actions), `/RichMedia`, `/XFA` (its scripts live inside XML
//! streams where no name scan can see them), `/SubmitForm`, `/ImportData`,
//! `/GoToR`, `/GoToE`; and an `/OpenAction` that is an action other than
//! `/GoTo` (an `/OpenAction` destination that just opens a page is fine).
//! Names are compared after `#xx` decoding (`/Java#53cript`).
//!
//! Scanned three ways, so that a parser difference between `lopdf` and the
//! agent's viewer is less likely to hide anything: the raw bytes (outside
//! stream bodies, strings and comments), the inflated content of every
//! object stream, and every object `lopdf` loaded plus the trailer.
//!
//! PDF bytes are stored unchanged: rewriting a PDF risks damaging it, and
//! its document metadata (`/Info`, XMP) is left as is. Otherwise `Corrupt`
//! unless the PDF:
//!
//! - has `%%EOF` in its last 1024 bytes (a truncated upload has not);
//! - is not encrypted (`/Encrypt`), not even with an owner password only:
//!   its objects cannot be checked before decryption, and `lopdf` does not
//!   apply the memory budget below to encrypted files. Indonesian upload
//!   portals commonly ask for unprotected PDFs; the participant can print
//!   to PDF or photograph the document;
//! - stays within the memory budget: at most [`PDF_MAX_TOKENS`] tokens
//!   (objects), each object or
//!   cross-reference stream inflating to at most [`PDF_MAX_STREAM_BYTES`],
//!   all object streams together to at most [`PDF_MAX_INFLATED_BYTES`], at
//!   most [`PDF_MAX_W_NAMES`] `/W` names (one per cross-reference stream).
//!   Without it, a 9 KB file whose object stream inflates to 8 MB of
//!   `0 0 0 …` makes `lopdf` allocate about 500 MB. A `lopdf` load filter
//!   charges every object `lopdf` keeps to the token budget, and inflates,
//!   scans and counts each object stream before `lopdf` may parse it.
//!   `lopdf` itself gets a view of the file where every indirect `/Length`
//!   (`/Length 12 0 R`, found by a plain byte search) reads `0`, so that it
//!   finds each stream's end by its `endstream` keyword: resolving such a
//!   length that lives in an object stream would make `lopdf` parse that
//!   whole object stream behind the filter's back (measured: 1 GB for an
//!   18 KB file). The stored bytes are not changed;
//! - loads with `lopdf` (lenient parsing), including every object its
//!   cross-reference table places in an object stream;
//! - has at least one page.
//!
//! PDF checks run one at a time per process (a static lock, which also
//! holds the budget state `lopdf`'s object filter needs). `lopdf` and
//! `image` run under `catch_unwind`: a panic on hostile input is `Corrupt`.
//!
//! Measured: loading within the budget takes at most about 130 MB. Residual
//! risk: one object that the lexical scan cannot see (hidden in a comment
//! or a stream body, reached through the cross-reference table) is parsed
//! before the filter counts it, about 60 bytes per byte of it (360 MB for
//! a 6 MB file) before the file is refused. For stronger isolation, run
//! the inspection in a worker process with a memory limit.
//!
//! Decoding is CPU- and memory-heavy (a 40-megapixel image needs about
//! 160 MB): call [`inspect`] from a blocking thread (`spawn_blocking`),
//! one or two at a time.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::pdf_scan::*;
use super::{
    UploadError, PDF_MAX_INFLATED_BYTES, PDF_MAX_STREAM_BYTES, PDF_MAX_TOKENS, PDF_MAX_W_NAMES,
};

/// Names that make a PDF "active" (see the module doc).
pub(super) const PDF_ACTIVE_NAMES: [&[u8]; 14] = [
    b"JS",
    b"JavaScript",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"EF",
    b"FileAttachment",
    b"AA",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
    b"GoToR",
    b"GoToE",
];

pub(super) fn is_active_name(name: &[u8]) -> bool {
    PDF_ACTIVE_NAMES.contains(&name)
}

/// One PDF check at a time per process: bounds the memory of the worst
/// case and guards the budget below.
pub(super) static PDF_LOCK: Mutex<()> = Mutex::new(());
/// Budget of the PDF being loaded, spent by [`pdf_budget_filter`] (a plain
/// `fn`, so the state lives in statics, under [`PDF_LOCK`]).
pub(super) static PDF_INFLATE_LEFT: AtomicUsize = AtomicUsize::new(0);
pub(super) static PDF_TOKENS_LEFT: AtomicUsize = AtomicUsize::new(0);
pub(super) static PDF_OVER_BUDGET: AtomicBool = AtomicBool::new(false);
pub(super) static PDF_ACTIVE_INSIDE: AtomicBool = AtomicBool::new(false);

/// Objects (nodes) in `object`, counting dictionary keys; a stream counts
/// its dictionary only (its bytes are bounded by the file and the
/// inflation limits).
pub(super) fn pdf_nodes(object: &lopdf::Object) -> usize {
    use lopdf::Object;
    let dict_nodes = |dict: &lopdf::Dictionary| -> usize {
        dict.iter().map(|(_, value)| 1 + pdf_nodes(value)).sum()
    };
    1 + match object {
        Object::Array(items) => items.iter().map(pdf_nodes).sum(),
        Object::Dictionary(dict) => dict_nodes(dict),
        Object::Stream(stream) => dict_nodes(&stream.dict),
        _ => 0,
    }
}

/// Take `n` tokens from the budget; `false` (and flagged) when there are
/// not that many left.
pub(super) fn spend_pdf_tokens(n: usize) -> bool {
    let spent = PDF_TOKENS_LEFT
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            left.checked_sub(n)
        })
        .is_ok();
    if !spent {
        PDF_OVER_BUDGET.store(true, Ordering::SeqCst);
    }
    spent
}

/// Called by `lopdf` for every object it loads, whether read from the file
/// or from an object stream. Every object is charged to the token budget
/// (so what `lopdf` keeps is bounded whatever the lexical scan missed). An
/// object stream is inflated here first, within what is left of the
/// budget, scanned, and its tokens must fit before `lopdf` may parse it;
/// `lopdf` gets the inflated bytes (so it does not inflate them again).
/// Over budget: drop the object and everything after it, and flag it.
pub(super) fn pdf_budget_filter(
    id: lopdf::ObjectId,
    object: &mut lopdf::Object,
) -> Option<(lopdf::ObjectId, lopdf::Object)> {
    if PDF_OVER_BUDGET.load(Ordering::SeqCst) || !spend_pdf_tokens(pdf_nodes(object)) {
        return None;
    }
    if let lopdf::Object::Stream(stream) = object {
        if stream.dict.has_type(b"ObjStm") {
            let left = PDF_INFLATE_LEFT.load(Ordering::SeqCst);
            match stream.get_plain_content_with_limit(left.min(PDF_MAX_STREAM_BYTES)) {
                Ok(content) => {
                    let scan = lex_pdf(&content);
                    if scan.tokens > PDF_TOKENS_LEFT.load(Ordering::SeqCst) {
                        PDF_OVER_BUDGET.store(true, Ordering::SeqCst);
                        return None;
                    }
                    let used = content.len();
                    // Always `Ok`: the closure never refuses.
                    let _ =
                        PDF_INFLATE_LEFT.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| {
                            Some(l.saturating_sub(used))
                        });
                    if scan.active {
                        PDF_ACTIVE_INSIDE.store(true, Ordering::SeqCst);
                    }
                    stream.set_plain_content(content);
                }
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                    ..
                })) => {
                    PDF_OVER_BUDGET.store(true, Ordering::SeqCst);
                    return None;
                }
                // Undecodable: lopdf skips it, and the check of the
                // cross-reference entries in `check_pdf` notices.
                Err(_) => {}
            }
        }
    }
    Some((id, object.clone()))
}

pub(super) fn check_pdf(bytes: &[u8]) -> Result<(), UploadError> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(UploadError::Corrupt);
    }
    let raw = lex_pdf(bytes);
    if raw.active {
        return Err(UploadError::PdfActiveContent);
    }
    if raw.encrypted || raw.tokens > PDF_MAX_TOKENS || count_w_names(bytes) > PDF_MAX_W_NAMES {
        return Err(UploadError::Corrupt);
    }
    // `lopdf` resolves an indirect `/Length` while it parses a stream, and
    // when that object sits in an object stream it inflates and parses the
    // whole object stream then and there, past the budget filter. So `lopdf`
    // gets a view of the file where every indirect `/Length` reads `0`: it
    // then finds each stream's end by its `endstream` keyword instead. The
    // stored bytes are not changed.
    let indirect_lengths = find_indirect_lengths(bytes);
    let view: std::borrow::Cow<'_, [u8]> = if indirect_lengths.is_empty() {
        std::borrow::Cow::Borrowed(bytes)
    } else {
        let mut copy = bytes.to_vec();
        for &(start, end) in &indirect_lengths {
            copy[start..end].fill(b' ');
            copy[start] = b'0';
        }
        std::borrow::Cow::Owned(copy)
    };

    let _one_at_a_time = PDF_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    PDF_INFLATE_LEFT.store(PDF_MAX_INFLATED_BYTES, Ordering::SeqCst);
    PDF_TOKENS_LEFT.store(PDF_MAX_TOKENS, Ordering::SeqCst);
    PDF_OVER_BUDGET.store(false, Ordering::SeqCst);
    PDF_ACTIVE_INSIDE.store(false, Ordering::SeqCst);
    let load = || {
        let options = lopdf::LoadOptions {
            max_decompressed_size: Some(PDF_MAX_STREAM_BYTES),
            filter: Some(pdf_budget_filter),
            ..lopdf::LoadOptions::default()
        };
        lopdf::Document::load_mem_with_options(&view, options)
    };
    let loaded = catch_unwind(AssertUnwindSafe(load));
    if PDF_OVER_BUDGET.load(Ordering::SeqCst) {
        return Err(UploadError::Corrupt);
    }
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        _ => return Err(UploadError::Corrupt),
    };
    if PDF_ACTIVE_INSIDE.load(Ordering::SeqCst) {
        return Err(UploadError::PdfActiveContent);
    }
    if doc.encryption_state.is_some() {
        return Err(UploadError::Corrupt);
    }
    let all_compressed_loaded = doc.reference_table.entries.iter().all(|(id, entry)| {
        !matches!(entry, lopdf::xref::XrefEntry::Compressed { .. })
            || doc.objects.contains_key(&(*id, 0))
    });
    let has_pages = catch_unwind(AssertUnwindSafe(|| !doc.get_pages().is_empty())).unwrap_or(false);
    if !all_compressed_loaded || !has_pages {
        return Err(UploadError::Corrupt);
    }
    let trailer = lopdf::Object::Dictionary(doc.trailer.clone());
    let active = std::iter::once(&trailer)
        .chain(doc.objects.values())
        .any(|o| object_is_active(&doc, o));
    if active {
        return Err(UploadError::PdfActiveContent);
    }
    Ok(())
}

/// Whether an object (recursively, not following references) holds an
/// active name or an `/OpenAction` that is not a plain go-to.
pub(super) fn object_is_active(doc: &lopdf::Document, object: &lopdf::Object) -> bool {
    use lopdf::Object;
    match object {
        Object::Name(name) => is_active_name(name),
        Object::Array(items) => items.iter().any(|o| object_is_active(doc, o)),
        Object::Dictionary(dict) => dict_is_active(doc, dict),
        Object::Stream(stream) => dict_is_active(doc, &stream.dict),
        _ => false,
    }
}

pub(super) fn dict_is_active(doc: &lopdf::Document, dict: &lopdf::Dictionary) -> bool {
    dict.iter().any(|(key, value)| {
        is_active_name(key)
            || (key.as_slice() == b"OpenAction" && open_action_is_active(doc, value))
            || object_is_active(doc, value)
    })
}

/// An `/OpenAction` may be a destination (an array, or a named destination)
/// or an action dictionary; only a `/GoTo` action is allowed.
pub(super) fn open_action_is_active(doc: &lopdf::Document, value: &lopdf::Object) -> bool {
    use lopdf::Object;
    let resolved = match value {
        Object::Reference(id) => doc.objects.get(id),
        other => Some(other),
    };
    match resolved {
        Some(Object::Dictionary(action)) => {
            !matches!(action.get(b"S"), Ok(Object::Name(s)) if s.as_slice() == b"GoTo")
        }
        Some(Object::Array(_) | Object::Name(_) | Object::String(..)) => false,
        // A dangling reference or anything else: refuse rather than guess.
        _ => true,
    }
}
