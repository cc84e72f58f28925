//! A local S3-compatible server for the blob store's S3 backend: moto's
//! `moto_server` (PyPI `moto[server]`), which `cargo xtask verify` installs
//! into `target/tools/moto` and names in `KEYWARD_TEST_MOTO_SERVER`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The command that installs it, for the message when it is missing.
pub const INSTALL: &str =
    "python3 -m venv target/tools/moto && target/tools/moto/bin/pip install 'moto[server]==5.2.5'";

/// A running `moto_server` on a loopback port, stopped when dropped.
pub struct Moto {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    child: Child,
}

impl Moto {
    /// Starts moto; fails (never skips) when it is not installed.
    pub async fn start() -> Moto {
        let binary = std::env::var_os("KEYWARD_TEST_MOTO_SERVER").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/tools/moto/bin/moto_server"))
        });
        assert!(
            binary.exists(),
            "the S3 blob store tests need moto's server at {} (or KEYWARD_TEST_MOTO_SERVER): \
             run `cargo xtask verify`, or `{INSTALL}` at the workspace root",
            binary.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(&binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
        let moto = Moto { endpoint: format!("http://127.0.0.1:{port}"), child };
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "moto_server did not listen within 30 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        moto
    }

    /// Creates `bucket` (moto checks no signature).
    pub async fn create_bucket(&self, bucket: &str) {
        let response = reqwest::Client::new().put(format!("{}/{bucket}", self.endpoint)).send().await.unwrap();
        assert!(response.status().is_success(), "creating bucket {bucket}: {}", response.status());
    }

    /// An object's bytes, read straight from the bucket with `credentials`.
    pub async fn object(&self, bucket: &str, key: &str, (id, secret): (&str, &str)) -> Vec<u8> {
        use object_store::ObjectStoreExt;
        let s3 = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_bucket_name(bucket)
            .with_access_key_id(id)
            .with_secret_access_key(secret)
            .build()
            .unwrap();
        let object = s3.get(&object_store::path::Path::from(key)).await;
        let object = object.unwrap_or_else(|e| panic!("reading {bucket}/{key}: {e}"));
        object.bytes().await.unwrap().to_vec()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
