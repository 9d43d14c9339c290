//! The pool's connection manager: diesel's, except that a connection in
//! steady use is handed out without a `SELECT 1` first.
//!
//! r2d2 checks a connection on every checkout, and diesel's check is a
//! statement: two extra round trips for a signed-in booking on
//! PostgreSQL (one for the sign-in, one for the write), a sixth of its
//! statements. Each connection here watches its own statements
//! ([`Health`], diesel's instrumentation hook): one that answered within
//! [`TRUSTED_FOR`] and has failed nothing since goes out unchecked; one
//! idle longer (the server may have dropped it meanwhile) or whose last
//! statement failed is checked as before, and one that found the server
//! gone is discarded when it returns to the pool. So a restarted
//! PostgreSQL still costs no request its answer: every connection has been
//! idle through the restart and is checked, and replaced, before use.

use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::r2d2::{ConnectionManager, ManageConnection};
use diesel::result::{DatabaseErrorKind, Error};
use diesel::Connection;

use super::DbConnection;

/// How long after its last good answer a connection is trusted unchecked.
pub const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// Diesel's manager with checks only where they can find something.
#[derive(Debug)]
pub struct Manager(ConnectionManager<DbConnection>);

impl Manager {
    pub fn new(url: String) -> Self {
        Self(ConnectionManager::new(url))
    }
}

/// What one connection's statements have shown.
#[derive(Debug)]
pub struct Health {
    last_ok: Instant,
    /// A statement failed since the last one that succeeded.
    doubtful: bool,
    /// A statement found the connection closed.
    closed: bool,
}

impl Health {
    fn new() -> Self {
        Self {
            last_ok: Instant::now(),
            doubtful: false,
            closed: false,
        }
    }

    /// Fit to hand out at `now` without a check.
    fn trusted(&self, now: Instant) -> bool {
        !self.doubtful && !self.closed && now.duration_since(self.last_ok) < TRUSTED_FOR
    }

    fn saw(&mut self, error: Option<&Error>, now: Instant) {
        match error {
            None => {
                self.last_ok = now;
                self.doubtful = false;
            }
            Some(e) => {
                self.doubtful = true;
                if let Error::DatabaseError(
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                    _,
                ) = e
                {
                    self.closed = true;
                }
            }
        }
    }
}

impl Instrumentation for Health {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery { error, .. } = event {
            self.saw(error, Instant::now());
        }
    }
}

fn health(conn: &mut DbConnection) -> Option<&mut Health> {
    conn.instrumentation().downcast_mut::<Health>()
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let mut conn = self.0.connect()?;
        conn.set_instrumentation(Health::new());
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        match health(conn) {
            Some(h) if h.trusted(Instant::now()) => Ok(()),
            _ => self.0.is_valid(conn),
        }
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        health(conn).is_some_and(|h| h.closed) || self.0.has_broken(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed() -> Error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_string()),
        )
    }

    #[test]
    fn only_a_recent_clean_answer_skips_the_check() {
        let t0 = Instant::now();
        let mut h = Health::new();
        h.saw(None, t0);
        assert!(h.trusted(t0 + TRUSTED_FOR / 2));
        assert!(!h.trusted(t0 + TRUSTED_FOR), "idle too long");
        h.saw(Some(&Error::NotFound), t0);
        assert!(!h.trusted(t0), "a failure since the last good answer");
        h.saw(None, t0);
        assert!(h.trusted(t0), "a good answer restores trust");
    }

    #[test]
    fn a_closed_connection_stays_untrusted() {
        let t0 = Instant::now();
        let mut h = Health::new();
        h.saw(Some(&closed()), t0);
        assert!(h.closed);
        h.saw(None, t0);
        assert!(!h.trusted(t0), "closed is for good");
    }

    #[test]
    fn a_new_sqlite_connection_reports_its_statements() {
        let m = Manager::new(":memory:".into());
        let Ok(mut conn) = m.connect() else {
            panic!("in-memory SQLite opens");
        };
        assert!(m.is_valid(&mut conn).is_ok());
        let failed = diesel::connection::SimpleConnection::batch_execute(&mut conn, "SELEC 1");
        assert!(failed.is_err());
        assert!(health(&mut conn).is_some_and(|h| h.doubtful));
        // Checked now, and the check (a good answer) restores trust.
        assert!(m.is_valid(&mut conn).is_ok());
        assert!(health(&mut conn).is_some_and(|h| h.trusted(Instant::now())));
        assert!(!m.has_broken(&mut conn));
    }
}
