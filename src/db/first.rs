//! Statements the backends can keep prepared: `LIMIT 1` and fixed
//! conditions written into the SQL instead of bound as parameters, and the
//! booking's hot statements written out where diesel's builder never
//! caches them.
//!
//! The bundled SQLite (3.53) reads a bound LIMIT while planning
//! (`computeLimitRegisters` asks whether it is a known integer), which
//! marks the parameter so that binding it again expires the statement;
//! diesel binds every parameter on every run, so each `.first()` was
//! compiled anew on every call — the parser was half of the instructions
//! of a booking. [`FirstRow::first_row`] runs the same query with a
//! literal `LIMIT 1`: prepared once, then taken from the statement cache.
//! [`Fixed`] does the same for the conditions a partial index names.
//! PostgreSQL is indifferent; the SQL differs only in the literals.
//! [`TakeSeat`] is the booking's `UPDATE` written out, because diesel
//! never keeps an `UPDATE` prepared; [`AdvisoryXactLock`] the participant
//! lock on PostgreSQL, which a raw `sql_query` would parse every time.
//! [`With`] sends independent writes as one statement on PostgreSQL.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AsQuery, AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::LoadQuery;
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, Integer};
use diesel::{Connection, QueryResult, RunQueryDsl};

/// A query with `LIMIT 1` appended as SQL text.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct LimitOne<Q>(Q);

impl<Q: Query> Query for LimitOne<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, DB> QueryFragment<DB> for LimitOne<Q>
where
    DB: Backend,
    Q: QueryFragment<DB> + QueryId,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT 1");
        Ok(())
    }

    /// Diesel's statement cache asks this on every run, by walking the
    /// whole query (callgrind: the walks of a booking's statements fell
    /// from ~20,700 to ~10,400 instructions with this). A `SELECT` whose
    /// text its type fixes (a static query
    /// id: no SQL literal, no bound list — the only parts of a `SELECT`
    /// diesel marks unsafe to keep, and neither has a static id) is always
    /// safe to keep; only the others are walked.
    fn is_safe_to_cache_prepared(&self, backend: &DB) -> QueryResult<bool> {
        if Q::HAS_STATIC_QUERY_ID {
            return Ok(true);
        }
        self.0.is_safe_to_cache_prepared(backend)
    }
}

impl<Q, C> RunQueryDsl<C> for LimitOne<Q> {}

/// Diesel's `.first()` (the first row, `NotFound` when there is none)
/// with the limit written into the SQL. Not for a query that already has
/// a LIMIT, nor one that locks rows (`FOR UPDATE` must follow the limit).
pub trait FirstRow: AsQuery + Sized {
    fn first_row<'q, U, C>(self, conn: &mut C) -> QueryResult<U>
    where
        C: Connection,
        LimitOne<Self::Query>: LoadQuery<'q, C, U>,
    {
        LimitOne(self.as_query()).get_result(conn)
    }
}

impl<T: AsQuery> FirstRow for T {}

/// A condition (or a value) whose SQL text and type are fixed by its
/// type ([`Fixed`]).
pub trait FixedSql {
    const SQL: &'static str;
    /// `Bool` for a condition.
    type SqlType: diesel::sql_types::SqlType + diesel::expression::TypedExpressionType;
}

/// A condition written into the SQL rather than bound, and still taken
/// from the statement cache (diesel's `sql()` fragments never are).
/// SQLite compares a bound value with a partial index's condition while
/// planning (`exprCompareVariable`), which also expires the statement
/// each time the value is bound again; and a bound list (`IN (?, ?)`) is
/// prepared anew on every run. For the lookups every booking makes on a
/// state word that a partial unique index names (`bookings_one_active`,
/// `waitlist_one_active`) and on the booking actions of the log; for
/// a value written into the SQL (a sub-select, say); and for a statement
/// of its own kept prepared (SQLite group commit's savepoints).
#[derive(Debug, Clone, Copy, Default)]
pub struct Fixed<T>(PhantomData<T>);

