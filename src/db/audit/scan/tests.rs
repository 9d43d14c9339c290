use super::*;

#[test]
fn sqlite_instants_read_by_hand_match_chrono() {
    for t in [
        "2026-06-01 01:00:00",
        "2026-06-01 01:00:01.260",
        "2026-12-31 23:59:59.999999",
        "1999-01-02 03:04:05.1",
        "2026-02-28 12:00:00.123456789",
    ] {
        let slow = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").expect(t);
        assert_eq!(fast_instant(t.as_bytes()), Some(slow), "{t}");
    }
    for t in [
        "2026-02-30 00:00:00",
        "2026-06-01T01:00:00",
        "2026-06-01 01:00:00.",
        "2026-06-01 01:00:00.1234567890",
        "2026-06-01 1:00:00",
        "x",
    ] {
        assert_eq!(fast_instant(t.as_bytes()), None, "{t}");
    }
    // Other spellings still read, as diesel would.
    assert!(sqlite_instant("2026-06-01T01:00:00.5").is_some());
}

/// A chain of `n` entries as PostgreSQL's binary COPY would send them,
/// in the order `order` gives (seqs from 1), without the entries in
/// `missing`.
fn copy_stream(n: i64, order: &[i64], missing: &[i64]) -> Vec<u8> {
    copy_stream_after(0, n, order, missing)
}

/// [`copy_stream`] whose first `legacy` entries were written before the
/// chain (no hash, no previous hash).
fn copy_stream_after(legacy: i64, n: i64, order: &[i64], missing: &[i64]) -> Vec<u8> {
    use crate::domain::audit::canonical::{entry_hash, EntryFields};
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("epoch");
    let mut rows = Vec::new();
    let mut prev = String::new();
    for seq in 1..=n {
        let at =
            epoch + chrono::TimeDelta::days(9_650) + chrono::TimeDelta::microseconds(seq * 1_250);
        let details = format!("{{\"n\":{seq}}}");
        let e = EntryFields {
            seq,
            at,
            actor_id: (seq % 2 == 0).then_some(seq),
            actor_role: "cs",
            actor_branch: Some("DPS-DENPASAR"),
            action: "document_viewed",
            participant_id: Some(7),
            claim_id: None,
            booking_id: None,
            session_id: None,
            batch_id: None,
            branch_code: Some("DPS-DENPASAR"),
            details: &details,
            client_ip: None,
            request_id: Some("r-1"),
            prev_hash: &prev,
        };
        let hash = if seq <= legacy {
            String::new()
        } else {
            entry_hash(&e)
        };
        let micros = (at - epoch).num_microseconds().expect("micros");
        let mut t = 17i16.to_be_bytes().to_vec();
        let int = |t: &mut Vec<u8>, v: Option<i64>| match v {
            None => t.extend_from_slice(&(-1i32).to_be_bytes()),
            Some(v) => {
                t.extend_from_slice(&8i32.to_be_bytes());
                t.extend_from_slice(&v.to_be_bytes());
            }
        };
        let text = |t: &mut Vec<u8>, v: Option<&str>| match v {
            None => t.extend_from_slice(&(-1i32).to_be_bytes()),
            Some(v) => {
                t.extend_from_slice(&(v.len() as i32).to_be_bytes());
                t.extend_from_slice(v.as_bytes());
            }
        };
        int(&mut t, Some(seq));
        int(&mut t, Some(micros));
        int(&mut t, e.actor_id);
        text(&mut t, Some(e.actor_role));
        text(&mut t, e.actor_branch);
        text(&mut t, Some(e.action));
        int(&mut t, e.participant_id);
        for _ in 0..4 {
            int(&mut t, None);
        }
        text(&mut t, e.branch_code);
        text(&mut t, Some(e.details));
        text(&mut t, e.client_ip);
        text(&mut t, e.request_id);
        text(&mut t, Some(e.prev_hash));
        text(&mut t, Some(&hash));
        rows.push(t);
        prev = hash;
    }
    let mut out = b"PGCOPY\n\xff\r\n\0".to_vec();
    out.extend_from_slice(&[0; 8]);
    for seq in order {
        if !missing.contains(seq) {
            out.extend_from_slice(&rows[*seq as usize - 1]);
        }
    }
    out.extend_from_slice(&(-1i16).to_be_bytes());
    out
}

