//! Structured JSON logs (bunyan format) through slog, which dropshot uses:
//! one line per request at `info` (dropshot's "request completed", with its
//! `req_id`, method, URI, status and latency). Bodies and headers are never
//! logged; credentials that may travel in a query string (`id_token_hint` at
//! logout, say) are redacted from the URI.
//!
//! Logging stays off the request path: the request thread copies the record's
//! own few values into a [`Line`] and offers it to a bounded channel; one writer
//! thread formats the lines and writes them through a buffer, flushed whenever
//! the channel runs empty. A full channel (stdout stalled or too slow) drops
//! the line and counts it (`keyward_log_lines_dropped_total`) rather than
//! making a request wait.

use anyhow::bail;
use slog::{Drain, KV, Key, Level, Never, OwnedKVList, Record, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::time::{Duration, SystemTime};

/// Lines waiting for the writer: a quarter of a second at full load, room
/// for the writer thread to be descheduled a while without losing lines.
const QUEUE: usize = 8192;
/// While lines keep coming, the writer sleeps this long between batches
/// instead of being woken (a system call on the request thread) for each.
const BATCH_PAUSE: Duration = Duration::from_millis(5);

/// Lines dropped because the writer fell behind, since the process started.
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// The standard-output writer's channel, for [`flush`].
static STDOUT: OnceLock<SyncSender<Message>> = OnceLock::new();

pub fn logger(level: &str) -> anyhow::Result<slog::Logger> {
    let channel = Channel::spawn(parse_level(level)?, std::io::stdout());
    let _ = STDOUT.set(channel.sender.clone());
    Ok(slog::Logger::root(channel, slog::o!()))
}

/// Writes out every line logged so far, waiting at most a second: called
/// before the process exits, which would otherwise take the queued lines
/// (the shutdown, a new master key to back up) with the writer thread.
pub fn flush() {
    if let Some(sender) = STDOUT.get() {
        flush_through(sender);
    }
}

fn flush_through(sender: &SyncSender<Message>) {
    let (done, written) = sync_channel(1);
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    let mut message = Message::Flush(done);
    loop {
        match sender.try_send(message) {
            Ok(()) => break,
            Err(TrySendError::Full(again)) if std::time::Instant::now() < deadline => {
                message = again;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => return,
        }
    }
    let _ = written.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()));
}

fn parse_level(level: &str) -> anyhow::Result<Level> {
    Ok(match level.to_ascii_lowercase().as_str() {
        "error" => Level::Error,
        "warn" => Level::Warning,
        "info" => Level::Info,
        "debug" => Level::Debug,
        "trace" => Level::Trace,
        other => bail!("unknown log level {other:?}: use error, warn, info, debug or trace"),
    })
}

/// The dropped-lines counter, for `/metrics`.
pub fn dropped_counter() -> crate::metrics::Counter {
    crate::metrics::Counter {
        name: "keyward_log_lines_dropped_total",
        help: "Log lines dropped because standard output could not keep up.",
        value: DROPPED.load(Ordering::Relaxed),
    }
}

/// What the writer thread is handed.
enum Message {
    Line(Line),
    /// Write out everything before it, then answer.
    Flush(SyncSender<()>),
}

/// A record as the request thread hands it over: its own values copied, the
/// logger's (`req_id`, `uri`, …) shared, everything formatted later.
struct Line {
    time: SystemTime,
    level: Level,
    msg: Cow<'static, str>,
    fields: Fields,
    context: OwnedKVList,
}

enum Value {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Bool(bool),
    Null,
    Text(String),
}

/// A record's own pairs, copied as they are.
#[derive(Default)]
struct Fields(Vec<(Key, Value)>);

impl Serializer for Fields {
    fn emit_arguments(&mut self, key: Key, value: &fmt::Arguments) -> slog::Result {
        self.0.push((key, Value::Text(value.to_string())));
        Ok(())
    }
    fn emit_str(&mut self, key: Key, value: &str) -> slog::Result {
        self.0.push((key, Value::Text(value.to_string())));
        Ok(())
    }
    fn emit_u16(&mut self, key: Key, value: u16) -> slog::Result {
        self.emit_u64(key, value.into())
    }
    fn emit_u32(&mut self, key: Key, value: u32) -> slog::Result {
        self.emit_u64(key, value.into())
    }
    fn emit_u64(&mut self, key: Key, value: u64) -> slog::Result {
        self.0.push((key, Value::Unsigned(value)));
        Ok(())
    }
    fn emit_u128(&mut self, key: Key, value: u128) -> slog::Result {
        match u64::try_from(value) {
            Ok(value) => self.emit_u64(key, value),
            Err(_) => self.emit_arguments(key, &format_args!("{value}")),
        }
    }
    fn emit_i32(&mut self, key: Key, value: i32) -> slog::Result {
        self.emit_i64(key, value.into())
    }
    fn emit_i64(&mut self, key: Key, value: i64) -> slog::Result {
        self.0.push((key, Value::Signed(value)));
        Ok(())
    }
    fn emit_f64(&mut self, key: Key, value: f64) -> slog::Result {
        self.0.push((key, Value::Float(value)));
        Ok(())
    }
    fn emit_bool(&mut self, key: Key, value: bool) -> slog::Result {
        self.0.push((key, Value::Bool(value)));
        Ok(())
    }
    fn emit_none(&mut self, key: Key) -> slog::Result {
        self.0.push((key, Value::Null));
        Ok(())
    }
}

