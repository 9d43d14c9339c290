//! SQLite and PostgreSQL end up with the same schema after the migrations:
//! the same tables and columns, the same nullability, compatible column
//! types, the same unique keys (including partial ones, which the booking
//! and claim rules rely on), the same named indexes and the same foreign
//! keys.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use crate::common::{Backend, Options, TestApp, TestDb};
use diesel::sql_types::{Integer, Nullable, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl};

/// A migrated SQLite database and a migrated PostgreSQL database, or None
/// when PostgreSQL is unavailable outside CI (TestDb prints the notice).
fn migrated_pair() -> Option<(TestDb, TestDb)> {
    let Some(pg) = TestDb::create(Backend::Postgres) else {
        eprintln!("NOTICE: schema parity needs PostgreSQL; skipped");
        return None;
    };
    let lite = TestDb::create(Backend::Sqlite).expect("sqlite test db");
    // Starting the server applies the migrations.
    for db in [&lite, &pg] {
        let app = TestApp::start(db, &Options::default());
        app.kill();
    }
    Some((lite, pg))
}

fn sqlite(db: &TestDb) -> diesel::SqliteConnection {
    diesel::SqliteConnection::establish(db.url.trim_start_matches("sqlite://")).expect("sqlite")
}

fn pg(db: &TestDb) -> diesel::PgConnection {
    diesel::PgConnection::establish(&db.url).expect("postgres")
}

/// Asserts two sets are equal, listing what only one side has.
fn assert_same<T: Ord + Debug>(what: &str, lite: &BTreeSet<T>, pg: &BTreeSet<T>) {
    let only_lite: Vec<&T> = lite.difference(pg).collect();
    let only_pg: Vec<&T> = pg.difference(lite).collect();
    if !only_lite.is_empty() || !only_pg.is_empty() {
        let mut msg = format!("{what} differ between the backends\n");
        for x in &only_lite {
            msg.push_str(&format!("  only in SQLite:     {x:?}\n"));
        }
        for x in &only_pg {
            msg.push_str(&format!("  only in PostgreSQL: {x:?}\n"));
        }
        panic!("{msg}");
    }
}

// --- Columns -----------------------------------------------------------------

#[derive(QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    c: String,
    /// 1 when the column refuses NULL.
    #[diesel(sql_type = Integer)]
    nn: i32,
    #[diesel(sql_type = Text)]
    ty: String,
}

const SQLITE_COLUMNS: &str = "SELECT m.name AS t, p.name AS c, \
     CASE WHEN p.\"notnull\" = 1 OR (p.pk > 0 AND upper(p.type) = 'INTEGER') THEN 1 ELSE 0 END AS nn, \
     p.type AS ty \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%'";

const PG_COLUMNS: &str = "SELECT table_name::text AS t, column_name::text AS c, \
     CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS nn, data_type::text AS ty \
     FROM information_schema.columns \
     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'";

fn columns(lite: &TestDb, pgdb: &TestDb) -> (Vec<Column>, Vec<Column>) {
    let l: Vec<Column> = diesel::sql_query(SQLITE_COLUMNS)
        .load(&mut sqlite(lite))
        .expect("sqlite columns");
    let p: Vec<Column> = diesel::sql_query(PG_COLUMNS)
        .load(&mut pg(pgdb))
        .expect("pg columns");
    assert!(l.len() > 20, "SQLite has hardly any columns: {l:?}");
    assert!(p.len() > 20, "PostgreSQL has hardly any columns: {p:?}");
    (l, p)
}

