//! OAuth 2.0 and OpenID Connect: who the client is, what it may be granted,
//! the tokens it gets, and how those tokens are checked and revoked.

pub mod audience;
pub mod authorize;
pub mod bearer;
pub mod client_auth;
pub mod grant;
pub mod grant_type;
pub mod login;
pub mod logout;
pub mod mint;
pub mod mobile;
pub mod pkce;
pub mod scopes;
pub mod token;
