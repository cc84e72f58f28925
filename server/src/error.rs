//! The domain's error: what went wrong, in terms a caller can act on. The HTTP
//! layer maps each kind to a status; messages never contain secrets.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed request (400).
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed but invalid content (422).
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// Something on our side failed; logged with the request id, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Error::Internal(error.into())
    }
}

/// Turns a unique-constraint violation into a `Conflict` with a message.
pub trait UniqueAs<T> {
    fn unique_as(self, message: impl FnOnce() -> String) -> Result<T>;
}

impl<T> UniqueAs<T> for std::result::Result<T, sqlx::Error> {
    fn unique_as(self, message: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict(message()),
            _ => error.into(),
        })
    }
}

/// Why an OAuth endpoint did not answer as asked: a refusal the client sees
/// as an RFC 6749 §5.2 body, or an internal failure the handler logs and
/// shows as `server_error`.
#[derive(Debug)]
pub enum Refusal {
    OAuth(keyward_api::error::OAuthError),
    Internal(anyhow::Error),
}

impl From<keyward_api::error::OAuthError> for Refusal {
    fn from(error: keyward_api::error::OAuthError) -> Self {
        Refusal::OAuth(error)
    }
}

impl From<Error> for Refusal {
    fn from(error: Error) -> Self {
        use keyward_api::error::OAuthError;
        match error {
            Error::Internal(e) => Refusal::Internal(e),
            Error::Unauthorized(m) => Refusal::OAuth(OAuthError::invalid_client(m)),
            other => Refusal::OAuth(OAuthError::invalid_request(other.to_string())),
        }
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        Refusal::Internal(error.into())
    }
}

impl From<anyhow::Error> for Refusal {
    fn from(error: anyhow::Error) -> Self {
        Refusal::Internal(error)
    }
}
