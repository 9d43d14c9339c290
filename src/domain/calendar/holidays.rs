//! The holiday table (reference data, one entry a line): see the parent
//! module on where it comes from and who may read it.

use super::{Holiday, HolidayKind};

const fn national(date: (i32, u32, u32), name_id: &'static str, name_en: &'static str) -> Holiday {
    day(HolidayKind::National, date, name_id, name_en)
}

const fn cuti(date: (i32, u32, u32), name_id: &'static str, name_en: &'static str) -> Holiday {
    day(HolidayKind::CollectiveLeave, date, name_id, name_en)
}

const fn day(
    kind: HolidayKind,
    date: (i32, u32, u32),
    name_id: &'static str,
    name_en: &'static str,
) -> Holiday {
    Holiday {
        date,
        name_id,
        name_en,
        kind,
    }
}

/// National holidays and cuti bersama, 2026–2027, in date order.
///
/// REFERENCE DATA: check against each year's SKB 3 Menteri; the database
/// copy (seeded from this table, then maintained by administrators) is what
/// the application uses. 2027 is provisional (see the module docs).
#[rustfmt::skip]
pub const HOLIDAYS: &[Holiday] = &[
    // ---- 2026 (SKB 1497/2025, 2/2025, 5/2025) ----
    national((2026, 1, 1), "Tahun Baru 2026 Masehi", "New Year's Day"),
    national((2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW", "Isra and Mi'raj of the Prophet Muhammad"),
    cuti((2026, 2, 16), "Cuti Bersama Tahun Baru Imlek", "Collective leave for Chinese New Year"),
    national((2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili", "Chinese New Year"),
    cuti((2026, 3, 18), "Cuti Bersama Hari Suci Nyepi", "Collective leave for Nyepi"),
    national((2026, 3, 19), "Hari Suci Nyepi (Tahun Baru Saka 1948)", "Nyepi (Balinese Day of Silence)"),
    cuti((2026, 3, 20), "Cuti Bersama Idul Fitri 1447 H", "Collective leave for Eid al-Fitr"),
    national((2026, 3, 21), "Idul Fitri 1447 H", "Eid al-Fitr (day 1)"),
    national((2026, 3, 22), "Idul Fitri 1447 H", "Eid al-Fitr (day 2)"),
    cuti((2026, 3, 23), "Cuti Bersama Idul Fitri 1447 H", "Collective leave for Eid al-Fitr"),
    cuti((2026, 3, 24), "Cuti Bersama Idul Fitri 1447 H", "Collective leave for Eid al-Fitr"),
    national((2026, 4, 3), "Wafat Yesus Kristus", "Good Friday"),
    national((2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)", "Easter Sunday"),
    national((2026, 5, 1), "Hari Buruh Internasional", "Labour Day"),
    national((2026, 5, 14), "Kenaikan Yesus Kristus", "Ascension of Jesus Christ"),
    cuti((2026, 5, 15), "Cuti Bersama Kenaikan Yesus Kristus", "Collective leave for Ascension Day"),
    national((2026, 5, 27), "Idul Adha 1447 H", "Eid al-Adha"),
    cuti((2026, 5, 28), "Cuti Bersama Idul Adha 1447 H", "Collective leave for Eid al-Adha"),
    national((2026, 5, 31), "Hari Raya Waisak 2570 BE", "Vesak Day"),
    national((2026, 6, 1), "Hari Lahir Pancasila", "Pancasila Day"),
    national((2026, 6, 16), "1 Muharam Tahun Baru Islam 1448 H", "Islamic New Year"),
    national((2026, 8, 17), "Proklamasi Kemerdekaan", "Independence Day"),
    national((2026, 8, 25), "Maulid Nabi Muhammad SAW", "Birthday of the Prophet Muhammad"),
    cuti((2026, 12, 24), "Cuti Bersama Kelahiran Yesus Kristus", "Collective leave for Christmas"),
    national((2026, 12, 25), "Kelahiran Yesus Kristus", "Christmas Day"),
    // ---- 2027 (PROVISIONAL: computed dates, guessed cuti bersama) ----
    national((2027, 1, 1), "Tahun Baru 2027 Masehi", "New Year's Day"),
    national((2027, 1, 5), "Isra Mikraj Nabi Muhammad SAW", "Isra and Mi'raj of the Prophet Muhammad"),
    national((2027, 2, 6), "Tahun Baru Imlek 2578 Kongzili", "Chinese New Year"),
    national((2027, 3, 8), "Hari Suci Nyepi (Tahun Baru Saka 1949)", "Nyepi (Balinese Day of Silence)"),
    cuti((2027, 3, 9), "Cuti Bersama Idul Fitri 1448 H", "Collective leave for Eid al-Fitr"),
    national((2027, 3, 10), "Idul Fitri 1448 H", "Eid al-Fitr (day 1)"),
    national((2027, 3, 11), "Idul Fitri 1448 H", "Eid al-Fitr (day 2)"),
    cuti((2027, 3, 12), "Cuti Bersama Idul Fitri 1448 H", "Collective leave for Eid al-Fitr"),
    national((2027, 3, 26), "Wafat Yesus Kristus", "Good Friday"),
    national((2027, 3, 28), "Kebangkitan Yesus Kristus (Paskah)", "Easter Sunday"),
    national((2027, 5, 1), "Hari Buruh Internasional", "Labour Day"),
    national((2027, 5, 6), "Kenaikan Yesus Kristus", "Ascension of Jesus Christ"),
    cuti((2027, 5, 7), "Cuti Bersama Kenaikan Yesus Kristus", "Collective leave for Ascension Day"),
    national((2027, 5, 17), "Idul Adha 1448 H", "Eid al-Adha"),
    national((2027, 5, 20), "Hari Raya Waisak 2571 BE", "Vesak Day"),
    cuti((2027, 5, 21), "Cuti Bersama Hari Raya Waisak", "Collective leave for Vesak"),
    national((2027, 6, 1), "Hari Lahir Pancasila", "Pancasila Day"),
    national((2027, 6, 6), "1 Muharam Tahun Baru Islam 1449 H", "Islamic New Year"),
    national((2027, 8, 15), "Maulid Nabi Muhammad SAW", "Birthday of the Prophet Muhammad"),
    national((2027, 8, 17), "Proklamasi Kemerdekaan", "Independence Day"),
    cuti((2027, 12, 24), "Cuti Bersama Kelahiran Yesus Kristus", "Collective leave for Christmas"),
    national((2027, 12, 25), "Kelahiran Yesus Kristus", "Christmas Day"),
];
