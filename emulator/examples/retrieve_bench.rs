//! Retrieve benchmark: the two kinds of Retrieve that `sfmc-track track --unique-ids` sends,
//! timed against one emulator on 127.0.0.1 that has served N triggered sends.
//!
//! ```text
//! cargo run --release -p sfmc-emulator --example retrieve_bench -- [SENDS] [ITERATIONS]
//! ```
//!
//! The emulator draws random tracking scenarios, so N sends (100,000 unless given) give N
//! send log rows, N SentEvents and, by the scenarios' shares, about 1.7 N other events. After the sends, each of
//! ITERATIONS rounds (20 unless given) takes the next 500 UniqueIDs and times three
//! Retrieves through the runtime's client:
//!
//! 1. the send log rows with `UniqueID IN` the 500 IDs;
//! 2. the SentEvents with `SendID = JobID AND SubscriberID IN` the 500 SubscriberIDs that
//!    the send log returned;
//! 3. the OpenEvents with the same filter.
//!
//! Every response is checked: status `OK`, and exactly the rows expected, which the benchmark
//! counts from an unfiltered retrieve of the send log and the OpenEvents before timing. The
//! run prints the median, minimum and maximum time of each Retrieve, and exits with status 1
//! when a response is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sfmc_emulator::{Config, Emulator, TRIGGERED_SEND_TEMPLATE_OBJECT_ID};
use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyFilterPart, Attribute, ComplexFilterPart, ConfigureRequestMsg,
    ConfigureRequestMsgConfigurations, CreateRequest, DataExtension, DataExtensionField,
    DataExtensionFieldType, DataExtensionFields, DataExtensionTemplate, LogicalOperators,
    PartnerApi, PropertyDefinition, PropertyType, RetrieveRequest, RetrieveRequestMsg,
    RetrieveResponseMsg, SimpleFilterPart, SimpleOperators, Subscriber, TriggeredSend,
    TriggeredSendDefinition, TriggeredSendStatusEnum, UpdateRequest,
};
use sfmc_runtime::client::{Client, RetryPolicy, UsernameToken};
use sfmc_runtime::xml::Nillable;

const USERNAME: &str = "bench-user";
const PASSWORD: &str = "bench-password";
const DEFINITION_KEY: &str = "bench";
const SEND_LOG: &str = "BenchSendLog";
/// The IDs per `IN` filter and the subscribers per TriggeredSend, as `sfmc-track` uses them.
const BATCH: usize = 500;
const MAX_SENDS: usize = 1_000_000;
const MAX_ITERATIONS: usize = 10_000;

