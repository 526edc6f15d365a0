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
//! All state lives in memory behind one mutex, and is lost when the emulator stops.

mod auth;
mod clock;
mod config;
mod envelope;
mod filter;
mod objects;
mod operations;
mod retrieve;
mod server;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

pub use config::{
    Config, OAuthClient, SEND_LOG_TEMPLATE_OBJECT_ID, TRIGGERED_SEND_TEMPLATE_OBJECT_ID,
    UsernameAccount,
};

use state::State;

/// The configuration and the account's state, shared by every connection task.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) state: Mutex<State>,
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
    /// Fails when the port cannot be bound.
    pub async fn start(config: Config) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        Ok(Self::serve(listener, config))
    }

    /// Starts the emulator on `address`.
    ///
    /// # Errors
    /// Fails when the address cannot be bound.
    pub async fn bind(address: SocketAddr, config: Config) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(address).await?;
        Ok(Self::serve(listener, config))
    }

    fn serve(listener: TcpListener, config: Config) -> Emulator {
        // The listener is bound, so it has a local address.
        let address = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let base_url = format!("http://{address}");
        let state = State::new(&config);
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(state),
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

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
