//! Seed 001's Blob operations: uploads of each kind through the
//! seed's multipart form and the SDK's bare body, typed by their bytes,
//! served back byte for byte with headers that keep them inert; oversize,
//! mistyped and traversing uploads refused; permissions; tenants kept apart;
//! the local directory and an S3 bucket (moto) as stores.

use keyward_server::config::{BlobArgs, Settings};
use keyward_tests::files::{self, multipart};
use keyward_tests::moto::Moto;
use keyward_tests::tenant::At;
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, flow, on_both_databases};
use reqwest::Method;
use serde_json::{Value, json};

on_both_databases!(
    each_kind_is_served_back_inert,
    wrong_types_and_oversize_files_are_refused,
    names_cannot_traverse,
    each_upload_needs_its_permission,
    tenants_see_only_their_own_files,
    an_s3_bucket_stores_them
);

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A request to this server as `host` (the default tenant when `None`).
fn request(server: &TestServer, method: Method, path: &str, bearer: Option<&str>) -> reqwest::RequestBuilder {
    let request = server.http().request(method, format!("{}{path}", server.url));
    match bearer {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
}

/// Uploads `bytes` as the multipart field `value` with the given file name
/// and declared type; (status, envelope).
async fn upload(
    server: &TestServer,
    path: &str,
    bearer: Option<&str>,
    (filename, declared): (&str, &str),
    bytes: &[u8],
) -> (u16, Value) {
    let (content_type, body) = multipart("value", filename, declared, bytes);
    crate::json(
        request(server, Method::POST, path, bearer)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Uploads `bytes` as the bare body (what the SDK sends); (status, envelope).
async fn upload_raw(server: &TestServer, path: &str, bearer: Option<&str>, bytes: Vec<u8>) -> (u16, Value) {
    let request = request(server, Method::POST, path, bearer).header("Content-Type", "application/octet-stream");
    crate::json(request.body(bytes).send().await.unwrap()).await
}

/// The URL of a 201 answer.
fn url_of((status, body): (u16, Value)) -> String {
    assert_eq!(status, 201, "{body}");
    body["data"].as_str().expect("the URL").to_string()
}

/// The folder and name of a `…/blobs/{folder}/{name}` URL, checking the
/// name is one Keyward made.
fn parts(url: &str, extension: &str) -> (String, String) {
    let (_, tail) = url.split_once("/blobs/").expect("a /blobs/ URL");
    let (folder, name) = tail.split_once('/').unwrap();
    let (id, ext) = name.split_once('.').unwrap();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && ext == extension, "{url}");
    (folder.to_string(), name.to_string())
}

/// Fetches a served file through `at` and checks its bytes and headers.
async fn check_served(at: &At<'_>, url: &str, bytes: &[u8], content_type: &str, disposition: &str) {
    let path = format!("/blobs/{}", url.split_once("/blobs/").unwrap().1);
    let response = at.request(Method::GET, &path).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert_eq!(header("content-type"), content_type);
    assert!(
        header("content-disposition").starts_with(&format!("{disposition}; filename=")),
        "{}",
        header("content-disposition")
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("content-security-policy"), "default-src 'none'; sandbox");
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes, "{path} is served byte for byte");
}

/// The default tenant's side of the server.
fn home(server: &TestServer) -> At<'_> {
    At::new(server, server.url.trim_start_matches("http://"))
}

/// The directory the server stores files in.
fn blob_dir(server: &TestServer) -> std::path::PathBuf {
    server.db.blob_store().map(Into::into).unwrap_or_else(|| {
        let path = server.db.url.trim_start_matches("sqlite://");
        format!("{path}.blobs").into()
    })
}

