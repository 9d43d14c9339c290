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
