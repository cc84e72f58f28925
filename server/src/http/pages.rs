//! The hosted pages: sign-in, consent, errors, logout confirmation, signed-out,
//! subscription confirmation, and the auto-submitting form of
//! `response_mode=form_post`. Plain server-rendered HTML that works without
//! JavaScript; every inserted value is escaped.

use keyward_api::oauth::LogoutRequest;

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}\
main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem}\
input[type=text],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}\
button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#b00020}.tenant{color:#666;font-size:.9rem}";

fn layout(tenant: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title>\
         <style>{STYLE}</style></head><body><main><p class=\"tenant\">{tenant}</p><h1>{title}</h1>{body}</main></body></html>",
        tenant = escape(tenant),
        title = escape(title),
    )
}

/// What every form of ours carries: the authorization request and the CSRF token.
fn hidden(request: &str, csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"request\" value=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(request),
        escape(csrf)
    )
}

pub struct LoginPage<'a> {
    pub tenant: &'a str,
    pub client: &'a str,
    pub request: &'a str,
    pub csrf: &'a str,
    pub message: Option<&'a str>,
    pub login_hint: Option<&'a str>,
}

pub fn login(page: LoginPage<'_>) -> String {
    let message =
        page.message.map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(m))).unwrap_or_default();
    let body = format!(
        "<p>to continue to <strong>{client}</strong></p>{message}\
         <form method=\"post\" action=\"/oauth/authorize/login\">{hidden}\
         <label for=\"username\">User name, email or phone</label>\
         <input type=\"text\" id=\"username\" name=\"username\" value=\"{hint}\" autocomplete=\"username\" required autofocus>\
         <label for=\"password\">Password</label>\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\" id=\"sign-in\">Sign in</button></form>",
        client = escape(page.client),
        hidden = hidden(page.request, page.csrf),
        hint = escape(page.login_hint.unwrap_or("")),
    );
    layout(page.tenant, "Sign in", &body)
}

pub fn consent(tenant: &str, client: &str, scopes: &[(String, String)], request: &str, csrf: &str) -> String {
    let items: String = scopes
        .iter()
        .map(|(scope, text)| format!("<li data-scope=\"{}\">{}</li>", escape(scope), escape(text)))
        .collect();
    let body = format!(
        "<p><strong>{client}</strong> asks to:</p><ul>{items}</ul>\
         <form method=\"post\" action=\"/oauth/authorize/consent\">{hidden}\
         <label><input type=\"checkbox\" name=\"remember\" value=\"yes\" id=\"remember\"> Remember my decision</label>\
         <button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button> \
         <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form>",
        client = escape(client),
        hidden = hidden(request, csrf),
    );
    layout(tenant, "Allow access?", &body)
}

pub fn error(tenant: &str, message: &str) -> String {
    layout(tenant, "Sign-in cannot continue", &format!("<p class=\"error\" role=\"alert\">{}</p>", escape(message)))
}

pub fn signed_out(tenant: &str, note: Option<&str>) -> String {
    let note = note.map(|n| format!("<p>{}</p>", escape(n))).unwrap_or_default();
    layout(tenant, "You are signed out", &note)
}

/// Asks before ending the session of a logout request without a valid ID
/// token hint; the form carries the request on with the CSRF token.
pub fn logout_confirm(tenant: &str, request: &LogoutRequest, csrf: &str) -> String {
    let fields: String = [
        ("client_id", &request.client_id),
        ("post_logout_redirect_uri", &request.post_logout_redirect_uri),
        ("state", &request.state),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_ref().map(|value| (name, value)))
    .chain([("csrf", &csrf.to_string())])
    .map(|(name, value)| format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(value)))
    .collect();
    let body = format!(
        "<p>Do you want to sign out of {tenant}?</p><form method=\"post\" action=\"/oauth/logout/confirm\">{fields}\
         <button type=\"submit\" id=\"sign-out\">Sign out</button></form>",
        tenant = escape(tenant),
    );
    layout(tenant, "Sign out?", &body)
}

/// The page of a subscription link: asks the owner of `email` to confirm;
/// the button posts `code` back to `action`. Opening the link alone (as a
/// mail scanner does) subscribes nobody.
pub fn subscription_confirm(tenant: &str, email: &str, action: &str, code: &str) -> String {
    let body = format!(
        "<p>Send the release notes of this API to <strong>{email}</strong>?</p>\
         <form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"code\" value=\"{code}\">\
         <button type=\"submit\" id=\"subscribe\">Subscribe</button></form>",
        email = escape(email),
        action = escape(action),
        code = escape(code),
    );
    layout(tenant, "Confirm your subscription", &body)
}

/// The outcome of a subscription link: done, or why not.
pub fn subscription_outcome(tenant: &str, outcome: Result<&str, &str>) -> String {
    match outcome {
        Ok(email) => {
            layout(tenant, "You are subscribed", &format!("<p>{} will get the release notes.</p>", escape(email)))
        }
        Err(message) => layout(
            tenant,
            "The subscription link cannot be used",
            &format!("<p class=\"error\" role=\"alert\">{}</p>", escape(message)),
        ),
    }
}

/// The script that submits the form_post form; its hash goes in the CSP.
pub const FORM_POST_SCRIPT: &str = "document.forms[0].submit()";

/// OAuth 2.0 Form Post Response Mode: a form that posts the response
/// parameters to the client, submitted by script or by hand.
pub fn form_post(uri: &str, params: &[(String, String)]) -> String {
    let fields: String = params
        .iter()
        .map(|(name, value)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(name), escape(value)))
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Continue</title></head><body>\
         <form method=\"post\" action=\"{uri}\">{fields}<noscript><button type=\"submit\">Continue</button></noscript>\
         </form><script>{FORM_POST_SCRIPT}</script></body></html>",
        uri = escape(uri),
    )
}