/// The drain: filters by level and hands lines to the writer thread.
struct Channel {
    level: Level,
    sender: SyncSender<Message>,
}

impl Channel {
    fn spawn(level: Level, out: impl Write + Send + 'static) -> Channel {
        let (sender, receiver) = sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("keyward-log".into())
            .spawn(move || write_lines(&receiver, out))
            .expect("starting the log writer thread");
        Channel { level, sender }
    }
}

impl Drain for Channel {
    type Ok = ();
    type Err = Never;

    fn log(&self, record: &Record, values: &OwnedKVList) -> Result<(), Never> {
        // dropshot logs every new connection at info: debug here, so that
        // info is one line per request.
        let msg = record.msg().as_str();
        let level = match (record.level(), msg) {
            (Level::Info, Some("accepted connection")) => Level::Debug,
            (level, _) => level,
        };
        if !level.is_at_least(self.level) {
            return Ok(());
        }
        let mut fields = Fields::default();
        let _ = record.kv().serialize(record, &mut fields);
        #[allow(
            clippy::disallowed_methods,
            reason = "a log line tells when it was written, whatever tests do to the clock"
        )]
        let line = Line {
            time: SystemTime::now(),
            level,
            msg: msg.map_or_else(|| Cow::Owned(record.msg().to_string()), Cow::Borrowed),
            fields,
            context: values.clone(),
        };
        match self.sender.try_send(Message::Line(line)) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                DROPPED.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}

/// The writer thread: waits for a line, then writes batches until the channel
/// stays empty for a pause; flushes after each batch. It sleeps between
/// batches rather than waiting on the channel, so that under load no request
/// thread has to wake it.
fn write_lines(receiver: &Receiver<Message>, out: impl Write) {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let header = Header::new();
    let mut flushed = Vec::new();
    while let Ok(mut message) = receiver.recv() {
        loop {
            for message in std::iter::once(message).chain(receiver.try_iter()) {
                match message {
                    Message::Line(line) => header.write(&mut out, &line),
                    Message::Flush(done) => flushed.push(done),
                }
            }
            if out.flush().is_err() {
                // Standard output is gone: nothing to write to any more.
                return;
            }
            for done in flushed.drain(..) {
                let _ = done.try_send(());
            }
            std::thread::sleep(BATCH_PAUSE);
            message = match receiver.try_recv() {
                Ok(message) => message,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return,
            };
        }
    }
}

/// What every line repeats.
struct Header {
    /// As a JSON string.
    hostname: String,
    pid: u32,
}

impl Header {
    fn new() -> Header {
        let hostname = hostname::get().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        // Quoted and escaped once.
        Header { hostname: serde_json::Value::from(hostname).to_string(), pid: std::process::id() }
    }

    /// Writes `line` as one bunyan JSON line into the buffer; a write error
    /// shows at the flush.
    fn write(&self, out: &mut impl Write, line: &Line) {
        let time = chrono::DateTime::<chrono::Utc>::from(line.time);
        let _ = write!(
            out,
            "{{\"name\":\"keyward\",\"hostname\":{},\"pid\":{},\"level\":{},\"time\":\"{}\",\"v\":0,\"msg\":",
            self.hostname,
            self.pid,
            bunyan_level(line.level),
            time.format("%Y-%m-%dT%H:%M:%S%.6fZ")
        );
        push_json(out, &line.msg);
        for (key, value) in &line.fields.0 {
            push_field(out, key, value);
        }
        // Serializing an `OwnedKVList` asks for a record, which it does not use.
        let mut context = Context { out, scratch: String::new() };
        let _ = line.context.serialize(&Record::new(&NO_RECORD, &format_args!(""), slog::b!()), &mut context);
        let _ = out.write_all(b"}\n");
    }
}

/// Bunyan's level numbers.
fn bunyan_level(level: Level) -> u8 {
    match level {
        Level::Critical => 60,
        Level::Error => 50,
        Level::Warning => 40,
        Level::Info => 30,
        Level::Debug => 20,
        Level::Trace => 10,
    }
}

static NO_RECORD: slog::RecordStatic<'static> = slog::record_static!(Level::Info, "");

fn push_json(out: &mut impl Write, value: &str) {
    let _ = serde_json::to_writer(out, value);
}

