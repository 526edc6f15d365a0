//! `sfmc-emulator`: serves the partnerAPI emulator until interrupted.

use std::collections::BTreeSet;
use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sfmc_emulator::{Config, Emulator, FaultKind, FaultRule, OPERATIONS};

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
    /// OPERATION[/OBJECT_TYPE]=KIND[:SHARE[:MAX_COUNT]]. OPERATION is a SOAP action such as
    /// Retrieve, or * for every operation. OBJECT_TYPE limits the rule to requests about one
    /// object type: the ObjectType of a Retrieve or Describe, or the xsi:type of the Objects
    /// of a Create, Update or Delete or of the Configurations of a Configure. It cannot
    /// contain =. KIND is rate-limited, timeout-status, unavailable, drop-connection, or
    /// status=TEXT, which responds with HTTP 200, the OverallStatus TEXT and no results.
    /// SHARE is the probability from 0.0 to 1.0 that the rule fires (default 1.0) and
    /// MAX_COUNT the number of times it fires at most (default no limit). For status they go
    /// before the =TEXT, as in Retrieve/UnsubEvent=status:1.0:5=Error: API Permission
    /// Failed. Repeat for more.
    #[arg(
        long = "fault",
        value_name = "OPERATION[/OBJECT_TYPE]=KIND[:SHARE[:MAX_COUNT]]"
    )]
    faults: Vec<String>,
}

/// The form of a `--fault` value, for error messages.
const FAULT_FORM: &str = "OPERATION[/OBJECT_TYPE]=KIND[:SHARE[:MAX_COUNT]]";

/// Parses a `--fault` value.
fn fault_rule(text: &str) -> Result<(String, FaultRule), String> {
    let invalid = |reason: String| format!("invalid --fault {text:?}: {reason}");
    let (target, rest) = text
        .split_once('=')
        .ok_or_else(|| invalid(format!("expected {FAULT_FORM}")))?;
    let (operation, object_type) = match target.split_once('/') {
        Some((operation, object_type)) => (operation, Some(object_type)),
        None => (target, None),
    };
    if operation != "*" && !OPERATIONS.contains(&operation) {
        return Err(invalid(format!(
            "OPERATION {operation:?} is not a partnerAPI operation. Use * or one of {}",
            OPERATIONS.join(", ")
        )));
    }
    if object_type.is_some_and(|object_type| object_type.trim().is_empty()) {
        return Err(invalid(
            "OBJECT_TYPE after / is empty. Leave out the / to match every object type".to_owned(),
        ));
    }

    // Only the status kind has a text, after a second =, which may contain : and =.
    let (kind_part, status_text) = match rest.split_once('=') {
        Some((kind_part, status_text)) => (kind_part, Some(status_text)),
        None => (rest, None),
    };
    let mut parts = kind_part.split(':');
    let kind_name = parts.next().unwrap_or_default();
    let kind = fault_kind(kind_name, status_text).map_err(&invalid)?;
    if operation != "*" && !kind.applies_to(operation) {
        let reason = match kind {
            FaultKind::TimeoutStatus => "only a Retrieve response has this form",
            _ => "its response has no OverallStatus",
        };
        return Err(invalid(format!(
            "KIND {kind_name} cannot apply to {operation}: {reason}"
        )));
    }

    let mut rule = FaultRule::new(kind);
    if let Some(object_type) = object_type {
        rule = rule.object_type(object_type.trim());
    }
    if let Some(share) = parts.next() {
        let value: f64 = share
            .parse()
            .ok()
            .filter(|value| (0.0..=1.0).contains(value))
            .ok_or_else(|| invalid(format!("SHARE {share:?} is not a number from 0.0 to 1.0")))?;
        rule = rule.share(value);
    }
    if let Some(max) = parts.next() {
        let value: u32 = max
            .parse()
            .map_err(|_| invalid(format!("MAX_COUNT {max:?} is not a whole number")))?;
        rule = rule.max_count(value);
    }
    if let Some(surplus) = parts.next() {
        return Err(invalid(format!(
            "unexpected {surplus:?} after MAX_COUNT, expected {FAULT_FORM}"
        )));
    }
    Ok((operation.to_owned(), rule))
}

