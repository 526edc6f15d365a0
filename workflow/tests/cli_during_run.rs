//! End-to-end tests that act while `sfmc-track` runs against an in-process emulator on
//! 127.0.0.1. They pause a definition before a send and start it during a wait, press
//! Ctrl-C during bulk runs, and check that the spinner and the progress bar draw nothing
//! when standard error is not a terminal.

mod support;

use support::{
    DEFINITION_KEY, TO, client, command, config, retrieve, send_many, setup, sfmc_track, start,
    subscriber_id, temp_folder,
};

use std::time::Duration;

use sfmc_emulator::{Emulator, FaultKind, FaultRule};
use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::{
    AnyApiObject, TriggeredSendDefinition, TriggeredSendStatusEnum, UpdateRequest, filter,
};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _};

const CSV_HEADER: &str = "unique_id,event,event_date,job_id,batch_id,subscriber_id,subscriber_key,event_type,triggered_send_definition_object_id,url,url_id,smtp_code,bounce_category,bounce_type,smtp_reason";

/// One SentEvent as the emulator wrote it.
#[derive(Debug)]
struct Sent {
    job_id: String,
    batch_id: String,
    date: String,
    definition_object_id: String,
}

/// Returns the SentEvents of the subscriber with `subscriber_key`.
async fn sent_events(emulator: &Emulator, subscriber_key: &str) -> Vec<Sent> {
    let found = retrieve(
        emulator,
        "SentEvent",
        &[
            "SendID",
            "BatchID",
            "EventDate",
            "SubscriberKey",
            "TriggeredSendDefinitionObjectID",
        ],
        filter::equals("SubscriberKey", subscriber_key),
    )
    .await;
    found
        .into_iter()
        .map(|object| match object {
            AnyApiObject::SentEvent(event) => Sent {
                job_id: event.send_id.expect("a SendID").to_string(),
                batch_id: event.batch_id.expect("a BatchID").to_string(),
                date: event.event_date.expect("an EventDate").to_string(),
                definition_object_id: event
                    .triggered_send_definition_object_id
                    .expect("a TriggeredSendDefinitionObjectID"),
            },
            other => panic!("expected a SentEvent, got {other:?}"),
        })
        .collect()
}

/// Pauses (`Inactive`) or starts (`Active`) the triggered send definition, as Email Studio
/// or another API client would.
async fn set_definition_status(emulator: &Emulator, status: TriggeredSendStatusEnum) {
    let request = UpdateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some(DEFINITION_KEY.to_owned()),
            triggered_send_status: Some(status),
            ..Default::default()
        })],
        ..Default::default()
    };
    client(emulator)
        .update_checked(&request)
        .await
        .expect("definition status update");
}

const PAUSED_NOTE: &str = "the triggered send definition sfmc-track is paused (status Inactive), so the service keeps the send in a queue and sends it when the definition is started again: run `sfmc-track setup` to start it";

