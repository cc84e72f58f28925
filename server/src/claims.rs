//! What Keyward's tokens say: the claims of access tokens (RFC 9068) and
//! ID tokens (OpenID Connect Core §2), as signed, stored with reference
//! tokens, and cached once checked ([`crate::state::State::verified_tokens`]).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Claims the server sets itself; clients cannot configure them.
pub const RESERVED_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "scope",
    "client_id",
    "tenant_id",
    "tenant_name",
    "typ",
    "auth_time",
    "nonce",
    "at_hash",
    "sid",
    "azp",
    "amr",
    "gty",
];
/// The `gty` of a client's own token: only the client_credentials grant
/// (and IssueToken, which mints as it would) issues a token under no user's
/// grant. Spelled as the grant is (`GrantType::ClientCredentials`; a test
/// there holds them equal), not imported: claims sit below the domain.
pub const CLIENT_CREDENTIALS: &str = "client_credentials";
/// The `gty` of a token issued under a user's grant.
pub const USER_GRANT: &str = "user";
/// JOSE `typ` of access tokens (RFC 9068 §2.1).
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";
/// JOSE `typ` of ID tokens.
pub const ID_TOKEN_TYP: &str = "JWT";

/// An access token's `aud` (RFC 7519 §4.1.3): the names of the API
/// resources it is for, a string when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audience(pub Vec<String>);

impl Audience {
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|a| a == name)
    }
}

impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => serializer.serialize_str(one),
            many => many.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(Audience(match OneOrMany::deserialize(deserializer)? {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }))
    }
}

/// The claims of an access token (RFC 9068 §2.2); a reference token's are
/// stored with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// When the user authenticated, for tokens issued to a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    /// How the token was issued: [`CLIENT_CREDENTIALS`] for a client's own
    /// token, [`USER_GRANT`] for a user's. Absent on tokens of releases
    /// before it existed, which are taken for users' — unless their subject
    /// spells their client's id, when they are refused (see `bearer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gty: Option<String>,
    /// OAuthApp's tenant claims (contract §2.3), as strings.
    pub tenant_id: String,
    pub tenant_name: String,
    /// The client's configured claims.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AccessClaims {
    /// Whether the token is its client's own (client_credentials), told by
    /// how it was issued — never by comparing `sub` with `client_id`, which a
    /// user whose id spells a client's id would match.
    pub fn is_client_own(&self) -> bool {
        self.gty.as_deref() == Some(CLIENT_CREDENTIALS)
    }
}

/// The claims of an ID token (OpenID Connect Core §2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub azp: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub at_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub amr: Vec<String>,
}
