//! Retries with capped exponential backoff and full jitter, and the small random number
//! generator behind the jitter and the message IDs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::error::Error;

/// Operations that only read, so that sending one twice does no harm.
pub const IDEMPOTENT_OPERATIONS: [&str; 4] =
    ["Retrieve", "Describe", "VersionInfo", "GetSystemStatus"];

/// The rules for sending a failed call again: which failures, how often, and after what
/// delay.
///
/// A call is retried when [`Error::is_not_processed`] is true (any operation), and when
/// [`Error::is_retryable`] is true for an operation in [`IDEMPOTENT_OPERATIONS`]. Other
/// operations, such as `Create`, are not sent again once the service may have carried them
/// out, unless [`RetryPolicy::retry_non_idempotent`] is set.
///
/// Before retry `n` (counting from 1) the client waits a random time between zero and
/// `min(max_delay, initial_delay × 2^(n-1))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Three attempts, backing off from 500 ms up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Returns a policy that sends each call once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets how many times a call is sent at most, the first time included; 0 counts as 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the upper bound of the first delay, which doubles with every retry.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// Sets the cap on the upper bound of any delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Lets operations that change data (such as `Create`) be sent again after a timeout,
    /// a reset connection or a gateway error, when the caller knows a duplicate is harmless.
    pub fn retry_non_idempotent(mut self, enabled: bool) -> Self {
        self.retry_non_idempotent = enabled;
        self
    }

    /// Returns how many times a call is sent at most.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Returns true when `operation` only reads.
    pub fn is_idempotent(operation: &str) -> bool {
        IDEMPOTENT_OPERATIONS.contains(&operation)
    }

    /// Decides whether `operation` may be sent again after failing with `error`.
    pub(crate) fn allows(&self, operation: &str, error: &Error) -> bool {
        if error.is_not_processed() {
            return true;
        }
        let may_repeat = self.retry_non_idempotent || Self::is_idempotent(operation);
        may_repeat && error.is_retryable()
    }

    /// Returns the delay before retry `retry` (counting from 1), drawn with `random`.
    pub(crate) fn delay(&self, retry: u32, random: u64) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        let bound = self
            .initial_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        let bound_nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(random % bound_nanos.saturating_add(1))
    }
}

/// A xorshift64* generator shared by concurrent calls, seeded from the clock.
///
/// NOTE: not suitable for secrets. It spreads retry delays and makes message IDs unique
/// enough to correlate logs, which is all the client needs it for.
pub(crate) struct Random {
    state: AtomicU64,
}

impl Random {
    pub(crate) fn from_clock() -> Self {
        static CLIENTS: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos() as u64);
        let count = CLIENTS.fetch_add(1, Ordering::Relaxed);
        // splitmix64 turns close seeds into unrelated states; xorshift needs a non-zero one.
        let seed = splitmix64(nanos ^ count.rotate_left(32)) | 1;
        Random {
            state: AtomicU64::new(seed),
        }
    }

    pub(crate) fn next_u64(&self) -> u64 {
        let mut current = self.state.load(Ordering::Relaxed);
        loop {
            let next = xorshift64(current);
            match self.state.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next.wrapping_mul(0x2545_F491_4F6C_DD1D),
                Err(actual) => current = actual,
            }
        }
    }

    /// Returns a random (version 4) UUID in its usual text form.
    pub(crate) fn uuid(&self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

fn xorshift64(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::error::Fault;
    use crate::xml::QualifiedName;

    fn status(status: u16) -> Error {
        Error::Status {
            status,
            url: String::new(),
            body: String::new(),
        }
    }

    fn rate_limited() -> Error {
        Error::Fault(Box::new(Fault {
            status: 500,
            code: QualifiedName::default(),
            message: "Rate Limited".to_owned(),
            actor: None,
            api_fault: None,
        }))
    }

    #[test]
    fn delay_bounds_double_then_cap() {
        let policy = RetryPolicy::default()
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        assert_eq!(policy.delay(1, 100_000_000), Duration::from_millis(100));
        assert_eq!(policy.delay(1, 100_000_001), Duration::ZERO);
        assert_eq!(policy.delay(2, 200_000_000), Duration::from_millis(200));
        assert_eq!(policy.delay(3, 350_000_000), Duration::from_millis(350));
        assert_eq!(policy.delay(40, 350_000_000), Duration::from_millis(350));
        assert_eq!(policy.delay(3, 350_000_001), Duration::ZERO);
        assert_eq!(policy.delay(1, 0), Duration::ZERO);
    }

    #[test]
    fn delay_zero_bound() {
        let policy = RetryPolicy::default().initial_delay(Duration::ZERO);
        assert_eq!(policy.delay(3, u64::MAX), Duration::ZERO);
    }

    #[test]
    fn allows_by_operation() {
        let policy = RetryPolicy::default();
        assert!(policy.allows("Retrieve", &status(503)));
        assert!(policy.allows("GetSystemStatus", &status(504)));
        assert!(!policy.allows("Create", &status(503)));
        assert!(!policy.allows("Retrieve", &status(500)));
        assert!(policy.allows("Create", &rate_limited()));
        assert!(policy.allows("Delete", &rate_limited()));
    }

    #[test]
    fn allows_non_idempotent_on_opt_in() {
        let policy = RetryPolicy::default().retry_non_idempotent(true);
        assert!(policy.allows("Create", &status(503)));
        assert!(!policy.allows("Create", &status(400)));
    }

    #[test]
    fn max_attempts_at_least_one() {
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!(RetryPolicy::default().attempts(), 3);
    }

    #[test]
    fn uuid_form() {
        let random = Random::from_clock();
        let first = random.uuid();
        let second = random.uuid();
        assert_ne!(first, second);
        let parts: Vec<&str> = first.split('-').collect();
        let lengths: Vec<usize> = parts.iter().map(|part| part.len()).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'), "{first}");
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{first}");
        assert!(
            first
                .bytes()
                .all(|byte| byte == b'-' || byte.is_ascii_hexdigit())
        );
        assert_eq!(first, first.to_ascii_lowercase());
    }
}
