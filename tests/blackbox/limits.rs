//! Written limits on every parser of untrusted input:
//! for each limit, a request exactly at it is parsed and answered on its
//! merits, one just past it is refused with a precise message, and the
//! server keeps answering. The README's Security section lists them.

use keyward_api::blob::{BASE64_BODY_MAX_BYTES, DOCUMENT_MAX_BYTES, IMAGE_BODY_MAX_BYTES, VIDEO_MAX_BYTES};
use keyward_api::codegen::GEN_BODY_MAX_BYTES;
use keyward_api::{ADMIN_BODY_MAX_BYTES, APP_BODY_MAX_BYTES, IMPORT_BODY_MAX_BYTES, TOKEN_BODY_MAX_BYTES};
use keyward_tests::{ADMIN_ID, ADMIN_SECRET, TestServer, files, on_both_databases};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_databases!(
    bodies_are_capped_per_operation,
    json_nesting_is_capped,
    request_lines_and_headers_are_capped,
    bearer_tokens_are_capped_before_parsing,
    uploads_are_capped_at_and_past_their_limits
);

/// The server's default for operations that set no body limit
/// (`server/src/server.rs`).
const DEFAULT_BODY_MAX_BYTES: usize = 1024;
/// serde_json's nesting limit, which dropshot keeps: 128 open arrays or
/// objects are refused, so 127 is the deepest body parsed.
const JSON_MAX_DEPTH: usize = 127;
/// hyper's longest HTTP/1 request target (`u16::MAX - 1`); longer is 414.
const URI_MAX_BYTES: usize = 65_534;
/// hyper's most header lines in an HTTP/1 request; more is 431.
const MAX_HEADERS: usize = 100;
/// hyper's HTTP/1 read buffer, which the request line and headers must fit
/// (8 KiB + 400 KiB); past it, 431.
const HEAD_MAX_BYTES: usize = 8192 + 4096 * 100;
/// The longest JWT verified (the `crypto/jwt.rs` fix): a token Keyward
/// issues must fit an 8 KiB introspection form, so a longer one is not one.
const JWT_MAX_BYTES: usize = 8 * 1024;

/// `body` with its padding filled so that it is exactly `size` bytes.
fn sized(size: usize, body: impl Fn(&str) -> String) -> String {
    let bare = body("").len();
    let padded = body(&"x".repeat(size.checked_sub(bare).expect("the template fits the limit")));
    assert_eq!(padded.len(), size);
    padded
}

