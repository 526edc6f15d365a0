//! `sfmc-track`: one-to-one triggered send tracking for the Marketing Cloud partnerAPI.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use sfmc_emulator::{Emulator, ScenarioEvent, ScenarioEventKind};
use sfmc_runtime::client::Client;
use sfmc_workflow::config::Settings;
use sfmc_workflow::output::{self, BulkWriter, Format, ProgressBar, Spinner};
use sfmc_workflow::track::{self, EventKind};
use sfmc_workflow::{Failure, FailureKind, Objects, bulk, send, setup};

const EXIT_CODES: &str = "Exit status:
  0  success
  1  the service rejected a call, or could not be reached
  2  invalid flags, configuration or input
  3  not found yet: no send log row for the UniqueID within --wait
  130  interrupted with Ctrl-C; the bulk output written so far is complete";

/// Sends triggered emails with a UniqueID and tracks what happened to each of them.
#[derive(Debug, Parser)]
#[command(name = "sfmc-track", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(
        flatten,
        next_help_heading = "Settings (flags override environment variables and the config file)"
    )]
    settings: SettingFlags,
    #[command(subcommand)]
    command: Command,
}

/// Settings that override environment variables and the config file.
#[derive(Debug, Args)]
struct SettingFlags {
    /// TOML config file [default: $XDG_CONFIG_HOME/sfmc-track/config.toml, if it exists]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Tenant subdomain, the `mc…` host label [env: SFMC_SUBDOMAIN]
    #[arg(long, global = true)]
    subdomain: Option<String>,
    /// OAuth client ID of an installed package [env: SFMC_CLIENT_ID]
    #[arg(long, global = true)]
    client_id: Option<String>,
    /// OAuth client secret; prefer the environment variable [env: SFMC_CLIENT_SECRET]
    #[arg(long, global = true)]
    client_secret: Option<String>,
    /// Account (MID) the OAuth token is for [env: SFMC_ACCOUNT_ID]
    #[arg(long, global = true)]
    account_id: Option<String>,
    /// API user name for a UsernameToken login [env: SFMC_USERNAME]
    #[arg(long, global = true)]
    username: Option<String>,
    /// API user password; prefer the environment variable [env: SFMC_PASSWORD]
    #[arg(long, global = true)]
    password: Option<String>,
    /// Whole SOAP endpoint URL, overriding the subdomain's [env: SFMC_SOAP_ENDPOINT]
    #[arg(long, global = true, value_name = "URL")]
    soap_endpoint: Option<String>,
    /// Authentication base URL, overriding the subdomain's [env: SFMC_AUTH_ENDPOINT]
    #[arg(long, global = true, value_name = "URL")]
    auth_endpoint: Option<String>,
    /// Profile attribute and send log column that carry the UniqueID [default: UniqueID]
    #[arg(long, global = true)]
    attribute: Option<String>,
    /// Send log data extension Name [default: SendLog]
    #[arg(long, global = true)]
    send_log_name: Option<String>,
    /// Send log data extension CustomerKey [default: SendLog]
    #[arg(long, global = true)]
    send_log_key: Option<String>,
    /// Template a new send log is made from [default: TriggeredSendDataExtension]
    #[arg(long, global = true, value_name = "NAME")]
    send_log_template: Option<String>,
    /// Triggered send definition CustomerKey [default: sfmc-track]
    #[arg(long, global = true, value_name = "KEY")]
    definition_key: Option<String>,
    /// Triggered send definition Name [default: sfmc-track one-to-one tracking]
    #[arg(long, global = true, value_name = "NAME")]
    definition_name: Option<String>,
    /// ID of the email the definition sends; setup needs it to create the definition
    #[arg(long, global = true, value_name = "ID")]
    email_id: Option<String>,
    /// Send classification CustomerKey [default: Default Commercial]
    #[arg(long, global = true, value_name = "KEY")]
    send_classification_key: Option<String>,
}

