//! Bulk tracking benchmark against the in-process emulator on 127.0.0.1.
//!
//! Run with `cargo build --release -p sfmc-workflow` (for the `sfmc-track` binary), then
//! `cargo run --release -p sfmc-workflow --example bulk_bench -- N`. The benchmark sets up
//! the account, sends N triggered sends with UniqueIDs `id-0` to `id-{N-1}` (500 subscribers
//! per TriggeredSend), writes those IDs to a file and tracks them all in bulk twice:
//!
//! 1. in this process through `sfmc_workflow::bulk`, which gives the number of Retrieve
//!    calls and the IDs per second of the tracking phase alone;
//! 2. through the built `sfmc-track` binary as a child process under `/usr/bin/time -v`,
//!    which gives the peak memory (maximum resident set size) of the tracking alone.
//!
//! The peak memory of this process (`VmHWM`) covers the emulator with all N sends and
//! their events, the sends and the in-process tracking together.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sfmc_emulator::{Config, Emulator};
use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::{
    AnyApiObject, Attribute, CreateRequest, Subscriber, TriggeredSend, TriggeredSendDefinition,
};
use sfmc_runtime::client::Client;
use sfmc_workflow::config::Settings;
use sfmc_workflow::output::{BulkWriter, Format};
use sfmc_workflow::track::EventKind;
use sfmc_workflow::{Objects, bulk, setup, track};

const USERNAME: &str = "api-user";
const PASSWORD: &str = "s3cret-pa55word";
const EMAIL_ID: i32 = 3_099_626;

/// The subscribers of one TriggeredSend, as `workflow/tests/cli.rs` sends them.
const SUBSCRIBERS_PER_SEND: usize = 500;