/// The status and text of a response.
async fn answer(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Checks an answer's status and that its text says `says`.
fn check((status, text): (u16, String), wanted: u16, says: &str) {
    assert_eq!(status, wanted, "{text}");
    assert!(text.contains(says), "{text:?} should say {says:?}");
}

async fn healthy(server: &TestServer) {
    let health = server.http().get(format!("{}/healthz", server.url)).send().await.unwrap();
    assert_eq!(health.status(), 200, "the server still answers");
}

/// Every operation's body limit, the one check before any parsing: JSON,
/// form posts and the server default, anonymous operations included.
async fn bodies_are_capped_per_operation(server: TestServer) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let http = server.http();
    let exceeded = |limit: usize| format!("request body exceeded maximum size of {limit} bytes");
    let post = |path: &str, content_type: &'static str, bearer: Option<&str>, body: String| {
        let request = http.post(format!("{}{path}", server.url)).header("Content-Type", content_type).body(body);
        match bearer {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    const JSON: &str = "application/json";
    const FORM: &str = "application/x-www-form-urlencoded";

    // Admin JSON (64 KiB).
    let client = |pad: &str| json!({ "clientId": "limits", "description": pad }).to_string();
    let at = sized(ADMIN_BODY_MAX_BYTES, client);
    check(answer(post("/api/Client", JSON, Some(&admin), at).await.unwrap()).await, 422, "description");
    let past = sized(ADMIN_BODY_MAX_BYTES + 1, client);
    check(answer(post("/api/Client", JSON, Some(&admin), past).await.unwrap()).await, 413, &exceeded(65_536));

    // Anonymous end-user JSON (16 KiB).
    let register = |pad: &str| {
        json!({ "phoneNumber": "13800000000", "phoneNumberVerifyCode": "000000", "password": "a long password",
                "nickName": pad })
        .to_string()
    };
    let at = sized(APP_BODY_MAX_BYTES, register);
    let refusal = answer(post("/api/UserRegistration/Register", JSON, None, at).await.unwrap()).await;
    check(refusal, 403, "registration is not enabled");
    let past = sized(APP_BODY_MAX_BYTES + 1, register);
    let refusal = answer(post("/api/UserRegistration/Register", JSON, None, past).await.unwrap()).await;
    check(refusal, 413, &exceeded(16_384));

    // Token endpoint form posts (8 KiB).
    let token = |pad: &str| format!("grant_type=client_credentials&client_id=nobody&client_secret=wrong&scope={pad}");
    let at = sized(TOKEN_BODY_MAX_BYTES, token);
    check(answer(post("/oauth/token", FORM, None, at).await.unwrap()).await, 401, "invalid_client");
    let past = sized(TOKEN_BODY_MAX_BYTES + 1, token);
    check(answer(post("/oauth/token", FORM, None, past).await.unwrap()).await, 413, &exceeded(8192));

    // OpenAPI document import (1 MiB): at the limit, refused as no document.
    let import = |pad: &str| json!([pad]).to_string();
    let at = sized(IMPORT_BODY_MAX_BYTES, import);
    let refusal = answer(post("/api/ApiResource/Import", JSON, Some(&admin), at).await.unwrap()).await;
    check(refusal, 422, "the body must be an OpenAPI 3.x document");
    let past = sized(IMPORT_BODY_MAX_BYTES + 1, import);
    let refusal = answer(post("/api/ApiResource/Import", JSON, Some(&admin), past).await.unwrap()).await;
    check(refusal, 413, &exceeded(1_048_576));

    // Anonymous code generation (2 MiB): at the limit, parsed and refused
    // as anonymous generation is off by default.
    let generate = |pad: &str| json!({ "genName": pad }).to_string();
    let at = sized(GEN_BODY_MAX_BYTES, generate);
    let refusal = answer(post("/api/CodeGenerators/Gen", JSON, None, at).await.unwrap()).await;
    check(refusal, 401, "anonymous generation is off");
    let past = sized(GEN_BODY_MAX_BYTES + 1, generate);
    check(answer(post("/api/CodeGenerators/Gen", JSON, None, past).await.unwrap()).await, 413, &exceeded(2_097_152));

    // The server's default (1 KiB), here the anonymous subscription form.
    let confirm = |pad: &str| format!("code={pad}");
    let at = sized(DEFAULT_BODY_MAX_BYTES, confirm);
    let refusal = answer(post("/api/ApiResource/1/AddSubscription", FORM, None, at).await.unwrap()).await;
    check(refusal, 400, "The subscription link cannot be used");
    let past = sized(DEFAULT_BODY_MAX_BYTES + 1, confirm);
    let refusal = answer(post("/api/ApiResource/1/AddSubscription", FORM, None, past).await.unwrap()).await;
    check(refusal, 413, &exceeded(1024));
    healthy(&server).await;
}

/// `depth` nested arrays.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// JSON nesting: the object around the value counts as one level.
async fn json_nesting_is_capped(server: TestServer) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let put = |body: String| {
        server
            .http()
            .put(format!("{}/api/Client", server.url))
            .bearer_auth(&admin)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let client = |depth: usize| format!(r#"{{"id":1,"description":{}}}"#, nested(depth - 1));
    let at = answer(put(client(JSON_MAX_DEPTH)).await.unwrap()).await;
    check(at.clone(), 400, "invalid type: sequence");
    assert!(!at.1.contains("recursion limit"), "{}", at.1);
    check(answer(put(client(JSON_MAX_DEPTH + 1)).await.unwrap()).await, 400, "recursion limit exceeded");

    // The anonymous operation that takes any JSON document: refused before
    // the document reaches the OpenAPI parser.
    let generate = format!(r#"{{"genName":"rust","document":{}}}"#, nested(JSON_MAX_DEPTH));
    let request = server.http().post(format!("{}/api/CodeGenerators/Gen", server.url));
    let refusal = answer(request.header("Content-Type", "application/json").body(generate).send().await.unwrap()).await;
    check(refusal, 400, "recursion limit exceeded");
    healthy(&server).await;
}

/// Sends `request` over a connection of its own and answers the status of
/// the reply.
async fn raw_status(server: &TestServer, request: &[u8]) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(server.url.trim_start_matches("http://")).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    let reply = String::from_utf8_lossy(&reply);
    let status = reply.strip_prefix("HTTP/1.1 ").and_then(|rest| rest.get(..3)).unwrap_or_else(|| panic!("{reply}"));
    status.parse().unwrap()
}

/// A `GET` of `target` with `extra` header lines, closing the connection.
fn get(server: &TestServer, target: &str, extra: &[String]) -> Vec<u8> {
    let host = server.url.trim_start_matches("http://");
    let extra: String = extra.iter().map(|line| format!("{line}\r\n")).collect();
    format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{extra}\r\n").into_bytes()
}

/// Query strings (and an `id_token_hint` in one) are bounded by hyper's
/// request-target limit, headers by its count and buffer limits.
async fn request_lines_and_headers_are_capped(server: TestServer) {
    let logout = |size: usize| sized(size, |pad| format!("/oauth/logout?id_token_hint={pad}"));
    // An unverifiable hint: the page asking the user to confirm.
    assert_eq!(raw_status(&server, &get(&server, &logout(URI_MAX_BYTES), &[])).await, 200);
    assert_eq!(raw_status(&server, &get(&server, &logout(URI_MAX_BYTES + 1), &[])).await, 414);

    // `Host` and `Connection` are two of the header lines.
    let lines = |count: usize| (0..count - 2).map(|i| format!("X-Filler-{i}: {i}")).collect::<Vec<_>>();
    assert_eq!(raw_status(&server, &get(&server, "/healthz", &lines(MAX_HEADERS))).await, 200);
    assert_eq!(raw_status(&server, &get(&server, "/healthz", &lines(MAX_HEADERS + 1))).await, 431);

    // A head just inside the read buffer is parsed. Past it, when the
    // refusal is seen depends on how the reads fall: a head twice the
    // buffer is always refused, with 431 or (when the rest of the head is
    // still arriving as the server closes) a reset connection.
    let filler = |size: usize| {
        let bare = get(&server, "/healthz", &["X-Filler: ".into()]).len();
        get(&server, "/healthz", &[format!("X-Filler: {}", "x".repeat(size - bare))])
    };
    assert_eq!(raw_status(&server, &filler(HEAD_MAX_BYTES - 1)).await, 200);
    let huge = "x".repeat(2 * HEAD_MAX_BYTES);
    let sent = server.http().get(format!("{}/healthz", server.url)).header("X-Filler", huge).send().await;
    if let Ok(response) = sent {
        assert_eq!(response.status(), 431);
    }
    healthy(&server).await;
}

/// A JWT-shaped bearer token of `size` bytes with no `kid`: malformed.
fn fake_jwt(size: usize) -> String {
    use base64::Engine;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","typ":"at+jwt"}"#);
    sized(size, |pad| format!("{header}.{pad}.c2ln"))
}

/// Bearer tokens are refused by length before any base64 or JSON parsing.
async fn bearer_tokens_are_capped_before_parsing(server: TestServer) {
    let call = |token: String| server.http().get(format!("{}/api/Client", server.url)).bearer_auth(token).send();
    let at = answer(call(fake_jwt(JWT_MAX_BYTES)).await.unwrap()).await;
    check(at, 401, "invalid access token: the token is malformed");
    let past = answer(call(fake_jwt(JWT_MAX_BYTES + 1)).await.unwrap()).await;
    check(past, 401, "invalid access token: the token is longer than 8192 bytes");
    healthy(&server).await;
}

/// `bytes` padded with zeros to `size`.
fn padded(mut bytes: Vec<u8>, size: usize) -> Vec<u8> {
    bytes.resize(size, 0);
    bytes
}

/// A multipart body whose part `value` holds `bytes` under `headers`
/// header lines (its `Content-Disposition` and `Content-Type` among them),
/// after a part `note` of `note` bytes.
fn multipart(bytes: &[u8], headers: usize, note: usize) -> (String, Vec<u8>) {
    let boundary = "keyward-limits-boundary";
    let extra: String = (0..headers - 2).map(|i| format!("X-Extra-{i}: {i}\r\n")).collect();
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n{}\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"value\"; filename=\"f\"\r\nContent-Type: application/octet-stream\r\n\
         {extra}\r\n",
        "n".repeat(note)
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads: the file's size by kind (multipart, bare and base64), the
/// request body's cap around it, the decoded size of base64, and multer's
/// header count per part. Images are typed by their first bytes and stored
/// as they are, never decoded, so no dimension or decompression limit is
/// needed.
async fn uploads_are_capped_at_and_past_their_limits(server: TestServer) {
    let admin = server.token(ADMIN_ID, ADMIN_SECRET, None).await;
    let send = |path: &str, content_type: &str, body: Vec<u8>| {
        let request = server.http().post(format!("{}{path}", server.url)).bearer_auth(&admin);
        request.header("Content-Type", content_type).body(body).send()
    };
    let upload = |path: &'static str, bytes: Vec<u8>, headers: usize, note: usize| {
        let (content_type, body) = multipart(&bytes, headers, note);
        async move { answer(send(path, &content_type, body).await.unwrap()).await }
    };

    // Images (10 MiB) and videos (20 MiB), multipart.
    let image = |size| padded(files::png(), size);
    check(upload("/api/Blob/Image", image(DOCUMENT_MAX_BYTES), 2, 0).await, 201, "/blobs/");
    check(upload("/api/Blob/Image", image(DOCUMENT_MAX_BYTES + 1), 2, 0).await, 413, "larger than 10 MiB");
    let video = |size| padded(files::mp4(), size);
    check(upload("/api/Blob/File", video(VIDEO_MAX_BYTES), 2, 0).await, 201, "/blobs/");
    check(upload("/api/Blob/File", video(VIDEO_MAX_BYTES + 1), 2, 0).await, 413, "larger than 20 MiB");

    // The body cap holds whatever the parts are: the largest image after
    // another part filling the room left for framing.
    let note = IMAGE_BODY_MAX_BYTES - multipart(&image(DOCUMENT_MAX_BYTES), 2, 0).1.len();
    check(upload("/api/Blob/Image", image(DOCUMENT_MAX_BYTES), 2, note).await, 201, "/blobs/");
    let refusal = upload("/api/Blob/Image", image(DOCUMENT_MAX_BYTES), 2, note + 1).await;
    check(refusal, 413, &format!("request body exceeded maximum size of {IMAGE_BODY_MAX_BYTES} bytes"));

    // multer reads at most 32 header lines per part.
    check(upload("/api/Blob/Image", files::png(), 32, 0).await, 201, "/blobs/");
    let refusal = upload("/api/Blob/Image", files::png(), 33, 0).await;
    check(refusal, 400, "the multipart body is malformed: a part's headers cannot be read (too many headers)");

    // The bare body (what the SDK sends).
    let bare = answer(send("/api/Blob/Image", "application/octet-stream", image(DOCUMENT_MAX_BYTES)).await.unwrap());
    check(bare.await, 201, "/blobs/");
    let bare = send("/api/Blob/Image", "application/octet-stream", image(DOCUMENT_MAX_BYTES + 1)).await.unwrap();
    check(answer(bare).await, 413, "larger than 10 MiB");

    // Base64: 10 MiB once decoded, and the JSON body around it.
    let base64 = |bytes: &[u8]| {
        use base64::Engine;
        json!(base64::engine::general_purpose::STANDARD.encode(bytes)).to_string().into_bytes()
    };
    let encoded = |bytes: &[u8]| send("/api/Blob/Base64", "application/json", base64(bytes));
    check(answer(encoded(&image(DOCUMENT_MAX_BYTES)).await.unwrap()).await, 201, "/blobs/");
    let refusal = answer(encoded(&image(DOCUMENT_MAX_BYTES + 1)).await.unwrap()).await;
    check(refusal, 413, "at most 10 MiB (10485760 bytes)");
    let text = |size: usize| sized(size, |pad| json!(pad).to_string()).into_bytes();
    let at = answer(send("/api/Blob/Base64", "application/json", text(BASE64_BODY_MAX_BYTES)).await.unwrap()).await;
    check(at, 400, "the body is not a base64 string");
    let past = answer(send("/api/Blob/Base64", "application/json", text(BASE64_BODY_MAX_BYTES + 1)).await.unwrap());
    check(past.await, 413, &format!("request body exceeded maximum size of {BASE64_BODY_MAX_BYTES} bytes"));
    healthy(&server).await;
}
