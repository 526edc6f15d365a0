//! End-to-end tests: the `sfmc-track` binary against an in-process emulator on 127.0.0.1.

mod support;

use support::{
    EMAIL_ID, PASSWORD, TO, USERNAME, client, config, send_many, sfmc_track, sfmc_track_with_env,
    start, subscriber_id, temp_folder,
};

use std::time::Duration;

use sfmc_emulator::{Emulator, FaultKind, FaultRule};
use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::{
    AnyApiObject, ConfigureRequestMsg, ConfigureRequestMsgConfigurations, CreateRequest,
    DataExtension, DataExtensionTemplate, PropertyDefinition, RetrieveRequest, RetrieveRequestMsg,
    filter,
};
use sfmc_runtime::xml::Nillable;

/// Returns the EventDate texts of the SentEvents of `job_id`, as the emulator wrote them.
async fn sent_dates(emulator: &Emulator, job_id: &str) -> Vec<String> {
    let request = RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "SentEvent".to_owned(),
            properties: vec!["EventDate".to_owned(), "BatchID".to_owned()],
            filter: Some(filter::equals("SendID", job_id)),
            ..Default::default()
        },
        ..Default::default()
    };
    let response = client(emulator)
        .retrieve_checked(&request)
        .await
        .expect("SentEvent retrieve");
    response
        .results
        .iter()
        .map(|object| match object {
            AnyApiObject::SentEvent(event) => event.event_date.as_ref().unwrap().to_string(),
            other => panic!("expected a SentEvent, got {other:?}"),
        })
        .collect()
}

/// Returns the result of a Retrieve of `object_type` objects whose SubscriberKey is
/// `subscriber_key`.
async fn retrieve_by_subscriber_key(
    emulator: &Emulator,
    object_type: &str,
    property: &str,
    subscriber_key: &str,
) -> Vec<AnyApiObject> {
    let request = RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: vec![property.to_owned(), "SubscriberKey".to_owned()],
            filter: Some(filter::equals("SubscriberKey", subscriber_key)),
            ..Default::default()
        },
        ..Default::default()
    };
    client(emulator)
        .retrieve_checked(&request)
        .await
        .unwrap_or_else(|error| panic!("{object_type} retrieve: {error}"))
        .results
}

/// Returns the JobID (the SendID of its SentEvents) of the one job that sent to the
/// subscriber with `subscriber_key`.
async fn job_id(emulator: &Emulator, subscriber_key: &str) -> String {
    let found = retrieve_by_subscriber_key(emulator, "SentEvent", "SendID", subscriber_key).await;
    let mut job_ids: Vec<String> = found
        .iter()
        .map(|object| match object {
            AnyApiObject::SentEvent(event) => event.send_id.expect("a SendID").to_string(),
            other => panic!("expected a SentEvent, got {other:?}"),
        })
        .collect();
    job_ids.dedup();
    assert_eq!(job_ids.len(), 1, "{job_ids:?}");
    job_ids.remove(0)
}

const SETUP_CREATED: &str = "\
profile attribute UniqueID: created
send log SendLog (key SendLog): created, subscriber column SubscriberID
triggered send definition sfmc-track: created
triggered send definition sfmc-track status: changed (started, status Active confirmed)
setup complete
";

const SETUP_FOUND: &str = "\
profile attribute UniqueID: found
send log SendLog (key SendLog): found, subscriber column SubscriberID
triggered send definition sfmc-track: found
triggered send definition sfmc-track status: found
setup complete: nothing changed
";

#[tokio::test(flavor = "multi_thread")]
async fn setup_twice_changes_nothing() {
    let emulator = start(config()).await;
    let first = sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(first.stdout, SETUP_CREATED);
    let second = sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(second.stdout, SETUP_FOUND);
}

