//! End-to-end tests of the settings, flags and ID files a new user gets wrong, and of the
//! output that scripts read: the `sfmc-track` binary against an in-process emulator on
//! 127.0.0.1.

mod support;

use support::{
    EMAIL_ID, PASSWORD, TO, USERNAME, config, send_many, setup, sfmc_track, sfmc_track_with_env,
    start, temp_folder,
};

use std::time::Duration;

/// The maximum time a run of the binary may take here. Reading a directory of IDs used to
/// spin forever, and the timeout turns such a hang into a failure.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Returns the JSON Lines record of an ID that has no send log row.
fn not_found(id: &str) -> String {
    format!(
        r#"{{"unique_id":"{id}","event":"not_found","event_date":null,"job_id":null,"batch_id":null,"subscriber_id":null,"subscriber_key":null,"event_type":null,"triggered_send_definition_object_id":null,"url":null,"url_id":null,"smtp_code":null,"bounce_category":null,"bounce_type":null,"smtp_reason":null}}"#
    )
}

const LOGIN_HINT_END: &str =
    "then run `sfmc-track config check` to see each setting's value and source";

#[tokio::test(flavor = "multi_thread")]
async fn bulk_directory_is_rejected() {
    let emulator = start(config()).await;
    setup(&emulator).await;
    let folder = temp_folder("directory");
    let path = folder.to_str().unwrap();

    let run = tokio::time::timeout(
        RUN_LIMIT,
        sfmc_track(&emulator, &["track", "--unique-ids", path]),
    )
    .await
    .expect("track --unique-ids DIRECTORY should end");
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: track: reading IDs failed: {path} is a directory\n  \
             hint: give --unique-ids a file of UniqueIDs, one per line or in a CSV column\n"
        )
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_device_is_rejected() {
    let emulator = start(config()).await;
    let run = sfmc_track(&emulator, &["track", "--unique-ids", "/dev/null"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: track: reading IDs failed: /dev/null is not a regular file\n  \
         hint: save the IDs to a file and give its path, because the IDs are read twice: \
         once to count them and once to track them\n"
    );

    let missing = sfmc_track(
        &emulator,
        &["track", "--unique-ids", "/nonexistent/ids.txt"],
    )
    .await;
    assert_eq!(missing.code, 2, "{missing:?}");
    assert_eq!(
        missing.stderr,
        "error: track: reading IDs failed: cannot open /nonexistent/ids.txt: \
         No such file or directory (os error 2)\n"
    );
}

/// The whole file is read before the first call, so an invalid line stops the run before
/// any output.
#[tokio::test(flavor = "multi_thread")]
async fn bulk_invalid_utf8_names_line() {
    let emulator = start(config()).await;
    setup(&emulator).await;
    let folder = temp_folder("utf8");
    let path = folder.join("ids.txt");
    std::fs::write(&path, b"id-0\nid-\xff1\nid-2\n").unwrap();
    let path = path.to_str().unwrap();

    let run = sfmc_track(&emulator, &["track", "--unique-ids", path]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: track: reading IDs failed: line 2 of {path} is not valid UTF-8\n  \
             hint: save the file as UTF-8\n"
        )
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// A CSV file whose one column is the attribute starts with a header line, which is not
/// an ID, and a summary of one ID or one call uses the singular.
#[tokio::test(flavor = "multi_thread")]
async fn bulk_one_column_csv_header() {
    let emulator = start(config()).await;
    setup(&emulator).await;
    send_many(&emulator, 1).await;
    let folder = temp_folder("one-column");
    let path = folder.join("ids.csv");
    let path_text = path.to_str().unwrap();
    let args = [
        "track",
        "--unique-ids",
        path_text,
        "--events",
        "sent",
        "--output",
        "jsonl",
    ];

    std::fs::write(&path, "UniqueID\nnobody\n").unwrap();
    let missing = sfmc_track(&emulator, &args).await;
    assert_eq!(missing.code, 0, "{missing:?}");
    assert_eq!(missing.stdout, format!("{}\n", not_found("nobody")));
    assert_eq!(
        missing.stderr,
        "tracked 1 ID: 0 found, 1 without a send log row; 1 Retrieve call (1.0000 per ID), \
         after 1 for the send log's columns\n"
    );

    // Any letter case, with Windows line ends and the byte order mark of a spreadsheet's
    // CSV export.
    std::fs::write(&path, "\u{feff}uniqueid\r\nid-0\r\n").unwrap();
    let found = sfmc_track(&emulator, &args).await;
    assert_eq!(found.code, 0, "{found:?}");
    let lines: Vec<&str> = found.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", found.stdout);
    assert!(
        lines[0].starts_with(r#"{"unique_id":"id-0","event":"sent","#),
        "{}",
        lines[0]
    );
    assert_eq!(
        found.stderr,
        "tracked 1 ID: 1 found, 0 without a send log row; 2 Retrieve calls (2.0000 per ID), \
         after 1 for the send log's columns\n"
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_flag_values_are_checked() {
    let emulator = start(config()).await;
    let folder = temp_folder("flags");
    let path = folder.join("ids.txt");
    std::fs::write(&path, "id-0\n").unwrap();
    let path = path.to_str().unwrap();

    let zero = sfmc_track(
        &emulator,
        &["track", "--unique-ids", path, "--batch-size", "0"],
    )
    .await;
    assert_eq!(zero.code, 2, "{zero:?}");
    assert_eq!(
        zero.stderr,
        "error: invalid value '0' for '--batch-size <N>': invalid batch size `0`: use a number \
         of 1 or more\n\nFor more information, try '--help'.\n"
    );

    let wait = sfmc_track(&emulator, &["track", "--unique-ids", path, "--wait", "1m"]).await;
    assert_eq!(wait.code, 2, "{wait:?}");
    assert_eq!(
        wait.stderr,
        "error: track failed: --wait takes one UniqueID, not --unique-ids\n"
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

/// A duration without a unit is seconds, as the help and the error for an invalid duration
/// state.
#[tokio::test(flavor = "multi_thread")]
async fn duration_without_unit_is_seconds() {
    let emulator = start(config()).await;
    setup(&emulator).await;
    let run = sfmc_track(&emulator, &["track", "--unique-id", "never", "--wait", "1"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(
        run.stderr.lines().nth(1),
        Some(
            "error: track: send log lookup failed: the send log SendLog has no row with UniqueID never within 1s"
        )
    );

    let invalid = sfmc_track(
        &emulator,
        &["track", "--unique-id", "never", "--wait", "5min"],
    )
    .await;
    assert_eq!(invalid.code, 2, "{invalid:?}");
    assert_eq!(
        invalid.stderr,
        "error: invalid value '5min' for '--wait <DURATION>': invalid duration `5min`: use a \
         number with ms, s, m or h, such as 90s or 5m (a number without a unit is seconds)\n\n\
         For more information, try '--help'.\n"
    );

    // A duration so long that adding it to the current time would overflow.
    let long = sfmc_track(
        &emulator,
        &["track", "--unique-id", "never", "--follow", "9000h"],
    )
    .await;
    assert_eq!(long.code, 2, "{long:?}");
    assert_eq!(
        long.stderr,
        "error: invalid value '9000h' for '--follow <DURATION>': invalid duration `9000h`: use \
         at most 8760h (365 days)\n\nFor more information, try '--help'.\n"
    );

    let help = sfmc_track(&emulator, &["track", "--help"]).await;
    assert_eq!(help.code, 0, "{help:?}");
    let wait_help = help
        .stdout
        .lines()
        .find(|line| line.trim_start().starts_with("--wait"))
        .expect("a --wait line in the help");
    assert_eq!(
        wait_help.trim_start(),
        "--wait <DURATION>           How long to look for the send log row, such as 90s, 5m or \
         1h (a number without a unit is seconds). One UniqueID only [default: 0 for track, 5m \
         for run]"
    );
}

/// `run` and `demo` write their progress to standard error, so standard output is the
/// tracking result alone, in the format asked for.
#[tokio::test(flavor = "multi_thread")]
async fn run_and_demo_stdout_is_json() {
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
            "json-1",
            "--events",
            "sent",
            "--output",
            "json",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON document");
    let records = value.as_array().expect("a JSON array");
    assert_eq!(records.len(), 1, "{}", run.stdout);
    assert_eq!(records[0]["unique_id"], "json-1");
    assert_eq!(records[0]["event"], "sent");
    let progress: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(progress.first(), Some(&"== setup"));
    assert_eq!(progress.last(), Some(&"== track"));

    let demo =
        sfmc_track_with_env(&["demo", "--unique-id", "demo-2", "--output", "jsonl"], &[]).await;
    assert_eq!(demo.code, 0, "{demo:?}");
    let events: Vec<String> = demo
        .stdout
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            value["event"].as_str().expect("an event").to_owned()
        })
        .collect();
    assert_eq!(events, ["sent", "delivered", "open", "click"]);
    assert!(
        demo.stderr
            .starts_with("emulator listening on http://127.0.0.1:"),
        "{}",
        demo.stderr
    );
}

/// A rejected client secret is a failed login, whichever command's call met it first.
#[tokio::test(flavor = "multi_thread")]
async fn wrong_client_secret_is_login_failure() {
    let emulator = start(config().oauth_client("client-1", "secret-1")).await;
    let soap = emulator.soap_url();
    let auth = emulator.url();
    let env = [
        ("SFMC_CLIENT_ID", "client-1"),
        ("SFMC_CLIENT_SECRET", "wrong-secret"),
        ("SFMC_AUTH_ENDPOINT", auth.as_str()),
        ("SFMC_SOAP_ENDPOINT", soap.as_str()),
    ];
    let expected = format!(
        "error: login failed: the token endpoint {auth}/v2/token rejected the request \
         (HTTP status 401, invalid_client): Client authentication failed. Make sure that the \
         client ID and client secret are valid, and that the installed package is enabled.\n  \
         hint: check SFMC_CLIENT_ID, SFMC_CLIENT_SECRET, SFMC_ACCOUNT_ID and SFMC_AUTH_ENDPOINT \
         (or SFMC_SUBDOMAIN), {LOGIN_HINT_END}\n"
    );
    for args in [
        &["track", "--unique-id", "u"][..],
        &["send", "--to", TO],
        &["--email-id", EMAIL_ID, "setup"],
    ] {
        let run = sfmc_track_with_env(args, &env).await;
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(run.stderr, expected, "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_is_login_failure() {
    let emulator = start(config()).await;
    let soap = emulator.soap_url();
    let run = sfmc_track_with_env(
        &["send", "--to", TO],
        &[
            ("SFMC_SOAP_ENDPOINT", soap.as_str()),
            ("SFMC_USERNAME", USERNAME),
            ("SFMC_PASSWORD", "not-the-password"),
        ],
    )
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "error: login failed: the service rejected the credentials\n  \
             service response: SOAP fault `Security`: Login failed\n  \
             hint: check SFMC_USERNAME, SFMC_PASSWORD and SFMC_SOAP_ENDPOINT (or SFMC_SUBDOMAIN), \
             {LOGIN_HINT_END}\n"
        )
    );
}

/// Returns a loopback URL on which nothing listens: the port of a listener just closed.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_endpoint_names_url() {
    let closed = closed_url();
    let soap = format!("{closed}/Service.asmx");
    let run = sfmc_track_with_env(
        &["track", "--unique-id", "u"],
        &[
            ("SFMC_SOAP_ENDPOINT", soap.as_str()),
            ("SFMC_USERNAME", USERNAME),
            ("SFMC_PASSWORD", PASSWORD),
        ],
    )
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "error: track: send log columns failed: cannot connect to {soap}: Connection refused \
             (os error 111)\n  \
             hint: check SFMC_SOAP_ENDPOINT (or SFMC_SUBDOMAIN) and that its host is reachable, \
             {LOGIN_HINT_END}\n"
        )
    );

    let emulator = start(config().oauth_client("client-1", "secret-1")).await;
    let soap = emulator.soap_url();
    let token = sfmc_track_with_env(
        &["track", "--unique-id", "u"],
        &[
            ("SFMC_CLIENT_ID", "client-1"),
            ("SFMC_CLIENT_SECRET", "secret-1"),
            ("SFMC_AUTH_ENDPOINT", closed.as_str()),
            ("SFMC_SOAP_ENDPOINT", soap.as_str()),
        ],
    )
    .await;
    assert_eq!(token.code, 1, "{token:?}");
    assert_eq!(
        token.stderr,
        format!(
            "error: login failed: cannot connect to {closed}/v2/token: Connection refused \
             (os error 111)\n  \
             hint: check SFMC_AUTH_ENDPOINT (or SFMC_SUBDOMAIN) and that its host is reachable, \
             {LOGIN_HINT_END}\n"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn half_set_login_names_missing() {
    let cases = [
        (
            &[("SFMC_CLIENT_ID", "client-1")][..],
            "the client ID is set but the client secret is not",
            "set SFMC_CLIENT_SECRET (flag --client-secret, or client_secret in the config file)",
        ),
        (
            &[("SFMC_CLIENT_SECRET", "secret-1")],
            "the client secret is set but the client ID is not",
            "set SFMC_CLIENT_ID (flag --client-id, or client_id in the config file)",
        ),
        (
            &[("SFMC_USERNAME", USERNAME)],
            "the user name is set but the password is not",
            "set SFMC_PASSWORD (flag --password, or password in the config file)",
        ),
        (
            &[("SFMC_PASSWORD", PASSWORD)],
            "the password is set but the user name is not",
            "set SFMC_USERNAME (flag --username, or username in the config file)",
        ),
        (
            &[("SFMC_CLIENT_ID", "client-1"), ("SFMC_PASSWORD", PASSWORD)],
            "the client ID is set but the client secret is not, and the password is set but \
             the user name is not",
            "set SFMC_CLIENT_SECRET (flag --client-secret, or client_secret in the config \
             file), or SFMC_USERNAME (flag --username, or username in the config file)",
        ),
    ];
    for (env, message, hint) in cases {
        let run = sfmc_track_with_env(&["track", "--unique-id", "u"], env).await;
        assert_eq!(run.code, 2, "{env:?}: {run:?}");
        assert_eq!(
            run.stderr,
            format!("error: configuration failed: {message}\n  hint: {hint}\n"),
            "{env:?}"
        );
        assert!(!run.stderr.contains(PASSWORD), "{}", run.stderr);
    }
}
