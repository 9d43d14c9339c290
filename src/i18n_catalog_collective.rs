// Catalog entries of the collective-claims channel (HR batches), included
// by i18n.rs: (key, Bahasa Indonesia, English).

const CATALOG_COLLECTIVE: &[(&str, &str, &str)] = &[];