async fn each_kind_is_served_back_inert(server: TestServer) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    let polyglot = [files::png(), b"<html><script>alert(document.domain)</script>".to_vec()].concat();
    let cases = [
        ("/api/Blob/File", files::mp4(), "video/mp4", "inline", "mp4"),
        ("/api/Blob/File?folderName=Videos2026", files::webm(), "video/webm", "inline", "webm"),
        ("/api/Blob/File?folderName=Reports", files::pdf(), "application/pdf", "attachment", "pdf"),
        ("/api/Blob/File", files::compound_file("WordDocument"), "application/msword", "attachment", "doc"),
        ("/api/Blob/File", files::docx(), DOCX, "attachment", "docx"),
        ("/api/Blob/Image", files::jpeg(), "image/jpeg", "inline", "jpg"),
        ("/api/Blob/Image?folderName=Avatars", files::png(), "image/png", "inline", "png"),
        // A PNG with HTML after its header is stored as the PNG it is, and served inert.
        ("/api/Blob/Image", polyglot, "image/png", "inline", "png"),
    ];
    for (path, bytes, content_type, disposition, extension) in cases {
        // The declared name and type are ignored: the bytes decide.
        let url = url_of(upload(&server, path, Some(&admin), ("x.html", "text/html"), &bytes).await);
        assert!(url.starts_with(&format!("{}/blobs/", server.url)), "{url}");
        let (folder, name) = parts(&url, extension);
        let wanted = path.split_once("folderName=").map_or(today.as_str(), |(_, f)| f);
        assert_eq!(folder, wanted);
        check_served(&home(&server), &url, &bytes, content_type, disposition).await;
        let tenant = server.db.texts(&format!("SELECT CAST(tenant_id AS TEXT) FROM blobs WHERE name = '{name}'")).await;
        let on_disk = blob_dir(&server).join(&tenant[0]).join(&folder).join(&name);
        assert_eq!(std::fs::read(&on_disk).unwrap(), bytes, "stored under the tenant's prefix: {}", on_disk.display());
    }
    // Image's seed form: octet-stream is accepted when the bytes are an image.
    let url = url_of(
        upload(&server, "/api/Blob/Image", Some(&admin), ("a.bin", "application/octet-stream"), &files::jpeg()).await,
    );
    check_served(&home(&server), &url, &files::jpeg(), "image/jpeg", "inline").await;

    // The SDK sends the bare bytes, and Base64 a JSON string.
    let sdk = server.admin().await;
    let url =
        sdk.blob_file_upload().folder_name("ViaTheSdk").body(files::docx()).send().await.unwrap().into_inner().data;
    assert_eq!(parts(&url, "docx").0, "ViaTheSdk");
    check_served(&home(&server), &url, &files::docx(), DOCX, "attachment").await;
    let url = sdk.blob_image_upload().body(files::png()).send().await.unwrap().into_inner().data;
    check_served(&home(&server), &url, &files::png(), "image/png", "inline").await;
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(files::png());
    let url = sdk.blob_base64_upload().body(encoded.clone()).send().await.unwrap().into_inner().data;
    check_served(&home(&server), &url, &files::png(), "image/png", "inline").await;
    let data_url = format!("data:image/png;base64,{encoded}");
    let url = url_of(
        crate::json(
            request(&server, Method::POST, "/api/Blob/Base64", Some(&admin)).json(&data_url).send().await.unwrap(),
        )
        .await,
    );
    check_served(&home(&server), &url, &files::png(), "image/png", "inline").await;

    // Many at once: the bounded upload slots queue them, none is lost.
    let parallel =
        (0..32).map(|_| upload_raw(&server, "/api/Blob/Image?folderName=Parallel", Some(&admin), files::png()));
    let urls: std::collections::HashSet<String> =
        futures::future::join_all(parallel).await.into_iter().map(url_of).collect();
    assert_eq!(urls.len(), 32, "32 parallel uploads, 32 files");
    let stored = server.db.texts("SELECT CAST(COUNT(*) AS TEXT) FROM blobs WHERE folder = 'Parallel'").await;
    assert_eq!(stored, ["32"]);

    assert_eq!(server.db.texts("SELECT DISTINCT uploaded_by FROM blobs").await, [ADMIN_ID], "who uploaded is recorded");
    let sizes = server.db.texts("SELECT CAST(size AS TEXT) FROM blobs WHERE content_type = 'application/pdf'").await;
    assert_eq!(sizes, [files::pdf().len().to_string()]);
}

