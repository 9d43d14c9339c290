//! The message catalog, one module per area so areas grow without
//! colliding, looked up through one index built on first use.

use std::collections::HashMap;
use std::sync::LazyLock;

mod audit;
mod collective;
mod general;
mod video;

/// One catalog entry: (key, Bahasa Indonesia, English).
pub type Entry = (&'static str, &'static str, &'static str);

/// Every area's catalog.
const CATALOGS: [&[Entry]; 4] = [
    general::CATALOG,
    collective::CATALOG_COLLECTIVE,
    audit::CATALOG_AUDIT,
    video::CATALOG_VIDEO,
];

/// Every entry of every area, in catalog order.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    CATALOGS.iter().flat_map(|c| c.iter())
}

/// key → (Indonesian, English); a duplicate key keeps its first sentence
/// (`catalog_keys_unique_and_complete` keeps that from happening).
static INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| {
    let mut index = HashMap::new();
    for (key, id, en) in entries() {
        index.entry(*key).or_insert((*id, *en));
    }
    index
});

pub fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    INDEX.get(key).copied()
}
