#![allow(clippy::unwrap_used)]
use super::*;
use proptest::prelude::*;

/// The encoding as its definition reads (the module's doc), written
/// plainly: the fast encoder must give the same bytes.
fn reference(e: &EntryFields<'_>) -> Vec<u8> {
    let s = |v: Option<&str>| v.map_or("N".to_string(), |v| format!("S{}:{v}", v.len()));
    let i = |v: Option<i64>| s(v.map(|n| n.to_string()).as_deref());
    let at = e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    [
        "antre-audit-v1|".to_string(),
        i(Some(e.seq)),
        s(Some(&at)),
        i(e.actor_id),
        s(Some(e.actor_role)),
        s(e.actor_branch),
        s(Some(e.action)),
        i(e.participant_id),
        i(e.claim_id),
        i(e.booking_id),
        i(e.session_id),
        i(e.batch_id),
        s(e.branch_code),
        s(Some(e.details)),
        s(e.client_ip),
        s(e.request_id),
        s(Some(e.prev_hash)),
    ]
    .concat()
    .into_bytes()
}

fn entry<'a>(
    at: NaiveDateTime,
    ints: &[Option<i64>; 7],
    strs: &'a [Option<String>; 8],
) -> EntryFields<'a> {
    EntryFields {
        seq: ints[0].unwrap_or(1),
        at,
        actor_id: ints[1],
        actor_role: strs[0].as_deref().unwrap_or(""),
        actor_branch: strs[1].as_deref(),
        action: strs[2].as_deref().unwrap_or(""),
        participant_id: ints[2],
        claim_id: ints[3],
        booking_id: ints[4],
        session_id: ints[5],
        batch_id: ints[6],
        branch_code: strs[3].as_deref(),
        details: strs[4].as_deref().unwrap_or("{}"),
        client_ip: strs[5].as_deref(),
        request_id: strs[6].as_deref(),
        prev_hash: strs[7].as_deref().unwrap_or(""),
    }
}

#[test]
fn an_entry_encodes_as_written_down() {
    let at = chrono::DateTime::from_timestamp(1_790_000_000, 123_456_000)
        .unwrap()
        .naive_utc();
    let strs = [
        Some("cs".to_string()),
        Some("DPS-DENPASAR".to_string()),
        Some("session_finished".to_string()),
        None,
        Some(r#"{"outcome":"verified"}"#.to_string()),
        Some("127.0.0.1".to_string()),
        None,
        Some("ab".repeat(32)),
    ];
    let e = entry(
        at,
        &[
            Some(42),
            Some(-7),
            None,
            Some(0),
            None,
            None,
            Some(i64::MIN),
        ],
        &strs,
    );
    let mut buf = Vec::new();
    encode(&e, &mut buf);
    let expected = format!(
        "antre-audit-v1|S2:42S27:2026-09-21T14:13:20.123456ZS2:-7S2:csS12:DPS-DENPASARS16:session_finished\
         NS1:0NNS20:-9223372036854775808NS22:{{\"outcome\":\"verified\"}}S9:127.0.0.1NS64:{}",
        "ab".repeat(32)
    );
    assert_eq!(String::from_utf8(buf.clone()).unwrap(), expected);
    assert_eq!(buf, reference(&e));
    // The bytes as stored hash alike (PostgreSQL's reader).
    let bytes = e.as_bytes();
    let hash = entry_hash(&e);
    assert!(hash_matches(&bytes, &mut Vec::new(), hash.as_bytes()));
    assert!(!hash_matches(&bytes, &mut Vec::new(), b"0"));
}

proptest! {
    #[test]
    fn the_fast_encoder_writes_the_definition(
        secs in -62_000_000_000i64..260_000_000_000,
        micros in 0u32..1_000_000,
        ints in prop::array::uniform7(prop::option::of(any::<i64>())),
        strs in prop::array::uniform8(prop::option::of("\\PC{0,80}")),
    ) {
        let at = chrono::DateTime::from_timestamp(secs, micros * 1000).unwrap().naive_utc();
        let e = entry(at, &ints, &strs);
        let mut buf = vec![7u8; 3];
        encode(&e, &mut buf);
        prop_assert_eq!(&buf, &reference(&e));
        encode(&e, &mut buf);
        prop_assert_eq!(buf, reference(&e));
        // A scratch buffer longer than the entry, full of an earlier one.
        let mut long = vec![7u8; 4096];
        encode(&e, &mut long);
        prop_assert_eq!(&long, &reference(&e));
        let hash = hex::encode(Sha256::digest(reference(&e)));
        let mut long = vec![7u8; 4096];
        prop_assert!(hash_matches(&e.as_bytes(), &mut long, hash.as_bytes()));
    }
}

/// `n` in decimal, as the encoding writes it.
fn decimal(n: i64) -> String {
    let mut out = vec![0u8; INT + FIELD + 2];
    let mut w = Writer {
        out: &mut out,
        pos: 0,
    };
    w.int(Some(n));
    let len = w.pos;
    let written = String::from_utf8_lossy(&out[..len]).into_owned();
    written
        .split_once(':')
        .map_or(String::new(), |(_, digits)| digits.to_string())
}

#[test]
fn integers_are_written_in_decimal() {
    for n in [0i64, 7, -7, 10, 1_234_567, i64::MAX, i64::MIN] {
        assert_eq!(decimal(n), n.to_string());
    }
}

#[test]
fn the_instant_is_written_as_chrono_writes_it() {
    for (secs, nanos) in [
        (0, 0),
        (1_790_000_000, 123_456_789),
        (4_102_444_799, 999_999_999),
        (1_000_000_000, 1_000),
    ] {
        let at = chrono::DateTime::from_timestamp(secs, nanos)
            .unwrap()
            .naive_utc();
        let mut out = [0u8; 40];
        let len = rfc3339_micros(at, &mut out);
        assert_eq!(
            std::str::from_utf8(&out[..len]).unwrap(),
            at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
        );
    }
}

#[test]
fn instants_are_kept_to_the_microsecond() {
    let at = chrono::DateTime::from_timestamp(1_790_000_000, 123_456_789)
        .unwrap()
        .naive_utc();
    assert_eq!(
        stored_instant(at).and_utc().timestamp_subsec_nanos(),
        123_456_000
    );
}
