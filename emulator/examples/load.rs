//! Load test: concurrent retrieves from many tasks against one emulator on 127.0.0.1.
//!
//! ```text
//! cargo run --release -p sfmc-emulator --example load -- [TASKS] [REQUESTS_PER_TASK]
//! ```
//!
//! The emulator stores a data extension of 2,000 rows in 20 groups. Every task sends its
//! retrieves one after another, each filtered on one group, through the runtime's client
//! without retries, and checks every response: status `OK`, exactly the group's 100 rows, and
//! each row's values. The run prints the request rate and the latency percentiles, and exits
//! with status 1 when any request failed, was answered wrongly or was not sent.
//!
//! The run is bounded: at most 256 tasks and 10,000 requests per task, and tasks stop
//! starting requests after 120 s.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use sfmc_emulator::{Config, Emulator};
use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyFilterPart, ApiProperty, CreateRequest, DataExtension,
    DataExtensionField, DataExtensionFieldType, DataExtensionFields, DataExtensionObject,
    ObjectExtensionProperties, PartnerApi, RetrieveRequest, RetrieveRequestMsg, SimpleFilterPart,
    SimpleOperators,
};
use sfmc_runtime::client::{Client, RetryPolicy, UsernameToken};

const GROUPS: usize = 20;
const ROWS_PER_GROUP: usize = 100;
const MAX_TASKS: usize = 256;
const MAX_REQUESTS_PER_TASK: usize = 10_000;
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// The latencies and failures of one task's requests.
#[derive(Default)]
struct TaskReport {
    latencies: Vec<Duration>,
    failures: Vec<String>,
    not_sent: usize,
}

fn property(name: &str, value: String) -> AnyApiProperty {
    AnyApiProperty::from(ApiProperty {
        name: name.to_owned(),
        value,
        ..ApiProperty::default()
    })
}

fn field(name: &str, kind: DataExtensionFieldType) -> DataExtensionField {
    DataExtensionField {
        name: Some(name.to_owned()),
        field_type: Some(kind),
        ..DataExtensionField::default()
    }
}

/// Creates the data extension `Load` with its rows: row `k` is in group `k % GROUPS` and
/// has the value `value-k`.
async fn fill(client: &Client) -> Result<(), String> {
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(DataExtension {
            name: Some("Load".to_owned()),
            customer_key: Some("Load".to_owned()),
            fields: Some(DataExtensionFields {
                field: vec![
                    field("RowKey", DataExtensionFieldType::Number),
                    field("GroupName", DataExtensionFieldType::Text),
                    field("Value", DataExtensionFieldType::Text),
                ],
                ..DataExtensionFields::default()
            }),
            ..DataExtension::default()
        })],
        ..CreateRequest::default()
    };
    let response = client.create(&create).await.map_err(|e| e.to_string())?;
    if response.overall_status != "OK" {
        return Err(format!("creating the data extension: {response:?}"));
    }
    let total = GROUPS * ROWS_PER_GROUP;
    // 50 objects per call, the service's recommended maximum for a synchronous call.
    for start in (0..total).step_by(50) {
        let objects = (start..(start + 50).min(total))
            .map(|key| {
                AnyApiObject::from(DataExtensionObject {
                    name: Some("Load".to_owned()),
                    properties: Some(ObjectExtensionProperties {
                        property: vec![
                            property("RowKey", key.to_string()),
                            property("GroupName", format!("group-{}", key % GROUPS)),
                            property("Value", format!("value-{key}")),
                        ],
                        ..ObjectExtensionProperties::default()
                    }),
                    ..DataExtensionObject::default()
                })
            })
            .collect();
        let request = CreateRequest {
            objects,
            ..CreateRequest::default()
        };
        let response = client.create(&request).await.map_err(|e| e.to_string())?;
        if response.overall_status != "OK" {
            return Err(format!("creating rows from {start}: {response:?}"));
        }
    }
    Ok(())
}

fn group_request(group: usize) -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "DataExtensionObject[Load]".to_owned(),
            properties: vec![
                "RowKey".to_owned(),
                "GroupName".to_owned(),
                "Value".to_owned(),
            ],
            filter: Some(AnyFilterPart::from(SimpleFilterPart {
                property: "GroupName".to_owned(),
                simple_operator: SimpleOperators::Equals,
                value: vec![format!("group-{group}")],
                ..SimpleFilterPart::default()
            })),
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

