//! Faults on demand: latency and failed responses injected per operation, optionally only
//! for requests about one object type.

use std::cell::LazyCell;
use std::collections::BTreeMap;
use std::time::Duration;

use sfmc_partner_api::{
    ConfigureRequestMsg, ConfigureResponseMsg, CreateRequest, CreateResponse, DefinitionRequestMsg,
    DeleteRequest, DeleteResponse, ExecuteResponseMsg, ExtractResponseMsg, PerformResponseMsg,
    QueryResponseMsg, RetrieveRequestMsg, RetrieveResponseMsg, ScheduleResponseMsg,
    SystemStatusResponseMsg, UpdateRequest, UpdateResponse,
};
use sfmc_runtime::xml::Nillable;

use crate::config::Config;
use crate::envelope::{self, ResponseAddressing, Version};
use crate::state::Ids;

/// The operations of the partnerAPI WSDL, by their `SOAPAction`.
pub const OPERATIONS: &[&str] = &[
    "Create",
    "Retrieve",
    "Update",
    "Delete",
    "Query",
    "Describe",
    "Execute",
    "Perform",
    "Configure",
    "Schedule",
    "VersionInfo",
    "Extract",
    "GetSystemStatus",
];

/// The operations whose response has an `OverallStatus`: all but Describe and VersionInfo.
const STATUS_OPERATIONS: &[&str] = &[
    "Create",
    "Retrieve",
    "Update",
    "Delete",
    "Query",
    "Execute",
    "Perform",
    "Configure",
    "Schedule",
    "Extract",
    "GetSystemStatus",
];

/// The `OverallStatus` of a Retrieve the service's database timed out on.
pub(crate) const TIMEOUT_STATUS: &str = "Error: Timeout expired.  The timeout period elapsed prior to completion of the operation or the server is not responding.";

/// The body of an injected HTTP 503, an HTML page as a load balancer sends it.
pub(crate) const UNAVAILABLE_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request. Please try again later.</p></body></html>\n";

/// A failure the emulator can respond to a request with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP 500 with the `soap:Server` fault `Rate Limited`, apifault Code 17.
    RateLimited,
    /// HTTP 200 with `OverallStatus` `Error: Timeout expired. …` and no results. Only a
    /// Retrieve response has this form, so a rule of this kind for another operation never
    /// fires.
    TimeoutStatus,
    /// HTTP 200 with this `OverallStatus` text and no results, the way the service reports
    /// a request it rejects as a whole, such as `Error: API Permission Failed.` for an
    /// account that may not retrieve an object type. The responses of all operations but
    /// Describe and VersionInfo have an `OverallStatus`, so a rule of this kind never fires
    /// for those two.
    OverallStatus(String),
    /// HTTP 503 with an HTML body, as a gateway in front of the service sends it.
    Unavailable,
    /// The connection closes without any response.
    DropConnection,
}

impl FaultKind {
    /// Returns whether a response of `operation` can take this fault.
    pub fn applies_to(&self, operation: &str) -> bool {
        match self {
            FaultKind::TimeoutStatus => operation == "Retrieve",
            FaultKind::OverallStatus(_) => STATUS_OPERATIONS.contains(&operation),
            FaultKind::RateLimited | FaultKind::Unavailable | FaultKind::DropConnection => true,
        }
    }
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
    /// The object type a request must be about for the rule to fire, or `None` for every
    /// request. See [`FaultRule::object_type`].
    pub object_type: Option<String>,
}