impl SettingFlags {
    fn values(&self) -> BTreeMap<&'static str, String> {
        let pairs = [
            ("subdomain", &self.subdomain),
            ("client_id", &self.client_id),
            ("client_secret", &self.client_secret),
            ("account_id", &self.account_id),
            ("username", &self.username),
            ("password", &self.password),
            ("soap_endpoint", &self.soap_endpoint),
            ("auth_endpoint", &self.auth_endpoint),
            ("attribute", &self.attribute),
            ("send_log_name", &self.send_log_name),
            ("send_log_key", &self.send_log_key),
            ("send_log_template", &self.send_log_template),
            ("definition_key", &self.definition_key),
            ("definition_name", &self.definition_name),
            ("email_id", &self.email_id),
            ("send_classification_key", &self.send_classification_key),
        ];
        pairs
            .into_iter()
            .filter_map(|(name, value)| value.clone().map(|value| (name, value)))
            .collect()
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Shows the settings and where each came from, and tests the login
    #[command(after_help = EXIT_CODES)]
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Creates or checks the profile attribute, the send log and the triggered send
    /// definition, and starts the definition; safe to run again
    #[command(after_help = EXIT_CODES)]
    Setup {
        /// Also refresh the definition's email content: pause, refresh, start
        #[arg(long)]
        publish: bool,
    },
    /// Triggers one email carrying a UniqueID and prints the UniqueID
    #[command(after_help = EXIT_CODES)]
    Send(SendArgs),
    /// Finds the sends of a UniqueID in the send log and prints their tracking events
    #[command(after_help = EXIT_CODES)]
    Track(TrackArgs),
    /// Runs setup, send and track --wait in one go
    #[command(after_help = EXIT_CODES)]
    Run {
        #[command(flatten)]
        send: SendArgs,
        #[command(flatten)]
        track: TrackOptions,
    },
    /// Runs `run` against a local emulator on 127.0.0.1; needs no account and no network
    #[command(after_help = EXIT_CODES)]
    Demo {
        /// UniqueID to send with [default: a new UUID]
        #[arg(long)]
        unique_id: Option<String>,
        #[command(flatten)]
        output: OutputOptions,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Prints each setting with its source (never a secret) and tests the login
    Check,
}

#[derive(Debug, Args)]
struct SendArgs {
    /// Recipient email address
    #[arg(long, value_name = "ADDRESS")]
    to: String,
    /// Subscriber key [default: the email address]
    #[arg(long, value_name = "KEY")]
    subscriber_key: Option<String>,
    /// UniqueID to send with [default: a new UUID]
    #[arg(long, value_name = "ID")]
    unique_id: Option<String>,
    /// Further subscriber attribute, repeatable
    #[arg(long = "attr", value_name = "NAME=VALUE", value_parser = parse_attribute)]
    attributes: Vec<(String, String)>,
}

#[derive(Debug, Args)]
#[group(id = "ids", required = true, multiple = false, args = ["unique_id", "unique_ids"])]
struct TrackArgs {
    /// UniqueID the send carried
    #[arg(long, value_name = "ID")]
    unique_id: Option<String>,
    /// File of UniqueIDs, one per line, or CSV with a column named like --attribute
    #[arg(long, value_name = "FILE")]
    unique_ids: Option<PathBuf>,
    /// IDs per send log lookup in bulk mode, 1 or more
    #[arg(long, value_name = "N", default_value_t = bulk::DEFAULT_BATCH_SIZE,
          value_parser = parse_batch_size)]
    batch_size: usize,
    /// Batches in flight at once in bulk mode, 1 to 20
    #[arg(long, value_name = "N", default_value_t = bulk::DEFAULT_CONCURRENCY,
          value_parser = parse_concurrency)]
    concurrency: usize,
    #[command(flatten)]
    options: TrackOptions,
}

fn parse_batch_size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if value >= 1 => Ok(value),
        _ => Err(format!(
            "invalid batch size `{text}`: use a number of 1 or more"
        )),
    }
}

