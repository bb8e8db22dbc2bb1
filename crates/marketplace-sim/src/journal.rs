//! What the simulator received, and when: lets a test or a benchmark see that
//! a request arrived (the tray's disable, say) and time it from its own clock.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// How many arrivals are kept; older ones are forgotten.
const CAPACITY: usize = 4096;

/// One request as it arrived, before faults or auth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// `GET`, `POST`…
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// When its head was read.
    pub at: Instant,
}

/// The latest arrivals of one simulator. Cheap to clone; clones share them.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    arrivals: Arc<Mutex<VecDeque<Arrival>>>,
}

impl Journal {
    /// The arrivals kept so far, oldest first.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.lock().iter().cloned().collect()
    }

    /// The first arrival of `method` on `path` at or after `since`.
    pub fn first_since(&self, method: &str, path: &str, since: Instant) -> Option<Arrival> {
        self.lock()
            .iter()
            .find(|arrival| arrival.at >= since && arrival.method == method && arrival.path == path)
            .cloned()
    }

    fn record(&self, arrival: Arrival) {
        let mut arrivals = self.lock();
        if arrivals.len() == CAPACITY {
            arrivals.pop_front();
        }
        arrivals.push_back(arrival);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Arrival>> {
        // Each change is one push or pop: a panic cannot leave it half-done.
        self.arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Middleware that notes every request before anything else sees it.
pub async fn record(State(journal): State<Journal>, request: Request, next: Next) -> Response {
    let at = Instant::now();
    let uri = request.uri();
    journal.record(Arrival {
        method: request.method().to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        at,
    });
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_arrivals_in_order() {
        let journal = Journal::default();
        let start = Instant::now();
        for n in 0..CAPACITY + 2 {
            journal.record(Arrival { method: "GET".into(), path: format!("/{n}"), query: None, at: Instant::now() });
        }
        let arrivals = journal.arrivals();
        assert_eq!(arrivals.len(), CAPACITY, "bounded");
        assert_eq!(arrivals[0].path, "/2", "the oldest two are forgotten");
        assert!(journal.first_since("GET", "/5", start).is_some());
        assert!(journal.first_since("POST", "/5", start).is_none(), "the method must match");
        assert!(journal.first_since("GET", "/1", start).is_none(), "forgotten");
    }
}
