//! Tracking scenarios: the events each address produces after a send, retrieved over HTTP
//! with the filters bulk tracking uses.

mod support;

use std::time::Duration;

use sfmc_emulator::{Config, Emulator, ScenarioEvent, ScenarioEventKind};
use sfmc_partner_api::{
    AnyApiObject, AnyCreateResult, AnyFilterPart, CreateRequest, EventType, LogicalOperators,
    PartnerApi, RetrieveRequest, RetrieveRequestMsg, SimpleFilterPart, SimpleOperators, Subscriber,
    TriggeredSend, TriggeredSendDefinition, TriggeredSendStatusEnum, UpdateRequest,
};
use sfmc_runtime::client::{Client, RetryPolicy, UsernameToken};
use sfmc_runtime::values::{DateTime, Offset};
use support::post_soap11;

/// The properties every event type shares, SubscriberID among them.
const COMMON: &[&str] = &[
    "SendID",
    "SubscriberKey",
    "EventDate",
    "EventType",
    "TriggeredSendDefinitionObjectID",
    "BatchID",
    "SubscriberID",
];

const CST: Offset = Offset::Minutes(-360);

async fn start(config: Config) -> (Emulator, Client) {
    let emulator = Emulator::start(config.account("api-user", "pa55word").seed(21))
        .await
        .expect("the emulator should start");
    let client = Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(UsernameToken::new("api-user", "pa55word"))
        .retry(RetryPolicy::none())
        .build()
        .expect("the client should build");
    (emulator, client)
}

fn minutes(count: u64) -> Duration {
    Duration::from_secs(count * 60)
}

fn hard_bounce() -> ScenarioEventKind {
    ScenarioEventKind::Bounce {
        smtp_code: "550".to_owned(),
        category: "Hard bounce".to_owned(),
        bounce_type: "immediate".to_owned(),
        smtp_reason: "550 5.1.1 User unknown".to_owned(),
    }
}

/// Builds the scenarios of the tests: an opener who clicks, a hard bounce, an unsubscriber
/// and a suppressed address.
fn scenario_config() -> Config {
    let click = ScenarioEventKind::Click {
        url: "https://www.example.com/offer".to_owned(),
        url_id: 7,
    };
    Config::default()
        .scenario(
            "Reader@example.com",
            vec![
                ScenarioEvent::new(ScenarioEventKind::Delivered, Duration::from_secs(2)),
                ScenarioEvent::new(ScenarioEventKind::Open, minutes(1)),
                ScenarioEvent::new(click, minutes(2)),
            ],
        )
        .scenario(
            "bounce@example.com",
            vec![ScenarioEvent::new(hard_bounce(), Duration::from_secs(3))],
        )
        .scenario(
            "leaver@example.com",
            vec![
                ScenarioEvent::new(ScenarioEventKind::Open, minutes(1)),
                ScenarioEvent::new(ScenarioEventKind::Unsubscribe, minutes(3)),
            ],
        )
        .scenario(
            "held@example.com",
            vec![ScenarioEvent::new(
                ScenarioEventKind::NotSent,
                Duration::ZERO,
            )],
        )
}

/// Creates the definition `key` and makes it Active.
async fn active_definition(client: &Client, key: &str) {
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some(key.to_owned()),
            name: Some(key.to_owned()),
            ..TriggeredSendDefinition::default()
        })],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&create).await.unwrap().overall_status, "OK");
    let update = UpdateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some(key.to_owned()),
            triggered_send_status: Some(TriggeredSendStatusEnum::Active),
            ..TriggeredSendDefinition::default()
        })],
        ..UpdateRequest::default()
    };
    assert_eq!(client.update(&update).await.unwrap().overall_status, "OK");
}

