//! Faults on demand: latency and failed responses injected per operation.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::config::Config;
use crate::state::Ids;

/// The `OverallStatus` of a Retrieve the service's database timed out on.
pub(crate) const TIMEOUT_STATUS: &str = "Error: Timeout expired.  The timeout period elapsed prior to completion of the operation or the server is not responding.";

/// The body of an injected HTTP 503, an HTML page as a load balancer sends it.
pub(crate) const UNAVAILABLE_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request. Please try again later.</p></body></html>\n";

/// A failure the emulator can respond to a request with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP 500 with the `soap:Server` fault `Rate Limited`, apifault Code 17.
    RateLimited,
    /// HTTP 200 with `OverallStatus` `Error: Timeout expired. …` and no results. Only a
    /// Retrieve response has this form, so a rule of this kind for another operation never
    /// fires.
    TimeoutStatus,
    /// HTTP 503 with an HTML body, as a gateway in front of the service sends it.
    Unavailable,
    /// The connection closes without any response.
    DropConnection,
}

/// A rule that responds to a share of an operation's requests with a fault.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// The fault to respond with.
    pub kind: FaultKind,
    /// The probability, from 0.0 to 1.0, that the rule fires for a request.
    pub share: f64,
    /// The number of times the rule fires at most; `None` for no limit.
    pub max_count: Option<u32>,
}

impl FaultRule {
    /// Creates a rule that fires for every request, without limit.
    pub fn new(kind: FaultKind) -> Self {
        FaultRule {
            kind,
            share: 1.0,
            max_count: None,
        }
    }

    /// Sets the probability that the rule fires, clamped to 0.0–1.0.
    pub fn share(mut self, share: f64) -> Self {
        self.share = share.clamp(0.0, 1.0);
        self
    }

    /// Sets the number of times the rule fires at most, so that `max_count(1)` fails only
    /// the first request it fires for.
    pub fn max_count(mut self, count: u32) -> Self {
        self.max_count = Some(count);
        self
    }
}

/// The latency and fault rules of one operation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OperationFaults {
    /// The time every request waits before it is served.
    pub latency: Duration,
    /// The fault rules, tried in order.
    pub rules: Vec<FaultRule>,
}

/// How often each rule fired, and the generator behind the shares.
pub(crate) struct FaultState {
    random: Ids,
    /// The number of times each rule fired, keyed by operation key and rule index.
    fired: BTreeMap<(String, usize), u32>,
}

impl FaultState {
    pub(crate) fn new(config: &Config) -> Self {
        // A separate generator keeps the account's IDs the same with and without faults.
        let seed = config
            .seed
            .unwrap_or_else(|| crate::clock::now_millis().unsigned_abs());
        FaultState {
            random: Ids::new(seed ^ 0x5EED_FA17),
            fired: BTreeMap::new(),
        }
    }

    /// Returns the latency of `operation` and the fault to respond with, if a rule fires.
    pub(crate) fn decide(
        &mut self,
        config: &Config,
        operation: &str,
    ) -> (Duration, Option<FaultKind>) {
        let key = if config.faults.contains_key(operation) {
            operation
        } else {
            "*"
        };
        let Some(faults) = config.faults.get(key) else {
            return (Duration::ZERO, None);
        };
        for (index, rule) in faults.rules.iter().enumerate() {
            if rule.kind == FaultKind::TimeoutStatus && operation != "Retrieve" {
                continue;
            }
            let fired = self.fired.entry((key.to_owned(), index)).or_default();
            if rule.max_count.is_some_and(|max| *fired >= max) {
                continue;
            }
            // 53 random bits give an f64 in [0, 1), uniform over the multiples of 2^-53.
            let draw = (self.random.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            if draw < rule.share {
                *fired += 1;
                return (faults.latency, Some(rule.kind));
            }
        }
        (faults.latency, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_max_count() {
        let config = Config::default().seed(3).fault(
            "Create",
            FaultRule::new(FaultKind::RateLimited).max_count(2),
        );
        let mut state = FaultState::new(&config);
        let kinds: Vec<Option<FaultKind>> =
            (0..4).map(|_| state.decide(&config, "Create").1).collect();
        assert_eq!(
            kinds,
            [
                Some(FaultKind::RateLimited),
                Some(FaultKind::RateLimited),
                None,
                None
            ]
        );
        assert_eq!(state.decide(&config, "Retrieve").1, None);
    }

    #[test]
    fn rule_share_and_fallback() {
        let config = Config::default()
            .seed(5)
            .latency("*", Duration::from_millis(4))
            .fault("*", FaultRule::new(FaultKind::Unavailable).share(0.5));
        let mut state = FaultState::new(&config);
        let fired = (0..1000)
            .filter(|_| state.decide(&config, "Delete").1.is_some())
            .count();
        assert!((400..600).contains(&fired), "{fired} of 1000 fired");
        assert_eq!(state.decide(&config, "Update").0, Duration::from_millis(4));
    }

    #[test]
    fn timeout_status_retrieve_only() {
        let config = Config::default().fault("*", FaultRule::new(FaultKind::TimeoutStatus));
        let mut state = FaultState::new(&config);
        assert_eq!(state.decide(&config, "Create").1, None);
        assert_eq!(
            state.decide(&config, "Retrieve").1,
            Some(FaultKind::TimeoutStatus)
        );
    }
}
