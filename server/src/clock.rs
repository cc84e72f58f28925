//! The server's clock: the one place that reads the time of day. Everything
//! that stamps, expires or compares times asks [`crate::state::State::clock`]
//! (or is handed a `now` read from it), so a test can move time forward
//! instead of sleeping. Production never moves it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// System time plus an offset that only tests move. Clones share the
/// offset: the key ring keeps one of the state's.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Now in Unix milliseconds, the schema's time unit.
    pub fn now_ms(&self) -> i64 {
        #[allow(clippy::disallowed_methods, reason = "the clock is the one reader of the system time")]
        let system = SystemTime::now().duration_since(UNIX_EPOCH).expect("the system clock is past 1970");
        system.as_millis() as i64 + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Now in Unix seconds, the unit of JWT claims and `auth_time`.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves the clock forward by `by`: what a test does instead of sleeping.
    pub fn advance(&self, by: Duration) {
        self.offset_ms.fetch_add(by.as_millis() as i64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now_ms();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now_ms() - before >= 3_600_000);
        assert!(clock.now_secs() * 1000 <= clock.now_ms());
    }
}
