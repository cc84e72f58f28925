//! The secret a new client or API resource secret gets: generated (256
//! bits, shown once), or imported from wherever the client already
//! authenticates with it (seed 004's Spring clients keep their
//! `client_secret`). Either way only its SHA-256 digest is stored; an
//! imported one is never echoed, logged or put in an error message.

use crate::crypto::secret;
use crate::error::{Error, Result};

/// Imported secrets shorter than this are weak: refused unless the admin
/// says `allowWeakSecret`, and marked when stored.
pub const STRONG_MIN_CHARS: usize = 8;
/// The longest secret that may be imported.
const MAX_CHARS: usize = 1024;

/// A secret about to be stored.
pub struct Chosen {
    /// The generated secret, to show this once; `None` for an imported one.
    pub shown: Option<String>,
    /// Its hex SHA-256 digest.
    pub digest: String,
    pub weak: bool,
}

/// A generated secret, or `imported` — the request's field `field` — once
/// it is acceptable: 1 to [`MAX_CHARS`] characters without control characters, and at
/// least [`STRONG_MIN_CHARS`] unless `allow_weak`.
pub fn choose(field: &str, imported: Option<String>, allow_weak: Option<bool>) -> Result<Chosen> {
    let Some(value) = imported else {
        let generated = secret::generate();
        return Ok(Chosen { digest: secret::digest(&generated), shown: Some(generated), weak: false });
    };
    let chars = value.chars().count();
    if chars == 0 {
        return Err(Error::Invalid(format!("`{field}` must not be empty; leave it out to have a secret generated")));
    }
    if chars > MAX_CHARS {
        return Err(Error::Invalid(format!("`{field}` must be at most {MAX_CHARS} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::Invalid(format!("`{field}` must not contain control characters")));
    }
    let weak = chars < STRONG_MIN_CHARS;
    if weak && allow_weak != Some(true) {
        return Err(Error::Invalid(format!(
            "`{field}` must be at least {STRONG_MIN_CHARS} characters: a shorter secret is easily guessed. To import \
             it anyway (it is then marked weak), set `allowWeakSecret: true`"
        )));
    }
    Ok(Chosen { shown: None, digest: secret::digest(&value), weak })
}