fn parse_concurrency(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if (1..=bulk::MAX_CONCURRENCY).contains(&value) => Ok(value),
        _ => Err(format!(
            "invalid concurrency `{text}`: use a number from 1 to {}",
            bulk::MAX_CONCURRENCY
        )),
    }
}

#[derive(Debug, Args)]
struct TrackOptions {
    /// Event types to retrieve: sent,open,click,bounce,unsub,notsent,delivered or all
    #[arg(long, default_value = "all", value_parser = parse_events)]
    events: EventList,
    /// How long to look for the send log row, such as 90s, 5m or 1h (a number without a
    /// unit is seconds). One UniqueID only [default: 0 for track, 5m for run]
    #[arg(long, value_name = "DURATION", value_parser = track::parse_duration)]
    wait: Option<Duration>,
    /// Send log column with the SubscriberID [default: SubscriberID or SubID, whichever
    /// the send log has]
    #[arg(long, value_name = "NAME")]
    subscriber_column: Option<String>,
    /// Keep looking for new events for this long after the send log row is found, such as
    /// 1h (a number without a unit is seconds), and print each new event as it arrives (one
    /// UniqueID only)
    #[arg(long, value_name = "DURATION", value_parser = track::parse_duration)]
    follow: Option<Duration>,
    #[command(flatten)]
    output: OutputOptions,
}

#[derive(Debug, Args)]
struct OutputOptions {
    /// Output format: table, json, jsonl or csv
    #[arg(long, default_value = "table", value_parser = Format::parse)]
    output: Format,
    /// Show times in UTC instead of the service's UTC−06:00
    #[arg(long)]
    utc: bool,
}

/// The event types of `--events`, in one value so that clap does not read a list of them.
#[derive(Clone, Debug)]
struct EventList(Vec<EventKind>);

fn parse_events(text: &str) -> Result<EventList, String> {
    EventKind::parse_list(text).map(EventList)
}

fn parse_attribute(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("invalid attribute `{text}`: use NAME=VALUE")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(execute(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            let code = u8::try_from(failure.kind.exit_code()).unwrap_or(1);
            ExitCode::from(code)
        }
    }
}

async fn execute(cli: Cli) -> Result<(), Failure> {
    if let Command::Demo { unique_id, output } = &cli.command {
        return demo(unique_id.clone(), output).await;
    }
    let env = |name: &str| std::env::var(name).ok();
    let settings = Settings::resolve(&cli.settings.values(), &env, cli.settings.config.as_deref())?;
    let objects = Objects::from_settings(&settings)?;
    let login = settings.login();
    run_command(cli.command, &settings, &objects)
        .await
        .map_err(|failure| failure.with_settings_hint(login))
}

async fn run_command(
    command: Command,
    settings: &Settings,
    objects: &Objects,
) -> Result<(), Failure> {
    match command {
        Command::Config {
            command: ConfigCommand::Check,
        } => config_check(settings).await,
        Command::Setup { publish } => {
            let client = settings.client()?;
            // The lines are setup's result, so they go to standard output, unlike the same
            // lines as progress of `run`.
            setup::run(&client, objects, publish, &mut |line| println!("{line}")).await?;
            Ok(())
        }
        Command::Send(args) => {
            let client = settings.client()?;
            let receipt = send::run(&client, objects, &send_request(&args)).await?;
            eprintln!(
                "queued a triggered send to {} (subscriber key {}) on definition {}",
                args.to, receipt.subscriber_key, objects.definition_key
            );
            if let Some(note) = receipt.status_note(&objects.definition_key) {
                eprintln!("{note}");
            }
            println!("{}", receipt.unique_id);
            Ok(())
        }
        Command::Track(args) => match (&args.unique_id, &args.unique_ids) {
            (Some(unique_id), _) => {
                let client = settings.client()?;
                let unique_id = unique_id.clone();
                track_and_print(&client, objects, unique_id, &args.options, Duration::ZERO).await
            }
            (None, Some(path)) => {
                check_bulk_flags(&args.options)?;
                check_regular_file(path)?;
                let client = settings.client()?;
                track_bulk(&client, objects, path, &args).await
            }
            (None, None) => unreachable!("clap requires one of the two"),
        },
        Command::Run { send, track } => {
            let client = settings.client()?;
            run(&client, objects, &send, &track).await
        }
        Command::Demo { .. } => unreachable!("handled above"),
    }
}

