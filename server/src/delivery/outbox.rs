//! Development delivery: messages appended to a file as JSON lines.

use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

pub struct Outbox {
    path: PathBuf,
    /// One writer at a time, so lines never interleave.
    lock: Mutex<()>,
}

impl Outbox {
    pub fn new(path: PathBuf) -> Outbox {
        Outbox { path, lock: Mutex::new(()) }
    }

    pub async fn write(&self, channel: &str, to: &str, text: &str) -> anyhow::Result<()> {
        let mut line = serde_json::json!({ "channel": channel, "to": to, "text": text }).to_string();
        line.push('\n');
        let _guard = self.lock.lock().await;
        let mut file = tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await?;
        file.write_all(line.as_bytes()).await?;
        // tokio hands the write to a blocking thread; flushing waits for it,
        // so the line is in the file before the caller answers.
        file.flush().await?;
        Ok(())
    }
}
