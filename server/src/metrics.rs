//! Request counts and latency by operation and status, rendered in the
//! Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Latency histogram bucket bounds, in seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    /// Observations at or under each bucket bound (cumulative when rendered).
    buckets: [u64; BUCKETS.len()],
}

/// A counter kept by another part of the server, rendered with the rest.
pub struct Counter {
    pub name: &'static str,
    pub help: &'static str,
    pub value: u64,
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, operation: &str, status: u16, latency: Duration) {
        let seconds = latency.as_secs_f64();
        let mut series = self.series.lock().expect("metrics lock");
        let entry = series.entry((operation.to_string(), status)).or_default();
        entry.count += 1;
        entry.sum += seconds;
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            entry.buckets[i] += 1;
        }
    }

    /// The request series, then `counters`.
    pub fn render(&self, counters: &[Counter]) -> String {
        let series = self.series.lock().expect("metrics lock");
        let mut out = String::new();
        out.push_str("# HELP keyward_http_requests_total HTTP requests handled, by operation and status.\n");
        out.push_str("# TYPE keyward_http_requests_total counter\n");
        for ((operation, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "keyward_http_requests_total{{operation=\"{operation}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str(
            "# HELP keyward_http_request_duration_seconds Time to handle a request, by operation and status.\n",
        );
        out.push_str("# TYPE keyward_http_request_duration_seconds histogram\n");
        for ((operation, status), s) in series.iter() {
            let labels = format!("operation=\"{operation}\",status=\"{status}\"");
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "keyward_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(out, "keyward_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "keyward_http_request_duration_seconds_sum{{{labels}}} {}", s.sum);
            let _ = writeln!(out, "keyward_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        for counter in counters {
            let _ = writeln!(out, "# HELP {} {}", counter.name, counter.help);
            let _ = writeln!(out, "# TYPE {} counter", counter.name);
            let _ = writeln!(out, "{} {}", counter.name, counter.value);
        }
        out
    }
}
