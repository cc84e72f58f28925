//! Reading an upload's bytes (multipart field `value`, or the bare body) and
//! serving a stored file so that it can never act on Keyward's origin.

use super::calls::Ctx;
use crate::domain::Caller;
use crate::domain::blobs::{self, Accept, Chunks};
use crate::error::Error;
use crate::state::State;
use crate::store::blobs::Blob;
use dropshot::{Body, HttpError, StreamingBody};
use futures::StreamExt;
use keyward_api::blob::BlobFolderQuery;

/// The multipart field OAuthApp's clients put the file in.
const FIELD: &str = "value";

/// `/api/Blob/File` and `/api/Blob/Image`: in one of the bounded upload
/// slots, the file is read, checked and stored; answers its URL.
pub async fn upload(
    rqctx: &Ctx,
    (state, caller): (&State, &Caller),
    query: BlobFolderQuery,
    body: StreamingBody,
    accept: Accept,
) -> Result<String, Error> {
    let _slot = blobs::slot(blobs::store(state)?).await?;
    let bytes = read_upload(rqctx, body, accept.max_bytes()).await?;
    blobs::upload(state, caller, query.folder_name, accept, bytes).await
}

/// `/api/Blob/Base64`: the PNG image a JSON string holds in base64.
pub async fn upload_base64(
    state: &State,
    caller: &Caller,
    query: BlobFolderQuery,
    text: &str,
) -> Result<String, Error> {
    use base64::Engine;
    let _slot = blobs::slot(blobs::store(state)?).await?;
    let text = text.strip_prefix("data:image/png;base64,").unwrap_or(text);
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|e| Error::BadRequest(format!("the body is not a base64 string: {e}")))?;
    blobs::upload(state, caller, query.folder_name, Accept::Png, bytes).await
}

/// The uploaded file: the `value` field of a `multipart/form-data` body, or
/// the whole body under any other content type; at most `max` bytes (413).
pub async fn read_upload(rqctx: &Ctx, body: StreamingBody, max: usize) -> Result<Vec<u8>, Error> {
    let too_large =
        || Error::TooLarge(format!("the file is larger than {} MiB, the most this operation takes", max >> 20));
    let content_type = rqctx.request.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let stream = body.into_stream();
    if !content_type.is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/form-data")) {
        let mut stream = std::pin::pin!(stream);
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.map_err(|e| body_error(&e))?);
            if bytes.len() > max {
                return Err(too_large());
            }
        }
        return Ok(bytes);
    }
    let boundary = multer::parse_boundary(content_type.unwrap_or_default())
        .map_err(|e| Error::BadRequest(format!("the multipart Content-Type is malformed: {e}")))?;
    let limit = multer::SizeLimit::new().per_field(u64::try_from(max).unwrap_or(u64::MAX));
    let mut form = multer::Multipart::with_constraints(stream, boundary, multer::Constraints::new().size_limit(limit));
    let multipart_error = |error: multer::Error| match error {
        multer::Error::FieldSizeExceeded { .. } => too_large(),
        multer::Error::StreamReadFailed(inner) => match inner.downcast::<HttpError>() {
            Ok(http) => body_error(&http),
            Err(other) => Error::BadRequest(format!("reading the request body failed: {other}")),
        },
        // multer's own message leaves out why, e.g. more than its 32 header lines.
        multer::Error::ReadHeaderFailed(why) => {
            Error::BadRequest(format!("the multipart body is malformed: a part's headers cannot be read ({why})"))
        }
        other => Error::BadRequest(format!("the multipart body is malformed: {other}")),
    };
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        if field.name() != Some(FIELD) {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(Error::BadRequest(format!("the multipart body has no `{FIELD}` field holding the file")))
}

/// Dropshot's own body failures; its oversize body is a 413.
fn body_error(error: &HttpError) -> Error {
    let message = error.external_message.clone();
    if keyward_api::error::request_error_status(error) == 413 {
        Error::TooLarge(message)
    } else {
        Error::BadRequest(message)
    }
}

/// A stored file with headers that keep it inert: its type as found at
/// upload and no sniffing, a policy that loads and runs nothing, and images
/// and videos inline, anything else as a download.
pub fn served(blob: &Blob, content: Chunks) -> Result<http::Response<Body>, Error> {
    let inline = blob.content_type.starts_with("image/") || blob.content_type.starts_with("video/");
    let disposition = format!("{}; filename=\"{}\"", if inline { "inline" } else { "attachment" }, blob.name);
    http::Response::builder()
        .header(http::header::CONTENT_TYPE, &blob.content_type)
        .header(http::header::CONTENT_LENGTH, blob.size)
        .header(http::header::CONTENT_DISPOSITION, disposition)
        .header(http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(http::header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox")
        .header(http::header::CACHE_CONTROL, "public, max-age=86400")
        .body(Body::wrap(Streamed::from(content)))
        .map_err(|e| Error::Internal(e.into()))
}

/// A download's body, fed by a task reading the store through a small
/// bounded channel: at most a few chunks of a file wait in memory however
/// slowly the client reads, and dropshot gets the `Sync` body it needs
/// (the store's stream is not `Sync`).
struct Streamed(tokio::sync::mpsc::Receiver<Result<bytes::Bytes, std::io::Error>>);

impl From<Chunks> for Streamed {
    fn from(mut chunks: Chunks) -> Streamed {
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        tokio::spawn(async move {
            while let Some(chunk) = chunks.next().await {
                let failed = chunk.is_err();
                if sender.send(chunk.map_err(std::io::Error::other)).await.is_err() || failed {
                    break;
                }
            }
        });
        Streamed(receiver)
    }
}

impl http_body::Body for Streamed {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|chunk| chunk.map(http_body::Frame::data)))
    }
}