impl FaultRule {
    /// Creates a rule that fires for every request, without limit.
    pub fn new(kind: FaultKind) -> Self {
        FaultRule {
            kind,
            share: 1.0,
            max_count: None,
            object_type: None,
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

    /// Limits the rule to requests about `object_type`, compared exactly.
    ///
    /// A Retrieve or Describe is about its `ObjectType`, such as `UnsubEvent` or
    /// `DataExtensionObject[SendLog]`. A Create, Update or Delete is about the `xsi:type` of
    /// each of its `Objects`, and a Configure about that of each `Configuration`. A rule
    /// with an object type never fires for the other operations.
    pub fn object_type(mut self, object_type: impl Into<String>) -> Self {
        self.object_type = Some(object_type.into());
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
    /// `object_types` returns the object types the request is about, and is called only
    /// when a rule names an object type.
    pub(crate) fn decide(
        &mut self,
        config: &Config,
        operation: &str,
        object_types: impl FnOnce() -> Vec<String>,
    ) -> (Duration, Option<FaultKind>) {
        let key = if config.faults.contains_key(operation) {
            operation
        } else {
            "*"
        };
        let Some(faults) = config.faults.get(key) else {
            return (Duration::ZERO, None);
        };
        let object_types = LazyCell::new(object_types);
        for (index, rule) in faults.rules.iter().enumerate() {
            if !rule.kind.applies_to(operation) {
                continue;
            }
            if let Some(wanted) = &rule.object_type {
                if !object_types.iter().any(|object_type| object_type == wanted) {
                    continue;
                }
            }
            let fired = self.fired.entry((key.to_owned(), index)).or_default();
            if rule.max_count.is_some_and(|max| *fired >= max) {
                continue;
            }
            // 53 random bits give an f64 in [0, 1), uniform over the multiples of 2^-53.
            let draw = (self.random.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            if draw < rule.share {
                *fired += 1;
                return (faults.latency, Some(rule.kind.clone()));
            }
        }
        (faults.latency, None)
    }
}

/// Returns the object types a request of `operation` is about, as
/// [`FaultRule::object_type`] describes them. The list is empty for other operations and
/// for a body that cannot be read, which the operation then rejects.
pub(crate) fn object_types(operation: &str, body: &[u8], version: Version) -> Vec<String> {
    fn read<M: sfmc_runtime::xml::Message>(body: &[u8], version: Version) -> Option<M> {
        envelope::read_body::<M>(body, version).ok()
    }
    let type_names = |objects: &[sfmc_partner_api::AnyApiObject]| {
        objects
            .iter()
            .map(|object| object.type_name().to_owned())
            .collect()
    };
    let types: Option<Vec<String>> = match operation {
        "Retrieve" => read::<RetrieveRequestMsg>(body, version)
            .map(|message| vec![message.retrieve_request.object_type.trim().to_owned()]),
        "Create" => {
            read::<CreateRequest>(body, version).map(|message| type_names(&message.objects))
        }
        "Update" => {
            read::<UpdateRequest>(body, version).map(|message| type_names(&message.objects))
        }
        "Delete" => {
            read::<DeleteRequest>(body, version).map(|message| type_names(&message.objects))
        }
        "Configure" => read::<ConfigureRequestMsg>(body, version).map(|message| {
            message
                .configurations
                .map_or_else(Vec::new, |list| type_names(&list.configuration))
        }),
        "Describe" => read::<DefinitionRequestMsg>(body, version).map(|message| {
            message
                .describe_requests
                .map(|list| list.object_definition_request)
                .unwrap_or_default()
                .into_iter()
                .filter_map(Nillable::into_value)
                .filter_map(|request| request.object_type)
                .map(|object_type| object_type.trim().to_owned())
                .collect()
        }),
        _ => None,
    };
    types.unwrap_or_default()
}

/// Writes the response of `operation` with `overall_status` and no results, or returns
/// `None` for an operation whose response has no `OverallStatus`.
pub(crate) fn status_response(
    operation: &str,
    overall_status: &str,
    request_id: String,
    version: Version,
    addressing: &ResponseAddressing<'_>,
) -> Option<Vec<u8>> {
    let overall_status = overall_status.to_owned();
    macro_rules! respond {
        ($message:ident { $($field:ident: $value:expr),* $(,)? }) => {
            envelope::write_response(
                version,
                addressing,
                &$message {
                    overall_status,
                    $($field: $value,)*
                    ..$message::default()
                },
            )
        };
    }
    Some(match operation {
        "Retrieve" => respond!(RetrieveResponseMsg {
            request_id: Some(request_id)
        }),
        "Create" => respond!(CreateResponse {
            request_id: Some(request_id)
        }),
        "Update" => respond!(UpdateResponse {
            request_id: Some(request_id)
        }),
        "Delete" => respond!(DeleteResponse {
            request_id: Some(request_id)
        }),
        "Query" => respond!(QueryResponseMsg {
            request_id: Some(request_id)
        }),
        "Execute" => respond!(ExecuteResponseMsg {
            request_id: Some(request_id)
        }),
        "Extract" => respond!(ExtractResponseMsg {
            request_id: Some(request_id)
        }),
        "Configure" => respond!(ConfigureResponseMsg {
            request_id: Some(request_id)
        }),
        "Perform" => respond!(PerformResponseMsg {
            request_id: Some(request_id)
        }),
        "Schedule" => respond!(ScheduleResponseMsg {
            request_id: Some(request_id)
        }),
        "GetSystemStatus" => respond!(SystemStatusResponseMsg {
            request_id: request_id
        }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_types() -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn rule_max_count() {
        let config = Config::default().seed(3).fault(
            "Create",
            FaultRule::new(FaultKind::RateLimited).max_count(2),
        );
        let mut state = FaultState::new(&config);
        let kinds: Vec<Option<FaultKind>> = (0..4)
            .map(|_| state.decide(&config, "Create", no_types).1)
            .collect();
        assert_eq!(
            kinds,
            [
                Some(FaultKind::RateLimited),
                Some(FaultKind::RateLimited),
                None,
                None
            ]
        );
        assert_eq!(state.decide(&config, "Retrieve", no_types).1, None);
    }

    #[test]
    fn rule_share_and_fallback() {
        let config = Config::default()
            .seed(5)
            .latency("*", Duration::from_millis(4))
            .fault("*", FaultRule::new(FaultKind::Unavailable).share(0.5));
        let mut state = FaultState::new(&config);
        let fired = (0..1000)
            .filter(|_| state.decide(&config, "Delete", no_types).1.is_some())
            .count();
        assert!((400..600).contains(&fired), "{fired} of 1000 fired");
        assert_eq!(
            state.decide(&config, "Update", no_types).0,
            Duration::from_millis(4)
        );
    }

    #[test]
    fn timeout_status_retrieve_only() {
        let config = Config::default().fault("*", FaultRule::new(FaultKind::TimeoutStatus));
        let mut state = FaultState::new(&config);
        assert_eq!(state.decide(&config, "Create", no_types).1, None);
        assert_eq!(
            state.decide(&config, "Retrieve", no_types).1,
            Some(FaultKind::TimeoutStatus)
        );
    }

    #[test]
    fn overall_status_operations() {
        let kind = FaultKind::OverallStatus("Error: API Permission Failed.".to_owned());
        let config = Config::default().fault("*", FaultRule::new(kind.clone()));
        let mut state = FaultState::new(&config);
        for operation in ["Describe", "VersionInfo", "Unknown"] {
            assert_eq!(
                state.decide(&config, operation, no_types).1,
                None,
                "{operation}"
            );
        }
        for operation in ["Retrieve", "Create", "Configure", "GetSystemStatus"] {
            assert_eq!(
                state.decide(&config, operation, no_types).1,
                Some(kind.clone()),
                "{operation}"
            );
        }
    }

    #[test]
    fn rule_object_type() {
        let config = Config::default().seed(1).fault(
            "Retrieve",
            FaultRule::new(FaultKind::RateLimited)
                .object_type("UnsubEvent")
                .max_count(1),
        );
        let mut state = FaultState::new(&config);
        let sent = || vec!["SentEvent".to_owned()];
        let unsub = || vec!["UnsubEvent".to_owned()];
        assert_eq!(state.decide(&config, "Retrieve", sent).1, None);
        assert_eq!(
            state.decide(&config, "Retrieve", unsub).1,
            Some(FaultKind::RateLimited)
        );
        // The rule fires at most once, and the UnsubEvent retrieve used that firing.
        assert_eq!(state.decide(&config, "Retrieve", unsub).1, None);
    }

    #[test]
    fn object_types_not_read_without_need() {
        let config = Config::default().fault("Create", FaultRule::new(FaultKind::RateLimited));
        let mut state = FaultState::new(&config);
        let kind = state
            .decide(&config, "Create", || {
                panic!("the object types should not be read")
            })
            .1;
        assert_eq!(kind, Some(FaultKind::RateLimited));
    }
}
