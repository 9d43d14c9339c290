//! The one source of "now". `ANTRE_CLOCK` starts it at a chosen instant and
//! lets it run on in real time, so a branch day can be rehearsed.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

#[derive(Clone, Copy, Debug)]
pub struct Clock {
    offset: Duration,
}

impl Clock {
    pub fn system() -> Self {
        Self {
            offset: Duration::zero(),
        }
    }

    pub fn starting_at(start: Option<DateTime<Utc>>) -> Self {
        match start {
            None => Self::system(),
            Some(at) => Self {
                offset: at - Utc::now(),
            },
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    /// Now as the naive UTC timestamp stored in the database.
    pub fn now_naive(&self) -> NaiveDateTime {
        self.now().naive_utc()
    }
}