/// The time between two frames of the spinner.
const SPINNER_INTERVAL: Duration = Duration::from_millis(100);

/// Runs `track::run` with a spinner on standard error, which draws frames only when standard
/// error is a terminal.
// NOTE: no test runs this timer loop, because the tests have no terminal. The frames it
// draws are tested in `output`.
async fn track_with_spinner(
    client: &Client,
    objects: &Objects,
    request: &track::Request,
) -> Result<track::Tracking, Failure> {
    let spinner = RefCell::new(Spinner::new(
        std::io::stderr(),
        std::io::stderr().is_terminal(),
    ));
    // Progress goes to standard error, so a failure to draw it must not fail the
    // tracking, whose results go to standard output.
    let mut report = |line: &str| {
        let _ = spinner.borrow_mut().report(line);
    };
    let tracking = track::run(client, objects, request, &mut report);
    let tracking = if spinner.borrow().is_terminal() {
        let mut tracking = std::pin::pin!(tracking);
        let mut ticks = tokio::time::interval(SPINNER_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // The report callback and the tick never borrow the spinner at once: each
            // runs to its end within one poll of this task.
            tokio::select! {
                tracking = &mut tracking => break tracking,
                _ = ticks.tick() => {
                    let _ = spinner.borrow_mut().tick();
                }
            }
        }
    } else {
        tracking.await
    };
    let _ = spinner.borrow_mut().finish();
    tracking
}

fn send_request(args: &SendArgs) -> send::Request {
    send::Request {
        to: args.to.clone(),
        subscriber_key: args.subscriber_key.clone(),
        unique_id: args.unique_id.clone(),
        attributes: args.attributes.clone(),
    }
}

async fn config_check(settings: &Settings) -> Result<(), Failure> {
    print!("{}", settings.describe());
    let client = settings.client()?;
    let objects = Objects::from_settings(settings)?;
    let fields = [("CustomerKey", objects.definition_key.as_str())];
    let request = sfmc_partner_api::RetrieveRequestMsg {
        retrieve_request: sfmc_partner_api::RetrieveRequest {
            object_type: "TriggeredSendDefinition".to_owned(),
            properties: vec!["CustomerKey".to_owned()],
            filter: Some(sfmc_partner_api::filter::equals(fields[0].0, fields[0].1)),
            ..Default::default()
        },
        ..Default::default()
    };
    use sfmc_partner_api::outcome::CheckedApi as _;
    let response = client.retrieve_checked(&request).await.map_err(|error| {
        Failure::service("config check: login", "the test call failed", error)
            .hint("check the credentials and the endpoints above")
    })?;
    println!(
        "login: OK (a Retrieve of TriggeredSendDefinition succeeded, RequestID {})",
        response.request_id.as_deref().unwrap_or("none")
    );
    Ok(())
}

async fn track_and_print(
    client: &Client,
    objects: &Objects,
    unique_id: String,
    options: &TrackOptions,
    default_wait: Duration,
) -> Result<(), Failure> {
    let request = track::Request {
        unique_id,
        events: options.events.0.clone(),
        wait: options.wait.unwrap_or(default_wait),
        subscriber_column: options.subscriber_column.clone(),
    };
    if let Some(follow) = options.follow {
        return follow_events(client, objects, request, &options.output, follow).await;
    }
    let tracking = track_with_spinner(client, objects, &request).await?;
    let mut stdout = std::io::stdout().lock();
    output::write(
        &mut stdout,
        &tracking,
        options.output.output,
        options.output.utc,
    )
    .and_then(|()| stdout.flush())
    .map_err(|error| Failure::usage("output", format!("cannot write the output: {error}")))
}

