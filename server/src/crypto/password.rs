//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1, OWASP's floor),
//! run on a fixed set of dedicated threads: hashing never blocks the async
//! runtime, a burst of sign-ins queues instead of multiplying threads, and
//! verification reuses each thread's 19 MiB instead of allocating it anew.
//! The queue is bounded: when it is full a caller is told to come back
//! ([`Error::Busy`], 503 with `Retry-After`) instead of waiting behind a
//! flood of guesses.

use crate::error::{Error, Result};
use anyhow::{Context, anyhow};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, mpsc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

type Job = Box<dyn FnOnce() + Send>;

/// Jobs waiting or running per hashing thread before callers are turned
/// away: at about 25 ms a job, the last in line waits under half a second.
pub const QUEUE_PER_THREAD: usize = 16;

#[derive(Clone)]
pub struct Passwords {
    jobs: Arc<Mutex<mpsc::Sender<Job>>>,
    /// One permit per job that may be queued or running.
    queue: Arc<Semaphore>,
}

/// A place in the hashing queue, taken before the work it is for (an
/// attempt is reserved only once it is sure to be evaluated).
pub struct Slot {
    passwords: Passwords,
    _permit: OwnedSemaphorePermit,
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
    /// `threads` hashing threads (at least one) and room for `queue` jobs
    /// waiting or running (at least one).
    pub fn new(threads: usize, queue: usize) -> Self {
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
        Passwords { jobs: Arc::new(Mutex::new(sender)), queue: Arc::new(Semaphore::new(queue.max(1))) }
    }

    /// A place in the queue, or [`Error::Busy`] when it is full.
    pub fn slot(&self) -> Result<Slot> {
        let permit = self.queue.clone().try_acquire_owned().map_err(|_| Error::Busy {
            message: "too many password checks are waiting; try again in a moment".into(),
            retry_after: 1,
        })?;
        Ok(Slot { passwords: self.clone(), _permit: permit })
    }

    /// The PHC string of `password`'s argon2id hash.
    pub async fn hash(&self, password: String) -> Result<String> {
        self.slot()?.hash(password).await
    }
}

impl Slot {
    async fn run<T: Send + 'static>(self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        let jobs = &self.passwords.jobs;
        jobs.lock().expect("password queue").send(job).map_err(|_| anyhow!("password threads stopped"))?;
        result.await.context("password thread")
    }

    /// The PHC string of `password`'s argon2id hash.
    pub async fn hash(self, password: String) -> Result<String> {
        let hashed = self.run(move || {
            let mut salt = [0u8; 16];
            rand::rng().fill_bytes(&mut salt);
            let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow!("{e}"))?;
            argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| anyhow!("{e}"))
        });
        Ok(hashed.await??)
    }

    /// Whether `password` matches the stored PHC string.
    pub async fn verify(self, password: String, phc: String) -> Result<bool> {
        Ok(self.run(move || verify_reusing_memory(password.as_bytes(), &phc)).await??)
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
        let passwords = Passwords::new(2, 4);
        let phc = passwords.hash("correct horse".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(passwords.slot().unwrap().verify("correct horse".into(), phc.clone()).await.unwrap());
        assert!(!passwords.slot().unwrap().verify("wrong horse".into(), phc).await.unwrap());
    }

    #[test]
    fn a_full_queue_turns_callers_away() {
        let passwords = Passwords::new(1, 2);
        let held = [passwords.slot().unwrap(), passwords.slot().unwrap()];
        assert!(matches!(passwords.slot(), Err(crate::error::Error::Busy { retry_after: 1, .. })));
        drop(held);
        assert!(passwords.slot().is_ok());
    }
}
