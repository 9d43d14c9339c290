use std::io::Cursor;

use crate::domain::collective::zip::*;

#[test]
fn entry_names() {
    assert_eq!(
        parse_entry_name("3171014508900001_bank_book.pdf"),
        Some(("3171014508900001", "bank_book"))
    );
    assert_eq!(
        parse_entry_name("3171014508900001_ektp.JPG"),
        Some(("3171014508900001", "ektp"))
    );
    assert_eq!(parse_entry_name("3171014508900001_bank_book.exe"), None);
    assert_eq!(parse_entry_name("317101450890000_bank_book.pdf"), None);
    assert_eq!(parse_entry_name("3171014508900001bank_book.pdf"), None);
    assert!(is_path("../3171014508900001_bank_book.pdf"));
    assert!(is_path("a/3171014508900001_bank_book.pdf"));
    assert!(is_path("a\\b.pdf"));
    assert!(is_path("C:x.pdf"));
    assert!(!is_path("3171014508900001_bank_book.pdf"));
}

#[test]
fn ratio_is_judged_in_integers() {
    assert!(!suspicious_ratio(1000, 1));
    assert!(!suspicious_ratio(100 * 1024 * 1024, 1024 * 1024));
    assert!(suspicious_ratio(101 * 1024 * 1024, 1024 * 1024));
    assert!(suspicious_ratio(50 * 1024 * 1024, 0));
}

/// A deflated ZIP of one entry of `n` zeros whose headers then claim
/// only `claimed` bytes.
fn lying_zip(n: usize, claimed: u32) -> Vec<u8> {
    use std::io::Write;
    let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated);
    w.start_file("3171014508900001_bank_book.pdf", opts)
        .expect("entry");
    w.write_all(&vec![0u8; n]).expect("write");
    let mut bytes = w.finish().expect("zip").into_inner();
    let patch = |bytes: &mut Vec<u8>, sig: [u8; 4], at: usize| {
        let pos = bytes.windows(4).position(|x| x == sig).expect("header");
        bytes[pos + at..pos + at + 4].copy_from_slice(&claimed.to_le_bytes());
    };
    patch(&mut bytes, [0x50, 0x4b, 0x03, 0x04], 22);
    patch(&mut bytes, [0x50, 0x4b, 0x01, 0x02], 24);
    bytes
}

#[test]
fn lying_headers_do_not_inflate_past_the_cap() {
    let bytes = lying_zip(20 * 1024 * 1024, 1000);
    let mut entries = Vec::new();
    for_each_entry(&bytes, 6 * 1024 * 1024, |e| entries.push(e)).expect("readable");
    assert_eq!(entries.len(), 1);
    assert!(
        matches!(
            entries[0].outcome,
            Err("zip_entry_ratio" | "file_too_large" | "zip_entry_corrupt")
        ),
        "{:?}",
        entries[0].outcome.as_ref().map(Vec::len)
    );
}

#[test]
fn not_a_zip() {
    assert_eq!(
        for_each_entry(b"not a zip", 10, |_| ()).err(),
        Some(ZipRefusal::NotZip)
    );
}
