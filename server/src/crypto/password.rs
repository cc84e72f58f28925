//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1, OWASP's floor),
//! run on the blocking pool and bounded so a burst of logins cannot starve
//! the async runtime or exhaust memory.

use anyhow::{Context, anyhow};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"))
}

impl Passwords {
    /// At most `parallelism` hashes run at once.
    pub fn new(parallelism: usize) -> Self {
        Passwords { permits: Arc::new(Semaphore::new(parallelism.max(1))) }
    }

    /// The PHC string of `password`'s argon2id hash.
    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || {
            let mut salt = [0u8; 16];
            rand::rng().fill_bytes(&mut salt);
            let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow!("{e}"))?;
            argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| anyhow!("{e}"))
        })
        .await
        .context("password hashing task")?
    }

    /// Whether `password` matches the stored PHC string.
    pub async fn verify(&self, password: String, phc: String) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&phc).map_err(|e| anyhow!("stored password hash is malformed: {e}"))?;
            Ok(argon2().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .context("password verification task")?
    }
}

#[cfg(test)]
mod tests {
    use super::Passwords;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let passwords = Passwords::new(2);
        let phc = passwords.hash("correct horse".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(passwords.verify("correct horse".into(), phc.clone()).await.unwrap());
        assert!(!passwords.verify("wrong horse".into(), phc).await.unwrap());
    }
}