/// The second setup finds the profile attribute through Describe of Subscriber, so it never
/// sends the Configure that creates one: here every Configure is dropped.
#[tokio::test(flavor = "multi_thread")]
async fn setup_finds_attribute_by_describe() {
    let folder = temp_folder("describe");
    let state = folder.join("state.json");
    let emulator = start(config().state_file(&state)).await;
    let first = sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    assert_eq!(first.stdout, SETUP_CREATED, "{first:?}");
    emulator.stop().await;

    let dropped = FaultRule::new(FaultKind::DropConnection);
    let emulator = start(config().state_file(&state).fault("Configure", dropped)).await;
    let second = sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(second.stdout, SETUP_FOUND);
    emulator.stop().await;
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_publish_refreshes() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    let run = sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup", "--publish"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.lines().nth(3),
        Some(
            "triggered send definition sfmc-track status: changed (paused, refreshed the content, started, status Active confirmed)"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_adds_missing_column() {
    let emulator = start(config()).await;
    // A send log made by hand from the template, without the UniqueID column.
    let template = DataExtensionTemplate {
        object_id: Some(Nillable::Value(
            sfmc_emulator::TRIGGERED_SEND_TEMPLATE_OBJECT_ID.to_owned(),
        )),
        ..Default::default()
    };
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(DataExtension {
            name: Some("SendLog".to_owned()),
            customer_key: Some("SendLog".to_owned()),
            template: Some(Box::new(template)),
            ..Default::default()
        })],
        ..Default::default()
    };
    client(&emulator)
        .create_checked(&create)
        .await
        .expect("send log create");

    let run = sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.lines().nth(1),
        Some(
            "send log SendLog (key SendLog): changed (added column UniqueID), subscriber column SubscriberID"
        )
    );
    let again = sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    assert_eq!(again.stdout, SETUP_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_unknown_email_fails() {
    let emulator = start(config()).await;
    let run = sfmc_track(&emulator, &["--email-id", "42", "setup"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    let first_line = run.stderr.lines().next().unwrap();
    assert_eq!(
        first_line,
        "error: setup: triggered send definition failed: cannot create the triggered send definition"
    );
    assert!(
        run.stderr
            .contains("Email with ID 42 not found. (error code 17016)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(" (RequestID "), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("  hint: check that the email ID and the send classification key exist\n"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn send_and_track_formats() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    let sent = sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "uid-1"]).await;
    assert_eq!(sent.code, 0, "{sent:?}");
    assert_eq!(sent.stdout, "uid-1\n");
    assert_eq!(
        sent.stderr,
        "queued a triggered send to help@example.com (subscriber key help@example.com) on definition sfmc-track\n"
    );

    let table = sfmc_track(&emulator, &["track", "--unique-id", "uid-1"]).await;
    assert_eq!(table.code, 0, "{table:?}");
    let job_id = job_id(&emulator, TO).await;
    let dates = sent_dates(&emulator, &job_id).await;
    assert_eq!(dates.len(), 1);
    let date = &dates[0];
    let subscriber_id = subscriber_id(&emulator, TO).await;
    assert_eq!(
        table.stdout,
        format!(
            "UniqueID uid-1: 1 send\n  JobID {job_id}, BatchID 1, SubscriberID {subscriber_id}\n\
             TIME                           EVENT  JOB ID    BATCH ID  SUBSCRIBER ID  SUBSCRIBER KEY    DETAIL\n\
             {date}-06:00  sent   {job_id}  1         {subscriber_id}      help@example.com\n"
        )
    );

    let jsonl = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-id",
            "uid-1",
            "--events",
            "sent",
            "--output",
            "jsonl",
        ],
    )
    .await;
    assert_eq!(jsonl.code, 0, "{jsonl:?}");
    let definition_id = jsonl
        .stdout
        .split("\"triggered_send_definition_object_id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a definition ObjectID")
        .to_owned();
    let object = format!(
        r#"{{"unique_id":"uid-1","event":"sent","event_date":"{date}-06:00","job_id":"{job_id}","batch_id":"1","subscriber_id":"{subscriber_id}","subscriber_key":"help@example.com","event_type":"Sent","triggered_send_definition_object_id":"{definition_id}","url":null,"url_id":null,"smtp_code":null,"bounce_category":null,"bounce_type":null,"smtp_reason":null}}"#
    );
    assert_eq!(jsonl.stdout, format!("{object}\n"));

    let json = sfmc_track(
        &emulator,
        &["track", "--unique-id", "uid-1", "--output", "json"],
    )
    .await;
    assert_eq!(json.stdout, format!("[\n  {object}\n]\n"));

    let csv = sfmc_track(
        &emulator,
        &["track", "--unique-id", "uid-1", "--output", "csv"],
    )
    .await;
    assert_eq!(
        csv.stdout,
        format!(
            "unique_id,event,event_date,job_id,batch_id,subscriber_id,subscriber_key,event_type,triggered_send_definition_object_id,url,url_id,smtp_code,bounce_category,bounce_type,smtp_reason\n\
             uid-1,sent,{date}-06:00,{job_id},1,{subscriber_id},help@example.com,Sent,{definition_id},,,,,,\n"
        )
    );

    let utc = sfmc_track(
        &emulator,
        &["track", "--unique-id", "uid-1", "--output", "csv", "--utc"],
    )
    .await;
    let utc_date = utc
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap();
    let parsed: sfmc_runtime::values::DateTime = date.parse().unwrap();
    let expected = parsed.to_offset(0, sfmc_runtime::values::SERVICE_OFFSET);
    assert_eq!(utc_date, expected.to_string());
    assert!(utc_date.ends_with("+00:00"), "{utc_date}");
}

#[tokio::test(flavor = "multi_thread")]
async fn resend_lists_both_sends() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    for _ in 0..2 {
        let sent = sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "again"]).await;
        assert_eq!(sent.code, 0, "{sent:?}");
    }
    let run = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-id",
            "again",
            "--events",
            "sent",
            "--output",
            "csv",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let batches: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(4).unwrap())
        .collect();
    assert_eq!(batches, ["1", "2"]);
    let table = sfmc_track(
        &emulator,
        &["track", "--unique-id", "again", "--events", "sent"],
    )
    .await;
    assert_eq!(table.stdout.lines().next(), Some("UniqueID again: 2 sends"));
}