/// A coarse type family both backends can agree on.
fn family(ty: &str) -> String {
    let t = ty.to_ascii_lowercase();
    let t = t.split('(').next().unwrap_or("").trim().to_string();
    match t.as_str() {
        "integer" | "int" | "bigint" | "smallint" | "int4" | "int8" | "int2" | "serial"
        | "bigserial" => "int",
        "text" | "varchar" | "character varying" | "char" | "character" => "text",
        "boolean" | "bool" => "bool",
        "date" => "date",
        "timestamp" | "timestamp without time zone" | "datetime" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "blob" | "bytea" | "binary" => "bytes",
        "real" | "double" | "double precision" | "float" | "numeric" | "decimal" => "number",
        other => other,
    }
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_tables_columns_and_nullability() {
    let Some((lite, pgdb)) = migrated_pair() else {
        return;
    };
    let (l, p) = columns(&lite, &pgdb);
    let tables = |cols: &[Column]| cols.iter().map(|c| c.t.clone()).collect::<BTreeSet<_>>();
    assert_same("tables", &tables(&l), &tables(&p));
    let names = |cols: &[Column]| {
        cols.iter()
            .map(|c| (c.t.clone(), c.c.clone()))
            .collect::<BTreeSet<_>>()
    };
    assert_same("columns (table, column)", &names(&l), &names(&p));
    let nullability = |cols: &[Column]| {
        cols.iter()
            .map(|c| {
                (
                    c.t.clone(),
                    c.c.clone(),
                    if c.nn == 1 { "NOT NULL" } else { "NULL" },
                )
            })
            .collect::<BTreeSet<_>>()
    };
    assert_same(
        "nullability (table, column, null?)",
        &nullability(&l),
        &nullability(&p),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compatible_column_types() {
    let Some((lite, pgdb)) = migrated_pair() else {
        return;
    };
    let (l, p) = columns(&lite, &pgdb);
    let types = |cols: &[Column]| {
        cols.iter()
            .map(|c| (c.t.clone(), c.c.clone(), family(&c.ty)))
            .collect::<BTreeSet<_>>()
    };
    assert_same(
        "column type families (table, column, type)",
        &types(&l),
        &types(&p),
    );
}

// --- Unique keys and indexes -----------------------------------------------------

#[derive(QueryableByName, Debug)]
struct IndexColumn {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    i: String,
    #[diesel(sql_type = Integer)]
    partial: i32,
    #[diesel(sql_type = Text)]
    c: String,
}

/// (table, columns sorted, partial?) of every unique key, primary keys included.
fn unique_keys(rows: Vec<IndexColumn>) -> BTreeSet<(String, String, bool)> {
    let mut by_index: BTreeMap<(String, String, bool), Vec<String>> = BTreeMap::new();
    for r in rows {
        by_index
            .entry((r.t, r.i, r.partial == 1))
            .or_default()
            .push(r.c);
    }
    by_index
        .into_iter()
        .map(|((t, _, partial), mut cols)| {
            cols.sort();
            (t, cols.join(","), partial)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_unique_keys() {
    let Some((lite, pgdb)) = migrated_pair() else {
        return;
    };
    // SQLite: unique indexes (constraints and CREATE UNIQUE INDEX), plus the
    // primary keys from table_info (an INTEGER PRIMARY KEY has no index).
    let mut l: Vec<IndexColumn> = diesel::sql_query(
        "SELECT m.name AS t, il.name AS i, il.partial AS partial, ii.name AS c \
         FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%' \
         AND il.\"unique\" = 1 AND il.origin <> 'pk'",
    )
    .load(&mut sqlite(&lite))
    .expect("sqlite unique indexes");
    let pks: Vec<IndexColumn> = diesel::sql_query(
        "SELECT m.name AS t, 'pk' AS i, 0 AS partial, p.name AS c \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%' AND p.pk > 0",
    )
    .load(&mut sqlite(&lite))
    .expect("sqlite primary keys");
    l.extend(pks);
    let p: Vec<IndexColumn> = diesel::sql_query(
        "SELECT t.relname::text AS t, i.relname::text AS i, \
         CASE WHEN ix.indpred IS NULL THEN 0 ELSE 1 END AS partial, a.attname::text AS c \
         FROM pg_index ix \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (ix.indkey) \
         WHERE n.nspname = 'public' AND ix.indisunique AND t.relname <> '__diesel_schema_migrations'",
    )
    .load(&mut pg(&pgdb))
    .expect("pg unique indexes");
    let (l, p) = (unique_keys(l), unique_keys(p));
    assert!(!l.is_empty() && !p.is_empty());
    assert_same("unique keys (table, columns, partial?)", &l, &p);
}

#[derive(QueryableByName, Debug)]
struct NamedIndex {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    i: String,
    #[diesel(sql_type = Integer)]
    uq: i32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_named_indexes() {
    let Some((lite, pgdb)) = migrated_pair() else {
        return;
    };
    // Indexes made by CREATE INDEX (not the ones behind key constraints).
    let l: Vec<NamedIndex> = diesel::sql_query(
        "SELECT tbl_name AS t, name AS i, CASE WHEN sql LIKE 'CREATE UNIQUE%' THEN 1 ELSE 0 END AS uq \
         FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name NOT LIKE '__diesel%'",
    )
    .load(&mut sqlite(&lite))
    .expect("sqlite indexes");
    let p: Vec<NamedIndex> = diesel::sql_query(
        "SELECT pi.tablename::text AS t, pi.indexname::text AS i, \
         CASE WHEN pi.indexdef LIKE 'CREATE UNIQUE%' THEN 1 ELSE 0 END AS uq \
         FROM pg_indexes pi \
         WHERE pi.schemaname = 'public' AND pi.tablename <> '__diesel_schema_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint co \
             WHERE co.conindid = (quote_ident(pi.schemaname) || '.' || quote_ident(pi.indexname))::regclass)",
    )
    .load(&mut pg(&pgdb))
    .expect("pg indexes");
    let set = |v: &[NamedIndex]| {
        v.iter()
            .map(|x| (x.t.clone(), x.i.clone(), x.uq == 1))
            .collect::<BTreeSet<_>>()
    };
    assert_same("named indexes (table, index, unique?)", &set(&l), &set(&p));
}

// --- Foreign keys -----------------------------------------------------------------

#[derive(QueryableByName, Debug)]
struct ForeignKey {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    c: String,
    #[diesel(sql_type = Text)]
    rt: String,
    #[diesel(sql_type = Nullable<Text>)]
    rc: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_foreign_keys() {
    let Some((lite, pgdb)) = migrated_pair() else {
        return;
    };
    let l: Vec<ForeignKey> = diesel::sql_query(
        "SELECT m.name AS t, f.\"from\" AS c, f.\"table\" AS rt, f.\"to\" AS rc \
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%'",
    )
    .load(&mut sqlite(&lite))
    .expect("sqlite foreign keys");
    let p: Vec<ForeignKey> = diesel::sql_query(
        "SELECT cl.relname::text AS t, a.attname::text AS c, rcl.relname::text AS rt, ra.attname::text AS rc \
         FROM pg_constraint co \
         CROSS JOIN LATERAL unnest(co.conkey, co.confkey) AS k(attnum, rattnum) \
         JOIN pg_class cl ON cl.oid = co.conrelid \
         JOIN pg_class rcl ON rcl.oid = co.confrelid \
         JOIN pg_namespace n ON n.oid = cl.relnamespace \
         JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum \
         JOIN pg_attribute ra ON ra.attrelid = co.confrelid AND ra.attnum = k.rattnum \
         WHERE co.contype = 'f' AND n.nspname = 'public'",
    )
    .load(&mut pg(&pgdb))
    .expect("pg foreign keys");
    let set = |v: &[ForeignKey]| {
        v.iter()
            .map(|f| {
                (
                    f.t.clone(),
                    f.c.clone(),
                    f.rt.clone(),
                    f.rc.clone().unwrap_or_else(|| "(primary key)".into()),
                )
            })
            .collect::<BTreeSet<_>>()
    };
    let (l, p) = (set(&l), set(&p));
    assert!(!l.is_empty(), "SQLite has no foreign keys at all");
    assert_same(
        "foreign keys (table, column, referenced table, referenced column)",
        &l,
        &p,
    );
}
