//! Who may call each operation: the single table both the server (which
//! enforces it) and the xtask (which publishes it in the document) read.

use std::collections::HashMap;
use std::sync::LazyLock;

/// What an operation requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone.
    Public,
    /// Anyone, on every listener: the health checks probed from outside.
    Health,
    /// Anyone, but on the admin listener when there is one: `/metrics`.
    Metrics,
    /// An OAuth client authenticating itself (HTTP basic or form secret).
    Client,
    /// A bearer token granting this permission (seed 001's names).
    Permission(&'static str),
    /// A user's bearer access token with this scope (OpenID Connect).
    Scope(&'static str),
    /// A bearer access token the `{appId}` app issued to one of its users.
    AppUser,
    /// The `{appId}` app's own client authentication (HTTP basic, or its
    /// client_credentials token); its users' tokens only where it allows.
    AppServer,
    /// A user's own bearer access token (seed 004's `/userDetail/current`).
    User,
    /// A user's bearer access token acting on that user's own account, or a
    /// bearer token granting this permission acting on any user of the
    /// tenant (seed 004's user endpoints).
    UserOrPermission(&'static str),
}

/// Every operation id with its access rule.
pub const OPERATIONS: &[(&str, Access)] = &[
    ("health_live", Access::Health),
    ("health_ready", Access::Health),
    ("metrics_get", Access::Metrics),
    ("openapi_get", Access::Public),
    ("docs_page", Access::Public),
    ("docs_asset", Access::Public),
    ("discovery_openid", Access::Public),
    ("discovery_oauth", Access::Public),
    ("oauth_jwks", Access::Public),
    ("oauth_token", Access::Client),
    ("oauth_authorize", Access::Public),
    ("oauth_authorize_post", Access::Public),
    ("oauth_login", Access::Public),
    ("oauth_consent", Access::Public),
    ("oauth_userinfo_get", Access::Scope("openid")),
    ("oauth_userinfo_post", Access::Scope("openid")),
    ("oauth_introspect", Access::Client),
    ("oauth_revoke", Access::Client),
    ("oauth_logout", Access::Public),
    ("oauth_logout_post", Access::Public),
    ("oauth_logout_confirm", Access::Public),
    ("tenant_list", Access::Permission("oauthapp.tenant.get")),
    ("tenant_create", Access::Permission("oauthapp.tenant.post")),
    ("tenant_view", Access::Permission("oauthapp.tenant.detail")),
    ("tenant_update", Access::Permission("oauthapp.tenant.put")),
    ("tenant_put", Access::Permission("oauthapp.tenant.put")),
    ("tenant_delete", Access::Permission("oauthapp.tenant.delete")),
    ("tenant_public_view", Access::Public),
    ("error_code_list", Access::Public),
    ("client_list", Access::Permission("isms.client.get")),
    ("client_create", Access::Permission("isms.client.post")),
    ("client_view", Access::Permission("isms.client.detail")),
    ("client_update", Access::Permission("isms.client.put")),
    ("client_put", Access::Permission("isms.client.put")),
    ("client_delete", Access::Permission("isms.client.delete")),
    ("client_secret_list", Access::Permission("isms.client.detail")),
    ("client_secret_create", Access::Permission("isms.client.postsecretkey")),
    ("client_secret_delete", Access::Permission("isms.client.postsecretkey")),
    ("client_issue_token", Access::Permission("isms.client.issuetoken")),
    ("user_list", Access::Permission("isms.user.get")),
    ("user_create", Access::Permission("isms.user.post")),
    ("user_exists", Access::Permission("isms.user.head")),
    ("user_distributor_list", Access::Permission("isms.user.distributors")),
    ("user_view", Access::Permission("isms.user.detail")),
    ("user_update", Access::Permission("isms.user.put")),
    ("user_put", Access::Permission("isms.user.put")),
    ("user_delete", Access::Permission("isms.user.delete")),
    ("user_session_list", Access::Permission("isms.user.detail")),
    ("user_session_revoke", Access::Permission("isms.user.put")),
    ("user_grant_list", Access::Permission("isms.user.detail")),
    ("user_grant_revoke", Access::Permission("isms.user.put")),
    ("user_registration_code_send", Access::Public),
    ("user_registration_email_code_send", Access::Public),
    ("user_register", Access::Public),
    ("user_password_code_send", Access::Public),
    ("user_password_reset", Access::Public),
    ("role_list", Access::Permission("isms.role.get")),
    ("role_create", Access::Permission("isms.role.post")),
    ("role_view", Access::Permission("isms.role.detail")),
    ("role_update", Access::Permission("isms.role.put")),
    ("role_put", Access::Permission("isms.role.put")),
    ("role_delete", Access::Permission("isms.role.delete")),
    ("identity_resource_list", Access::Permission("isms.identityresource.get")),
    ("identity_resource_create", Access::Permission("isms.identityresource.post")),
    ("identity_resource_view", Access::Permission("isms.identityresource.detail")),
    ("identity_resource_update", Access::Permission("isms.identityresource.put")),
    ("identity_resource_put", Access::Permission("isms.identityresource.put")),
    ("identity_resource_delete", Access::Permission("isms.identityresource.delete")),
    ("api_resource_list", Access::Permission("oauthapp.apiresource.get")),
    ("api_resource_create", Access::Permission("oauthapp.apiresource.post")),
    ("api_resource_import", Access::Permission("oauthapp.apiresource.post")),
    ("api_resource_view", Access::Permission("oauthapp.apiresource.detail")),
    ("api_resource_update", Access::Permission("oauthapp.apiresource.put")),
    ("api_resource_put", Access::Permission("oauthapp.apiresource.put")),
    ("api_resource_delete", Access::Permission("oauthapp.apiresource.delete")),
    ("api_resource_secret_create", Access::Permission("oauthapp.apiresource.put")),
    ("api_resource_secret_delete", Access::Permission("oauthapp.apiresource.put")),
    ("api_resource_publish", Access::Permission("oauthapp.apiresource.publish")),
    ("api_revision_create", Access::Permission("oauthapp.apiresource.publishrevision")),
    ("api_version_create", Access::Permission("oauthapp.apiresource.publishversion")),
    ("api_publish_configuration_view", Access::Permission("oauthapp.apiresource.publishconfiguration")),
    ("api_version_list", Access::Permission("oauthapp.apiresource.versions")),
    ("api_version_set_online", Access::Permission("oauthapp.apiresource.setonlineversion")),
    ("auth_server_list", Access::Permission("oauthapp.apiresource.authservers")),
    ("api_product_list", Access::Permission("oauthapp.apiresource.products")),
    ("api_product_create", Access::Permission("oauthapp.apiresource.postproducts")),
    ("api_product_update", Access::Permission("oauthapp.apiresource.putproduct")),
    ("api_product_delete", Access::Permission("oauthapp.apiresource.deleteproduct")),
    ("api_release_list", Access::Permission("oauthapp.apiresource.releases")),
    ("api_release_create", Access::Permission("oauthapp.apiresource.postrelease")),
    ("api_release_update", Access::Permission("oauthapp.apiresource.putrelease")),
    ("api_release_delete", Access::Permission("oauthapp.apiresource.deleterelease")),
    ("api_subscriber_list", Access::Permission("oauthapp.apiresource.subscriptions")),
    ("api_subscription_confirm_send", Access::Permission("oauthapp.apiresource.verifyemail")),
    ("api_package_list", Access::Permission("oauthapp.apiresource.packages")),
    ("api_package_create", Access::Permission("oauthapp.apiresource.postpackages")),
    ("api_package_update", Access::Permission("oauthapp.apiresource.putpackage")),
    ("api_package_delete", Access::Permission("oauthapp.apiresource.deletepackage")),
    ("api_subscription_add", Access::Public),
    ("api_subscription_add_confirm", Access::Public),
    ("api_subscription_delete", Access::Public),
    ("api_scope_list", Access::Permission("isms.apiscope.get")),
    ("api_scope_create", Access::Permission("isms.apiscope.post")),
    ("api_scope_view", Access::Permission("isms.apiscope.detail")),
    ("api_scope_update", Access::Permission("isms.apiscope.put")),
    ("api_scope_put", Access::Permission("isms.apiscope.put")),
    ("api_scope_delete", Access::Permission("isms.apiscope.delete")),
    ("blob_file_upload", Access::Permission("isms.blob.post")),
    ("blob_image_upload", Access::Permission("isms.blob.image")),
    ("blob_base64_upload", Access::Permission("isms.blob.base64")),
    ("blob_view", Access::Public),
    ("codegen_client_list", Access::Permission("isms.codegen.clients")),
    ("codegen_server_list", Access::Permission("isms.codegen.servers")),
    ("codegen_generate", Access::Permission("isms.codegen.gen")),
    ("codegen_generate_stored", Access::Permission("isms.codegen.gen")),
    ("codegen_npm_options_view", Access::Permission("isms.codegen.npmoptions")),
    ("codegen_npm_options_update", Access::Permission("isms.codegen.putnpmoptions")),
    ("codegen_github_options_view", Access::Permission("isms.codegen.githuboptions")),
    ("codegen_github_options_update", Access::Permission("isms.codegen.putgithuboptions")),
    ("codegen_github_sync", Access::Permission("isms.codegen.putgithuboptions")),
    ("codegen_common_options_view", Access::Permission("isms.codegen.commonoptions")),
    ("codegen_common_options_update", Access::Permission("isms.codegen.putcommonoptions")),
    ("codegen_sdk_release", Access::Permission("isms.codegen.releasesdk")),
    ("codegen_history_list", Access::Permission("isms.apiresource.history")),
    ("codegen_history_create", Access::Permission("isms.codegen.posthistory")),
    ("app_settings_view", Access::Permission("isms.client.detail")),
    ("app_settings_update", Access::Permission("isms.client.put")),
    ("app_union_id_sign_in", Access::Public),
    ("app_union_id_sign_up", Access::Public),
    ("app_sign_in", Access::Public),
    ("app_sign_up", Access::Public),
    ("app_phone_sign_up", Access::Public),
    ("app_phone_sign_in", Access::Public),
    ("app_send_sms_code", Access::Public),
    ("app_email_sign_up", Access::Public),
    ("app_email_sign_in", Access::Public),
    ("app_send_email_code", Access::Public),
    ("app_reset_password", Access::Public),
    ("app_qr_pre_sign_in", Access::Public),
    ("app_qr_image", Access::Public),
    ("app_qr_sign_in", Access::Public),
    ("app_qr_scan", Access::Public),
    ("app_qr_sign_up", Access::Public),
    ("app_profile_get", Access::AppUser),
    ("app_profile_update", Access::AppUser),
    ("app_point_log", Access::AppUser),
    ("app_recharge_points", Access::AppServer),
    ("app_consume_points", Access::AppServer),
    ("app_grant_code", Access::Public),
    ("app_authorize", Access::Public),
    ("app_consent_list", Access::AppUser),
    ("app_consent_delete", Access::AppUser),
    ("mobile_code_get", Access::Client),
    ("mobile_code_verify", Access::Client),
    ("mobile_token", Access::Client),
    ("sign_token", Access::Client),
    ("spring_user_register", Access::Client),
    ("spring_user_save", Access::Permission("isms.user.post")),
    ("spring_user_update", Access::UserOrPermission("isms.user.put")),
    ("spring_password_update", Access::UserOrPermission("isms.user.put")),
    ("spring_user_role_update", Access::Permission("isms.user.put")),
    ("spring_user_find", Access::Permission("isms.user.get")),
    ("spring_user_detail_update", Access::UserOrPermission("isms.user.put")),
    ("spring_user_detail_current", Access::User),
    ("spring_user_detail_get", Access::UserOrPermission("isms.user.detail")),
    ("spring_role_list", Access::Permission("isms.role.get")),
    ("seed000_client_create", Access::Permission("isms.client.post")),
    ("seed000_client_list", Access::Permission("isms.client.get")),
    ("seed000_client_view", Access::Permission("isms.client.detail")),
    ("seed000_client_update", Access::Permission("isms.client.put")),
    ("seed000_client_delete", Access::Permission("isms.client.delete")),
    ("seed000_user_create", Access::Permission("isms.user.post")),
    ("seed000_user_list", Access::Permission("isms.user.get")),
    ("seed000_user_view", Access::Permission("isms.user.detail")),
    ("seed000_user_delete", Access::Permission("isms.user.delete")),
    ("access_profile_create", Access::Permission("isms.profile.post")),
    ("access_profile_list", Access::Permission("isms.profile.get")),
    ("access_profile_update", Access::Permission("isms.profile.put")),
    ("access_profile_delete", Access::Permission("isms.profile.delete")),
];

/// Operations served but left out of the document: the hosted pages' form
/// posts, which only our own pages call.
pub const UNPUBLISHED: &[&str] = &["oauth_login", "oauth_consent", "oauth_logout_confirm"];

/// Operations a browser calls, not a program: the hosted pages and their
/// redirects. The document marks them `x-keyward-sdk: false` and the
/// generated SDKs leave them out; one answered only by a raw response is
/// described as a page (HTML or a 303 redirect).
pub const BROWSER_ONLY: &[&str] = &[
    "oauth_authorize",
    "oauth_authorize_post",
    "oauth_login",
    "oauth_consent",
    "oauth_logout",
    "oauth_logout_post",
    "oauth_logout_confirm",
    "docs_page",
    "docs_asset",
    "api_subscription_add",
    "api_subscription_add_confirm",
];

/// The wildcard scopes that grant every admin permission; the bootstrap admin
/// client holds these.
pub const ADMIN_SCOPES: &[&str] = &["isms.all", "oauthapp.all"];

/// Whether a scope names an admin permission (seed 001's `isms.` and
/// `oauthapp.` families) rather than an OpenID Connect or API scope.
pub fn is_permission(scope: &str) -> bool {
    let lowered = scope.to_ascii_lowercase();
    lowered.starts_with("isms.") || lowered.starts_with("oauthapp.")
}

/// Whether a client allowed `allowed` may request `requested`: permissions
/// honour seed 001's wildcards, other scopes match exactly.
pub fn allows_scope(allowed: &str, requested: &str) -> bool {
    if is_permission(requested) { is_permission(allowed) && grants(allowed, requested) } else { allowed == requested }
}

/// [`OPERATIONS`] by id, built once: every request looks its operation up.
static BY_ID: LazyLock<HashMap<&'static str, Access>> = LazyLock::new(|| OPERATIONS.iter().copied().collect());

/// The access rule of an operation; `None` for an id not in the table.
pub fn access(operation_id: &str) -> Option<Access> {
    BY_ID.get(operation_id).copied()
}

/// Whether holding `held` grants `required`. Seed 001: a permission
/// `<prefix>.<resource>.<action>` is granted by itself, by
/// `<prefix>.<resource>.all` and by `<prefix>.all`; `isms.all` also grants the
/// `oauthapp.` permissions. Names compare case-insensitively.
pub fn grants(held: &str, required: &str) -> bool {
    let held = held.to_ascii_lowercase();
    let required = required.to_ascii_lowercase();
    if held == required || held == "isms.all" {
        return true;
    }
    let mut parts = required.splitn(3, '.');
    let (Some(prefix), Some(resource)) = (parts.next(), parts.next()) else {
        return false;
    };
    held == format!("{prefix}.all") || held == format!("{prefix}.{resource}.all")
}

#[cfg(test)]
mod tests {
    use super::{Access, BY_ID, OPERATIONS, access, grants};

    #[test]
    fn each_operation_is_listed_once() {
        for (i, (id, _)) in OPERATIONS.iter().enumerate() {
            assert!(!OPERATIONS[..i].iter().any(|(earlier, _)| earlier == id), "{id} is listed twice");
        }
        assert_eq!(BY_ID.len(), OPERATIONS.len());
    }

    /// How an operation's doc comment states `rule`, after `Permission: `.
    /// The published document carries that line, so it must say what the
    /// server enforces.
    fn doc_phrase(rule: Access) -> String {
        const FIRST_PARTY: &str = "own access token from a first-party client (one that asks no consent)";
        match rule {
            Access::Public | Access::Health | Access::Metrics => "none".into(),
            Access::Client => "client authentication".into(),
            Access::Permission(name) => format!("`{name}`"),
            Access::Scope(scope) => format!("a user's access token with scope `{scope}`"),
            Access::AppUser => "an access token the app issued to the user".into(),
            Access::AppServer => "the app's client authentication".into(),
            Access::User => format!("a user's {FIRST_PARTY}"),
            Access::UserOrPermission(name) => format!("the user's {FIRST_PARTY}, or `{name}` for any user"),
        }
    }

    /// Each `async fn` of the API trait in `source` with the paragraph of
    /// its doc comment that starts `Permission:`, lines joined by spaces.
    fn permission_paragraphs(source: &str) -> Vec<(&str, Option<String>)> {
        let mut found = Vec::new();
        let mut doc: Vec<&str> = Vec::new();
        let mut in_doc = false;
        for line in source.lines().map(str::trim) {
            if let Some(text) = line.strip_prefix("///") {
                if !in_doc {
                    doc.clear();
                }
                in_doc = true;
                doc.push(text.trim());
                continue;
            }
            in_doc = false;
            let Some(signature) = line.strip_prefix("async fn ") else { continue };
            let id = signature.split('(').next().unwrap_or(signature);
            let start = doc.iter().position(|l| l.starts_with("Permission:"));
            let paragraph = start.map(|start| doc[start..].iter().take_while(|l| !l.is_empty()).copied());
            found.push((id, paragraph.map(|lines| lines.collect::<Vec<_>>().join(" "))));
        }
        found
    }

    #[test]
    fn each_operation_documents_the_permission_it_is_given() {
        let operations = permission_paragraphs(include_str!("lib.rs"));
        let mut failures = Vec::new();
        for (id, said) in &operations {
            let Some(rule) = access(id) else {
                failures.push(format!("{id}: an operation of the API trait with no rule in keyward_api::access"));
                continue;
            };
            let expected = format!("Permission: {}", doc_phrase(rule));
            // What follows the phrase may only qualify it: an aside or a
            // further sentence.
            let agrees = |said: &str| said.strip_prefix(&expected).is_some_and(|rest| rest.starts_with(['.', ' ']));
            match said {
                Some(said) if agrees(said) => {}
                Some(said) => failures.push(format!(
                    "{id}: its doc comment says \"{said}\", but keyward_api::access gives it {rule:?}: \"{expected}.\""
                )),
                None => failures.push(format!("{id}: its doc comment has no line \"{expected}.\"")),
            }
        }
        for (id, _) in OPERATIONS {
            if !operations.iter().any(|(operation, _)| operation == id) {
                failures.push(format!("{id}: has a rule in keyward_api::access but is no operation of the API trait"));
            }
        }
        assert!(
            failures.is_empty(),
            "operations' `Permission:` lines disagree with the table:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn wildcards_follow_seed_001() {
        assert!(grants("isms.client.get", "isms.client.get"));
        assert!(grants("ISMS.Client.Get", "isms.client.get"));
        assert!(grants("isms.client.all", "isms.client.delete"));
        assert!(grants("isms.all", "isms.user.post"));
        assert!(grants("isms.all", "oauthapp.tenant.get"));
        assert!(grants("oauthapp.all", "oauthapp.tenant.get"));
        assert!(!grants("oauthapp.all", "isms.client.get"));
        assert!(!grants("isms.client.all", "isms.user.get"));
        assert!(!grants("isms.client.get", "isms.client.post"));
        assert!(!grants("isms", "isms.client.get"));
        assert!(super::allows_scope("isms.all", "isms.user.get"));
        assert!(!super::allows_scope("isms.all", "openid"));
        assert!(super::allows_scope("openid", "openid"));
    }
}
