//! Helpers shared by the end-to-end tests: the emulator's account, runs of the `sfmc-track`
//! binary, and a client that reads back what the emulator holds.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helpers"
)]

use std::process::Stdio;

use sfmc_emulator::{Config, Emulator};
use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::{
    AnyApiObject, AnyFilterPart, Attribute, CreateRequest, RetrieveRequest, RetrieveRequestMsg,
    Subscriber, TriggeredSend, TriggeredSendDefinition, filter,
};
use sfmc_runtime::client::{Client, UsernameToken};

pub const USERNAME: &str = "api-user";
pub const PASSWORD: &str = "s3cret-pa55word";
pub const EMAIL_ID: &str = "3099626";
pub const TO: &str = "help@example.com";
pub const DEFINITION_KEY: &str = "sfmc-track";

/// The exit status and the output of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Returns the emulator's configuration: one API user, the email and send classification that
/// setup uses, and a fixed seed.
pub fn config() -> Config {
    Config::default()
        .account(USERNAME, PASSWORD)
        .email(3_099_626)
        .send_classification("Default Commercial")
        .seed(7)
}

pub async fn start(config: Config) -> Emulator {
    Emulator::start(config)
        .await
        .expect("the emulator should start")
}

/// Returns the command `sfmc-track ARGS` with only `env` in its environment and a config
/// folder that does not exist. Its output is piped, and dropping it kills the process.
pub fn command_with_env(args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_sfmc-track"));
    command
        .args(args)
        .env_clear()
        .env("XDG_CONFIG_HOME", "/nonexistent/sfmc-track-test")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Returns the command `sfmc-track ARGS` with the emulator's endpoint and login in its
/// environment.
pub fn command(emulator: &Emulator, args: &[&str]) -> tokio::process::Command {
    let endpoint = emulator.soap_url();
    command_with_env(
        args,
        &[
            ("SFMC_SOAP_ENDPOINT", endpoint.as_str()),
            ("SFMC_USERNAME", USERNAME),
            ("SFMC_PASSWORD", PASSWORD),
        ],
    )
}

/// Runs `sfmc-track ARGS` against the emulator to its end.
pub async fn sfmc_track(emulator: &Emulator, args: &[&str]) -> Run {
    finish(command(emulator, args)).await
}

/// Runs `sfmc-track ARGS` with only `env` in its environment to its end.
pub async fn sfmc_track_with_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    finish(command_with_env(args, env)).await
}

async fn finish(mut command: tokio::process::Command) -> Run {
    let output = command.output().await.expect("sfmc-track should run");
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 errors"),
    }
}

/// Runs `sfmc-track setup` and checks that it succeeded.
pub async fn setup(emulator: &Emulator) {
    let run = sfmc_track(emulator, &["--email-id", EMAIL_ID, "setup"]).await;
    assert_eq!(run.code, 0, "{run:?}");
}

pub fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(UsernameToken::new(USERNAME, PASSWORD))
        .build()
        .expect("a client")
}

/// Returns every `object_type` object that matches `filter`, with `properties`.
pub async fn retrieve(
    emulator: &Emulator,
    object_type: &str,
    properties: &[&str],
    filter: AnyFilterPart,
) -> Vec<AnyApiObject> {
    let request = RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: properties.iter().map(|name| (*name).to_owned()).collect(),
            filter: Some(filter),
            ..Default::default()
        },
        ..Default::default()
    };
    client(emulator)
        .retrieve_checked(&request)
        .await
        .unwrap_or_else(|error| panic!("Retrieve of {object_type}: {error}"))
        .results
}

/// Returns the ID the emulator gave the subscriber with `subscriber_key`, which the send
/// log stores as its SubscriberID.
pub async fn subscriber_id(emulator: &Emulator, subscriber_key: &str) -> String {
    let found = retrieve(
        emulator,
        "Subscriber",
        &["ID", "SubscriberKey"],
        filter::equals("SubscriberKey", subscriber_key),
    )
    .await;
    match found.as_slice() {
        [AnyApiObject::Subscriber(subscriber)] => subscriber.id.expect("an ID").to_string(),
        other => panic!("expected one Subscriber {subscriber_key}, got {other:?}"),
    }
}

/// Sends one email to each of `count` subscribers `u{i}@example.com` with UniqueID `id-{i}`,
/// 500 subscribers per TriggeredSend, so that send `i` has BatchID `i / 500 + 1`.
pub async fn send_many(emulator: &Emulator, count: usize) {
    let client = client(emulator);
    for start in (0..count).step_by(500) {
        let subscribers = (start..(start + 500).min(count))
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
                customer_key: Some(DEFINITION_KEY.to_owned()),
                ..Default::default()
            },
            subscribers,
            ..Default::default()
        };
        let request = CreateRequest {
            objects: vec![AnyApiObject::from(send)],
            ..Default::default()
        };
        client
            .create_checked(&request)
            .await
            .expect("triggered send");
    }
}

/// Creates and returns the folder `sfmc-track-NAME-PID` in the system's temporary folder,
/// for the files of one test.
pub fn temp_folder(name: &str) -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("sfmc-track-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("the test folder should be created");
    folder
}