/// The largest N the benchmark accepts, so that a typing error cannot fill the memory.
const MAX_SENDS: usize = 1_000_000;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> BenchResult<()> {
    let sends = parse_sends()?;
    let emulator = Emulator::start(
        Config::default()
            .account(USERNAME, PASSWORD)
            .email(EMAIL_ID)
            .send_classification("Default Commercial")
            .seed(7),
    )
    .await?;
    let flags = BTreeMap::from([
        ("soap_endpoint", emulator.soap_url()),
        ("username", USERNAME.to_owned()),
        ("password", PASSWORD.to_owned()),
        ("email_id", EMAIL_ID.to_string()),
    ]);
    let settings = Settings::resolve(&flags, &|_| None, None)?;
    let objects = Objects::from_settings(&settings)?;
    let client = settings.client()?;
    setup::run(&client, &objects, false, &mut |_| {}).await?;

    let started = Instant::now();
    send_many(&client, sends).await?;
    let send_time = started.elapsed();
    println!(
        "sent {sends} triggered sends in {:.2} s",
        send_time.as_secs_f64()
    );

    let folder = std::env::temp_dir().join(format!("sfmc-bulk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let ids_path = folder.join("ids.txt");
    let ids: Vec<String> = (0..sends).map(|i| format!("id-{i}")).collect();
    std::fs::write(&ids_path, ids.join("\n") + "\n")?;

    track_in_process(&client, &objects, &ids_path, sends).await?;
    track_child(&emulator, &ids_path, sends).await?;

    std::fs::remove_dir_all(&folder)?;
    emulator.stop().await;
    match peak_memory_kib() {
        Some(kib) => println!(
            "benchmark process peak memory (VmHWM; emulator, sends and in-process tracking): {} MiB",
            kib / 1024
        ),
        None => println!("benchmark process peak memory: VmHWM not found in /proc/self/status"),
    }
    Ok(())
}

/// Reads N from the first argument, or returns 1,000 without one.
fn parse_sends() -> BenchResult<usize> {
    let Some(text) = std::env::args().nth(1) else {
        return Ok(1_000);
    };
    let sends: usize = text
        .replace([',', '_'], "")
        .parse()
        .map_err(|_| format!("invalid number of sends `{text}`: expected an integer"))?;
    if sends == 0 || sends > MAX_SENDS {
        return Err(format!("invalid number of sends {sends}: use 1 to {MAX_SENDS}").into());
    }
    Ok(sends)
}

/// Sends one email to each of `count` subscribers `u{i}@example.com` with UniqueID `id-{i}`.
async fn send_many(client: &Client, count: usize) -> BenchResult<()> {
    for start in (0..count).step_by(SUBSCRIBERS_PER_SEND) {
        let subscribers = (start..(start + SUBSCRIBERS_PER_SEND).min(count))
            .map(|i| Subscriber {
                email_address: Some(format!("u{i}@example.com")),
                subscriber_key: Some(format!("u{i}@example.com")),
                attributes: vec![Attribute {
                    name: "UniqueID".to_owned(),
                    value: format!("id-{i}"),
                    ..Default::default()
                }],
                ..Default::default()
            })
            .collect();
        let send = TriggeredSend {
            triggered_send_definition: TriggeredSendDefinition {
                customer_key: Some("sfmc-track".to_owned()),
                ..Default::default()
            },
            subscribers,
            ..Default::default()
        };
        let request = CreateRequest {
            objects: vec![AnyApiObject::from(send)],
            ..Default::default()
        };
        client.create_checked(&request).await?;
    }
    Ok(())
}

/// Tracks the IDs of `ids_path` with `sfmc_workflow::bulk`, writing JSON Lines to a sink,
/// and prints the calls and the rate. The time covers the send log column check and the
/// bulk run, not the sends.
async fn track_in_process(
    client: &Client,
    objects: &Objects,
    ids_path: &Path,
    sends: usize,
) -> BenchResult<()> {
    let started = Instant::now();
    let subscriber_column = track::send_log_subscriber_column(client, objects, None).await?;
    let request = bulk::Request {
        events: EventKind::ALL.to_vec(),
        subscriber_column,
        batch_size: bulk::DEFAULT_BATCH_SIZE,
        concurrency: bulk::DEFAULT_CONCURRENCY,
    };
    let input = std::io::BufReader::new(std::fs::File::open(ids_path)?);
    let ids = bulk::read_ids(input, &objects.attribute);
    let mut sink = std::io::sink();
    let mut writer = BulkWriter::start(&mut sink, Format::Jsonl, false)?;
    let mut records = 0u64;
    let mut write = |batch: &[bulk::Record]| {
        records += batch.len() as u64;
        writer
            .write(batch)
            .map_err(|error| sfmc_workflow::Failure::usage("output", error.to_string()))
    };
    let summary = bulk::run(client, objects, &request, ids, &mut write, &mut |_| {}).await?;
    writer.finish()?;
    let elapsed = started.elapsed();

    // The same count `sfmc-track` prints: the bulk run's Retrieve pages, plus the one
    // Retrieve of the send log's columns.
    let calls = summary.calls + 1;
    println!(
        "in-process tracking: {} IDs ({} found, {} not found), {records} records, {calls} SOAP calls \
         ({:.4} per ID), {:.2} s, {:.0} IDs/s",
        summary.ids,
        summary.found,
        summary.not_found,
        calls as f64 / sends as f64,
        elapsed.as_secs_f64(),
        sends as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

/// Returns the path of the `sfmc-track` binary built with the same profile as this example,
/// which Cargo places one folder above the examples folder.
fn sfmc_track_path() -> Option<PathBuf> {
    let example = std::env::current_exe().ok()?;
    let path = example.parent()?.parent()?.join("sfmc-track");
    path.is_file().then_some(path)
}

/// Runs `sfmc-track track --unique-ids` as a child process under `/usr/bin/time -v` and
/// prints its wall time, maximum resident set size and CPU time.
async fn track_child(emulator: &Emulator, ids_path: &Path, sends: usize) -> BenchResult<()> {
    let Some(binary) = sfmc_track_path() else {
        println!(
            "child tracking: skipped, because the sfmc-track binary is missing: \
             run `cargo build --release -p sfmc-workflow` first"
        );
        return Ok(());
    };
    let mut command = child_command(&binary, emulator, ids_path);

    let started = Instant::now();
    let output = command.output().await?;
    let elapsed = started.elapsed();

    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("sfmc-track failed with {}: {stderr}", output.status).into());
    }
    let summary = stderr
        .lines()
        .find(|line| line.starts_with("tracked "))
        .unwrap_or("no summary line");
    println!(
        "child tracking (sfmc-track process, wall time including its start): {:.2} s, {:.0} IDs/s; {summary}",
        elapsed.as_secs_f64(),
        sends as f64 / elapsed.as_secs_f64()
    );
    print_time_report(&stderr);
    std::io::stdout().flush()?;
    Ok(())
}

/// Builds the command that tracks the IDs of `ids_path` with `binary`, under
/// `/usr/bin/time -v` when it exists, with JSON Lines output discarded.
fn child_command(binary: &Path, emulator: &Emulator, ids_path: &Path) -> tokio::process::Command {
    let time = Path::new("/usr/bin/time");
    let mut command = if time.is_file() {
        let mut command = tokio::process::Command::new(time);
        command.arg("-v").arg(binary);
        command
    } else {
        tokio::process::Command::new(binary)
    };
    command
        .args(["track", "--unique-ids"])
        .arg(ids_path)
        .args(["--output", "jsonl"])
        .env_clear()
        .env("XDG_CONFIG_HOME", "/nonexistent/sfmc-bulk-bench")
        .env("SFMC_SOAP_ENDPOINT", emulator.soap_url())
        .env("SFMC_USERNAME", USERNAME)
        .env("SFMC_PASSWORD", PASSWORD)
        .stdout(std::process::Stdio::null());
    command
}

/// Prints the maximum resident set size and the CPU time from the report that
/// `/usr/bin/time -v` writes to standard error.
fn print_time_report(stderr: &str) {
    let field = |label: &str| {
        stderr
            .lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .map(str::trim)
    };
    match field("Maximum resident set size (kbytes):") {
        Some(kib) => println!("child tracking peak memory (maximum resident set size): {kib} KiB"),
        None => println!("child tracking peak memory: not measured, /usr/bin/time -v is missing"),
    }

    // The child's own CPU time shows how much of its wall time it spent waiting for the
    // emulator, which serves the calls in this process.
    let seconds = |label: &str| field(label).and_then(|value| value.parse::<f64>().ok());
    if let (Some(user), Some(system)) = (
        seconds("User time (seconds):"),
        seconds("System time (seconds):"),
    ) {
        println!("child tracking CPU time: {:.2} s", user + system);
    }
}

/// Returns this process's peak resident set size (`VmHWM`) in KiB, read from
/// `/proc/self/status`.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
