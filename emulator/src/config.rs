//! The emulator's configuration: accounts, OAuth clients, timings and the objects the
//! account starts with.

use std::collections::BTreeSet;
use std::time::Duration;

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
}

impl Default for Config {
    /// No accounts, 1,080-second tokens (the lifetime the documentation gives), no send
    /// log delay, no emails and no send classifications.
    fn default() -> Self {
        Config {
            accounts: Vec::new(),
            oauth_clients: Vec::new(),
            token_lifetime: Duration::from_secs(1080),
            send_log_delay: Duration::ZERO,
            emails: BTreeSet::new(),
            send_classifications: BTreeSet::new(),
            seed: None,
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
}
