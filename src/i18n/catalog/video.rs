//! The video booths (booth page, console video, online participants'
//! video): (key, Bahasa Indonesia, English).

#[rustfmt::skip]
pub(super) const CATALOG_VIDEO: &[(&str, &str, &str)] = &[
    ("video_booth_idle", "Silakan tunggu sampai nomor antrean Anda dipanggil ke bilik ini.", "Please wait until your ticket number is called to this booth."),
    ("video_booth_not_active", "Komputer bilik ini belum diaktifkan. Minta supervisor cabang untuk mengaktifkannya.", "This booth computer is not activated yet. Ask the branch supervisor to activate it."),
    ("video_booth_activate_lead", "Aktifkan peramban ini sebagai komputer bilik ini. Kredensial perangkat disimpan di peramban ini saja.", "Activate this browser as this booth's computer. The device credential stays in this browser only."),
    ("video_booth_activate", "Aktifkan komputer bilik", "Activate booth computer"),
    ("video_connecting", "Menghubungkan video…", "Connecting video…"),
    ("video_reconnecting", "Sambungan terputus. Menghubungkan kembali…", "Connection lost. Reconnecting…"),
    ("video_camera_denied", "Akses kamera atau mikrofon ditolak. Izinkan kamera dan mikrofon untuk situs ini di pengaturan peramban (ikon gembok di bilah alamat), lalu muat ulang halaman.", "Camera or microphone access was refused. Allow the camera and microphone for this site in the browser settings (the padlock in the address bar), then reload the page."),
    ("video_camera_missing", "Kamera atau mikrofon tidak ditemukan. Pastikan perangkat terpasang, lalu muat ulang halaman.", "No camera or microphone was found. Check that they are connected, then reload the page."),
    ("video_camera_busy", "Kamera atau mikrofon sedang dipakai aplikasi lain. Tutup aplikasi itu, lalu muat ulang halaman.", "The camera or microphone is in use by another application. Close it, then reload the page."),
    ("video_unsupported", "Panggilan video tidak dapat dimulai di sini. Gunakan Chrome atau Firefox versi terbaru, dan buka Antre lewat alamat HTTPS.", "Video calls cannot start here. Use a current Chrome or Firefox, and open Antre through its HTTPS address."),
    ("video_wait_moment", "Mohon tunggu sebentar. Petugas sedang berbicara dengan peserta lain dan akan segera kembali kepada Anda.", "Please wait a moment. The agent is speaking with someone else and will be back with you shortly."),
    ("video_ended", "Sesi video telah selesai.", "The video session has ended."),
    ("video_take_still", "Ambil foto identitas", "Take identity photo"),
    ("video_still_saved", "Foto identitas tersimpan di berkas klaim.", "The identity photo was saved to the claim's documents."),
    ("video_still_failed", "Foto identitas tidak dapat disimpan. Coba lagi.", "The identity photo could not be saved. Try again."),
    ("video_still_no_frame", "Belum ada gambar dari kamera peserta.", "There is no picture from the participant's camera yet."),
    ("video_you", "Anda", "You"),
    ("video_agent", "Petugas", "Agent"),
    ("video_focus_hint", "Suara Anda hanya terdengar di panel yang dipilih (klik panel atau tekan 1–6); peserta lain melihat pesan \"mohon tunggu sebentar\".", "Your voice reaches only the selected pane (click it or press 1–6); the others see a \"please wait a moment\" notice."),
    ("video_online_lead", "Petugas akan tampil di sini. Izinkan kamera dan mikrofon jika peramban meminta.", "The agent will appear here. Allow the camera and microphone if the browser asks."),
    ("signal_busy", "Sesi video ini sudah terbuka di terlalu banyak jendela.", "This video session is already open in too many windows."),
    ("not_websocket", "Permintaan ini harus berupa koneksi WebSocket.", "This request must be a WebSocket connection."),
    ("cross_origin", "Permintaan dari situs lain ditolak.", "Requests from other sites are refused."),
    ("video_sound_on", "Nyalakan suara", "Turn sound on"),
];
