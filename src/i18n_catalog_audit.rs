// Catalog entries of the audit console, included by i18n.rs:
// (key, Bahasa Indonesia, English).

const CATALOG_AUDIT: &[(&str, &str, &str)] = &[
    ("invalid_field", "Nilai ini tidak valid.", "This value is not valid."),
    ("audit_title", "Log verifikasi", "Verification log"),
    ("audit_lead", "Setiap tindakan verifikasi dan akses, berantai dengan hash; hanya baca.", "Every verification and access action, hash-chained; read-only."),
    ("audit_chain", "Keutuhan log", "Log integrity"),
    ("audit_verify_now", "Periksa keutuhan sekarang", "Check integrity now"),
    ("audit_verify_incomplete", "Pemeriksaan dihentikan karena batas waktu; sejauh ini utuh.", "The check stopped at its time limit; intact so far."),
    ("audit_intact", "Log utuh.", "The log is intact."),
    ("audit_actor", "Pelaku (id)", "Actor (id)"),
    ("audit_action", "Tindakan", "Action"),
    ("audit_claim", "Klaim", "Claim"),
    ("audit_participant", "Peserta", "Participant"),
    ("audit_session", "Sesi", "Session"),
    ("audit_from", "Dari (TTTT-BB-HH atau RFC 3339, UTC)", "From (YYYY-MM-DD or RFC 3339, UTC)"),
    ("audit_to", "Sampai (TTTT-BB-HH atau RFC 3339, UTC)", "To (YYYY-MM-DD or RFC 3339, UTC)"),
    ("audit_csv", "Unduh CSV untuk filter ini", "Download CSV for this filter"),
    ("audit_empty", "Tidak ada entri.", "No entries."),
    ("audit_next_page", "Halaman berikutnya", "Next page"),
    ("audit_time", "Waktu (UTC)", "Time (UTC)"),
    ("audit_subject", "Subjek", "Subject"),
    ("audit_details", "Rincian", "Details"),
    ("audit_timeline_title", "Riwayat klaim", "Claim timeline"),
];
