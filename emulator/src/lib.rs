//! A local emulator of the Salesforce Marketing Cloud partnerAPI.
//!
//! It serves `POST /v2/token` (OAuth 2.0 client credentials) and `POST /Service.asmx` (SOAP
//! 1.1 and 1.2) on a loopback port, reads every request with the generated bindings of
//! `sfmc-partner-api` and writes every response with them. Tests start it in-process:
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use sfmc_emulator::{Config, Emulator};
//!
//! let config = Config::default().account("api-user", "pa55word");
//! let emulator = Emulator::start(config).await?;
//! let soap_url = emulator.soap_url(); // http://127.0.0.1:PORT/Service.asmx
//! # Ok(()) }
//! ```
//!
//! Tracking events beyond the SentEvent come from a scenario per address, or a seeded
//! random one, and faults are injected per operation, optionally only for requests about
//! one object type:
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use std::time::Duration;
//!
//! use sfmc_emulator::{Config, Emulator, FaultKind, FaultRule, ScenarioEvent, ScenarioEventKind};
//!
//! let opened = ScenarioEvent::new(ScenarioEventKind::Open, Duration::from_secs(90));
//! let denied = FaultKind::OverallStatus("Error: API Permission Failed.".to_owned());
//! let config = Config::default()
//!     .account("api-user", "pa55word")
//!     .scenario("reader@example.com", vec![opened])
//!     // The first Retrieve gets the `Rate Limited` fault, later ones succeed.
//!     .fault("Retrieve", FaultRule::new(FaultKind::RateLimited).max_count(1))
//!     // Every Retrieve of UnsubEvent fails as it does for an account without the permission.
//!     .fault("Retrieve", FaultRule::new(denied).object_type("UnsubEvent"));
//! let emulator = Emulator::start(config).await?;
//! # Ok(()) }
//! ```
//!
//! All state lives in memory behind one mutex. Without [`Config::state_file`] it is lost
//! when the emulator stops. With it, every request that changes the account's objects or
//! issues a token writes them to the file before its response is sent.

mod auth;
mod clock;
mod config;
mod describe;
mod envelope;
mod faults;
mod filter;
mod objects;
mod operations;
mod persist;
mod required;
mod retrieve;
mod rows;
mod server;
mod state;
mod tracking;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

pub use config::{
    Config, OAuthClient, SEND_LOG_TEMPLATE_OBJECT_ID, TRIGGERED_SEND_TEMPLATE_OBJECT_ID,
    UsernameAccount,
};
pub use faults::{FaultKind, FaultRule, OPERATIONS, OperationFaults};
pub use retrieve::TOLERANCE_CHECK_ELEMENT;
pub use tracking::{ScenarioEvent, ScenarioEventKind};

use state::State;

/// The configuration and the account's state, shared by every connection task.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) state: Mutex<State>,
    /// The fault rules' counters, locked only to decide a request's fault.
    pub(crate) faults: std::sync::Mutex<faults::FaultState>,
    /// The base URL clients reach the emulator at, such as `http://127.0.0.1:8080`.
    pub(crate) base_url: String,
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    address: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts the emulator on an ephemeral port of 127.0.0.1.
    ///
    /// # Errors
    /// Fails when the port cannot be bound, or when the configured state file exists but
    /// cannot be read.
    pub async fn start(config: Config) -> std::io::Result<Emulator> {
        let state = initial_state(&config)?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        Ok(Self::serve(listener, config, state))
    }

    /// Starts the emulator on `address`.
    ///
    /// # Errors
    /// Fails when the address cannot be bound, or when the configured state file exists
    /// but cannot be read.
    pub async fn bind(address: SocketAddr, config: Config) -> std::io::Result<Emulator> {
        let state = initial_state(&config)?;
        let listener = TcpListener::bind(address).await?;
        Ok(Self::serve(listener, config, state))
    }

    fn serve(listener: TcpListener, config: Config, state: State) -> Emulator {
        // The listener is bound, so it has a local address.
        let address = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let base_url = format!("http://{address}");
        let faults = faults::FaultState::new(&config);
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(state),
            faults: std::sync::Mutex::new(faults),
            base_url,
        });
        let (shutdown, stopped) = watch::channel(false);
        let task = tokio::spawn(server::accept_loop(listener, shared, stopped));
        tracing::info!(%address, "emulator listening");
        Emulator {
            address,
            shutdown,
            task: Some(task),
        }
    }

    /// Returns the socket address the emulator listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Returns the base URL, such as `http://127.0.0.1:8080`: the authentication base URL
    /// for OAuth clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns the SOAP endpoint, `{url}/Service.asmx`.
    pub fn soap_url(&self) -> String {
        format!("{}/Service.asmx", self.url())
    }

    /// Stops accepting connections and waits for the accept loop to end. Connections
    /// already open finish their current request.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the process ends; for the binary.
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Returns the state saved in the configured state file, or a new state when there is no
/// file.
fn initial_state(config: &Config) -> std::io::Result<State> {
    let mut state = State::new(config);
    if let Some(path) = &config.state_file {
        if persist::load(path, &mut state)? {
            tracing::info!(path = %path.display(), "state loaded");
        }
    }
    Ok(state)
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
