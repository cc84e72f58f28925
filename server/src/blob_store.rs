//! Where uploaded files are kept: a local directory (by default beside the
//! SQLite database) or an S3-compatible bucket, behind `object_store`.

use crate::config::BlobArgs;
use anyhow::{Context, bail};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, path::Path};
use serde::Deserialize;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Uploads read into memory at once (each up to 20 MiB); more wait.
const UPLOADS_AT_ONCE: usize = 8;

/// The configured store, and the bound on uploads in flight.
pub struct Blobs {
    pub store: Arc<dyn ObjectStore>,
    pub uploads: Semaphore,
}

/// The query of an `s3://` location: what is not secret.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct S3Options {
    /// The S3-compatible service's URL [default: AWS for the region].
    endpoint: Option<String>,
    region: Option<String>,
}

/// Opens the configured store; `None` when none is configured (PostgreSQL
/// without `--blob-store`). A directory is created when missing.
pub fn open(args: &BlobArgs, database_url: &str) -> anyhow::Result<Option<Blobs>> {
    let location = match &args.blob_store {
        Some(location) => location.clone(),
        None => match crate::config::beside_sqlite(database_url, "blobs") {
            Some(dir) => dir.display().to_string(),
            None => return Ok(None),
        },
    };
    let store: Arc<dyn ObjectStore> = match location.strip_prefix("s3://") {
        Some(rest) => s3(rest, args).with_context(|| "--blob-store `s3://…`".to_string())?,
        None => {
            let dir = location.strip_prefix("file://").unwrap_or(&location);
            std::fs::create_dir_all(dir).with_context(|| format!("creating the blob directory {dir}"))?;
            Arc::new(LocalFileSystem::new_with_prefix(dir).with_context(|| format!("blob directory {dir}"))?)
        }
    };
    Ok(Some(Blobs { store, uploads: Semaphore::new(UPLOADS_AT_ONCE) }))
}

/// A bucket from `bucket[/prefix][?endpoint=…&region=…]`; credentials from
/// the settings, else the AWS environment.
fn s3(rest: &str, args: &BlobArgs) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let (place, query) = rest.split_once('?').unwrap_or((rest, ""));
    let options: S3Options = serde_urlencoded::from_str(query).context("its query takes `endpoint` and `region`")?;
    let (bucket, prefix) = place.split_once('/').unwrap_or((place, ""));
    if bucket.is_empty() {
        bail!("it names no bucket");
    }
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    if let Some(endpoint) = options.endpoint {
        builder = builder.with_allow_http(endpoint.starts_with("http://")).with_endpoint(endpoint);
    }
    if let Some(region) = options.region {
        builder = builder.with_region(region);
    }
    match (&args.blob_s3_access_key_id, &args.blob_s3_secret_access_key) {
        (Some(id), Some(secret)) => builder = builder.with_access_key_id(id).with_secret_access_key(secret),
        (None, None) => {}
        _ => bail!("set both KEYWARD_BLOB_S3_ACCESS_KEY_ID and KEYWARD_BLOB_S3_SECRET_ACCESS_KEY, or neither"),
    }
    let bucket = builder.build()?;
    let prefix = prefix.trim_matches('/');
    Ok(if prefix.is_empty() { Arc::new(bucket) } else { Arc::new(PrefixStore::new(bucket, Path::from(prefix))) })
}
