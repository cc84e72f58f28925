//! Uploaded files (seed 001's `/api/Blob`): the upload query and the path a
//! stored file is served back at.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Largest video `POST /api/Blob/File` stores (seed 001: video < 20 MB).
pub const VIDEO_MAX_BYTES: usize = 20 * 1024 * 1024;
/// Largest document (pdf, doc, docx) or image stored (seed 001: < 10 MB).
pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Room for the multipart framing around the largest file.
const FRAMING_BYTES: usize = 64 * 1024;
/// Largest `POST /api/Blob/File` body: a video with its multipart framing.
pub const FILE_BODY_MAX_BYTES: usize = VIDEO_MAX_BYTES + FRAMING_BYTES;
/// Largest `POST /api/Blob/Image` body: an image with its multipart framing.
pub const IMAGE_BODY_MAX_BYTES: usize = DOCUMENT_MAX_BYTES + FRAMING_BYTES;
/// Largest `POST /api/Blob/Base64` body: a JSON string holding the base64 of
/// the largest image, with a `data:` URL prefix.
pub const BASE64_BODY_MAX_BYTES: usize = DOCUMENT_MAX_BYTES.div_ceil(3) * 4 + 1024;

/// Where an upload is stored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct BlobFolderQuery {
    /// 5 to 30 ASCII letters and digits; the current UTC date as
    /// `yyyyMMdd` when absent.
    #[serde(rename = "folderName", default, skip_serializing_if = "Option::is_none")]
    pub folder_name: Option<String>,
}

/// A stored file, as the URL an upload answers names it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct BlobPath {
    /// The folder it was uploaded to.
    pub folder: String,
    /// The name Keyward gave it: 32 hex digits and the extension of its type.
    pub name: String,
}