/// Runs setup, send and track. The progress of each step goes to standard error, so that
/// standard output carries only the tracking result.
async fn run(
    client: &Client,
    objects: &Objects,
    send_args: &SendArgs,
    track_options: &TrackOptions,
) -> Result<(), Failure> {
    eprintln!("== setup");
    setup::run(client, objects, false, &mut |line| eprintln!("{line}")).await?;
    eprintln!("== send");
    let receipt = send::run(client, objects, &send_request(send_args)).await?;
    eprintln!(
        "sent to {} with {} {}",
        send_args.to, objects.attribute, receipt.unique_id
    );
    if let Some(note) = receipt.status_note(&objects.definition_key) {
        eprintln!("{note}");
    }
    eprintln!("== track");
    let default_wait = Duration::from_secs(300);
    track_and_print(
        client,
        objects,
        receipt.unique_id,
        track_options,
        default_wait,
    )
    .await
}

/// The login, email and send classification the demo configures in its emulator.
const DEMO_USERNAME: &str = "demo-user";
const DEMO_PASSWORD: &str = "demo-password";
const DEMO_EMAIL_ID: i32 = 3_099_626;
const DEMO_SEND_CLASSIFICATION: &str = "Default Commercial";
const DEMO_ADDRESS: &str = "help@example.com";

/// Starts the emulator on 127.0.0.1 and runs setup, send and track against it.
async fn demo(unique_id: Option<String>, output: &OutputOptions) -> Result<(), Failure> {
    // The send log row appears two seconds after the send, so the demo shows the wait.
    let config = sfmc_emulator::Config::default()
        .account(DEMO_USERNAME, DEMO_PASSWORD)
        .email(DEMO_EMAIL_ID)
        .send_classification(DEMO_SEND_CLASSIFICATION)
        .send_log_delay(Duration::from_secs(2))
        .scenario(DEMO_ADDRESS, demo_scenario())
        .seed(1);
    let emulator = Emulator::start(config).await.map_err(|error| {
        Failure::usage(
            "demo",
            format!("cannot start the emulator on 127.0.0.1: {error}"),
        )
    })?;
    eprintln!("emulator listening on {}", emulator.url());

    let flags = BTreeMap::from([
        ("soap_endpoint", emulator.soap_url()),
        ("username", DEMO_USERNAME.to_owned()),
        ("password", DEMO_PASSWORD.to_owned()),
        ("email_id", DEMO_EMAIL_ID.to_string()),
    ]);
    // The demo reads neither the environment nor a config file, so that a real account's
    // settings cannot leak into it.
    let settings = Settings::resolve(&flags, &|_| None, None)?;
    let objects = Objects::from_settings(&settings)?;
    let client = settings.client()?;
    let send_args = SendArgs {
        to: DEMO_ADDRESS.to_owned(),
        subscriber_key: None,
        unique_id,
        attributes: Vec::new(),
    };
    let track_options = TrackOptions {
        events: EventList(EventKind::ALL.to_vec()),
        wait: Some(Duration::from_secs(30)),
        subscriber_column: None,
        follow: None,
        output: OutputOptions {
            output: output.output,
            utc: output.utc,
        },
    };
    let result = run(&client, &objects, &send_args, &track_options).await;
    emulator.stop().await;
    result
}

/// Returns what the demo's subscriber does with the email: it is delivered, opened after
/// five minutes and clicked two minutes later, so the demo shows more than the send.
fn demo_scenario() -> Vec<ScenarioEvent> {
    vec![
        ScenarioEvent::new(ScenarioEventKind::Delivered, Duration::from_secs(20)),
        ScenarioEvent::new(ScenarioEventKind::Open, Duration::from_secs(300)),
        ScenarioEvent::new(
            ScenarioEventKind::Click {
                url: "https://example.com/offer".to_owned(),
                url_id: 1,
            },
            Duration::from_secs(420),
        ),
    ]
}