#[tokio::test(flavor = "multi_thread")]
async fn paused_definition_queues_the_send() {
    let emulator = start(config()).await;
    setup(&emulator).await;
    set_definition_status(&emulator, TriggeredSendStatusEnum::Inactive).await;

    let sent = sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "queued"]).await;
    assert_eq!(sent.code, 0, "{sent:?}");
    assert_eq!(sent.stdout, "queued\n");
    assert_eq!(
        sent.stderr,
        format!(
            "queued a triggered send to help@example.com (subscriber key help@example.com) on definition sfmc-track\n\
             {PAUSED_NOTE}\n"
        )
    );

    // The service keeps the send in its queue, so nothing is sent and the send log has no
    // row yet.
    assert_eq!(sent_events(&emulator, TO).await.len(), 0);
    let early = sfmc_track(&emulator, &["track", "--unique-id", "queued"]).await;
    assert_eq!(early.code, 3, "{early:?}");
    assert_eq!(early.stdout, "");
    assert_eq!(
        early.stderr,
        "error: track: send log lookup failed: the send log SendLog has no row with UniqueID queued\n  \
         hint: the triggered send definition sfmc-track is paused (status Inactive), and the service \
         sends the sends queued on it only once it is started: run `sfmc-track setup` to start it, \
         then track again with --wait\n"
    );

    // Track with a wait, and start the definition once the wait has begun.
    let mut child = command(
        &emulator,
        &[
            "track",
            "--unique-id",
            "queued",
            "--events",
            "sent",
            "--wait",
            "30s",
            "--output",
            "csv",
        ],
    )
    .spawn()
    .expect("sfmc-track should start");
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let waiting = stderr.next_line().await.unwrap().expect("a waiting line");
    assert_eq!(
        waiting,
        "waiting for the send log row of queued (29 s left); the triggered send definition \
         sfmc-track is paused, so its sends wait in a queue until it is started"
    );
    set_definition_status(&emulator, TriggeredSendStatusEnum::Active).await;
    let output = child.wait_with_output().await.unwrap();
    let mut rest = Vec::new();
    while let Some(line) = stderr.next_line().await.unwrap() {
        rest.push(line);
    }
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}{rest:?}");
    assert_eq!(rest, Vec::<String>::new());

    // The definition's start sent the queued email: one SentEvent, in the first batch.
    let sends = sent_events(&emulator, TO).await;
    assert_eq!(sends.len(), 1, "{sends:?}");
    let Sent {
        job_id,
        batch_id,
        date,
        definition_object_id,
    } = &sends[0];
    assert_eq!(batch_id, "1");
    let subscriber_id = subscriber_id(&emulator, TO).await;
    assert_eq!(
        stdout,
        format!(
            "{CSV_HEADER}\n\
             queued,sent,{date}-06:00,{job_id},{batch_id},{subscriber_id},help@example.com,Sent,{definition_object_id},,,,,,\n"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn send_reports_unreadable_status() {
    // The state file carries the account set up by the first emulator to the second, whose
    // every Retrieve fails, so only the status read after the send fails.
    let folder = temp_folder("status");
    let state = folder.join("state.json");
    let emulator = start(config().state_file(&state)).await;
    setup(&emulator).await;
    emulator.stop().await;
    let denied = FaultRule::new(FaultKind::OverallStatus(
        "Error: API Permission Failed.".to_owned(),
    ));
    let emulator = start(config().state_file(&state).fault("Retrieve", denied)).await;

    let sent = sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "unread"]).await;
    assert_eq!(sent.code, 0, "{sent:?}");
    assert_eq!(sent.stdout, "unread\n");
    let lines: Vec<&str> = sent.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", sent.stderr);
    assert_eq!(
        lines[0],
        "queued a triggered send to help@example.com (subscriber key help@example.com) on definition sfmc-track"
    );
    let (note, request_id) = lines[1]
        .strip_suffix(')')
        .and_then(|line| line.split_once(" (RequestID "))
        .expect("a RequestID at the end of the note");
    assert_eq!(
        note,
        "the service accepted the send, but the status of the triggered send definition \
         sfmc-track could not be read: Retrieve failed: API Permission Failed."
    );
    assert_eq!(request_id.len(), 36, "{request_id}");
    std::fs::remove_dir_all(&folder).unwrap();
}

/// What `track --unique-ids` writes before and after Ctrl-C.
struct Interrupted {
    /// The whole output of the same run without an interruption.
    full: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

const INTERRUPTED: &str = "error: track failed: interrupted with Ctrl-C\n  \
     hint: the output contains every batch finished before the interruption\n";

/// The IDs the bulk interrupt tests track, one per batch.
const BULK_IDS: usize = 10;

/// Tracks [`BULK_IDS`] IDs in `format`, once to its end and once with one ID per batch,
/// sending SIGINT as soon as `started` accepts the output read so far.
async fn interrupt_bulk(format: &str, started: fn(&str) -> bool) -> Interrupted {
    // Every Retrieve takes 150 ms, so the batches after the first take over a second in
    // all, far longer than the signal takes to arrive.
    let emulator = start(config().latency("Retrieve", Duration::from_millis(150))).await;
    setup(&emulator).await;
    send_many(&emulator, BULK_IDS).await;
    let folder = temp_folder(&format!("interrupt-{format}"));
    let path = folder.join("ids.txt");
    let ids: Vec<String> = (0..BULK_IDS).map(|i| format!("id-{i}")).collect();
    std::fs::write(&path, ids.join("\n") + "\n").unwrap();
    let path = path.to_str().unwrap();
    let args = |batch_size: &'static str| {
        [
            "track",
            "--unique-ids",
            path,
            "--events",
            "sent",
            "--output",
            format,
            "--batch-size",
            batch_size,
            "--concurrency",
            "1",
        ]
    };

    let full = sfmc_track(&emulator, &args("100")).await;
    assert_eq!(full.code, 0, "{full:?}");

