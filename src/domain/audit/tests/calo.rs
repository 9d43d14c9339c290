#![allow(clippy::unwrap_used)]
use super::*;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A booking of `participant` in session 100 at DPS-DENPASAR on
/// 2026-11-24 at 01:00 UTC from 10.0.0.1, seq `seq`.
fn ev(seq: i64, participant: i64, change: Change) -> BookingEvent {
    BookingEvent {
        seq,
        at: at("2026-11-24 01:00:00"),
        day: day("2026-11-24"),
        participant_id: participant,
        claim_id: Some(1000 + participant),
        branch: "DPS-DENPASAR".into(),
        change,
        slot: Some(100),
        from_slot: None,
        address: Some("10.0.0.1".into()),
        phone: Some(format!("+62812000000{participant:02}")),
        via_waitlist: false,
    }
}

fn seqs(h: &Hit<'_>) -> Vec<i64> {
    h.events.iter().map(|e| e.seq).collect()
}

#[test]
fn actions_name_their_change() {
    assert_eq!(Change::of_action("booking_placed"), Some(Change::Placed));
    assert_eq!(
        Change::of_action("booking_rescheduled"),
        Some(Change::Rescheduled)
    );
    assert_eq!(
        Change::of_action("booking_cancelled"),
        Some(Change::Cancelled)
    );
    assert_eq!(Change::of_action("waitlist_accepted"), None);
}

#[test]
fn a_change_frees_and_takes_its_seats() {
    let placed = ev(1, 1, Change::Placed);
    assert_eq!((placed.freed(), placed.taken()), (None, Some(100)));
    let cancelled = ev(2, 1, Change::Cancelled);
    assert_eq!((cancelled.freed(), cancelled.taken()), (Some(100), None));
    let moved = BookingEvent {
        from_slot: Some(99),
        ..ev(3, 1, Change::Rescheduled)
    };
    assert_eq!((moved.freed(), moved.taken()), (Some(99), Some(100)));
}

#[test]
fn one_address_behind_many_participants_in_a_day() {
    // Ten participants, one address: flagged (the boundary).
    let mut events: Vec<BookingEvent> = (1..=10).map(|p| ev(p, p, Change::Placed)).collect();
    let hits = shared_address(&events);
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert_eq!(
        (h.key.as_str(), h.day),
        ("10.0.0.1", Some(day("2026-11-24")))
    );
    assert_eq!(h.participants(), (1..=10).collect::<Vec<i64>>());
    assert_eq!(h.last().map(|e| e.seq), Some(10));
    // Nine: not flagged, however many changes they make.
    events.pop();
    events.extend((11..=20).map(|s| ev(s, 1, Change::Cancelled)));
    assert!(shared_address(&events).is_empty());
    // Ten, but the tenth on another day or from another address.
    let mut other_day = ev(30, 10, Change::Placed);
    other_day.day = day("2026-11-25");
    assert!(shared_address(&[events.clone(), vec![other_day]].concat()).is_empty());
    let mut other_address = ev(31, 10, Change::Placed);
    other_address.address = Some("10.0.0.2".into());
    assert!(shared_address(&[events.clone(), vec![other_address]].concat()).is_empty());
    // Changes without an address are never grouped.
    let none: Vec<BookingEvent> = (1..=12)
        .map(|p| BookingEvent {
            address: None,
            ..ev(p, p, Change::Placed)
        })
        .collect();
    assert!(shared_address(&none).is_empty());
}

#[test]
fn one_phone_behind_several_participants() {
    let phone = |seq, p| BookingEvent {
        phone: Some("+6281234567890".into()),
        ..ev(seq, p, Change::Placed)
    };
    // Two people (a couple) share a phone: not flagged.
    let two = vec![
        phone(1, 1),
        phone(2, 2),
        phone(3, 2),
        ev(4, 3, Change::Placed),
    ];
    assert!(shared_phone(&two).is_empty());
    // Three: flagged, whatever the day.
    let mut three = two.clone();
    let mut later = phone(5, 4);
    later.day = day("2026-11-30");
    three.push(later);
    let hits = shared_phone(&three);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].key, "+6281234567890");
    assert_eq!(hits[0].participants(), vec![1, 2, 4]);
    assert_eq!(seqs(&hits[0]), vec![1, 2, 3, 5]);
    assert_eq!(hits[0].claims(), vec![1001, 1002, 1004]);
}

