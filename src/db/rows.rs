//! The two shapes every stored table has in Rust: the row as read back and
//! the struct that inserts it. [`stored_row!`] declares both from one field
//! list, and [`insert_returning!`] writes one and reads the stored row back.

/// Declares a table's row and its insert struct from one list of fields:
///
/// ```ignore
/// crate::stored_row! {
///     /// A staff account (`Staff` as stored, `NewStaff` to create one).
///     staff => Staff, NewStaff {
///         email: String,
///         // …
///     }
///     then { id: i64 }
/// }
/// ```
///
/// Every field is `pub`. The insert struct holds the listed fields; the row holds them and those
/// in `then { … }`, the columns the database fills in (`id`, defaults,
/// state set later). The row derives `Queryable` and `Selectable` and is
/// always read with `as_select()` / `as_returning()` (columns by name);
/// the insert struct derives `Insertable`. The doc comment is both's.
///
/// Every insert struct of the crate says `treat_none_as_default_value =
/// false`: a `None` is bound as `NULL` (no nullable column has another
/// default), so the statement's text never changes with its values and
/// diesel keeps it prepared; an `Option` field on a `NOT NULL` column then
/// fails to compile.
#[macro_export]
macro_rules! stored_row {
    (
        $(#[$m:meta])*
        $table:ident => $Row:ident, $New:ident {
            $($(#[$fm:meta])* $f:ident : $t:ty),* $(,)?
        }
        then { $($(#[$tm:meta])* $tf:ident : $tt:ty),* $(,)? }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, diesel::Queryable, diesel::Selectable)]
        #[diesel(table_name = $table)]
        pub struct $Row {
            $($(#[$fm])* pub $f: $t,)*
            $($(#[$tm])* pub $tf: $tt,)*
        }

        $(#[$m])*
        #[derive(Debug, Clone, diesel::Insertable)]
        #[diesel(table_name = $table, treat_none_as_default_value = false)]
        pub struct $New {
            $($(#[$fm])* pub $f: $t,)*
        }
    };
}

/// `INSERT … RETURNING` on either backend (the multi-backend query builder
/// has no `RETURNING`): inserts `$values` into `$table` and reads the
/// stored `$Row` back.
#[macro_export]
macro_rules! insert_returning {
    ($conn:expr, $table:path, $values:expr, $Row:ty) => {
        $crate::per_backend!($conn, c => diesel::insert_into($table)
            .values($values)
            .returning(<$Row as diesel::SelectableHelper<_>>::as_returning())
            .get_result(c))
    };
}