async fn wrong_types_and_oversize_files_are_refused(server: TestServer) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let refused = |(status, body): (u16, Value), wanted: u16, says: &str| {
        assert_eq!(status, wanted, "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{message:?} should say {says:?}");
    };
    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>";
    let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
    refused(
        upload(&server, "/api/Blob/Image", Some(&admin), ("cat.png", "image/png"), html).await,
        415,
        "text markup (HTML, SVG or XML)",
    );
    refused(upload_raw(&server, "/api/Blob/Image", Some(&admin), svg.to_vec()).await, 415, "text markup");
    refused(
        upload(&server, "/api/Blob/File", Some(&admin), ("page.pdf", "application/pdf"), html).await,
        415,
        "text markup",
    );
    refused(
        upload_raw(&server, "/api/Blob/File", Some(&admin), b"GIF89a\x01\x00\x01\x00".to_vec()).await,
        415,
        "starting with the bytes 47 49 46 38",
    );
    refused(upload_raw(&server, "/api/Blob/File", Some(&admin), files::png()).await, 415, "the file is a PNG image");
    refused(
        upload_raw(&server, "/api/Blob/Image", Some(&admin), files::pdf()).await,
        415,
        "takes a JPEG or PNG image; the file is a PDF document",
    );
    let not_word = files::zip(&[("hello.txt", b"hello")]);
    refused(
        upload_raw(&server, "/api/Blob/File", Some(&admin), not_word).await,
        415,
        "zip archive without `word/document.xml`",
    );
    refused(
        upload_raw(&server, "/api/Blob/File", Some(&admin), files::compound_file("Workbook")).await,
        415,
        "without a `WordDocument` stream",
    );
    refused(upload_raw(&server, "/api/Blob/File", Some(&admin), Vec::new()).await, 415, "an empty file");
    let base64 = |bytes: &[u8]| {
        use base64::Engine;
        json!(base64::engine::general_purpose::STANDARD.encode(bytes))
    };
    let post_json = |body: Value| request(&server, Method::POST, "/api/Blob/Base64", Some(&admin)).json(&body).send();
    refused(crate::json(post_json(json!("not base64!")).await.unwrap()).await, 400, "not a base64 string");
    refused(
        crate::json(post_json(base64(&files::jpeg())).await.unwrap()).await,
        415,
        "takes a PNG image; the file is a JPEG image",
    );
    let (content_type, body) = multipart("file", "a.png", "image/png", &files::png());
    let request_without_value =
        request(&server, Method::POST, "/api/Blob/Image", Some(&admin)).header("Content-Type", content_type);
    refused(crate::json(request_without_value.body(body).send().await.unwrap()).await, 400, "no `value` field");

    // Limits by kind: documents and images 10 MiB, videos 20 MiB.
    let padded = |mut bytes: Vec<u8>, size: usize| {
        bytes.resize(size, 0);
        bytes
    };
    const MIB: usize = 1024 * 1024;
    let big_pdf = padded(files::pdf(), 10 * MIB + 1);
    refused(
        upload(&server, "/api/Blob/File", Some(&admin), ("a.pdf", "application/pdf"), &big_pdf).await,
        413,
        "at most 10 MiB (10485760 bytes)",
    );
    refused(
        upload_raw(&server, "/api/Blob/Image", Some(&admin), padded(files::png(), 10 * MIB + 1)).await,
        413,
        "larger than 10 MiB",
    );
    refused(
        upload_raw(&server, "/api/Blob/File", Some(&admin), padded(files::mp4(), 20 * MIB + 1)).await,
        413,
        "larger than 20 MiB",
    );
    let big_video = padded(files::mp4(), 20 * MIB + 1);
    refused(
        upload(&server, "/api/Blob/File", Some(&admin), ("v.mp4", "video/mp4"), &big_video).await,
        413,
        "larger than 20 MiB",
    );
    refused(
        crate::json(post_json(base64(&padded(files::png(), 10 * MIB + 1))).await.unwrap()).await,
        413,
        "at most 10 MiB",
    );
    refused(
        crate::json(post_json(json!("A".repeat(15 * MIB))).await.unwrap()).await,
        413,
        "request body exceeded maximum size",
    );
    assert_eq!(server.db.texts("SELECT CAST(COUNT(*) AS TEXT) FROM blobs").await, ["0"], "nothing refused is recorded");

    // A video may be larger than a document.
    let video = padded(files::mp4(), 10 * MIB + 1);
    let url = url_of(upload_raw(&server, "/api/Blob/File", Some(&admin), video.clone()).await);
    check_served(&home(&server), &url, &video, "video/mp4", "inline").await;
}