type BenchResult<T> = Result<T, String>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("retrieve_bench: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> BenchResult<()> {
    let sends = argument(1, 100_000, MAX_SENDS)?;
    let iterations = argument(2, 20, MAX_ITERATIONS)?;
    let config = Config::default()
        .account(USERNAME, PASSWORD)
        .random_scenarios(true)
        .seed(3);
    let emulator = Emulator::start(config)
        .await
        .map_err(|error| format!("cannot start the emulator: {error}"))?;
    let client = Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(UsernameToken::new(USERNAME, PASSWORD))
        .retry(RetryPolicy::none())
        .build()
        .map_err(|error| format!("cannot build the client: {error}"))?;

    setup(&client).await?;
    let started = Instant::now();
    send_all(&client, sends).await?;
    println!(
        "sent {sends} triggered sends in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let log = read_send_log(&client).await?;
    let opens = read_open_subscribers(&client).await?;
    println!(
        "read {} send log rows and {} OpenEvents without a filter in {:.2} s",
        log.len(),
        opens.values().sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    let job_id = log
        .values()
        .next()
        .map(|row| row.job_id.clone())
        .ok_or("the send log is empty")?;

    let mut timings: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let batches = sends.div_ceil(BATCH);
    for iteration in 0..iterations {
        let batch = iteration % batches;
        let ids: Vec<String> = (batch * BATCH..((batch + 1) * BATCH).min(sends))
            .map(unique_id)
            .collect();

        let request = send_log_request(&ids);
        let (elapsed, response) = timed(&client, &request).await?;
        timings
            .entry("send log, UniqueID IN 500")
            .or_default()
            .push(elapsed);
        let subscriber_ids = check_send_log(&response, &ids, &log)?;

        let request = event_request("SentEvent", &job_id, &subscriber_ids);
        let (elapsed, response) = timed(&client, &request).await?;
        timings
            .entry("SentEvent, SendID = AND SubscriberID IN 500")
            .or_default()
            .push(elapsed);
        check_count("SentEvent", &response, subscriber_ids.len())?;

        let expected_opens = subscriber_ids
            .iter()
            .map(|id| opens.get(id).copied().unwrap_or(0))
            .sum();
        let request = event_request("OpenEvent", &job_id, &subscriber_ids);
        let (elapsed, response) = timed(&client, &request).await?;
        timings
            .entry("OpenEvent, SendID = AND SubscriberID IN 500")
            .or_default()
            .push(elapsed);
        check_count("OpenEvent", &response, expected_opens)?;
    }
    emulator.stop().await;

    println!("{iterations} iterations, {sends} sends, release build, times per Retrieve:");
    for (name, mut durations) in timings {
        durations.sort_unstable();
        let millis = |duration: Duration| duration.as_secs_f64() * 1000.0;
        println!(
            "  {name}: median {:.2} ms, min {:.2} ms, max {:.2} ms",
            millis(durations[durations.len() / 2]),
            millis(durations[0]),
            millis(durations[durations.len() - 1]),
        );
    }
    Ok(())
}

fn argument(position: usize, default: usize, max: usize) -> BenchResult<usize> {
    match std::env::args().nth(position) {
        None => Ok(default),
        Some(text) => match text.replace([',', '_'], "").parse::<usize>() {
            Ok(value) if (1..=max).contains(&value) => Ok(value),
            _ => Err(format!(
                "invalid argument {position} {text:?}: expected a whole number from 1 to {max}"
            )),
        },
    }
}

fn unique_id(index: usize) -> String {
    format!("id-{index}")
}

/// Creates the profile attribute UniqueID, a send log from the TriggeredSendDataExtension
/// template with a UniqueID column, and an Active definition that logs its sends.
async fn setup(client: &Client) -> BenchResult<()> {
    let configure = ConfigureRequestMsg {
        action: Some("Create".to_owned()),
        configurations: Some(ConfigureRequestMsgConfigurations {
            configuration: vec![AnyApiObject::from(PropertyDefinition {
                name: Some("UniqueID".to_owned()),
                property_type: Some(PropertyType::String),
                ..PropertyDefinition::default()
            })],
            ..ConfigureRequestMsgConfigurations::default()
        }),
        ..ConfigureRequestMsg::default()
    };
    let response = client
        .configure(&configure)
        .await
        .map_err(|e| e.to_string())?;
    expect_ok("Configure UniqueID", &response.overall_status)?;

    let create = CreateRequest {
        objects: vec![
            AnyApiObject::from(DataExtension {
                name: Some(SEND_LOG.to_owned()),
                customer_key: Some(SEND_LOG.to_owned()),
                template: Some(Box::new(DataExtensionTemplate {
                    object_id: Some(Nillable::Value(
                        TRIGGERED_SEND_TEMPLATE_OBJECT_ID.to_owned(),
                    )),
                    ..DataExtensionTemplate::default()
                })),
                fields: Some(DataExtensionFields {
                    field: vec![DataExtensionField {
                        name: Some("UniqueID".to_owned()),
                        field_type: Some(DataExtensionFieldType::Text),
                        ..DataExtensionField::default()
                    }],
                    ..DataExtensionFields::default()
                }),
                ..DataExtension::default()
            }),
            AnyApiObject::from(TriggeredSendDefinition {
                customer_key: Some(DEFINITION_KEY.to_owned()),
                is_send_logging: Some(true),
                ..TriggeredSendDefinition::default()
            }),
        ],
        ..CreateRequest::default()
    };
    let response = client.create(&create).await.map_err(|e| e.to_string())?;
    expect_ok(
        "Create the send log and the definition",
        &response.overall_status,
    )?;

    let activate = UpdateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some(DEFINITION_KEY.to_owned()),
            triggered_send_status: Some(TriggeredSendStatusEnum::Active),
            ..TriggeredSendDefinition::default()
        })],
        ..UpdateRequest::default()
    };
    let response = client.update(&activate).await.map_err(|e| e.to_string())?;
    expect_ok("Activate the definition", &response.overall_status)
}

