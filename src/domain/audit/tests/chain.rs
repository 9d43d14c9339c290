#![allow(clippy::unwrap_used)]
use super::*;
use crate::domain::audit::canonical::entry_hash;
use chrono::NaiveDateTime;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Owned {
    seq: i64,
    at: NaiveDateTime,
    ints: [Option<i64>; 6],
    strs: [Option<String>; 7],
    prev_hash: String,
    hash: String,
}

impl Owned {
    fn fields(&self) -> EntryFields<'_> {
        EntryFields {
            seq: self.seq,
            at: self.at,
            actor_id: self.ints[0],
            actor_role: self.strs[0].as_deref().unwrap_or(""),
            actor_branch: self.strs[1].as_deref(),
            action: self.strs[2].as_deref().unwrap_or(""),
            participant_id: self.ints[1],
            claim_id: self.ints[2],
            booking_id: self.ints[3],
            session_id: self.ints[4],
            batch_id: self.ints[5],
            branch_code: self.strs[3].as_deref(),
            details: self.strs[4].as_deref().unwrap_or("{}"),
            client_ip: self.strs[5].as_deref(),
            request_id: self.strs[6].as_deref(),
            prev_hash: &self.prev_hash,
        }
    }
}

/// Integer columns, text columns, seconds offset of `at`.
type Raw = ([Option<i64>; 6], [Option<String>; 7], i64);