async fn names_cannot_traverse(server: TestServer) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let long = "a".repeat(31);
    for folder in [
        "..%2F..%2Fetc",
        "%2E%2E%2F%2E%2E%2Ftmp",
        "%252e%252e%252fetc",
        "%2Fetc%2Fpasswd",
        "abc.def",
        "abcd",
        long.as_str(),
        "folder%20name",
        "",
    ] {
        let (status, body) =
            upload_raw(&server, &format!("/api/Blob/Image?folderName={folder}"), Some(&admin), files::png()).await;
        assert_eq!(status, 400, "{folder}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("`folderName` must be 5 to 30 ASCII letters and digits"),
            "{body}"
        );
    }
    // The client's file name is never used.
    for filename in ["../../../../tmp/keyward-evil.png", "/etc/passwd", "..%2f..%2fevil.png", "..\\..\\evil.png"] {
        let url = url_of(
            upload(&server, "/api/Blob/Image?folderName=Safe01", Some(&admin), (filename, "image/png"), &files::png())
                .await,
        );
        assert_eq!(parts(&url, "png").0, "Safe01", "{filename} → {url}");
    }
    assert!(!std::path::Path::new("/tmp/keyward-evil.png").exists());
    let url = url_of(upload_raw(&server, "/api/Blob/Image?folderName=Safe01", Some(&admin), files::png()).await);
    let (folder, name) = parts(&url, "png");
    for path in [
        format!("/blobs/{folder}/..%2F..%2F..%2Fetc%2Fpasswd"),
        format!("/blobs/..%2F..%2F{folder}/{name}"),
        format!("/blobs/%2e%2e/{name}"),
        format!("/blobs/{folder}/{}", name.replace(".png", ".html")),
        format!("/blobs/{folder}/%2Fetc%2Fpasswd"),
        "/blobs/etc/passwd".to_string(),
    ] {
        let status = home(&server).request(Method::GET, &path).send().await.unwrap().status().as_u16();
        assert_eq!(status, 404, "{path}");
    }
}

/// A client_credentials token of a new client allowed `scopes`, asking for all of them.
async fn token_for(server: &TestServer, client_id: &str, scopes: &[&str]) -> String {
    let allowed: Vec<Value> = scopes.iter().map(|s| json!({ "scope": s })).collect();
    let body = json!({ "clientId": client_id, "allowedGrantTypes": [{ "grantType": "client_credentials" }], "allowedScopes": allowed });
    let secret = flow::create_app(server, body).await.unwrap();
    server.token(client_id, &secret, Some(&scopes.join(" "))).await
}

async fn each_upload_needs_its_permission(server: TestServer) {
    let uploads: [(&str, &str); 3] = [
        ("/api/Blob/File", "isms.blob.post"),
        ("/api/Blob/Image", "isms.blob.image"),
        ("/api/Blob/Base64", "isms.blob.base64"),
    ];
    let body_for = |path: &str| {
        use base64::Engine;
        match path {
            "/api/Blob/File" => files::pdf(),
            "/api/Blob/Image" => files::png(),
            _ => serde_json::to_vec(&base64::engine::general_purpose::STANDARD.encode(files::png())).unwrap(),
        }
    };
    let post = async |path: &str, bearer: Option<&str>| {
        let content_type = if path.ends_with("Base64") { "application/json" } else { "application/octet-stream" };
        let request = request(&server, Method::POST, path, bearer).header("Content-Type", content_type);
        crate::json(request.body(body_for(path)).send().await.unwrap()).await
    };
    let other = token_for(&server, "client-reader", &["isms.client.get"]).await;
    for (path, permission) in uploads {
        assert_eq!(post(path, None).await.0, 401, "{path} without a token");
        let (status, body) = post(path, Some(&other)).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body["message"].as_str().unwrap().contains(permission), "{body}");
    }
    let files_only = token_for(&server, "file-uploader", &["isms.blob.post"]).await;
    let url = url_of(post("/api/Blob/File", Some(&files_only)).await);
    assert_eq!(post("/api/Blob/Image", Some(&files_only)).await.0, 403);
    assert_eq!(post("/api/Blob/Base64", Some(&files_only)).await.0, 403);
    let all = token_for(&server, "blob-admin", &["isms.blob.all"]).await;
    for (path, _) in uploads {
        url_of(post(path, Some(&all)).await);
    }
    // Reading needs no token, as OAuthApp's blob URLs did.
    check_served(&home(&server), &url, &files::pdf(), "application/pdf", "attachment").await;
    let uploaders = server.db.texts("SELECT DISTINCT uploaded_by FROM blobs ORDER BY uploaded_by").await;
    assert_eq!(uploaders, ["blob-admin", "file-uploader"]);
}