impl<T> Fixed<T> {
    pub fn condition() -> Self {
        Self(PhantomData)
    }

    pub fn value() -> Self {
        Self(PhantomData)
    }

    /// The text as a statement of its own, run with `execute`.
    pub fn statement() -> Self {
        Self(PhantomData)
    }
}

impl<T, C> RunQueryDsl<C> for Fixed<T> {}

impl<T: 'static> QueryId for Fixed<T> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<T: FixedSql> Expression for Fixed<T> {
    type SqlType = T::SqlType;
}

impl<T: FixedSql, QS> AppearsOnTable<QS> for Fixed<T> {}

impl<T: FixedSql, QS> SelectableExpression<QS> for Fixed<T> {}

impl<T> ValidGrouping<()> for Fixed<T> {
    type IsAggregate = is_aggregate::Never;
}

impl<T: FixedSql, DB: Backend> QueryFragment<DB> for Fixed<T> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(T::SQL);
        Ok(())
    }
}

/// `bookings.status` is the active word.
pub struct BookingActive;
impl FixedSql for BookingActive {
    type SqlType = Bool;
    const SQL: &'static str = "bookings.status = 'booked'";
}

/// `waitlist.status` is one of the active words.
pub struct WaitlistActive;
impl FixedSql for WaitlistActive {
    type SqlType = Bool;
    const SQL: &'static str = "waitlist.status IN ('waiting', 'offered')";
}

/// The log's `action` is a change of a booking (in the log or its inbox).
pub struct BookingChange;
impl FixedSql for BookingChange {
    type SqlType = Bool;
    const SQL: &'static str =
        "action IN ('booking_placed', 'booking_rescheduled', 'booking_cancelled')";
}

/// Takes a free seat of an open session: `UPDATE … RETURNING` the
/// session's counts (`booked`, `held`, `capacity`), no row when it is full
/// or closed. Diesel's builder marks every `UPDATE` unsafe to cache, so the
/// one statement every booking runs was compiled anew each time (SQLite:
/// ~80,000 instructions, an eighth of the booking); written out with a
/// static query id, each connection prepares it once.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct TakeSeat {
    pub slot_id: i64,
}

impl Query for TakeSeat {
    type SqlType = (Integer, Integer, Integer);
}

impl<DB> QueryFragment<DB> for TakeSeat
where
    DB: Backend,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        take_seat_sql(&self.slot_id, &mut out)?;
        out.push_sql(" RETURNING booked, held, capacity");
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for TakeSeat {}

/// [`TakeSeat`] without its `RETURNING`, run with `execute` (1 row: the
/// seat is taken): SQLite gathers a `RETURNING` statement's rows in a
/// temporary b-tree opened and closed on every run, dearer than reading
/// the counts back.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct TakeSeatOnly {
    pub slot_id: i64,
}

impl<DB> QueryFragment<DB> for TakeSeatOnly
where
    DB: Backend,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        take_seat_sql(&self.slot_id, &mut out)
    }
}

impl<C> RunQueryDsl<C> for TakeSeatOnly {}

/// The seat's conditional `UPDATE`, both statements' text.
fn take_seat_sql<'b, DB>(slot_id: &'b i64, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>
where
    DB: Backend,
    i64: ToSql<BigInt, DB>,
{
    out.push_sql("UPDATE slots SET booked = booked + 1 WHERE id = ");
    out.push_bind_param::<BigInt, i64>(slot_id)?;
    out.push_sql(" AND closure_id IS NULL AND booked + held < capacity");
    Ok(())
}

// Kept prepared only with a static query id.
const _: () = assert!(<TakeSeat as QueryId>::HAS_STATIC_QUERY_ID);
const _: () = assert!(<TakeSeatOnly as QueryId>::HAS_STATIC_QUERY_ID);

/// `SELECT pg_advisory_xact_lock(family, key)` (PostgreSQL), kept
/// prepared: a raw `sql_query` is parsed and planned anew on every run, and
/// every booking change takes this lock.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct AdvisoryXactLock {
    pub family: i32,
    pub key: i32,
}