/// Sends definition `key` to `email` in a batch of its own.
async fn send(client: &Client, key: &str, email: &str) {
    let request = CreateRequest {
        objects: vec![AnyApiObject::from(TriggeredSend {
            triggered_send_definition: TriggeredSendDefinition {
                customer_key: Some(key.to_owned()),
                ..TriggeredSendDefinition::default()
            },
            subscribers: vec![Subscriber {
                email_address: Some(email.to_owned()),
                subscriber_key: Some(email.to_owned()),
                ..Subscriber::default()
            }],
            ..TriggeredSend::default()
        })],
        ..CreateRequest::default()
    };
    let response = client.create(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
    assert!(matches!(
        response.results[0],
        AnyCreateResult::TriggeredSendCreateResult(_)
    ));
}

fn simple(property: &str, operator: SimpleOperators, values: &[String]) -> AnyFilterPart {
    AnyFilterPart::from(SimpleFilterPart {
        property: property.to_owned(),
        simple_operator: operator,
        value: values.to_vec(),
        ..SimpleFilterPart::default()
    })
}

fn and(left: AnyFilterPart, right: AnyFilterPart) -> AnyFilterPart {
    AnyFilterPart::from(sfmc_partner_api::ComplexFilterPart {
        left_operand: left,
        logical_operator: LogicalOperators::And,
        right_operand: Some(right),
        ..Default::default()
    })
}

fn request(object_type: &str, extra: &[&str], filter: Option<AnyFilterPart>) -> RetrieveRequestMsg {
    let properties = COMMON.iter().chain(extra).map(|name| (*name).to_owned());
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: properties.collect(),
            filter,
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

async fn retrieve(
    client: &Client,
    object_type: &str,
    extra: &[&str],
    filter: Option<AnyFilterPart>,
) -> Vec<AnyApiObject> {
    let response = client
        .retrieve(&request(object_type, extra, filter))
        .await
        .unwrap();
    assert_eq!(response.overall_status, "OK", "{object_type}");
    response.results
}

/// The fields of TrackingEvent, the same on every event type.
#[derive(Debug, PartialEq)]
struct Common {
    send_id: Option<i32>,
    subscriber_key: Option<String>,
    event_date: Option<DateTime>,
    event_type: Option<EventType>,
    definition_object_id: Option<String>,
    batch_id: Option<i32>,
}

macro_rules! common {
    ($event:expr) => {
        Common {
            send_id: $event.send_id,
            subscriber_key: $event.subscriber_key.clone(),
            event_date: $event.event_date.clone(),
            event_type: $event.event_type.clone(),
            definition_object_id: $event.triggered_send_definition_object_id.clone(),
            batch_id: $event.batch_id,
        }
    };
}

fn common(object: &AnyApiObject) -> Common {
    match object {
        AnyApiObject::SentEvent(event) => common!(event),
        AnyApiObject::OpenEvent(event) => common!(event),
        AnyApiObject::ClickEvent(event) => common!(event),
        AnyApiObject::BounceEvent(event) => common!(event),
        AnyApiObject::UnsubEvent(event) => common!(event),
        AnyApiObject::NotSentEvent(event) => common!(event),
        AnyApiObject::DeliveredEvent(event) => common!(event),
        other => panic!("expected a tracking event, got {other:?}"),
    }
}

/// Returns the seconds from the send to the event.
fn seconds_after(sent: &Common, event: &Common) -> i64 {
    let date = |common: &Common| common.event_date.as_ref().unwrap().unix_seconds(CST);
    date(event) - date(sent)
}

fn keys(objects: &[AnyApiObject]) -> Vec<String> {
    let mut keys: Vec<String> = objects
        .iter()
        .map(|object| common(object).subscriber_key.unwrap())
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn scenario_events_typed() {
    let (_emulator, client) = start(scenario_config()).await;
    active_definition(&client, "welcome").await;
    for email in [
        "reader@example.com",
        "bounce@example.com",
        "leaver@example.com",
        "held@example.com",
        "quiet@example.com",
    ] {
        send(&client, "welcome", email).await;
    }

    let sent = retrieve(&client, "SentEvent", &[], None).await;
    assert_eq!(sent.len(), 5);
    let reader_sent = sent
        .iter()
        .map(common)
        .find(|event| event.subscriber_key.as_deref() == Some("reader@example.com"))
        .unwrap();

    let delivered = retrieve(&client, "DeliveredEvent", &[], None).await;
    assert_eq!(keys(&delivered), ["reader@example.com"]);
    let delivered = common(&delivered[0]);
    assert_eq!(delivered.event_type, Some(EventType::DeliveredEvent));
    assert_eq!(seconds_after(&reader_sent, &delivered), 2);
    assert_eq!(delivered.send_id, reader_sent.send_id);
    assert_eq!(delivered.batch_id, reader_sent.batch_id);
    assert_eq!(
        delivered.definition_object_id,
        reader_sent.definition_object_id
    );

    let opens = retrieve(&client, "OpenEvent", &[], None).await;
    assert_eq!(keys(&opens), ["leaver@example.com", "reader@example.com"]);
    assert!(
        opens
            .iter()
            .all(|open| common(open).event_type == Some(EventType::Open))
    );

    let clicks = retrieve(&client, "ClickEvent", &["URL", "URLID"], None).await;
    assert_eq!(clicks.len(), 1);
    let AnyApiObject::ClickEvent(click) = &clicks[0] else {
        panic!("expected a ClickEvent, got {:?}", clicks[0]);
    };
    assert_eq!(click.url.as_deref(), Some("https://www.example.com/offer"));
    assert_eq!(click.urlid, Some(7));
    assert_eq!(click.event_type, Some(EventType::Click));
    assert_eq!(seconds_after(&reader_sent, &common(&clicks[0])), 120);

    let bounce_properties = ["SMTPCode", "BounceCategory", "BounceType", "SMTPReason"];
    let bounces = retrieve(&client, "BounceEvent", &bounce_properties, None).await;
    assert_eq!(bounces.len(), 1);
    let AnyApiObject::BounceEvent(bounce) = &bounces[0] else {
        panic!("expected a BounceEvent, got {:?}", bounces[0]);
    };
    assert_eq!(bounce.subscriber_key.as_deref(), Some("bounce@example.com"));
    assert_eq!(bounce.smtp_code.as_deref(), Some("550"));
    assert_eq!(bounce.bounce_category.as_deref(), Some("Hard bounce"));
    assert_eq!(bounce.bounce_type.as_deref(), Some("immediate"));
    assert_eq!(
        bounce.smtp_reason.as_deref(),
        Some("550 5.1.1 User unknown")
    );
    assert_eq!(bounce.event_type, Some(EventType::HardBounce));

    let unsubscribes = retrieve(&client, "UnsubEvent", &["IsMasterUnsubscribed"], None).await;
    assert_eq!(keys(&unsubscribes), ["leaver@example.com"]);
    let AnyApiObject::UnsubEvent(unsubscribe) = &unsubscribes[0] else {
        panic!("expected an UnsubEvent, got {:?}", unsubscribes[0]);
    };
    assert_eq!(unsubscribe.event_type, Some(EventType::Unsubscribe));
    assert_eq!(unsubscribe.is_master_unsubscribed, Some(false));

    let not_sent = retrieve(&client, "NotSentEvent", &[], None).await;
    assert_eq!(keys(&not_sent), ["held@example.com"]);
    assert_eq!(common(&not_sent[0]).event_type, Some(EventType::NotSent));
}

#[tokio::test]
async fn event_xsi_type_on_wire() {
    let (emulator, client) = start(scenario_config()).await;
    active_definition(&client, "welcome").await;
    send(&client, "welcome", "reader@example.com").await;

    let body = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>ClickEvent</ObjectType><Properties>SubscriberKey</Properties><Properties>URL</Properties><Properties>URLID</Properties><Properties>SubscriberID</Properties></RetrieveRequest></RetrieveRequestMsg></soap:Body></soap:Envelope>"#;
    let answer = post_soap11(&emulator.soap_url(), "Retrieve", body.to_owned()).await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.body.contains(r#"<Results xsi:type="ClickEvent">"#),
        "{}",
        answer.body
    );
    assert!(
        answer
            .body
            .contains("<URLID>7</URLID><URL>https://www.example.com/offer</URL>"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("<SubscriberID>"), "{}", answer.body);
}

#[tokio::test]
async fn event_filters_bulk() {
    let (_emulator, client) = start(Config::default()).await;
    active_definition(&client, "welcome").await;
    active_definition(&client, "receipt").await;
    for email in ["a@example.com", "b@example.com", "c@example.com"] {
        send(&client, "welcome", email).await;
    }
    send(&client, "receipt", "a@example.com").await;

    // Events come back in the order of the sends, so the receipt's is the last.
    let all = retrieve(&client, "SentEvent", &[], None).await;
    assert_eq!(all.len(), 4);
    let welcome: Vec<Common> = all[..3].iter().map(common).collect();
    assert_eq!(welcome[0].send_id, welcome[2].send_id);
    assert_ne!(welcome[0].send_id, common(&all[3]).send_id);
    let batch_ids: Vec<String> = welcome
        .iter()
        .map(|event| event.batch_id.unwrap().to_string())
        .collect();
    let welcome_send_id = welcome[0].send_id.unwrap().to_string();

    // Bulk tracking requests many BatchIDs at once, within one JobID.
    let in_batches = and(
        simple(
            "SendID",
            SimpleOperators::Equals,
            std::slice::from_ref(&welcome_send_id),
        ),
        simple("BatchID", SimpleOperators::In, &batch_ids[..2]),
    );
    let found = retrieve(&client, "SentEvent", &[], Some(in_batches)).await;
    assert_eq!(keys(&found), ["a@example.com", "b@example.com"]);

    let subscriber_ids: Vec<String> = {
        let response = client
            .retrieve(&request("SentEvent", &[], None))
            .await
            .unwrap();
        // SubscriberID travels outside the schema's TrackingEvent, as an extra element.
        response
            .results
            .iter()
            .filter_map(|object| match object {
                AnyApiObject::SentEvent(event)
                    if event.subscriber_key.as_deref() != Some("c@example.com") =>
                {
                    let raw = event
                        .extra
                        .elements
                        .iter()
                        .find(|raw| raw.name.name == "SubscriberID")?;
                    let start = raw.xml.find('>')? + 1;
                    let end = raw.xml.rfind('<')?;
                    Some(raw.xml[start..end].to_owned())
                }
                _ => None,
            })
            .collect()
    };
    assert_eq!(subscriber_ids.len(), 3);
    let by_subscriber = simple("SubscriberID", SimpleOperators::In, &subscriber_ids);
    let found = retrieve(&client, "SentEvent", &[], Some(by_subscriber)).await;
    assert_eq!(
        keys(&found),
        ["a@example.com", "a@example.com", "b@example.com"]
    );

    let by_key = simple(
        "SubscriberKey",
        SimpleOperators::Equals,
        &["a@example.com".to_owned()],
    );
    assert_eq!(
        retrieve(&client, "SentEvent", &[], Some(by_key))
            .await
            .len(),
        2
    );

    let receipt_definition = common(&all[3]).definition_object_id.unwrap();
    let by_definition = simple(
        "TriggeredSendDefinitionObjectID",
        SimpleOperators::Equals,
        &[receipt_definition],
    );
    let found = retrieve(&client, "SentEvent", &[], Some(by_definition)).await;
    assert_eq!(keys(&found), ["a@example.com"]);

    let by_send = simple("SendID", SimpleOperators::Equals, &[welcome_send_id]);
    assert_eq!(
        retrieve(&client, "SentEvent", &[], Some(by_send))
            .await
            .len(),
        3
    );
}

#[tokio::test]
async fn event_date_value_filter() {
    let (_emulator, client) = start(scenario_config()).await;
    active_definition(&client, "welcome").await;
    send(&client, "welcome", "reader@example.com").await;
    let sent = retrieve(&client, "SentEvent", &[], None).await;
    let sent_at = common(&sent[0]).event_date.unwrap().unix_seconds(CST);

    // The reader's events come 2 s, 60 s and 120 s after the send. So a window from 30 s to
    // 90 s after it contains only the open, whatever the event type retrieved.
    let window = |low: i64, high: i64| {
        AnyFilterPart::from(SimpleFilterPart {
            property: "EventDate".to_owned(),
            simple_operator: SimpleOperators::Between,
            date_value: vec![
                DateTime::from_unix_seconds(sent_at + low, Offset::Minutes(0)),
                DateTime::from_unix_seconds(sent_at + high, Offset::Minutes(0)),
            ],
            ..SimpleFilterPart::default()
        })
    };
    assert_eq!(
        retrieve(&client, "OpenEvent", &[], Some(window(30, 90)))
            .await
            .len(),
        1
    );
    assert!(
        retrieve(&client, "ClickEvent", &[], Some(window(30, 90)))
            .await
            .is_empty()
    );
    assert_eq!(
        retrieve(&client, "ClickEvent", &[], Some(window(90, 150)))
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn tracking_delay_hides_events() {
    let config = scenario_config().tracking_delay(Duration::from_secs(3600));
    let (_emulator, client) = start(config).await;
    active_definition(&client, "welcome").await;
    send(&client, "welcome", "reader@example.com").await;
    assert_eq!(retrieve(&client, "SentEvent", &[], None).await.len(), 1);
    assert!(retrieve(&client, "OpenEvent", &[], None).await.is_empty());
    assert!(
        retrieve(&client, "DeliveredEvent", &[], None)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn tracking_delay_passes() {
    let config = scenario_config().tracking_delay(Duration::from_millis(300));
    let (_emulator, client) = start(config).await;
    active_definition(&client, "welcome").await;
    send(&client, "welcome", "reader@example.com").await;
    assert!(retrieve(&client, "OpenEvent", &[], None).await.is_empty());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(retrieve(&client, "OpenEvent", &[], None).await.len(), 1);
}

#[tokio::test]
async fn unknown_event_property_error() {
    let (_emulator, client) = start(Config::default()).await;
    let response = client
        .retrieve(&request("OpenEvent", &["URL"], None))
        .await
        .unwrap();
    assert_eq!(
        response.overall_status,
        "Error: The Request Property(s) URL do not match with the fields of OpenEvent retrieve"
    );
    assert!(response.results.is_empty());
}

#[tokio::test]
async fn every_event_type_filters() {
    let (_emulator, client) = start(scenario_config()).await;
    active_definition(&client, "welcome").await;
    for email in [
        "reader@example.com",
        "leaver@example.com",
        "bounce@example.com",
        "held@example.com",
    ] {
        send(&client, "welcome", email).await;
    }
    let sent = retrieve(&client, "SentEvent", &[], None).await;
    let batch = |email: &str| {
        sent.iter()
            .map(common)
            .find(|event| event.subscriber_key.as_deref() == Some(email))
            .and_then(|event| event.batch_id)
            .unwrap()
            .to_string()
    };
    // Each send went out in a batch of its own, so a BatchID IN filter on the reader's and
    // the leaver's batches keeps only their events, whatever the event type.
    let batches = [batch("reader@example.com"), batch("leaver@example.com")];
    let expected: [(&str, &[&str]); 7] = [
        ("SentEvent", &["leaver@example.com", "reader@example.com"]),
        ("DeliveredEvent", &["reader@example.com"]),
        ("OpenEvent", &["leaver@example.com", "reader@example.com"]),
        ("ClickEvent", &["reader@example.com"]),
        ("UnsubEvent", &["leaver@example.com"]),
        ("BounceEvent", &[]),
        ("NotSentEvent", &[]),
    ];
    for (object_type, keys_expected) in expected {
        let filter = simple("BatchID", SimpleOperators::In, &batches);
        let found = retrieve(&client, object_type, &[], Some(filter)).await;
        assert_eq!(keys(&found), keys_expected, "{object_type}");
    }
}
