//! The emulator's configuration: accounts, OAuth clients, timings and the objects the
//! account starts with.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use crate::faults::{FaultRule, OperationFaults};
use crate::tracking::ScenarioEvent;

/// The ObjectID of the `TriggeredSendDataExtension` template. Salesforce's one-to-one
/// tracking guide calls it a static value used for all accounts.
pub const TRIGGERED_SEND_TEMPLATE_OBJECT_ID: &str = "c3af0d64-1867-de11-8767-001e0bcf2c98";

/// The ObjectID the emulator gives the `SendLog` template. The service's value is not
/// published, so clients should look it up by Name.
pub const SEND_LOG_TEMPLATE_OBJECT_ID: &str = "a1c6e2b4-7d1f-4c5e-9b0a-3f8e2d6c4b17";

/// A WS-Security UsernameToken login.
#[derive(Clone, Debug)]
pub struct UsernameAccount {
    /// The user name.
    pub username: String,
    /// The password, compared exactly.
    pub password: String,
}

/// An installed package's OAuth 2.0 client credentials.
#[derive(Clone, Debug)]
pub struct OAuthClient {
    /// The client ID.
    pub client_id: String,
    /// The client secret, compared exactly.
    pub client_secret: String,
}

/// The emulator's settings, built with the chained setters.
#[derive(Clone, Debug)]
pub struct Config {
    /// UsernameToken logins.
    pub accounts: Vec<UsernameAccount>,
    /// OAuth clients for `/v2/token`.
    pub oauth_clients: Vec<OAuthClient>,
    /// The lifetime of an access token, reported as `expires_in`.
    pub token_lifetime: Duration,
    /// How long after a send its send log row and SentEvent become retrievable.
    pub send_log_delay: Duration,
    /// Email IDs a TriggeredSendDefinition may reference.
    pub emails: BTreeSet<i32>,
    /// Send classification CustomerKeys a TriggeredSendDefinition may reference.
    pub send_classifications: BTreeSet<String>,
    /// The seed of every generated ID; `None` seeds from the clock.
    pub seed: Option<u64>,
    /// The tracking events each email address produces after a send, keyed by the address
    /// in lowercase.
    pub scenarios: BTreeMap<String, Vec<ScenarioEvent>>,
    /// Whether an address without a scenario gets a random one, drawn from the seeded ID
    /// generator. Without it, such an address produces only its SentEvent.
    pub random_scenarios: bool,
    /// How long after the send a scenario's tracking events become retrievable, whatever
    /// their `EventDate`.
    pub tracking_delay: Duration,
    /// Injected latency and faults, keyed by operation name (`Retrieve`, `Create`, …) or
    /// `*` for every operation without its own entry.
    pub faults: BTreeMap<String, OperationFaults>,
    /// The file that keeps the account's objects and issued access tokens across restarts;
    /// `None` keeps them in memory only.
    pub state_file: Option<PathBuf>,
    /// Whether every retrieve result carries an element the schema does not declare, so that
    /// clients show they ignore unknown elements.
    pub tolerance_check: bool,
}

impl Default for Config {
    /// No accounts, 1,080-second tokens (the lifetime the documentation gives), no send
    /// log or tracking delay, no emails, no send classifications, no tracking scenarios, no
    /// faults, and state in memory only.
    fn default() -> Self {
        Config {
            accounts: Vec::new(),
            oauth_clients: Vec::new(),
            token_lifetime: Duration::from_secs(1080),
            send_log_delay: Duration::ZERO,
            emails: BTreeSet::new(),
            send_classifications: BTreeSet::new(),
            seed: None,
            scenarios: BTreeMap::new(),
            random_scenarios: false,
            tracking_delay: Duration::ZERO,
            faults: BTreeMap::new(),
            state_file: None,
            tolerance_check: false,
        }
    }
}

impl Config {
    /// Adds a UsernameToken login.
    pub fn account(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.accounts.push(UsernameAccount {
            username: username.into(),
            password: password.into(),
        });
        self
    }

    /// Adds an OAuth client.
    pub fn oauth_client(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.oauth_clients.push(OAuthClient {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    /// Sets the access token lifetime.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Sets the delay before a send's log row and SentEvent become retrievable.
    pub fn send_log_delay(mut self, delay: Duration) -> Self {
        self.send_log_delay = delay;
        self
    }

    /// Adds an email a TriggeredSendDefinition may reference by ID.
    pub fn email(mut self, id: i32) -> Self {
        self.emails.insert(id);
        self
    }

    /// Adds a send classification a TriggeredSendDefinition may reference by CustomerKey.
    pub fn send_classification(mut self, customer_key: impl Into<String>) -> Self {
        self.send_classifications.insert(customer_key.into());
        self
    }

    /// Makes every generated ID reproducible.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets the tracking events sends to `email_address` produce, replacing any earlier
    /// scenario of that address. The address is compared without case.
    pub fn scenario(mut self, email_address: &str, events: Vec<ScenarioEvent>) -> Self {
        self.scenarios
            .insert(email_address.trim().to_ascii_lowercase(), events);
        self
    }

    /// Gives every address without a scenario a random one, reproducible with [`Config::seed`].
    pub fn random_scenarios(mut self, enabled: bool) -> Self {
        self.random_scenarios = enabled;
        self
    }

    /// Sets the delay between a send and the time its scenario's tracking events become
    /// retrievable.
    pub fn tracking_delay(mut self, delay: Duration) -> Self {
        self.tracking_delay = delay;
        self
    }

    /// Delays every request of `operation` (or `*` for all) by `latency` before it is served.
    pub fn latency(mut self, operation: &str, latency: Duration) -> Self {
        self.faults.entry(operation.to_owned()).or_default().latency = latency;
        self
    }

    /// Adds a fault rule for `operation` (or `*` for all). Rules are tried in the order
    /// they were added, and the first that fires decides the response. A rule limited to an
    /// object type with [`FaultRule::object_type`] is skipped for requests about others.
    ///
    /// `operation` is compared exactly with the request's SOAP action, so it should be one
    /// of [`crate::OPERATIONS`]. An operation given rules or a latency of its own uses
    /// neither the rules nor the latency of `*`.
    pub fn fault(mut self, operation: &str, rule: FaultRule) -> Self {
        self.faults
            .entry(operation.to_owned())
            .or_default()
            .rules
            .push(rule);
        self
    }

    /// Keeps the account's objects and issued access tokens in `path` across restarts. The
    /// file is JSON, rewritten after every change, and contains the tokens in clear text.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Adds an element the schema does not declare to every retrieve result.
    pub fn tolerance_check(mut self, enabled: bool) -> Self {
        self.tolerance_check = enabled;
        self
    }
}
