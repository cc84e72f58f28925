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
    /// Something expired or was used up (410).
    #[error("{0}")]
    Gone(String),
    /// The request body is larger than allowed (413).
    #[error("{0}")]
    TooLarge(String),
    /// An upload of a type not accepted (415).
    #[error("{0}")]
    Unsupported(String),
    /// A rate limit was hit (429); the message says what to do, and
    /// `retry_after` (seconds, sent as `Retry-After`) when waiting helps.
    #[error("{message}")]
    TooMany { message: String, retry_after: Option<u64> },
    /// A service Keyward depends on (SMTP, SMS, WeChat) failed or is not
    /// configured (503).
    #[error("{0}")]
    Unavailable(String),
    /// What the request asks for is not built, or not configured on this
    /// server (501).
    #[error("{0}")]
    NotImplemented(String),
    /// A service the request acts on (GitHub, a package registry) refused
    /// or failed (502); the message says which and why.
    #[error("{0}")]
    BadGateway(String),
    /// Keyward is at capacity for this kind of work, or its database does
    /// not answer (503): try again after `retry_after` seconds (sent as
    /// `Retry-After`).
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    /// A failure under one of OAuthApp's business codes
    /// (`keyward_api::error_codes`): the inner error decides status and message.
    #[error("{1}")]
    Coded(keyward_api::error_codes::BusinessCode, Box<Error>),
    /// Something on our side failed; logged with the request id, never shown.
    #[error(transparent)]
    Internal(anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The 503 worth retrying that a database error means, if it means one
/// (without the driver's details): the database cannot be reached or stays
/// locked, or PostgreSQL aborted the transaction for another one (a
/// deadlock between writers locking rows in different orders, or a
/// serialization failure), so nothing was written.
fn retryable(error: &sqlx::Error) -> Option<Error> {
    let message = if unavailable(error) {
        "the database is unavailable; try again shortly"
    } else if matches!(error, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("40P01" | "40001"))) {
        "a concurrent change conflicted with this one; try again"
    } else {
        return None;
    };
    Some(Error::Busy { message: message.into(), retry_after: 1 })
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        retryable(&error).unwrap_or_else(|| Error::Internal(error.into()))
    }
}

/// Failures that carry a database error anywhere in their chain (added
/// context included) are judged by it.
impl From<anyhow::Error> for Error {
    fn from(error: anyhow::Error) -> Self {
        match error.chain().find_map(|cause| cause.downcast_ref::<sqlx::Error>()).and_then(retryable) {
            Some(busy) => busy,
            None => Error::Internal(error),
        }
    }
}

/// Whether a database error says "not now" rather than "wrong": no
/// connection in time (the database is down or every connection is busy), a
/// connection that broke, a server shutting down or starting up, or SQLite's
/// write lock held past the busy timeout.
fn unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLITE_BUSY, SQLITE_LOCKED and their extended codes.
                code.parse::<i32>().is_ok_and(|code| matches!(code & 0xff, 5 | 6))
            } else {
                // Connection exceptions, admin shutdown, crash shutdown,
                // cannot connect now, too many connections.
                code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
            }
        }
        _ => false,
    }
}

/// Turns a unique-constraint violation into a `Conflict` with a message.
/// `message` gets the database's own text, which names the index (PostgreSQL)
/// or its columns (SQLite), for tables with several unique indexes.
pub trait UniqueAs<T> {
    fn unique_as(self, message: impl FnOnce(&str) -> String) -> Result<T>;
}

impl<T> UniqueAs<T> for std::result::Result<T, sqlx::Error> {
    fn unique_as(self, message: impl FnOnce(&str) -> String) -> Result<T> {
        self.map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict(message(db.message())),
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

impl Error {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Error::BadRequest(_) => 400,
            Error::Unauthorized(_) => 401,
            Error::Forbidden(_) => 403,
            Error::NotFound(_) => 404,
            Error::Conflict(_) => 409,
            Error::Gone(_) => 410,
            Error::TooLarge(_) => 413,
            Error::Unsupported(_) => 415,
            Error::Invalid(_) => 422,
            Error::TooMany { .. } => 429,
            Error::Internal(_) => 500,
            Error::NotImplemented(_) => 501,
            Error::BadGateway(_) => 502,
            Error::Unavailable(_) | Error::Busy { .. } => 503,
            Error::Coded(_, inner) => inner.status(),
        }
    }

    /// The error without its business code, for surfaces that have none.
    pub fn uncoded(self) -> Error {
        match self {
            Error::Coded(_, inner) => inner.uncoded(),
            other => other,
        }
    }
}

impl From<Error> for Refusal {
    fn from(error: Error) -> Self {
        use keyward_api::error::{OAuthError, OAuthErrorCode};
        match error.uncoded() {
            Error::Internal(e) => Refusal::Internal(e),
            Error::Unauthorized(m) => Refusal::OAuth(OAuthError::invalid_client(m)),
            Error::TooMany { message, retry_after } => Refusal::OAuth(OAuthError {
                retry_after,
                ..OAuthError::new(429, OAuthErrorCode::InvalidRequest, message)
            }),
            Error::Unavailable(m) => Refusal::OAuth(OAuthError::new(503, OAuthErrorCode::TemporarilyUnavailable, m)),
            Error::Busy { message, retry_after } => Refusal::OAuth(OAuthError {
                retry_after: Some(retry_after),
                ..OAuthError::new(503, OAuthErrorCode::TemporarilyUnavailable, message)
            }),
            other => Refusal::OAuth(OAuthError::invalid_request(other.to_string())),
        }
    }
}

/// The end-user API reuses OAuth steps; their refusals become 400s there.
impl From<keyward_api::error::OAuthError> for Error {
    fn from(e: keyward_api::error::OAuthError) -> Self {
        Error::BadRequest(e.error_description.unwrap_or_else(|| e.error.as_str().into()))
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Internal(e) => Error::Internal(e),
            Refusal::OAuth(e) => e.into(),
        }
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        Error::from(error).into()
    }
}

impl From<anyhow::Error> for Refusal {
    fn from(error: anyhow::Error) -> Self {
        Error::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::Error;
    use anyhow::Context;

    fn is_unavailable(error: &Error) -> bool {
        matches!(error, Error::Busy { retry_after: 1, message } if message.contains("database is unavailable"))
    }

    #[test]
    fn an_unreachable_database_is_a_503_to_retry() {
        assert!(is_unavailable(&sqlx::Error::PoolTimedOut.into()));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(is_unavailable(&sqlx::Error::Io(refused).into()));
        let wrapped = Err::<(), _>(sqlx::Error::PoolTimedOut).context("loading the client").unwrap_err();
        assert!(is_unavailable(&wrapped.into()), "found beneath added context");
    }

    #[test]
    fn other_database_failures_stay_internal() {
        assert!(matches!(sqlx::Error::RowNotFound.into(), Error::Internal(_)));
        assert!(matches!(anyhow::anyhow!("no default tenant").into(), Error::Internal(_)));
    }

    #[tokio::test]
    async fn a_locked_sqlite_database_is_a_503_to_retry() {
        use sqlx::{Connection, Executor};
        let path = std::env::temp_dir().join(format!("keyward_locked_{}.db", uuid::Uuid::new_v4().simple()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut holder = sqlx::SqliteConnection::connect(&url).await.unwrap();
        holder.execute("CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE").await.unwrap();
        let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
        other.execute("PRAGMA busy_timeout = 0").await.unwrap();
        let locked = other.execute("INSERT INTO t VALUES (1)").await.unwrap_err();
        assert!(is_unavailable(&locked.into()));
        let _ = std::fs::remove_file(path);
    }
}