#[tokio::test(flavor = "multi_thread")]
async fn track_sub_id_send_log() {
    let emulator = start(config()).await;
    let setup = sfmc_track(
        &emulator,
        &[
            "--email-id",
            EMAIL_ID,
            "--send-log-template",
            "SendLog",
            "setup",
        ],
    )
    .await;
    assert_eq!(
        setup.stdout.lines().nth(1),
        Some("send log SendLog (key SendLog): created, subscriber column SubID")
    );

    sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "sub-id"]).await;
    let run = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-id",
            "sub-id",
            "--events",
            "sent",
            "--output",
            "csv",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let line = run.stdout.lines().nth(1).expect("one event");
    let fields: Vec<&str> = line.split(',').collect();
    assert_eq!(fields[0], "sub-id");
    assert_eq!(fields[1], "sent");
    assert_eq!(fields[5], subscriber_id(&emulator, TO).await);

    // Naming the wrong column makes the send log lookup fail with the service's error.
    let wrong = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-id",
            "sub-id",
            "--subscriber-column",
            "SubscriberID",
        ],
    )
    .await;
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert!(
        wrong
            .stderr
            .contains("The Request Property(s) SubscriberID do not match"),
        "{}",
        wrong.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn track_wait_finds_late_row() {
    let emulator = start(config().send_log_delay(Duration::from_millis(1500))).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "late"]).await;
    let run = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-id",
            "late",
            "--events",
            "sent",
            "--wait",
            "30s",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().next(), Some("UniqueID late: 1 send"));
    assert_eq!(
        run.stderr,
        "waiting for the send log row of late (29 s left)\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn track_wait_times_out() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    let run = sfmc_track(
        &emulator,
        &["track", "--unique-id", "never", "--wait", "1s"],
    )
    .await;
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(run.stdout, "");
    let last = run.stderr.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(
        last,
        "error: track: send log lookup failed: the send log SendLog has no row with UniqueID never within 1s\n  \
         hint: the row appears once the service has processed the send: wait longer with --wait. \
         If it never appears, check that the profile attribute UniqueID exists (run `sfmc-track setup`), \
         because the service drops unknown attributes without an error"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn undefined_attribute_is_reported() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    // Remove the profile attribute, so the service drops the UniqueID from the send.
    let delete = ConfigureRequestMsg {
        action: Some("Delete".to_owned()),
        configurations: Some(ConfigureRequestMsgConfigurations {
            configuration: vec![AnyApiObject::from(PropertyDefinition {
                name: Some("UniqueID".to_owned()),
                ..Default::default()
            })],
            ..Default::default()
        }),
        ..Default::default()
    };
    client(&emulator)
        .configure_checked(&delete)
        .await
        .expect("attribute delete");
    let sent = sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "dropped"]).await;
    assert_eq!(sent.code, 0, "{sent:?}");
    let run = sfmc_track(&emulator, &["track", "--unique-id", "dropped"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr
            .contains("check that the profile attribute UniqueID exists"),
        "{}",
        run.stderr
    );

    // An attribute the send log has no column for is caught before any lookup.
    let other = sfmc_track(
        &emulator,
        &["--attribute", "TrackingID", "track", "--unique-id", "x"],
    )
    .await;
    assert_eq!(other.code, 2, "{other:?}");
    assert_eq!(
        other.stderr,
        "error: track: send log columns failed: the send log SendLog has no TrackingID field, so sends cannot be found by it\n  \
         hint: run `sfmc-track setup` to add the column; sends before that cannot be tracked\n"
    );
}