async fn tenants_see_only_their_own_files(server: TestServer) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let acme = keyward_tests::tenant::acme(&server).await;
    let home_url = url_of(upload_raw(&server, "/api/Blob/Image?folderName=Shared01", Some(&admin), files::png()).await);
    let home_path = format!("/blobs/{}", home_url.split_once("/blobs/").unwrap().1);
    assert_eq!(acme.request(Method::GET, &home_path).send().await.unwrap().status().as_u16(), 404);

    let request = acme.request(Method::POST, "/api/Blob/Image?folderName=Shared01").bearer_auth(&admin);
    let acme_url = url_of(crate::json(request.body(files::jpeg()).send().await.unwrap()).await);
    assert!(acme_url.starts_with("https://acme.test/blobs/Shared01/"), "Acme's issuer names it: {acme_url}");
    check_served(&acme, &acme_url, &files::jpeg(), "image/jpeg", "inline").await;
    let acme_path = format!("/blobs/{}", acme_url.split_once("/blobs/").unwrap().1);
    assert_eq!(home(&server).request(Method::GET, &acme_path).send().await.unwrap().status().as_u16(), 404);

    let tenants = server.db.texts("SELECT DISTINCT CAST(tenant_id AS TEXT) FROM blobs").await;
    assert_eq!(tenants.len(), 2, "each file is its tenant's");
    for tenant in tenants {
        assert!(blob_dir(&server).join(tenant).join("Shared01").is_dir(), "each tenant has its own prefix");
    }
}

/// What the server and the test sign S3 requests with (moto takes any).
const CREDENTIALS: (&str, &str) = ("keyward-test", "keyward-test-secret");

async fn an_s3_bucket_stores_them(server: TestServer) {
    let moto = Moto::start().await;
    moto.create_bucket("keyward-blobs").await;
    let store = format!("s3://keyward-blobs/uploads?endpoint={}&region=us-east-1", moto.endpoint);
    let server = server
        .restart_with(|settings| Settings {
            blob: BlobArgs {
                blob_store: Some(store),
                blob_s3_access_key_id: Some(CREDENTIALS.0.into()),
                blob_s3_secret_access_key: Some(CREDENTIALS.1.into()),
            },
            ..settings
        })
        .await;
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    for (path, bytes, content_type, disposition, extension) in [
        ("/api/Blob/Image?folderName=Bucket01", files::png(), "image/png", "inline", "png"),
        ("/api/Blob/File?folderName=Bucket01", files::docx(), DOCX, "attachment", "docx"),
    ] {
        let url = url_of(upload(&server, path, Some(&admin), ("f", "application/octet-stream"), &bytes).await);
        check_served(&home(&server), &url, &bytes, content_type, disposition).await;
        let (folder, name) = parts(&url, extension);
        let tenant = server.db.texts(&format!("SELECT CAST(tenant_id AS TEXT) FROM blobs WHERE name = '{name}'")).await;
        let key = format!("uploads/{}/{folder}/{name}", tenant[0]);
        assert_eq!(moto.object("keyward-blobs", &key, CREDENTIALS).await, bytes, "the bucket holds {key}");
        assert!(!blob_dir(&server).join(&tenant[0]).exists(), "nothing is written to the local directory");
    }
}