fn expect_ok(step: &str, status: &str) -> BenchResult<()> {
    if status == "OK" {
        Ok(())
    } else {
        Err(format!("{step} failed with status {status}"))
    }
}

/// Sends to `u{i}@example.com` with UniqueID `id-{i}` for every i below `count`, 500
/// subscribers per TriggeredSend.
async fn send_all(client: &Client, count: usize) -> BenchResult<()> {
    for start in (0..count).step_by(BATCH) {
        let subscribers = (start..(start + BATCH).min(count))
            .map(|i| Subscriber {
                email_address: Some(format!("u{i}@example.com")),
                subscriber_key: Some(format!("u{i}@example.com")),
                attributes: vec![Attribute {
                    name: "UniqueID".to_owned(),
                    value: unique_id(i),
                    ..Attribute::default()
                }],
                ..Subscriber::default()
            })
            .collect();
        let request = CreateRequest {
            objects: vec![AnyApiObject::from(TriggeredSend {
                triggered_send_definition: TriggeredSendDefinition {
                    customer_key: Some(DEFINITION_KEY.to_owned()),
                    ..TriggeredSendDefinition::default()
                },
                subscribers,
                ..TriggeredSend::default()
            })],
            ..CreateRequest::default()
        };
        let response = client.create(&request).await.map_err(|e| e.to_string())?;
        expect_ok(&format!("the send from {start}"), &response.overall_status)?;
    }
    Ok(())
}

/// The values of one send log row.
struct LogRow {
    job_id: String,
    subscriber_id: String,
}

/// Sends `request` and every continuation, returning all results.
async fn retrieve_all(
    client: &Client,
    request: RetrieveRequestMsg,
) -> BenchResult<Vec<AnyApiObject>> {
    let mut response = client.retrieve(&request).await.map_err(|e| e.to_string())?;
    let mut results = std::mem::take(&mut response.results);
    while response.overall_status == "MoreDataAvailable" {
        let continuation = RetrieveRequestMsg {
            retrieve_request: RetrieveRequest {
                continue_request: response.request_id.clone(),
                ..RetrieveRequest::default()
            },
            ..RetrieveRequestMsg::default()
        };
        response = client
            .retrieve(&continuation)
            .await
            .map_err(|e| e.to_string())?;
        results.append(&mut response.results);
    }
    expect_ok("a paged retrieve", &response.overall_status)?;
    Ok(results)
}

/// Returns every send log row, keyed by UniqueID.
async fn read_send_log(client: &Client) -> BenchResult<BTreeMap<String, LogRow>> {
    let request = retrieve_request(
        &format!("DataExtensionObject[{SEND_LOG}]"),
        &["JobID", "SubscriberID", "UniqueID"],
        None,
    );
    let mut log = BTreeMap::new();
    for object in retrieve_all(client, request).await? {
        let value =
            |name: &str| row_value(&object, name).ok_or(format!("a send log row without {name}"));
        log.insert(
            value("UniqueID")?,
            LogRow {
                job_id: value("JobID")?,
                subscriber_id: value("SubscriberID")?,
            },
        );
    }
    Ok(log)
}

