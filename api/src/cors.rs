//! The answer of an operation browsers may call from another origin: the
//! operation's own answer — success or error — plus the CORS headers the
//! request's `Origin` earned, which the server decides per request.
//!
//! dropshot has no middleware and its error path cannot add headers, so the
//! headers travel with the answer: [`Cors`] carries the operation's result
//! and renders the error itself, so that a browser app can read a refusal
//! (a wrong password, an expired token) and not only successes. The
//! document is unchanged: the success response is the operation's, the
//! error is the operation's error type.

use crate::oauth::{HttpHandlerResult, refusal};
use dropshot::{ApiEndpointResponse, HttpResponse, HttpResponseError};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

/// An operation's result with the CORS headers to add to it.
#[derive(Debug)]
pub struct Cors<R, E> {
    pub result: Result<R, E>,
    /// `Vary: Origin` alone when the request has no `Origin` or one not
    /// allowed.
    pub headers: HeaderMap,
}

/// What a browser-callable operation returns; the outer error is left to
/// what dropshot itself refuses (an unreadable body, a bad path).
pub type CorsReply<R, E> = Result<Cors<R, E>, E>;

impl<R, E> HttpResponse for Cors<R, E>
where
    R: HttpResponse + Send + Sync + 'static,
    E: HttpResponseError + Serialize + Send + Sync + 'static,
{
    fn to_result(self) -> HttpHandlerResult {
        let mut response = match self.result {
            Ok(reply) => reply.to_result()?,
            Err(error) => refusal(http::Response::builder().status(error.status_code().as_status()), &error)?,
        };
        response.headers_mut().extend(self.headers);
        Ok(response)
    }

    fn response_metadata() -> ApiEndpointResponse {
        R::response_metadata()
    }

    fn status_code(&self) -> StatusCode {
        match &self.result {
            Ok(reply) => reply.status_code(),
            Err(error) => error.status_code().as_status(),
        }
    }
}