/// The verdict of one stream read through a buffer of `capacity` bytes.
fn verdict(stream: &[u8], capacity: usize) -> Result<ChainReport, DbError> {
    let mut input = std::io::BufReader::with_capacity(capacity, stream);
    let run = pg::check_stream(&mut input, 1, &HashSet::from([3]))?;
    join(vec![Ok(run)])
}

#[test]
fn copy_streams_read_alike_however_the_bytes_are_cut() {
    let in_order: Vec<i64> = (1..=9).collect();
    let shuffled = [4, 1, 9, 2, 3, 7, 5, 6, 8];
    for order in [&in_order[..], &shuffled[..]] {
        let stream = copy_stream(9, order, &[]);
        // Tuples whole in the buffer, and split anywhere (a byte at a time).
        for capacity in [1, 3, 64, 1 << 16] {
            let r = verdict(&stream, capacity).expect("intact");
            assert_eq!(
                (r.entries, r.last_seq, &r.broken),
                (9, Some(9), &None),
                "{order:?} {capacity}"
            );
            assert!(r.hashes_at.contains_key(&3), "{order:?} {capacity}");
        }
        // A gap is named as the first missing entry, wherever rows came.
        for capacity in [1, 64, 1 << 16] {
            let r = verdict(&copy_stream(9, order, &[5, 7]), capacity).expect("read");
            assert_eq!(r.broken.map(|b| b.seq), Some(5), "{order:?} {capacity}");
            assert_eq!(r.entries, 4, "{order:?} {capacity}");
        }
    }
    // A stream cut off inside a row is an error, not a verdict.
    let stream = copy_stream(3, &[1, 2, 3], &[]);
    for cut in [30, stream.len() - 3] {
        assert!(verdict(&stream[..cut], 7).is_err(), "cut at {cut}");
    }
}

#[test]
fn the_copy_reader_expects_every_column_named() {
    assert_eq!(COLUMNS.split(',').count(), pg::COLUMN_COUNT);
}

#[test]
fn key_ranges_cover_the_log_once() {
    assert_eq!(ranges(5, 5), vec![(5, 6)]);
    assert_eq!(ranges(1, 1_000), vec![(1, 1_001)]);
    for (lo, hi) in [(1, 4_000), (3, 1_000_003), (1, 1_025)] {
        let r = ranges(lo, hi);
        assert_eq!(r.first().map(|r| r.0), Some(lo));
        assert_eq!(r.last().map(|r| r.1), Some(hi + 1));
        assert!(r.windows(2).all(|w| w[0].1 == w[1].0 && w[0].0 < w[0].1));
        assert!((1..=4).contains(&r.len()));
    }
}

#[test]
fn text_that_is_not_utf8_stops_the_check_at_its_entry() {
    // Entry 5's details with a byte no UTF-8 text holds, coming in order
    // and coming early (kept until its turn).
    for (legacy, order) in [
        (0, &[1, 2, 3, 4, 5, 6][..]),
        (0, &[5, 1, 2, 3, 4, 6][..]),
        // Before the chain: counted, never hashed.
        (5, &[1, 2, 3, 4, 5, 6][..]),
    ] {
        let intact = verdict(&copy_stream_after(legacy, 6, order, &[]), 1 << 16);
        assert_eq!(intact.expect("intact").entries, 6, "{order:?}");
        let mut stream = copy_stream_after(legacy, 6, order, &[]);
        let at = stream
            .windows(7)
            .position(|w| w == b"{\"n\":5}")
            .expect("entry 5's details");
        stream[at + 1] = 0xff;
        let err = verdict(&stream, 1 << 16).expect_err("unreadable");
        assert!(
            err.to_string().contains("audit entry 5 cannot be read"),
            "{order:?}: {err}"
        );
    }
}
