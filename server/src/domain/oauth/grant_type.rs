//! The grant types the token endpoint issues tokens for, and whether a
//! client is allowed one. A leaf: it reads only the API's types, so that
//! every module naming a grant type (clients, the token and authorization
//! endpoints, discovery) can use it without depending on the others.

use keyward_api::client::Client;

/// A grant type, spelled on the wire (`grant_type`, discovery) and in a
/// client's `allowedGrantTypes` as [`GrantType::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantType {
    /// RFC 6749 §4.1, with PKCE (RFC 7636).
    AuthorizationCode,
    /// RFC 6749 §6.
    RefreshToken,
    /// RFC 6749 §4.3.
    Password,
    /// RFC 6749 §4.4: the client acting for itself.
    ClientCredentials,
    /// Seed 004: a phone number and the `signin` code sent to it.
    Mobile,
    /// Seed 004: an openId or unionId the client has verified.
    Sign,
}

impl GrantType {
    /// Every grant type, in the order discovery lists them.
    pub const ALL: [GrantType; 6] = [
        GrantType::AuthorizationCode,
        GrantType::RefreshToken,
        GrantType::Password,
        GrantType::ClientCredentials,
        GrantType::Mobile,
        GrantType::Sign,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::Password => "password",
            GrantType::ClientCredentials => "client_credentials",
            GrantType::Mobile => "mobile",
            GrantType::Sign => "sign",
        }
    }

    /// The grant type `name` spells; `None` for one the server does not
    /// support (names compare exactly, as RFC 6749 §3.2 wants).
    pub fn parse(name: &str) -> Option<GrantType> {
        GrantType::ALL.into_iter().find(|grant| grant.as_str() == name)
    }
}

/// Whether `client` may use `grant`.
pub fn allows(client: &Client, grant: GrantType) -> bool {
    client.allowed_grant_types.iter().any(|g| g.grant_type == grant.as_str())
}

#[cfg(test)]
mod tests {
    use super::GrantType;

    #[test]
    fn every_name_parses_back_and_only_exactly() {
        for grant in GrantType::ALL {
            assert_eq!(GrantType::parse(grant.as_str()), Some(grant));
        }
        assert_eq!(GrantType::parse(""), None);
        assert_eq!(GrantType::parse("Password"), None);
        assert_eq!(GrantType::parse("urn:ietf:params:oauth:grant-type:device_code"), None);
    }

    /// A client's own token says so in `gty` by the grant's name.
    #[test]
    fn the_client_credentials_gty_is_the_grant_name() {
        assert_eq!(crate::claims::CLIENT_CREDENTIALS, GrantType::ClientCredentials.as_str());
    }
}