/// `,"key":`
fn push_key(out: &mut impl Write, key: &Key) {
    let _ = out.write_all(b",");
    push_json(out, key.as_ref());
    let _ = out.write_all(b":");
}

/// A text value, with the credentials of a `uri` redacted.
fn push_text(out: &mut impl Write, key: &Key, text: &str) {
    let redacted = if key.as_ref() == "uri" { redact_uri(text) } else { None };
    push_json(out, redacted.as_deref().unwrap_or(text));
}

fn push_field(out: &mut impl Write, key: &Key, value: &Value) {
    push_key(out, key);
    let _ = match value {
        Value::Unsigned(n) => write!(out, "{n}"),
        Value::Signed(n) => write!(out, "{n}"),
        Value::Float(n) if n.is_finite() => write!(out, "{n}"),
        Value::Bool(b) => write!(out, "{b}"),
        Value::Float(_) | Value::Null => out.write_all(b"null"),
        Value::Text(text) => {
            push_text(out, key, text);
            Ok(())
        }
    };
}

/// The logger's pairs, written as JSON fields (on the writer thread).
struct Context<'a, W> {
    out: &'a mut W,
    /// Reused for values that must be formatted before they are escaped.
    scratch: String,
}

impl<W: Write> Serializer for Context<'_, W> {
    fn emit_arguments(&mut self, key: Key, value: &fmt::Arguments) -> slog::Result {
        push_key(self.out, &key);
        let text = match value.as_str() {
            Some(text) => text,
            None => {
                self.scratch.clear();
                let _ = fmt::Write::write_fmt(&mut self.scratch, *value);
                &self.scratch
            }
        };
        push_text(self.out, &key, text);
        Ok(())
    }
}

/// Query parameters whose values are credentials.
const SECRET_PARAMS: &[&str] =
    &["id_token_hint", "code", "access_token", "refresh_token", "token", "client_secret", "password", "signInKey"];

/// `uri` with the values of [`SECRET_PARAMS`] replaced, if it has any.
fn redact_uri(uri: &str) -> Option<String> {
    let (path, query) = uri.split_once('?')?;
    let mut changed = false;
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMS.contains(&name) => {
                changed = true;
                format!("{name}=REDACTED")
            }
            _ => pair.to_string(),
        })
        .collect();
    changed.then(|| format!("{path}?{}", pairs.join("&")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_leave_the_uri() {
        assert_eq!(
            redact_uri("/oauth/logout?id_token_hint=eyJ.a.b&state=s").as_deref(),
            Some("/oauth/logout?id_token_hint=REDACTED&state=s")
        );
        assert_eq!(
            redact_uri("/api/AppUsers/1/QRCodeImage?signInKey=abc&format=svg").as_deref(),
            Some("/api/AppUsers/1/QRCodeImage?signInKey=REDACTED&format=svg")
        );
        assert_eq!(redact_uri("/oauth/authorize?client_id=web&state=s"), None);
        assert_eq!(redact_uri("/healthz"), None);
    }

    /// A writer that records what it is given, shared with the test.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_flush_writes_every_line_logged_before_it() {
        let out = Shared::default();
        let channel = Channel::spawn(Level::Info, out.clone());
        let sender = channel.sender.clone();
        let root = slog::Logger::root(channel, slog::o!());
        for n in 0..100 {
            slog::warn!(root, "line"; "n" => n);
        }
        flush_through(&sender);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 100, "{text}");
        assert!(text.lines().last().unwrap().contains("99"), "{text}");
    }

    #[test]
    fn one_json_line_with_the_logger_values_and_a_redacted_uri() {
        let out = Shared::default();
        let root = slog::Logger::root(Channel::spawn(Level::Info, out.clone()), slog::o!());
        let request =
            root.new(slog::o!("req_id" => "r-1", "method" => "GET", "uri" => "/oauth/logout?id_token_hint=eyJ"));
        slog::info!(request, "accepted connection"; "remote_addr" => "127.0.0.1:1");
        slog::debug!(request, "not at info");
        slog::info!(request, "request completed"; "response_code" => 302u16, "latency_us" => 1234u128);
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let text = loop {
            let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
            if text.ends_with('\n') || std::time::Instant::now() > deadline {
                break text;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 1, "{text}");
        let line = &lines[0];
        assert_eq!(line["msg"], "request completed");
        assert_eq!(line["level"], 30);
        assert_eq!(line["req_id"], "r-1");
        assert_eq!(line["method"], "GET");
        assert_eq!(line["uri"], "/oauth/logout?id_token_hint=REDACTED");
        assert_eq!(line["response_code"], 302);
        assert_eq!(line["latency_us"], 1234);
        assert_eq!(line["name"], "keyward");
        assert!(line["time"].as_str().unwrap().ends_with('Z'));
    }
}
