// Catalog entries of the audit console, included by i18n.rs:
// (key, Bahasa Indonesia, English).

const CATALOG_AUDIT: &[(&str, &str, &str)] = &[];
