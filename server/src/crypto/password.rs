//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1, OWASP's floor),
//! run on a fixed set of dedicated threads: hashing never blocks the async
//! runtime, a burst of sign-ins queues instead of multiplying threads, and
//! verification reuses each thread's 19 MiB instead of allocating it anew.

use anyhow::{Context, anyhow};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, mpsc};
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

#[derive(Clone)]
pub struct Passwords {
    jobs: Arc<Mutex<mpsc::Sender<Job>>>,
}

/// Makes glibc serve every allocation of 1 MiB or more (an argon2 block
/// array is 19 MiB) with its own mapping, returned to the system when freed.
/// Otherwise glibc's adaptive threshold soon keeps such arrays in per-thread
/// heaps, and the resident size grows by tens of megabytes per thread.
fn release_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator tunable; any value is valid.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"))
}

impl Passwords {
    /// `threads` hashing threads (at least one).
    pub fn new(threads: usize) -> Self {
        release_large_allocations();
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    loop {
                        let job = receiver.lock().expect("password queue").recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("spawning a password thread");
        }
        Passwords { jobs: Arc::new(Mutex::new(sender)) }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs.lock().expect("password queue").send(job).map_err(|_| anyhow!("password threads stopped"))?;
        result.await.context("password thread")
    }

    /// The PHC string of `password`'s argon2id hash.
    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        self.run(move || {
            let mut salt = [0u8; 16];
            rand::rng().fill_bytes(&mut salt);
            let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow!("{e}"))?;
            argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| anyhow!("{e}"))
        })
        .await?
    }

    /// Whether `password` matches the stored PHC string.
    pub async fn verify(&self, password: String, phc: String) -> anyhow::Result<bool> {
        self.run(move || verify_reusing_memory(password.as_bytes(), &phc)).await?
    }
}

thread_local! {
    /// Each hashing thread's argon2 memory, kept between verifications: the
    /// sign-in path allocates nothing large.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Verifies `password` against a PHC string, with the thread's reused memory.
fn verify_reusing_memory(password: &[u8], phc: &str) -> anyhow::Result<bool> {
    let malformed = |e: &dyn std::fmt::Display| anyhow!("stored password hash is malformed: {e}");
    let parsed = PasswordHash::new(phc).map_err(|e| malformed(&e))?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| malformed(&e))?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(|e| malformed(&e))?,
        None => Version::V0x13,
    };
    let params = Params::try_from(&parsed).map_err(|e| malformed(&e))?;
    let expected = parsed.hash.context("stored password hash has no hash")?;
    let mut salt = [0u8; 64];
    let salt =
        parsed.salt.context("stored password hash has no salt")?.decode_b64(&mut salt).map_err(|e| malformed(&e))?;
    let mut out = vec![0u8; expected.len()];
    let count = params.block_count();
    BLOCKS
        .with_borrow_mut(|blocks| {
            if blocks.len() < count {
                blocks.resize(count, Block::default());
            }
            Argon2::new(algorithm, version, params).hash_password_into_with_memory(
                password,
                salt,
                &mut out,
                &mut blocks[..count],
            )
        })
        .map_err(|e| anyhow!("argon2: {e}"))?;
    Ok(crate::crypto::secret::equal(&out, expected.as_bytes()))
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