impl QueryFragment<diesel::pg::Pg> for AdvisoryXactLock {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql("SELECT pg_advisory_xact_lock(");
        out.push_bind_param::<Integer, i32>(&self.family)?;
        out.push_sql(", ");
        out.push_bind_param::<Integer, i32>(&self.key)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for AdvisoryXactLock {}

const _: () = assert!(<AdvisoryXactLock as QueryId>::HAS_STATIC_QUERY_ID);

/// Statement `then` with the statements `sides` run inside it: `WITH
/// side1 AS (…), side2 AS (…) then`, one round trip on PostgreSQL, where a
/// data-modifying `WITH` runs whether or not the rest reads it (all see
/// the same snapshot: none may depend on another's rows). SQLite has no
/// such `WITH` (and no round trips to save): there the caller runs them
/// one after the other.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct With<S, B> {
    pub sides: S,
    pub then: B,
}

impl<S, B: Query> Query for With<S, B> {
    type SqlType = B::SqlType;
}

impl<A1, A2, A3, B> QueryFragment<diesel::pg::Pg> for With<(A1, A2, A3), B>
where
    A1: QueryFragment<diesel::pg::Pg>,
    A2: QueryFragment<diesel::pg::Pg>,
    A3: QueryFragment<diesel::pg::Pg>,
    B: QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql("WITH side1 AS (");
        self.sides.0.walk_ast(out.reborrow())?;
        out.push_sql("), side2 AS (");
        self.sides.1.walk_ast(out.reborrow())?;
        out.push_sql("), side3 AS (");
        self.sides.2.walk_ast(out.reborrow())?;
        out.push_sql(") ");
        self.then.walk_ast(out.reborrow())
    }
}

impl<S, B, C> RunQueryDsl<C> for With<S, B> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::booking::BookingStatus;
    use crate::domain::waitlist::WaitStatus;

    fn words(column: &str, words: &[&str]) -> String {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        match quoted.as_slice() {
            [one] => format!("{column} = {one}"),
            _ => format!("{column} IN ({})", quoted.join(", ")),
        }
    }

    #[test]
    fn fixed_conditions_name_the_words_the_program_stores() {
        assert_eq!(
            BookingActive::SQL,
            words("bookings.status", &[BookingStatus::Booked.as_str()])
        );
        assert_eq!(
            WaitlistActive::SQL,
            words(
                "waitlist.status",
                &[WaitStatus::Waiting.as_str(), WaitStatus::Offered.as_str()]
            )
        );
        assert_eq!(
            BookingChange::SQL,
            words("action", &crate::db::audit::BOOKING_CHANGES)
        );
        let q =
            diesel::debug_query::<diesel::sqlite::Sqlite, _>(&Fixed::<BookingActive>::condition())
                .to_string();
        assert_eq!(q, "bookings.status = 'booked' -- binds: []");
    }

    #[test]
    fn a_first_row_fixed_by_its_type_is_kept_and_a_bound_list_is_not() {
        use crate::db::schema::bookings;
        use diesel::prelude::*;
        let backend = diesel::sqlite::Sqlite;
        let fixed = LimitOne(
            bookings::table
                .filter(bookings::id.eq(7))
                .select(bookings::id),
        );
        assert!(fixed.is_safe_to_cache_prepared(&backend).unwrap_or(false));
        let list = LimitOne(
            bookings::table
                .filter(bookings::id.eq_any(vec![7, 8]))
                .select(bookings::id),
        );
        assert!(!list.is_safe_to_cache_prepared(&backend).unwrap_or(true));
    }

    #[test]
    fn the_seat_statement_is_kept_prepared() {
        let q = diesel::debug_query::<diesel::pg::Pg, _>(&TakeSeat { slot_id: 7 }).to_string();
        assert_eq!(
            q,
            "UPDATE slots SET booked = booked + 1 WHERE id = $1 AND closure_id IS NULL \
             AND booked + held < capacity RETURNING booked, held, capacity -- binds: [7]"
        );
    }
}