fn chain(raw: Vec<Raw>) -> Vec<Owned> {
    let mut prev = String::new();
    let mut out = Vec::new();
    for (i, (ints, strs, secs)) in raw.into_iter().enumerate() {
        let mut e = Owned {
            seq: i as i64 + 1,
            at: chrono::DateTime::from_timestamp(1_790_000_000 + secs, 0)
                .unwrap()
                .naive_utc(),
            ints,
            strs: strs.map(|s| s.or(Some(String::new()))),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        e.strs[1] = e.strs[1].clone().filter(|s| !s.is_empty());
        e.hash = entry_hash(&e.fields());
        prev = e.hash.clone();
        out.push(e);
    }
    out
}

fn verify(log: &[Owned]) -> Result<u64, Break> {
    let mut v = Verifier::new();
    for e in log {
        v.push(&e.fields(), &e.hash)?;
    }
    Ok(v.entries)
}

fn sample(n: usize) -> Vec<Owned> {
    chain(
        (0..n)
            .map(|i| {
                (
                    [Some(i as i64), None, Some(7), None, None, None],
                    [
                        Some("cs".into()),
                        Some("DPS-DENPASAR".into()),
                        Some("session.finished".into()),
                        None,
                        Some(r#"{"outcome":"verified"}"#.into()),
                        Some("127.0.0.1".into()),
                        None,
                    ],
                    i as i64,
                )
            })
            .collect(),
    )
}

#[test]
fn an_untouched_log_verifies() {
    assert_eq!(verify(&sample(5)), Ok(5));
    assert_eq!(verify(&[]), Ok(0));
}

#[test]
fn the_encoding_is_unambiguous_between_neighbours() {
    let mut a = sample(1).remove(0);
    let mut b = a.clone();
    a.strs[0] = Some("cs".into());
    a.strs[1] = Some("X".into());
    b.strs[0] = Some("csX".into());
    b.strs[1] = None;
    assert_ne!(entry_hash(&a.fields()), entry_hash(&b.fields()));
    let mut c = a.clone();
    c.ints[0] = None;
    let mut d = a.clone();
    d.ints[0] = Some(0);
    assert_ne!(entry_hash(&c.fields()), entry_hash(&d.fields()));
}

#[test]
fn a_deleted_entry_is_named() {
    let mut log = sample(5);
    log.remove(2);
    assert_eq!(
        verify(&log),
        Err(Break {
            seq: 3,
            reason: BreakReason::Missing
        })
    );
}

#[test]
fn legacy_entries_before_the_chain_are_counted_not_checked() {
    let mut log = sample(3);
    for e in &mut log {
        e.seq += 2;
    }
    let mut prev = String::new();
    for e in &mut log {
        e.prev_hash = prev.clone();
        e.hash = entry_hash(&e.fields());
        prev = e.hash.clone();
    }
    let mut legacy = sample(2);
    for e in &mut legacy {
        e.hash.clear();
        e.prev_hash.clear();
    }
    legacy.extend(log);
    assert_eq!(verify(&legacy), Ok(5));
}

proptest! {
    #[test]
    fn tampering_any_field_breaks_at_exactly_that_entry(
        raw in prop::collection::vec(
            (
                prop::array::uniform6(prop::option::of(0i64..1000)),
                prop::array::uniform7(prop::option::of("[a-z{}\":0-9]{0,6}")),
                0i64..100_000,
            ),
            1..12,
        ),
        victim in any::<prop::sample::Index>(),
        field in 0usize..16,
    ) {
        let mut log = chain(raw);
        prop_assert_eq!(verify(&log), Ok(log.len() as u64));
        let i = victim.index(log.len());
        let e = &mut log[i];
        match field {
            0..=5 => e.ints[field] = Some(e.ints[field].map_or(-1, |n| n + 1)),
            6..=12 => {
                let s = e.strs[field - 6].get_or_insert_with(String::new);
                s.push('~');
            }
            13 => e.at += chrono::TimeDelta::microseconds(1),
            14 => e.prev_hash.push('0'),
            _ => e.hash.replace_range(0..1, if e.hash.starts_with('0') { "1" } else { "0" }),
        }
        let seq = e.seq;
        let broken = verify(&log).unwrap_err();
        prop_assert_eq!(broken.seq, seq);
    }
}

/// The log checked as runs split at `cuts`, joined in order.
fn verify_in_runs(log: &[Owned], cuts: &[usize]) -> Result<u64, Break> {
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (log.len() + 1)).collect();
    bounds.push(0);
    bounds.push(log.len());
    bounds.sort_unstable();
    let mut v = Verifier::new();
    for w in bounds.windows(2) {
        let mut run = Segment::new();
        for e in &log[w[0]..w[1]] {
            if !run.push(&e.fields(), &e.hash) {
                break;
            }
        }
        v.append(run)?;
    }
    Ok(v.entries)
}

#[test]
fn runs_joined_in_order_verify_like_one_walk() {
    let log = sample(9);
    assert_eq!(verify_in_runs(&log, &[3, 6]), Ok(9));
    let mut gap = log.clone();
    gap.remove(3);
    assert_eq!(verify_in_runs(&gap, &[3]), verify(&gap));
    let mut edited = log.clone();
    edited[6].strs[4] = Some("{}".into());
    let mut prev = edited.clone();
    prev[3].prev_hash = prev[2].prev_hash.clone();
    for cuts in [vec![], vec![3], vec![6], vec![7], vec![2, 3, 6]] {
        assert_eq!(verify_in_runs(&edited, &cuts), verify(&edited), "{cuts:?}");
        assert_eq!(verify_in_runs(&prev, &cuts), verify(&prev), "{cuts:?}");
    }
}

proptest! {
    #[test]
    fn runs_find_the_same_first_break_as_one_walk(
        n in 1usize..14,
        legacy in 0usize..4,
        tampered in prop::collection::vec((any::<prop::sample::Index>(), 0usize..4), 0..3),
        cuts in prop::collection::vec(0usize..20, 0..5),
    ) {
        let mut log = sample(n);
        for e in log.iter_mut().take(legacy) {
            e.hash.clear();
            e.prev_hash.clear();
        }
        for (victim, how) in tampered {
            let i = victim.index(log.len());
            match how {
                0 => log[i].strs[4] = Some("{\"x\":1}".into()),
                1 => log[i].prev_hash.push('0'),
                2 => log[i].hash.clear(),
                _ => {
                    log.remove(i);
                    if log.is_empty() {
                        break;
                    }
                }
            }
        }
        prop_assert_eq!(verify_in_runs(&log, &cuts), verify(&log));
    }
}