/// Returns the fault kind named `name`, with the text after its `=` for `status`.
fn fault_kind(name: &str, status_text: Option<&str>) -> Result<FaultKind, String> {
    let kind = match name {
        "rate-limited" => FaultKind::RateLimited,
        "timeout-status" => FaultKind::TimeoutStatus,
        "unavailable" => FaultKind::Unavailable,
        "drop-connection" => FaultKind::DropConnection,
        "status" => {
            return match status_text.map(str::trim) {
                Some(text) if !text.is_empty() => Ok(FaultKind::OverallStatus(text.to_owned())),
                _ => Err(
                    "KIND status needs the OverallStatus text after =, as in status=Error: API Permission Failed.".to_owned(),
                ),
            };
        }
        other => {
            return Err(format!(
                "KIND {other:?} is not one of rate-limited, timeout-status, status, unavailable, drop-connection"
            ));
        }
    };
    match status_text {
        Some(_) => Err(format!(
            "KIND {name} takes no text after =, only status does"
        )),
        None => Ok(kind),
    }
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
    // Colours only on a terminal, so that a log redirected to a file stays plain text.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(std::io::stdout().is_terminal())
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
    }

    #[test]
    fn fault_option_object_type_and_status() {
        let (operation, rule) =
            fault_rule("Retrieve/UnsubEvent=status=Error: API Permission Failed.").unwrap();
        assert_eq!(operation, "Retrieve");
        assert_eq!(
            rule,
            FaultRule::new(FaultKind::OverallStatus(
                "Error: API Permission Failed.".to_owned()
            ))
            .object_type("UnsubEvent")
        );

        let (operation, rule) =
            fault_rule("Retrieve/DataExtensionObject[Send Log]=status:0.5:2=Error: a=b: c")
                .unwrap();
        assert_eq!(operation, "Retrieve");
        assert_eq!(
            rule,
            FaultRule::new(FaultKind::OverallStatus("Error: a=b: c".to_owned()))
                .object_type("DataExtensionObject[Send Log]")
                .share(0.5)
                .max_count(2)
        );

        let (operation, rule) = fault_rule("Create/TriggeredSend=rate-limited:1:1").unwrap();
        assert_eq!(operation, "Create");
        assert_eq!(
            rule,
            FaultRule::new(FaultKind::RateLimited)
                .object_type("TriggeredSend")
                .max_count(1)
        );
    }

    #[test]
    fn fault_option_errors() {
        let cases = [
            (
                "Create",
                "invalid --fault \"Create\": expected OPERATION[/OBJECT_TYPE]=KIND[:SHARE[:MAX_COUNT]]",
            ),
            (
                "retrieve=rate-limited",
                "invalid --fault \"retrieve=rate-limited\": OPERATION \"retrieve\" is not a partnerAPI operation. Use * or one of Create, Retrieve, Update, Delete, Query, Describe, Execute, Perform, Configure, Schedule, VersionInfo, Extract, GetSystemStatus",
            ),
            (
                "Retrieve/=rate-limited",
                "invalid --fault \"Retrieve/=rate-limited\": OBJECT_TYPE after / is empty. Leave out the / to match every object type",
            ),
            (
                "Create=slow",
                "invalid --fault \"Create=slow\": KIND \"slow\" is not one of rate-limited, timeout-status, status, unavailable, drop-connection",
            ),
            (
                "Retrieve=status",
                "invalid --fault \"Retrieve=status\": KIND status needs the OverallStatus text after =, as in status=Error: API Permission Failed.",
            ),
            (
                "Retrieve=status= ",
                "invalid --fault \"Retrieve=status= \": KIND status needs the OverallStatus text after =, as in status=Error: API Permission Failed.",
            ),
            (
                "Retrieve=rate-limited=Error: x",
                "invalid --fault \"Retrieve=rate-limited=Error: x\": KIND rate-limited takes no text after =, only status does",
            ),
            (
                "Describe=status=Error: x",
                "invalid --fault \"Describe=status=Error: x\": KIND status cannot apply to Describe: its response has no OverallStatus",
            ),
            (
                "Create=timeout-status",
                "invalid --fault \"Create=timeout-status\": KIND timeout-status cannot apply to Create: only a Retrieve response has this form",
            ),
            (
                "Create=rate-limited:2",
                "invalid --fault \"Create=rate-limited:2\": SHARE \"2\" is not a number from 0.0 to 1.0",
            ),
            (
                "Create=rate-limited:0.5:many",
                "invalid --fault \"Create=rate-limited:0.5:many\": MAX_COUNT \"many\" is not a whole number",
            ),
            (
                "Create=rate-limited:0.5:1:9",
                "invalid --fault \"Create=rate-limited:0.5:1:9\": unexpected \"9\" after MAX_COUNT, expected OPERATION[/OBJECT_TYPE]=KIND[:SHARE[:MAX_COUNT]]",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(fault_rule(text), Err(message.to_owned()), "{text}");
        }
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