/// Rejects the flags of `track` that take one UniqueID when `--unique-ids` is given.
fn check_bulk_flags(options: &TrackOptions) -> Result<(), Failure> {
    let flag = if options.follow.is_some() {
        "--follow"
    } else if options.wait.is_some() {
        "--wait"
    } else {
        return Ok(());
    };
    Err(Failure::usage(
        "track",
        format!("{flag} takes one UniqueID, not --unique-ids"),
    ))
}

/// Checks that `path` is a regular file, which `track --unique-ids` reads twice.
// Limitation: a pipe, such as the `<(command)` of a shell, is rejected, because the IDs
// are read once to count them for the progress bar and again to track them.
fn check_regular_file(path: &Path) -> Result<(), Failure> {
    let step = "track: reading IDs";
    let metadata = std::fs::metadata(path).map_err(|error| {
        Failure::usage(step, format!("cannot open {}: {error}", path.display()))
    })?;
    if metadata.is_file() {
        return Ok(());
    }
    let (what, hint) = if metadata.is_dir() {
        (
            "a directory",
            "give --unique-ids a file of UniqueIDs, one per line or in a CSV column",
        )
    } else {
        (
            "not a regular file",
            "save the IDs to a file and give its path, because the IDs are read twice: \
             once to count them and once to track them",
        )
    };
    Err(Failure::usage(step, format!("{} is {what}", path.display())).hint(hint))
}

/// Returns `count` and `noun`, with the plural `nouns` unless `count` is 1.
fn count_of(count: u64, noun: &str, nouns: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {nouns}")
    }
}

/// Tracks the IDs of the file at `path` in bulk and streams the records to standard output.
/// Ctrl-C stops after the records written so far, and closes a JSON array.
async fn track_bulk(
    client: &Client,
    objects: &Objects,
    path: &Path,
    args: &TrackArgs,
) -> Result<(), Failure> {
    let name = path.display().to_string();
    let open = || {
        std::fs::File::open(path)
            .map(std::io::BufReader::new)
            .map_err(|error| {
                Failure::usage("track: reading IDs", format!("cannot open {name}: {error}"))
            })
    };
    // A first pass counts the IDs for the progress bar, reading the file the way the run
    // reads it, so that a CSV header is not counted. It also finds an unreadable line
    // before any call to the service.
    let mut total = 0;
    for id in bulk::read_named_ids(open()?, &name, &objects.attribute) {
        id?;
        total += 1;
    }
    let column = track::send_log_subscriber_column(
        client,
        objects,
        args.options.subscriber_column.as_deref(),
    )
    .await?;
    let request = bulk::Request {
        events: args.options.events.0.clone(),
        subscriber_column: column,
        batch_size: args.batch_size,
        concurrency: args.concurrency,
    };
    let ids = bulk::read_named_ids(open()?, &name, &objects.attribute);

    let output_error = |error: std::io::Error| {
        Failure::usage("output", format!("cannot write the output: {error}"))
    };
    let mut stdout = std::io::stdout().lock();
    let options = &args.options.output;
    let mut interrupt = Interrupt::listen();
    let mut writer =
        BulkWriter::start(&mut stdout, options.output, options.utc).map_err(output_error)?;
    let mut bar = ProgressBar::new(std::io::stderr(), std::io::stderr().is_terminal(), total);
    // Progress goes to standard error, so a failure to draw it must not fail the run.
    let _ = bar.draw(0);
    let outcome = {
        let mut write = |records: &[bulk::Record]| writer.write(records).map_err(output_error);
        let mut progress = |done: u64| {
            let _ = bar.draw(done);
        };
        tokio::select! {
            outcome = bulk::run(client, objects, &request, ids, &mut write, &mut progress) => Some(outcome),
            () = interrupt.wait() => None,
        }
    };
    let _ = bar.finish();
    writer.finish().map_err(output_error)?;
    let Some(outcome) = outcome else {
        return Err(Failure {
            kind: FailureKind::Interrupted,
            step: "track".to_owned(),
            message: "interrupted with Ctrl-C".to_owned(),
            cause: None,
            hint: Some(
                "the output contains every batch finished before the interruption".to_owned(),
            ),
        });
    };
    let summary = outcome?;
    let per_id = if summary.ids == 0 {
        0.0
    } else {
        summary.calls as f64 / summary.ids as f64
    };
    eprintln!(
        "tracked {}: {} found, {} without a send log row; {} ({per_id:.4} per ID), after 1 for \
         the send log's columns",
        count_of(summary.ids, "ID", "IDs"),
        summary.found,
        summary.not_found,
        count_of(summary.calls, "Retrieve call", "Retrieve calls"),
    );
    Ok(())
}

