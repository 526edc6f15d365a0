//! `sfmc-emulator`: serves the partnerAPI emulator until interrupted.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sfmc_emulator::{Config, Emulator};

/// A local Salesforce Marketing Cloud partnerAPI emulator: `POST /v2/token` and
/// `POST /Service.asmx`.
#[derive(Parser, Debug)]
#[command(version)]
struct Arguments {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A UsernameToken login, as USER:PASSWORD; repeat for more.
    #[arg(long = "account", value_name = "USER:PASSWORD")]
    accounts: Vec<String>,
    /// An OAuth client, as CLIENT_ID:CLIENT_SECRET; repeat for more.
    #[arg(long = "oauth-client", value_name = "ID:SECRET")]
    oauth_clients: Vec<String>,
    /// The access token lifetime in seconds.
    #[arg(long, default_value_t = 1080)]
    token_lifetime: u64,
    /// The delay in milliseconds before a send's log row and SentEvent can be retrieved.
    #[arg(long, default_value_t = 0)]
    send_log_delay_ms: u64,
    /// An Email ID that triggered send definitions may reference; repeat for more.
    #[arg(long = "email", value_name = "ID")]
    emails: Vec<i32>,
    /// A send classification CustomerKey that definitions may reference; repeat for more.
    #[arg(long = "send-classification", value_name = "KEY")]
    send_classifications: Vec<String>,
    /// The seed of every generated ID, for reproducible runs.
    #[arg(long)]
    seed: Option<u64>,
}

fn split_pair(text: &str, what: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, secret)) if !name.is_empty() => Ok((name.to_owned(), secret.to_owned())),
        _ => Err(format!("invalid {what} {text:?}: expected NAME:SECRET")),
    }
}

fn config(arguments: &Arguments) -> Result<Config, String> {
    let mut config = Config::default()
        .token_lifetime(Duration::from_secs(arguments.token_lifetime))
        .send_log_delay(Duration::from_millis(arguments.send_log_delay_ms));
    for account in &arguments.accounts {
        let (username, password) = split_pair(account, "--account")?;
        config = config.account(username, password);
    }
    for client in &arguments.oauth_clients {
        let (id, secret) = split_pair(client, "--oauth-client")?;
        config = config.oauth_client(id, secret);
    }
    config.emails = arguments.emails.iter().copied().collect();
    config.send_classifications = arguments
        .send_classifications
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>();
    config.seed = arguments.seed;
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let arguments = Arguments::parse();
    let config = match config(&arguments) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("sfmc-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::bind(arguments.listen, config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!(
                "sfmc-emulator: cannot listen on {}: {error}",
                arguments.listen
            );
            return ExitCode::from(1);
        }
    };
    println!("SOAP endpoint: {}", emulator.soap_url());
    tokio::select! {
        () = emulator.wait() => {}
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupted; stopping"),
    }
    ExitCode::SUCCESS
}
