//! Uploaded files (seed 001's `/api/Blob`): typed by their bytes, stored
//! per tenant under names Keyward makes, served back from `/blobs/…`.

pub mod kind;

use super::Caller;
use crate::blob_store::Blobs;
use crate::error::{Error, Result};
use crate::state::State;
use crate::store::blobs::{self, Blob};
use crate::store::tenants::TenantRef;
use kind::Kind;
use object_store::{ObjectStoreExt, path::Path};
use std::time::Duration;

/// How long an upload waits for one of the bounded upload slots.
const SLOT_WAIT: Duration = Duration::from_secs(10);

/// The store, or why uploads are off.
pub fn store(state: &State) -> Result<&Blobs> {
    state
        .blobs
        .as_ref()
        .ok_or_else(|| Error::Unavailable("no blob store is configured on this server (set KEYWARD_BLOB_STORE)".into()))
}

/// Waits for an upload slot: at most a few uploads are held in memory at
/// once, and one that waits too long answers 503.
pub async fn slot(blobs: &Blobs) -> Result<tokio::sync::SemaphorePermit<'_>> {
    match tokio::time::timeout(SLOT_WAIT, blobs.uploads.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Error::Busy { message: "too many uploads are in progress; try again".into(), retry_after: 1 }),
    }
}

/// `folderName`: 5 to 30 ASCII letters and digits, else the UTC date of
/// `now` as `yyyyMMdd`.
fn folder_name(given: Option<String>, now: i64) -> Result<String> {
    match given {
        None => Ok(crate::store::to_time(now).format("%Y%m%d").to_string()),
        Some(folder) if valid_folder(&folder) => Ok(folder),
        Some(_) => Err(Error::BadRequest(
            "`folderName` must be 5 to 30 ASCII letters and digits (no `/`, `.`, `%` or other characters)".into(),
        )),
    }
}

fn valid_folder(folder: &str) -> bool {
    (5..=30).contains(&folder.len()) && folder.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `name` is one Keyward gives: 32 hex digits, a dot, an extension.
fn valid_name(name: &str) -> bool {
    name.split_once('.').is_some_and(|(id, extension)| {
        id.len() == 32
            && id.bytes().all(|b| b.is_ascii_hexdigit())
            && (2..=5).contains(&extension.len())
            && extension.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Where a tenant's file lives in the store.
fn location(tenant: i64, folder: &str, name: &str) -> Path {
    Path::from_iter([tenant.to_string().as_str(), folder, name])
}

/// What an upload operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Videos and documents (`/api/Blob/File`).
    File,
    /// JPEG and PNG images (`/api/Blob/Image`).
    Image,
    /// PNG images (`/api/Blob/Base64`).
    Png,
}

impl Accept {
    fn takes(self, kind: Kind) -> bool {
        match self {
            Accept::File => !kind.is_image(),
            Accept::Image => kind.is_image(),
            Accept::Png => kind == Kind::Png,
        }
    }

    fn wanted(self) -> &'static str {
        match self {
            Accept::File => "a video (mp4, mov, webm, mkv, avi, wmv, flv, mpeg) or a document (pdf, doc, docx)",
            Accept::Image => "a JPEG or PNG image",
            Accept::Png => "a PNG image",
        }
    }

    /// The largest file of an accepted kind.
    pub fn max_bytes(self) -> usize {
        match self {
            Accept::File => keyward_api::blob::VIDEO_MAX_BYTES,
            Accept::Image | Accept::Png => keyward_api::blob::DOCUMENT_MAX_BYTES,
        }
    }
}

/// Checks `bytes` are of a kind `accept` takes and within its limit,
/// stores them, records them, and answers their URL. The object is written
/// first and removed again if its row cannot be.
pub async fn upload(
    state: &State,
    caller: &Caller,
    folder: Option<String>,
    accept: Accept,
    bytes: Vec<u8>,
) -> Result<String> {
    let folder = folder_name(folder, state.clock.now_ms())?;
    let kind = accepted(accept, &bytes)?;
    if bytes.len() > kind.max_bytes() {
        return Err(Error::TooLarge(format!(
            "this is {} of {} bytes; at most {} MiB ({} bytes) are accepted",
            kind.label(),
            bytes.len(),
            kind.max_bytes() >> 20,
            kind.max_bytes()
        )));
    }
    let store = &store(state)?.store;
    let name = format!("{}.{}", uuid::Uuid::new_v4().simple(), kind.extension());
    let tenant = caller.tenant.id;
    let at = location(tenant, &folder, &name);
    let blob = Blob {
        folder,
        name,
        content_type: kind.content_type().into(),
        size: i64::try_from(bytes.len()).map_err(|e| Error::Internal(e.into()))?,
        uploaded_by: caller.client_id.clone(),
    };
    store.put(&at, bytes.into()).await.map_err(|e| Error::Internal(anyhow::Error::new(e).context("storing a blob")))?;
    let recorded = match state.store.conn().await {
        Ok(mut conn) => blobs::insert(&mut conn, tenant, &blob, state.clock.now_ms()).await,
        Err(e) => Err(e.into()),
    };
    if let Err(error) = recorded {
        // Best effort: an object without a row is never served.
        let _ = store.delete(&at).await;
        return Err(error);
    }
    Ok(format!("{}/blobs/{}/{}", caller.tenant.issuer, blob.folder, blob.name))
}

/// The kind of `bytes` if `accept` takes it; else 415 saying what they are.
fn accepted(accept: Accept, bytes: &[u8]) -> Result<Kind> {
    let found = match kind::sniff(bytes) {
        Ok(kind) if accept.takes(kind) => return Ok(kind),
        Ok(kind) => kind.label().to_string(),
        Err(found) => found,
    };
    Err(Error::Unsupported(format!("this operation takes {}; the file is {found}", accept.wanted())))
}

/// The chunks of a stored file, as the store reads them.
pub type Chunks = futures::stream::BoxStream<'static, object_store::Result<bytes::Bytes>>;

/// A stored file of `tenant` and its content as a stream (a download never
/// holds a whole file in memory); 404 for anything else.
pub async fn view(state: &State, tenant: &TenantRef, folder: &str, name: &str) -> Result<(Blob, Chunks)> {
    let missing = || Error::NotFound("no such file".into());
    if !valid_folder(folder) || !valid_name(name) {
        return Err(missing());
    }
    let blobs = store(state)?;
    let blob = blobs::get(&mut *state.store.conn().await?, tenant.id, folder, name).await?.ok_or_else(missing)?;
    let read = blobs.store.get(&location(tenant.id, folder, name)).await;
    let content = read.map_err(|e| Error::Internal(anyhow::Error::new(e).context("reading a blob")))?;
    Ok((blob, content.into_stream()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn folder_and_file_names_cannot_leave_their_folder() {
        for bad in ["..", "../../etc", "abc/def", "abcd%2F..", "abcde.", "abc", "a".repeat(31).as_str(), "/etc/passwd"]
        {
            assert!(!super::valid_folder(bad), "{bad}");
        }
        assert!(super::valid_folder("20260101") && super::valid_folder("Photos2026"));
        assert!(super::valid_name("0123456789abcdef0123456789abcdef.png"));
        for bad in ["../0123456789abcdef0123456789abcdef.png", "0123456789abcdef0123456789abcdef./png", "x.png"] {
            assert!(!super::valid_name(bad), "{bad}");
        }
    }
}