/// The first pause between two looks for new events in `--follow`, doubled after each up to
/// [`MAX_FOLLOW_INTERVAL`].
const FIRST_FOLLOW_INTERVAL: Duration = Duration::from_secs(5);
const MAX_FOLLOW_INTERVAL: Duration = Duration::from_secs(60);

/// Tracks one UniqueID, then looks again until `follow` has passed, and streams each event
/// once, as it first appears. Ctrl-C stops the following, leaving the output complete.
async fn follow_events(
    client: &Client,
    objects: &Objects,
    mut request: track::Request,
    output: &OutputOptions,
    follow: Duration,
) -> Result<(), Failure> {
    let output_error = |error: std::io::Error| {
        Failure::usage("output", format!("cannot write the output: {error}"))
    };
    let mut stdout = std::io::stdout().lock();
    let mut interrupt = Interrupt::listen();
    let mut writer =
        BulkWriter::start(&mut stdout, output.output, output.utc).map_err(output_error)?;
    let mut seen = std::collections::BTreeSet::new();
    let mut pause = FIRST_FOLLOW_INTERVAL;
    let mut deadline = None;
    loop {
        let tracking = match track_with_spinner(client, objects, &request).await {
            Ok(tracking) => tracking,
            Err(failure) => {
                writer.finish().map_err(output_error)?;
                return Err(failure);
            }
        };
        // The row is found, so later looks need no wait, and the follow time starts now.
        request.wait = Duration::ZERO;
        let deadline = *deadline.get_or_insert_with(|| tokio::time::Instant::now() + follow);

        let new: Vec<bulk::Record> = tracking
            .events
            .into_iter()
            .filter(|event| seen.insert(format!("{event:?}")))
            .map(|event| bulk::Record::Event(Box::new(event)))
            .collect();
        writer.write(&new).map_err(output_error)?;

        let now = tokio::time::Instant::now();
        if now >= deadline {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(pause.min(deadline - now)) => {}
            () = interrupt.wait() => break,
        }
        pause = (pause * 2).min(MAX_FOLLOW_INTERVAL);
    }
    writer.finish().map_err(output_error)
}

/// A Ctrl-C listener whose handler is installed when it is created, so that an interrupt
/// after that point never ends the process with half-written output.
struct Interrupt {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Interrupt {
    fn listen() -> Self {
        #[cfg(unix)]
        {
            let kind = tokio::signal::unix::SignalKind::interrupt();
            Interrupt {
                signal: tokio::signal::unix::signal(kind).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Interrupt {}
        }
    }

    /// Completes on the next Ctrl-C, and never when the handler could not be installed.
    async fn wait(&mut self) {
        #[cfg(unix)]
        match &mut self.signal {
            Some(signal) => {
                signal.recv().await;
            }
            None => std::future::pending().await,
        }
        #[cfg(not(unix))]
        {
            // NOTE: outside Unix the handler is installed only here, so an interrupt
            // before the first wait ends the process.
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
