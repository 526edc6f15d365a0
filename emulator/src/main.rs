//! `sfmc-emulator`: serves the partnerAPI emulator until interrupted.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sfmc_emulator::{Config, Emulator, FaultKind, FaultRule};

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
    /// The file that keeps the account's objects across restarts, written after every
    /// change; without it, state is lost when the emulator stops.
    #[arg(long = "state", value_name = "FILE")]
    state_file: Option<PathBuf>,
    /// Gives every send random tracking events (deliveries, opens, clicks, bounces,
    /// unsubscribes), reproducible with --seed.
    #[arg(long)]
    random_scenarios: bool,
    /// The delay in milliseconds before a send's tracking events can be retrieved.
    #[arg(long, default_value_t = 0)]
    tracking_delay_ms: u64,
    /// Adds an element the schema does not declare to every retrieve result.
    #[arg(long)]
    tolerance_check: bool,
    /// Delays every request of an operation, as OPERATION=MILLISECONDS; `*` names every
    /// operation. Repeat for more.
    #[arg(long = "latency", value_name = "OPERATION=MS")]
    latencies: Vec<String>,
    /// Responds to a share of an operation's requests with a fault, as
    /// OPERATION=KIND[:SHARE[:MAX_COUNT]]. KIND is rate-limited, timeout-status,
    /// unavailable or drop-connection. SHARE is 0.0 to 1.0 (default 1.0). Repeat for more.
    #[arg(long = "fault", value_name = "OPERATION=KIND[:SHARE[:MAX]]")]
    faults: Vec<String>,
}

/// Parses a `--fault` value.
fn fault_rule(text: &str) -> Result<(String, FaultRule), String> {
    let invalid = |reason: &str| format!("invalid --fault {text:?}: {reason}");
    let (operation, rest) = text
        .split_once('=')
        .ok_or_else(|| invalid("expected OPERATION=KIND[:SHARE[:MAX_COUNT]]"))?;
    let mut parts = rest.split(':');
    let kind = match parts.next().unwrap_or_default() {
        "rate-limited" => FaultKind::RateLimited,
        "timeout-status" => FaultKind::TimeoutStatus,
        "unavailable" => FaultKind::Unavailable,
        "drop-connection" => FaultKind::DropConnection,
        _ => {
            return Err(invalid(
                "KIND must be rate-limited, timeout-status, unavailable or drop-connection",
            ));
        }
    };
    let mut rule = FaultRule::new(kind);
    if let Some(share) = parts.next() {
        let share: f64 = share
            .parse()
            .ok()
            .filter(|share| (0.0..=1.0).contains(share))
            .ok_or_else(|| invalid("SHARE must be a number from 0.0 to 1.0"))?;
        rule = rule.share(share);
    }
    if let Some(max) = parts.next() {
        let max: u32 = max
            .parse()
            .map_err(|_| invalid("MAX_COUNT must be a whole number"))?;
        rule = rule.max_count(max);
    }
    if parts.next().is_some() {
        return Err(invalid("expected at most KIND:SHARE:MAX_COUNT after ="));
    }
    Ok((operation.to_owned(), rule))
}

/// Parses a `--latency` value.
fn latency(text: &str) -> Result<(String, Duration), String> {
    let parsed = text
        .split_once('=')
        .and_then(|(operation, millis)| Some((operation, millis.parse::<u64>().ok()?)));
    match parsed {
        Some((operation, millis)) if !operation.is_empty() => {
            Ok((operation.to_owned(), Duration::from_millis(millis)))
        }
        _ => Err(format!(
            "invalid --latency {text:?}: expected OPERATION=MILLISECONDS"
        )),
    }
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
    config.state_file = arguments.state_file.clone();
    config = config
        .random_scenarios(arguments.random_scenarios)
        .tracking_delay(Duration::from_millis(arguments.tracking_delay_ms))
        .tolerance_check(arguments.tolerance_check);
    for text in &arguments.latencies {
        let (operation, delay) = latency(text)?;
        config = config.latency(&operation, delay);
    }
    for text in &arguments.faults {
        let (operation, rule) = fault_rule(text)?;
        config = config.fault(&operation, rule);
    }
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
                "sfmc-emulator: cannot start on {}: {error}",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_option_parsed() {
        let (operation, rule) = fault_rule("Retrieve=timeout-status:0.25:3").unwrap();
        assert_eq!(operation, "Retrieve");
        assert_eq!(
            rule,
            FaultRule::new(FaultKind::TimeoutStatus)
                .share(0.25)
                .max_count(3)
        );
        let (operation, rule) = fault_rule("*=drop-connection").unwrap();
        assert_eq!(operation, "*");
        assert_eq!(rule, FaultRule::new(FaultKind::DropConnection));
        assert!(fault_rule("Create=slow").is_err());
        assert!(fault_rule("Create=rate-limited:2").is_err());
        assert!(fault_rule("Create").is_err());
    }

    #[test]
    fn latency_option_parsed() {
        assert_eq!(
            latency("Create=250").unwrap(),
            ("Create".to_owned(), Duration::from_millis(250))
        );
        assert!(latency("=250").is_err());
        assert!(latency("Create=fast").is_err());
    }
}