#[test]
fn cancelling_again_and_again_is_churn() {
    let cancel = |seq, p| ev(seq, p, Change::Cancelled);
    // Two cancellations and any number of bookings: not flagged.
    let mut events = vec![
        ev(1, 7, Change::Placed),
        cancel(2, 7),
        ev(3, 7, Change::Placed),
        cancel(4, 7),
        ev(5, 7, Change::Placed),
        cancel(6, 8),
        cancel(7, 8),
    ];
    assert!(churn(&events).is_empty());
    // The third: flagged, with the cancellations.
    events.push(cancel(8, 7));
    let hits = churn(&events);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].key, "7");
    assert_eq!(seqs(&hits[0]), vec![2, 4, 8]);
    assert_eq!(hits[0].participants(), vec![7]);
}

#[test]
fn a_seat_given_up_and_taken_by_another_within_minutes_is_passed() {
    let cancel = ev(1, 1, Change::Cancelled);
    let take = |seq, p, when| BookingEvent {
        at: at(when),
        ..ev(seq, p, Change::Placed)
    };
    // Fifteen minutes later: flagged (the boundary).
    let passes = [cancel.clone(), take(2, 2, "2026-11-24 01:15:00")];
    let found = seat_passed(&passes);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].freed.seq, found[0].taken.seq), (1, 2));
    assert_eq!(found[0].minutes, 15);
    // A second later: not flagged.
    assert!(seat_passed(&[cancel.clone(), take(2, 2, "2026-11-24 01:15:01")]).is_empty());
    // The same participant booking again is not a pass (that is churn).
    assert!(seat_passed(&[cancel.clone(), take(2, 1, "2026-11-24 01:01:00")]).is_empty());
    // Another session, or a booking before the cancellation: not flagged.
    let elsewhere = BookingEvent {
        slot: Some(101),
        ..take(2, 2, "2026-11-24 01:01:00")
    };
    assert!(seat_passed(&[cancel.clone(), elsewhere]).is_empty());
    assert!(seat_passed(&[
        take(1, 2, "2026-11-24 01:00:00"),
        ev(2, 1, Change::Cancelled)
    ])
    .is_empty());
    // A seat offered by the waiting line: not flagged.
    let offered = BookingEvent {
        via_waitlist: true,
        ..take(2, 2, "2026-11-24 01:05:00")
    };
    assert!(seat_passed(&[cancel.clone(), offered]).is_empty());
    // One seat given up is passed once: the second taker is not flagged.
    let two = [
        cancel.clone(),
        take(2, 2, "2026-11-24 01:03:00"),
        take(3, 3, "2026-11-24 01:04:00"),
    ];
    let found = seat_passed(&two);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].taken.participant_id, 2);
}

#[test]
fn leaving_a_session_by_rescheduling_also_frees_its_seat() {
    let moved = BookingEvent {
        slot: Some(200),
        from_slot: Some(100),
        ..ev(1, 1, Change::Rescheduled)
    };
    let into = BookingEvent {
        at: at("2026-11-24 01:02:00"),
        ..ev(2, 2, Change::Placed)
    };
    let pair = [moved, into];
    let found = seat_passed(&pair);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].minutes, 2);
    // Rescheduling into the freed session is taking it, too.
    let cancel = ev(3, 3, Change::Cancelled);
    let rescheduled_in = BookingEvent {
        from_slot: Some(300),
        ..ev(4, 4, Change::Rescheduled)
    };
    assert_eq!(seat_passed(&[cancel, rescheduled_in]).len(), 1);
}

#[test]
fn bookings_from_one_address_at_many_branches_in_a_day() {
    let at_branch = |seq, p, branch: &str| BookingEvent {
        branch: branch.into(),
        ..ev(seq, p, Change::Placed)
    };
    let mut events = vec![
        at_branch(1, 1, "DPS-DENPASAR"),
        at_branch(2, 2, "JKT-CILANDAK"),
        at_branch(3, 3, "JKT-CILANDAK"),
        // A cancellation takes no seat: it does not count.
        BookingEvent {
            branch: "JYP-JAYAPURA".into(),
            ..ev(4, 4, Change::Cancelled)
        },
    ];
    assert!(many_branches(&events).is_empty());
    events.push(at_branch(5, 1, "JYP-JAYAPURA"));
    let hits = many_branches(&events);
    assert_eq!(hits.len(), 1);
    assert_eq!(
        hits[0].branches(),
        vec!["DPS-DENPASAR", "JKT-CILANDAK", "JYP-JAYAPURA"]
    );
    assert_eq!(seqs(&hits[0]), vec![1, 2, 3, 5]);
    // The third branch on another day: not flagged.
    let last = events.last_mut().unwrap();
    last.day = day("2026-11-25");
    assert!(many_branches(&events).is_empty());
}

#[test]
fn phone_numbers_are_shown_masked() {
    assert_eq!(mask_phone("+6281234567890"), "+62812****7890");
    assert_eq!(mask_phone("+628123456789"), "+62812***6789");
    assert_eq!(mask_phone("12345"), "*****");
}