/// Checks that `results` are exactly the rows of `group`, returning what is wrong.
fn check_group(group: usize, results: &[AnyApiObject]) -> Result<(), String> {
    if results.len() != ROWS_PER_GROUP {
        return Err(format!(
            "group {group}: {} rows, expected {ROWS_PER_GROUP}",
            results.len()
        ));
    }
    let mut keys = Vec::with_capacity(results.len());
    for object in results {
        let AnyApiObject::DataExtensionObject(row) = object else {
            return Err(format!(
                "group {group}: a result of type {}",
                object.type_name()
            ));
        };
        let value = |name: &str| {
            row.properties.as_ref().and_then(|properties| {
                properties
                    .property
                    .iter()
                    .find_map(|property| match property {
                        AnyApiProperty::ApiProperty(property) if property.name == name => {
                            Some(property.value.as_str())
                        }
                        _ => None,
                    })
            })
        };
        let key: usize = value("RowKey")
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| format!("group {group}: a row without a valid RowKey"))?;
        let expected_group = format!("group-{group}");
        let expected_value = format!("value-{key}");
        if key % GROUPS != group
            || value("GroupName") != Some(expected_group.as_str())
            || value("Value") != Some(expected_value.as_str())
        {
            return Err(format!("group {group}: row {key} has wrong values"));
        }
        keys.push(key);
    }
    keys.sort_unstable();
    keys.dedup();
    if keys.len() != ROWS_PER_GROUP {
        return Err(format!("group {group}: duplicate rows"));
    }
    Ok(())
}

async fn run_task(client: Client, task: usize, requests: usize, deadline: Instant) -> TaskReport {
    let mut report = TaskReport::default();
    for index in 0..requests {
        if Instant::now() >= deadline {
            report.not_sent = requests - index;
            break;
        }
        let group = (task + index) % GROUPS;
        let started = Instant::now();
        let outcome = client.retrieve(&group_request(group)).await;
        report.latencies.push(started.elapsed());
        let checked = match outcome {
            Ok(response) if response.overall_status == "OK" => {
                check_group(group, &response.results)
            }
            Ok(response) => Err(format!("status {}", response.overall_status)),
            Err(error) => Err(error.to_string()),
        };
        if let Err(failure) = checked {
            report.failures.push(failure);
        }
    }
    report
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    // Nearest-rank percentile: the smallest value with at least `fraction` of all values at
    // or below it.
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn argument(position: usize, default: usize, max: usize) -> Result<usize, String> {
    match std::env::args().nth(position) {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(value) if (1..=max).contains(&value) => Ok(value),
            _ => Err(format!(
                "invalid argument {position} {text:?}: expected a whole number from 1 to {max}"
            )),
        },
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let (tasks, requests) = match (
        argument(1, 32, MAX_TASKS),
        argument(2, 100, MAX_REQUESTS_PER_TASK),
    ) {
        (Ok(tasks), Ok(requests)) => (tasks, requests),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("load: {message}");
            return ExitCode::from(2);
        }
    };
    let config = Config::default()
        .account("load-user", "load-password")
        .seed(1);
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("load: cannot start the emulator: {error}");
            return ExitCode::FAILURE;
        }
    };
    let client = match Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(UsernameToken::new("load-user", "load-password"))
        .retry(RetryPolicy::none())
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("load: cannot build the client: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(message) = fill(&client).await {
        eprintln!("load: filling the data extension failed: {message}");
        return ExitCode::FAILURE;
    }

    let started = Instant::now();
    let deadline = started + TIME_LIMIT;
    let handles: Vec<_> = (0..tasks)
        .map(|task| tokio::spawn(run_task(client.clone(), task, requests, deadline)))
        .collect();
    let mut latencies = Vec::with_capacity(tasks * requests);
    let mut failures = Vec::new();
    let mut not_sent = 0;
    for handle in handles {
        match handle.await {
            Ok(report) => {
                latencies.extend(report.latencies);
                failures.extend(report.failures);
                not_sent += report.not_sent;
            }
            Err(error) => failures.push(format!("a task ended abnormally: {error}")),
        }
    }
    let elapsed = started.elapsed();
    emulator.stop().await;

    latencies.sort_unstable();
    let completed = latencies.len();
    let rate = completed as f64 / elapsed.as_secs_f64();
    let millis = |duration: Duration| duration.as_secs_f64() * 1000.0;
    println!(
        "tasks {tasks}, requests per task {requests}, rows per answer {ROWS_PER_GROUP}: {completed} answered in {:.2} s",
        elapsed.as_secs_f64()
    );
    if completed > 0 {
        println!(
            "requests per second {rate:.0}; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            millis(percentile(&latencies, 0.50)),
            millis(percentile(&latencies, 0.99)),
            millis(latencies[completed - 1]),
        );
    }
    println!(
        "failed or wrong answers {}, requests not sent {not_sent}",
        failures.len()
    );
    for failure in failures.iter().take(10) {
        println!("  {failure}");
    }
    if failures.is_empty() && not_sent == 0 && completed == tasks * requests {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