/// A send whose only subscriber is invalid fails as a whole (ErrorCode 180008), and the
/// message gives the subscriber's own error.
#[tokio::test(flavor = "multi_thread")]
async fn send_invalid_address_fails() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    let run = sfmc_track(&emulator, &["send", "--to", "not-an-address"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "");
    let (message, rest) = run
        .stderr
        .split_once(", RequestID ")
        .expect("a RequestID in the message");
    assert_eq!(
        message,
        "error: send failed: the service did not send to not-an-address: Invalid Email \
         (subscriber error code 5"
    );
    let (request_id, hint) = rest.split_once(")\n").expect("the end of the message");
    assert_eq!(request_id.len(), 36, "{request_id}");
    assert_eq!(
        hint,
        "  hint: check the email address and the subscriber's status\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn send_without_definition_fails() {
    let emulator = start(config()).await;
    let run = sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "u"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr.lines().next(),
        Some("error: send failed: the service rejected the send to help@example.com")
    );
    assert!(
        run.stderr
            .contains("Invalid Customer Key (error code 18002)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with(
            "  hint: the triggered send definition is missing or not active: run `sfmc-track setup`\n"
        ),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_without_setup_or_login() {
    let emulator = start(config()).await;
    let run = sfmc_track(&emulator, &["track", "--unique-id", "u"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: track: send log columns failed: the send log SendLog does not exist\n  \
         hint: run `sfmc-track setup`, or set --send-log-key to the send log's CustomerKey\n"
    );

    let none = sfmc_track_with_env(&["setup"], &[]).await;
    assert_eq!(none.code, 2, "{none:?}");
    assert_eq!(
        none.stderr.lines().next(),
        Some("error: configuration failed: no credentials are configured")
    );

    let wrong = sfmc_track_with_env(
        &["setup"],
        &[
            ("SFMC_SOAP_ENDPOINT", &emulator.soap_url()),
            ("SFMC_USERNAME", USERNAME),
            ("SFMC_PASSWORD", "wrong"),
        ],
    )
    .await;
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert_eq!(
        wrong.stderr,
        "error: login failed: the service rejected the credentials\n  \
         service response: SOAP fault `Security`: Login failed\n  \
         hint: check SFMC_USERNAME, SFMC_PASSWORD and SFMC_SOAP_ENDPOINT (or SFMC_SUBDOMAIN), \
         then run `sfmc-track config check` to see each setting's value and source\n"
    );

    let usage = sfmc_track(
        &emulator,
        &["track", "--unique-id", "u", "--events", "opened"],
    )
    .await;
    assert_eq!(usage.code, 2, "{usage:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn config_check_hides_secrets() {
    let emulator = start(config()).await;
    let run = sfmc_track(&emulator, &["--email-id", EMAIL_ID, "config", "check"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains(PASSWORD), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let soap_url = emulator.soap_url();
    assert_eq!(
        lines[..17],
        [
            "config file: none",
            "subdomain: not set",
            "client_id: not set",
            "client_secret: not set",
            "account_id: not set",
            &format!("username: {USERNAME} (environment variable SFMC_USERNAME)"),
            "password: set (environment variable SFMC_PASSWORD)",
            &format!("soap_endpoint: {soap_url} (environment variable SFMC_SOAP_ENDPOINT)"),
            "auth_endpoint: not set",
            "attribute: UniqueID (default)",
            "send_log_name: SendLog (default)",
            "send_log_key: SendLog (default)",
            "send_log_template: TriggeredSendDataExtension (default)",
            "definition_key: sfmc-track (default)",
            "definition_name: sfmc-track one-to-one tracking (default)",
            "email_id: 3099626 (flag)",
            "send_classification_key: Default Commercial (default)",
        ]
    );
    assert!(
        lines[17]
            .starts_with("login: OK (a Retrieve of TriggeredSendDefinition succeeded, RequestID "),
        "{}",
        lines[17]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn config_file_is_read() {
    let emulator = start(config()).await;
    let folder = temp_folder("test");
    let path = folder.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[account]\nsoap_endpoint = \"{}\"\nusername = \"{USERNAME}\"\npassword = \"{PASSWORD}\"\n\n[workflow]\nemail_id = {EMAIL_ID}\ndefinition_key = \"from-file\"\n",
            emulator.soap_url()
        ),
    )
    .unwrap();
    let path_text = path.to_str().unwrap();

    let run = sfmc_track_with_env(&["--config", path_text, "setup"], &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.lines().nth(2),
        Some("triggered send definition from-file: created")
    );
    let check = sfmc_track_with_env(&["--config", path_text, "config", "check"], &[]).await;
    assert!(
        check
            .stdout
            .contains(&format!("password: set ({path_text}:4)\n")),
        "{}",
        check.stdout
    );

    std::fs::write(&path, "[account]\nuser = \"x\"\n").unwrap();
    let invalid = sfmc_track_with_env(&["--config", path_text, "setup"], &[]).await;
    assert_eq!(invalid.code, 2, "{invalid:?}");
    assert_eq!(
        invalid.stderr.lines().next(),
        Some(
            format!(
                "error: configuration failed: unknown key `user` in the config file {path_text}:2"
            )
            .as_str()
        )
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_runs_offline() {
    let run = sfmc_track_with_env(&["demo", "--unique-id", "demo-1", "--output", "csv"], &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let progress: Vec<&str> = run.stderr.lines().collect();
    assert!(
        progress[0].starts_with("emulator listening on http://127.0.0.1:"),
        "{}",
        progress[0]
    );
    assert_eq!(
        progress[1..],
        [
            "== setup",
            "profile attribute UniqueID: created",
            "send log SendLog (key SendLog): created, subscriber column SubscriberID",
            "triggered send definition sfmc-track: created",
            "triggered send definition sfmc-track status: changed (started, status Active confirmed)",
            "setup complete",
            "== send",
            "sent to help@example.com with UniqueID demo-1",
            "== track",
            "waiting for the send log row of demo-1 (29 s left)",
        ]
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "unique_id,event,event_date,job_id,batch_id,subscriber_id,subscriber_key,event_type,triggered_send_definition_object_id,url,url_id,smtp_code,bounce_category,bounce_type,smtp_reason"
    );
    // The demo's subscriber receives, opens and clicks the email, in that order.
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    let expected = [
        ("sent", "Sent"),
        ("delivered", "DeliveredEvent"),
        ("open", "Open"),
        ("click", "Click"),
    ];
    // The demo's emulator is not reachable from here, so the IDs of its one send are taken
    // from the first row, and every row must carry the same ones.
    let first: Vec<&str> = lines[1].split(',').collect();
    let (job_id, subscriber_id) = (first[3], first[5]);
    assert!(job_id.parse::<u32>().is_ok(), "JobID {job_id}");
    assert!(
        subscriber_id.parse::<u32>().is_ok(),
        "SubscriberID {subscriber_id}"
    );
    for (line, (event, event_type)) in lines[1..].iter().zip(expected) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields[..2], ["demo-1", event], "{line}");
        assert!(fields[2].ends_with("-06:00"), "{line}");
        assert_eq!(
            fields[3..8],
            [job_id, "1", subscriber_id, "help@example.com", event_type],
            "{line}"
        );
    }

    // The demo's emulator has a fixed seed, so a second demo draws the same IDs.
    let again =
        sfmc_track_with_env(&["demo", "--unique-id", "demo-1", "--output", "csv"], &[]).await;
    assert_eq!(again.code, 0, "{again:?}");
    let again_first: Vec<&str> = again.stdout.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(again_first[3..6], [job_id, "1", subscriber_id]);
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_ten_thousand_ids() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    send_many(&emulator, 10_000).await;
    let folder = temp_folder("bulk");
    let path = folder.join("ids.txt");
    let mut ids: Vec<String> = (0..10_000).map(|i| format!("id-{i}")).collect();
    ids.insert(5_000, "missing-1".to_owned());
    ids.push("missing-2".to_owned());
    std::fs::write(&path, ids.join("\n") + "\n").unwrap();

    let run = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-ids",
            path.to_str().unwrap(),
            "--output",
            "jsonl",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 21 batches of up to 500 IDs, each with one send log lookup and one Retrieve for each
    // of the 7 event types of the one JobID.
    assert_eq!(
        run.stderr,
        "tracked 10002 IDs: 10000 found, 2 without a send log row; 168 Retrieve calls (0.0168 per ID), after 1 for the send log's columns\n"
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 10_002);
    let not_found = |id: &str| {
        format!(
            r#"{{"unique_id":"{id}","event":"not_found","event_date":null,"job_id":null,"batch_id":null,"subscriber_id":null,"subscriber_key":null,"event_type":null,"triggered_send_definition_object_id":null,"url":null,"url_id":null,"smtp_code":null,"bounce_category":null,"bounce_type":null,"smtp_reason":null}}"#
        )
    };
    assert_eq!(lines[5_000], not_found("missing-1"));
    assert_eq!(lines[10_001], not_found("missing-2"));
    for (line, id) in lines.iter().zip(&ids) {
        if id.starts_with("missing") {
            continue;
        }
        let i: usize = id["id-".len()..].parse().unwrap();
        let start = format!(r#"{{"unique_id":"{id}","event":"sent","event_date":""#);
        assert!(line.starts_with(&start), "{line}");
        let batch = format!(r#","batch_id":"{}","#, i / 500 + 1);
        assert!(line.contains(&batch), "{line}");
        let key = format!(r#""subscriber_key":"u{i}@example.com","event_type":"Sent","#);
        assert!(line.contains(&key), "{line}");
    }
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_csv_input_and_json() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    send_many(&emulator, 3).await;
    let folder = temp_folder("csv");
    let path = folder.join("ids.csv");
    std::fs::write(&path, "name,uniqueid\n\"Doe, Jane\",id-2\nJohn,nobody\n").unwrap();

    let run = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-ids",
            path.to_str().unwrap(),
            "--events",
            "sent",
            "--output",
            "json",
            "--batch-size",
            "1",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "tracked 2 IDs: 1 found, 1 without a send log row; 3 Retrieve calls (1.5000 per ID), after 1 for the send log's columns\n"
    );

    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert_eq!(lines[0], "[");
    assert!(
        lines[1].starts_with(r#"  {"unique_id":"id-2","event":"sent","#),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with("},"), "{}", lines[1]);
    assert!(
        lines[2].starts_with(r#"  {"unique_id":"nobody","event":"not_found","#),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "]");
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn track_follow_prints_once() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "follow"]).await;

    let run = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-id",
            "follow",
            "--events",
            "sent",
            "--follow",
            "1s",
            "--output",
            "jsonl",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with(r#"{"unique_id":"follow","event":"sent","#),
        "{}",
        lines[0]
    );

    let bulk = sfmc_track(
        &emulator,
        &["track", "--unique-ids", "/dev/null", "--follow", "1s"],
    )
    .await;
    assert_eq!(bulk.code, 2, "{bulk:?}");
    assert_eq!(
        bulk.stderr,
        "error: track failed: --follow takes one UniqueID, not --unique-ids\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn follow_ctrl_c_closes_json() {
    let emulator = start(config()).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "stop"]).await;

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_sfmc-track"))
        .args([
            "track",
            "--unique-id",
            "stop",
            "--events",
            "sent",
            "--follow",
            "1h",
            "--output",
            "json",
        ])
        .env_clear()
        .env("XDG_CONFIG_HOME", "/nonexistent/sfmc-track-test")
        .env("SFMC_SOAP_ENDPOINT", emulator.soap_url())
        .env("SFMC_USERNAME", USERNAME)
        .env("SFMC_PASSWORD", PASSWORD)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("sfmc-track should start");
    let mut stdout = child.stdout.take().unwrap();
    let mut output = String::new();
    // The event's line ends only with the next record or the array's end, so read until
    // the event's object is complete.
    while !output.ends_with('}') {
        let mut chunk = [0u8; 4096];
        let read = tokio::io::AsyncReadExt::read(&mut stdout, &mut chunk)
            .await
            .unwrap();
        assert_ne!(read, 0, "the output ended early: {output}");
        output.push_str(std::str::from_utf8(&chunk[..read]).unwrap());
    }
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().await.unwrap();
    let mut rest = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stdout, &mut rest)
        .await
        .unwrap();
    output.push_str(&rest);

    assert_eq!(status.code(), Some(0));
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 3, "{output}");
    assert_eq!(lines[0], "[");
    assert!(
        lines[1].starts_with(r#"  {"unique_id":"stop","event":"sent","#),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "]");
}

#[tokio::test(flavor = "multi_thread")]
async fn run_does_every_step() {
    let emulator = start(config()).await;
    let run = sfmc_track(
        &emulator,
        &[
            "--email-id",
            EMAIL_ID,
            "run",
            "--to",
            TO,
            "--unique-id",
            "run-1",
            "--events",
            "sent",
            "--output",
            "csv",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    // The progress goes to standard error, so standard output is the CSV alone.
    assert_eq!(
        run.stderr,
        format!(
            "== setup\n{SETUP_CREATED}== send\nsent to help@example.com with UniqueID run-1\n== track\n"
        )
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("unique_id,event,"), "{}", lines[0]);
    assert!(lines[1].starts_with("run-1,sent,"), "{}", lines[1]);
    let subscriber_id = subscriber_id(&emulator, TO).await;
    assert!(
        lines[1].contains(&format!(",1,{subscriber_id},help@example.com,Sent,")),
        "{}",
        lines[1]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn track_all_events_in_order() {
    use sfmc_emulator::{ScenarioEvent, ScenarioEventKind};

    let click = ScenarioEventKind::Click {
        url: "https://example.com/offer".to_owned(),
        url_id: 7,
    };
    let events = vec![
        ScenarioEvent::new(click, Duration::from_secs(120)),
        ScenarioEvent::new(ScenarioEventKind::Open, Duration::from_secs(60)),
        ScenarioEvent::new(ScenarioEventKind::Delivered, Duration::from_secs(1)),
    ];
    let emulator = start(config().scenario(TO, events)).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "all"]).await;

    let run = sfmc_track(
        &emulator,
        &["track", "--unique-id", "all", "--output", "csv", "--utc"],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let rows: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect())
        .collect();
    let kinds: Vec<(&str, &str)> = rows.iter().map(|row| (row[1], row[7])).collect();
    assert_eq!(
        kinds,
        [
            ("sent", "Sent"),
            ("delivered", "DeliveredEvent"),
            ("open", "Open"),
            ("click", "Click"),
        ]
    );
    let dates: Vec<&str> = rows.iter().map(|row| row[2]).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    for date in dates {
        assert!(date.ends_with("+00:00"), "{date}");
    }
}

/// Returns the EventDate texts of the events of `object_type` for `job_id`, as the emulator
/// wrote them.
async fn event_dates(emulator: &Emulator, object_type: &str, job_id: &str) -> Vec<String> {
    let request = RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: vec!["EventDate".to_owned()],
            filter: Some(filter::equals("SendID", job_id)),
            ..Default::default()
        },
        ..Default::default()
    };
    let response = client(emulator)
        .retrieve_checked(&request)
        .await
        .expect("event retrieve");
    response
        .results
        .iter()
        .map(|object| match object {
            AnyApiObject::ClickEvent(event) => event.event_date.as_ref().unwrap().to_string(),
            AnyApiObject::BounceEvent(event) => event.event_date.as_ref().unwrap().to_string(),
            other => panic!("expected a ClickEvent or a BounceEvent, got {other:?}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn track_click_and_bounce_details() {
    use sfmc_emulator::{ScenarioEvent, ScenarioEventKind};

    let bounce = ScenarioEventKind::Bounce {
        smtp_code: "550".to_owned(),
        category: "Hard bounce".to_owned(),
        bounce_type: "immediate".to_owned(),
        smtp_reason: "550 5.1.1 user unknown, \"mailbox\" disabled".to_owned(),
    };
    let click = ScenarioEventKind::Click {
        url: "https://example.com/offer?a=1,b=2".to_owned(),
        url_id: 7,
    };
    let events = vec![
        ScenarioEvent::new(bounce, Duration::from_secs(30)),
        ScenarioEvent::new(click, Duration::from_secs(120)),
    ];
    let emulator = start(config().scenario(TO, events)).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "detail"]).await;
    let track = |output: &'static str| {
        let emulator = &emulator;
        async move {
            let run = sfmc_track(
                emulator,
                &[
                    "track",
                    "--unique-id",
                    "detail",
                    "--events",
                    "click,bounce",
                    "--output",
                    output,
                ],
            )
            .await;
            assert_eq!(run.code, 0, "{run:?}");
            run.stdout
        }
    };

    let table = track("table").await;
    let job_id = job_id(&emulator, TO).await;
    let bounce_dates = event_dates(&emulator, "BounceEvent", &job_id).await;
    let click_dates = event_dates(&emulator, "ClickEvent", &job_id).await;
    assert_eq!(bounce_dates.len(), 1);
    assert_eq!(click_dates.len(), 1);
    let (bounced, clicked) = (&bounce_dates[0], &click_dates[0]);
    let subscriber_id = subscriber_id(&emulator, TO).await;
    assert_eq!(
        table,
        format!(
            "UniqueID detail: 1 send\n  JobID {job_id}, BatchID 1, SubscriberID {subscriber_id}\n\
             TIME                           EVENT   JOB ID    BATCH ID  SUBSCRIBER ID  SUBSCRIBER KEY    DETAIL\n\
             {bounced}-06:00  bounce  {job_id}  1         {subscriber_id}      help@example.com  \
             550, Hard bounce, immediate: 550 5.1.1 user unknown, \"mailbox\" disabled\n\
             {clicked}-06:00  click   {job_id}  1         {subscriber_id}      help@example.com  \
             https://example.com/offer?a=1,b=2 (URLID 7)\n"
        )
    );

    let jsonl = track("jsonl").await;
    let definition_id = jsonl
        .split("\"triggered_send_definition_object_id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a definition ObjectID")
        .to_owned();
    let common = |event: &str, date: &str, event_type: &str| {
        format!(
            r#""unique_id":"detail","event":"{event}","event_date":"{date}-06:00","job_id":"{job_id}","batch_id":"1","subscriber_id":"{subscriber_id}","subscriber_key":"help@example.com","event_type":"{event_type}","triggered_send_definition_object_id":"{definition_id}""#
        )
    };
    let bounce_object = format!(
        r#"{{{},"url":null,"url_id":null,"smtp_code":"550","bounce_category":"Hard bounce","bounce_type":"immediate","smtp_reason":"550 5.1.1 user unknown, \"mailbox\" disabled"}}"#,
        common("bounce", bounced, "HardBounce")
    );
    let click_object = format!(
        r#"{{{},"url":"https://example.com/offer?a=1,b=2","url_id":"7","smtp_code":null,"bounce_category":null,"bounce_type":null,"smtp_reason":null}}"#,
        common("click", clicked, "Click")
    );
    assert_eq!(jsonl, format!("{bounce_object}\n{click_object}\n"));
    assert_eq!(
        track("json").await,
        format!("[\n  {bounce_object},\n  {click_object}\n]\n")
    );

    let csv = track("csv").await;
    assert_eq!(
        csv,
        format!(
            "unique_id,event,event_date,job_id,batch_id,subscriber_id,subscriber_key,event_type,triggered_send_definition_object_id,url,url_id,smtp_code,bounce_category,bounce_type,smtp_reason\n\
             detail,bounce,{bounced}-06:00,{job_id},1,{subscriber_id},help@example.com,HardBounce,{definition_id},,,550,Hard bounce,immediate,\"550 5.1.1 user unknown, \"\"mailbox\"\" disabled\"\n\
             detail,click,{clicked}-06:00,{job_id},1,{subscriber_id},help@example.com,Click,{definition_id},\"https://example.com/offer?a=1,b=2\",7,,,,\n"
        )
    );
}

/// The OverallStatus the service returns for a Retrieve the account's permissions do not
/// allow.
const PERMISSION_FAILED: &str = "Error: API Permission Failed.";

#[tokio::test(flavor = "multi_thread")]
async fn track_event_type_denied() {
    let denied = FaultRule::new(FaultKind::OverallStatus(PERMISSION_FAILED.to_owned()))
        .object_type("UnsubEvent");
    let emulator = start(config().fault("Retrieve", denied)).await;
    sfmc_track(&emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    sfmc_track(&emulator, &["send", "--to", TO, "--unique-id", "denied"]).await;
    let job_id = job_id(&emulator, TO).await;
    let subscriber_id = subscriber_id(&emulator, TO).await;

    // The other event types are still retrieved.
    let sent = sfmc_track(
        &emulator,
        &["track", "--unique-id", "denied", "--events", "sent"],
    )
    .await;
    assert_eq!(sent.code, 0, "{sent:?}");

    let run = sfmc_track(
        &emulator,
        &["track", "--unique-id", "denied", "--events", "sent,unsub"],
    )
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "");
    let request_id = request_id_in(&run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "error: track: events failed: cannot retrieve UnsubEvent for JobID {job_id}, BatchID 1, SubscriberID {subscriber_id}\n  \
             service response: Retrieve failed: API Permission Failed. (RequestID {request_id})\n  \
             hint: the account may not allow retrieving UnsubEvent: leave it out with --events\n"
        )
    );

    let folder = temp_folder("denied");
    let path = folder.join("ids.txt");
    std::fs::write(&path, "denied\n").unwrap();
    let bulk = sfmc_track(
        &emulator,
        &[
            "track",
            "--unique-ids",
            path.to_str().unwrap(),
            "--events",
            "unsub",
        ],
    )
    .await;
    assert_eq!(bulk.code, 1, "{bulk:?}");
    let request_id = request_id_in(&bulk.stderr);
    assert_eq!(
        bulk.stderr,
        format!(
            "error: track: events failed: cannot retrieve UnsubEvent for JobID {job_id}\n  \
             service response: Retrieve failed: API Permission Failed. (RequestID {request_id})\n  \
             hint: the account may not allow retrieving UnsubEvent: leave it out with --events\n"
        )
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// Returns the RequestID in `text`, written `(RequestID ID)`: the emulator draws it at
/// random, as the service does.
fn request_id_in(text: &str) -> &str {
    let start = text.find("(RequestID ").expect("a RequestID") + "(RequestID ".len();
    let length = text[start..].find(')').expect("the end of the RequestID");
    let request_id = &text[start..start + length];
    assert_eq!(request_id.len(), 36, "not a GUID: {request_id}");
    request_id
}