/// Returns the number of OpenEvents of each SubscriberID.
async fn read_open_subscribers(client: &Client) -> BenchResult<BTreeMap<String, usize>> {
    let request = retrieve_request("OpenEvent", &["SubscriberID"], None);
    let mut counts = BTreeMap::new();
    for object in retrieve_all(client, request).await? {
        let id = event_subscriber_id(&object).ok_or("an OpenEvent without a SubscriberID")?;
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

fn retrieve_request(
    object_type: &str,
    properties: &[&str],
    filter: Option<AnyFilterPart>,
) -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: properties.iter().map(|name| (*name).to_owned()).collect(),
            filter,
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

fn simple(property: &str, operator: SimpleOperators, values: Vec<String>) -> AnyFilterPart {
    AnyFilterPart::from(SimpleFilterPart {
        property: property.to_owned(),
        simple_operator: operator,
        value: values,
        ..SimpleFilterPart::default()
    })
}

fn send_log_request(ids: &[String]) -> RetrieveRequestMsg {
    retrieve_request(
        &format!("DataExtensionObject[{SEND_LOG}]"),
        &["JobID", "BatchID", "SubscriberID", "UniqueID"],
        Some(simple("UniqueID", SimpleOperators::In, ids.to_vec())),
    )
}

fn event_request(object_type: &str, job_id: &str, subscriber_ids: &[String]) -> RetrieveRequestMsg {
    let filter = AnyFilterPart::from(ComplexFilterPart {
        left_operand: simple("SendID", SimpleOperators::Equals, vec![job_id.to_owned()]),
        logical_operator: LogicalOperators::And,
        right_operand: Some(simple(
            "SubscriberID",
            SimpleOperators::In,
            subscriber_ids.to_vec(),
        )),
        ..ComplexFilterPart::default()
    });
    retrieve_request(
        object_type,
        &[
            "SendID",
            "BatchID",
            "SubscriberKey",
            "EventDate",
            "EventType",
        ],
        Some(filter),
    )
}

async fn timed(
    client: &Client,
    request: &RetrieveRequestMsg,
) -> BenchResult<(Duration, RetrieveResponseMsg)> {
    let started = Instant::now();
    let response = client.retrieve(request).await.map_err(|e| e.to_string())?;
    Ok((started.elapsed(), response))
}

fn row_value(object: &AnyApiObject, name: &str) -> Option<String> {
    let AnyApiObject::DataExtensionObject(row) = object else {
        return None;
    };
    row.properties
        .as_ref()?
        .property
        .iter()
        .find_map(|property| match property {
            AnyApiProperty::ApiProperty(property) if property.name == name => {
                Some(property.value.clone())
            }
            _ => None,
        })
}

/// Returns the SubscriberID of an event, which travels as an element the schema's
/// TrackingEvent does not declare.
fn event_subscriber_id(object: &AnyApiObject) -> Option<String> {
    let extra = match object {
        AnyApiObject::OpenEvent(event) => &event.extra,
        AnyApiObject::SentEvent(event) => &event.extra,
        _ => return None,
    };
    let element = extra
        .elements
        .iter()
        .find(|element| element.name.name == "SubscriberID")?;
    let text = element.xml.split_once('>')?.1.split_once('<')?.0;
    Some(text.to_owned())
}

/// Checks that the send log response has exactly the rows of `ids`, returning their
/// SubscriberIDs, each once.
fn check_send_log(
    response: &RetrieveResponseMsg,
    ids: &[String],
    log: &BTreeMap<String, LogRow>,
) -> BenchResult<Vec<String>> {
    expect_ok("the send log retrieve", &response.overall_status)?;
    let returned: BTreeSet<String> = response
        .results
        .iter()
        .filter_map(|object| row_value(object, "UniqueID"))
        .collect();
    let expected: BTreeSet<String> = ids.iter().cloned().collect();
    if response.results.len() != ids.len() || returned != expected {
        return Err(format!(
            "the send log retrieve returned {} rows, expected the {} rows of the IDs",
            response.results.len(),
            ids.len()
        ));
    }
    let subscriber_ids: BTreeSet<String> = ids
        .iter()
        .filter_map(|id| log.get(id).map(|row| row.subscriber_id.clone()))
        .collect();
    Ok(subscriber_ids.into_iter().collect())
}

fn check_count(
    object_type: &str,
    response: &RetrieveResponseMsg,
    expected: usize,
) -> BenchResult<()> {
    expect_ok(object_type, &response.overall_status)?;
    if response.results.len() == expected {
        Ok(())
    } else {
        Err(format!(
            "the {object_type} retrieve returned {} rows, expected {expected}",
            response.results.len()
        ))
    }
}