    let mut child = command(&emulator, &args("1"))
        .spawn()
        .expect("sfmc-track should start");
    let mut stdout = child.stdout.take().unwrap();
    let mut output = String::new();
    while !started(&output) {
        let mut chunk = [0u8; 4096];
        let read = stdout.read(&mut chunk).await.unwrap();
        assert_ne!(read, 0, "the output ended early: {output}");
        output.push_str(std::str::from_utf8(&chunk[..read]).unwrap());
    }
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut stderr = child.stderr.take().unwrap();
    let status = child.wait().await.unwrap();
    stdout.read_to_string(&mut output).await.unwrap();
    let mut errors = String::new();
    stderr.read_to_string(&mut errors).await.unwrap();
    std::fs::remove_dir_all(&folder).unwrap();
    Interrupted {
        full: full.stdout,
        code: status.code(),
        stdout: output,
        stderr: errors,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_ctrl_c_leaves_whole_jsonl() {
    let run = interrupt_bulk("jsonl", |output| output.contains('\n')).await;
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert_eq!(run.stderr, INTERRUPTED);
    let full: Vec<&str> = run.full.lines().collect();
    assert_eq!(full.len(), BULK_IDS, "{}", run.full);
    assert!(run.stdout.ends_with('\n'), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(!lines.is_empty(), "{}", run.stdout);
    assert!(lines.len() < BULK_IDS, "not interrupted: {}", run.stdout);
    for line in &lines {
        let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        assert!(value.is_object(), "{line}");
    }
    assert_eq!(lines, full[..lines.len()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_ctrl_c_leaves_whole_csv() {
    let run = interrupt_bulk("csv", |output| output.matches('\n').count() >= 2).await;
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert_eq!(run.stderr, INTERRUPTED);
    let full: Vec<&str> = run.full.lines().collect();
    assert_eq!(full.len(), BULK_IDS + 1, "{}", run.full);
    assert_eq!(full[0], CSV_HEADER);
    assert!(run.stdout.ends_with('\n'), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.len() >= 2, "{}", run.stdout);
    assert!(
        lines.len() < BULK_IDS + 1,
        "not interrupted: {}",
        run.stdout
    );
    assert_eq!(lines, full[..lines.len()]);
    for line in &lines {
        assert_eq!(line.split(',').count(), 15, "{line}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_ctrl_c_closes_json_array() {
    let run = interrupt_bulk("json", |output| output.ends_with('}')).await;
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert_eq!(run.stderr, INTERRUPTED);
    let full: serde_json::Value = serde_json::from_str(&run.full).expect("a JSON array");
    let full = full.as_array().expect("an array");
    assert_eq!(full.len(), BULK_IDS);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON array");
    let records = value.as_array().expect("an array");
    assert!(!records.is_empty(), "{}", run.stdout);
    assert!(records.len() < BULK_IDS, "not interrupted: {}", run.stdout);
    assert_eq!(records[..], full[..records.len()]);
    // The same text as the uninterrupted run's first records, with the array closed.
    let objects: Vec<&str> = run
        .full
        .lines()
        .skip(1)
        .take(records.len())
        .map(|line| line.trim_end_matches(','))
        .collect();
    assert_eq!(run.stdout, format!("[\n{}\n]\n", objects.join(",\n")));
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_not_drawn_off_terminal() {
    let emulator = start(config().send_log_delay(Duration::from_millis(1500))).await;
    setup(&emulator).await;
    let sent = sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "quiet"]).await;
    assert_eq!(sent.code, 0, "{sent:?}");

    // The spinner reports while the row is missing, then the row appears.
    let wait = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-id",
            "quiet",
            "--events",
            "sent",
            "--wait",
            "30s",
        ],
    )
    .await;
    assert_eq!(wait.code, 0, "{wait:?}");
    assert!(!wait.stderr.contains(['\r', '\x1b']), "{:?}", wait.stderr);
    assert_eq!(
        wait.stderr,
        "waiting for the send log row of quiet (29 s left)\n"
    );

    // The progress bar would draw after each of the three batches.
    let folder = temp_folder("quiet");
    let path = folder.join("ids.txt");
    std::fs::write(&path, "quiet\nnobody\nquiet\n").unwrap();
    let bulk = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-ids",
            path.to_str().unwrap(),
            "--events",
            "sent",
            "--batch-size",
            "1",
        ],
    )
    .await;
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(bulk.code, 0, "{bulk:?}");
    assert!(!bulk.stderr.contains(['\r', '\x1b']), "{:?}", bulk.stderr);
    assert_eq!(
        bulk.stderr,
        "tracked 3 IDs: 2 found, 1 without a send log row; 5 Retrieve calls (1.6667 per ID), \
         after 1 for the send log's columns\n"
    );
}
