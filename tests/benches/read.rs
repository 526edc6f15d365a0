//! Reading benchmarks: `RetrieveResponseMsg::from_xml` on a full page of 2,500 results, as the
//! service writes them, beside quick-xml merely tokenizing the same bytes. The ratio of the
//! two is the cost of the bindings over the XML parser they are built on.
//!
//! Run with `cargo bench -p sfmc-tests --bench read`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use quick_xml::events::Event;
use sfmc_partner_api::{AnyApiObject, AnyApiProperty, EventType, RetrieveResponseMsg};
use sfmc_runtime::xml::{Message, Nillable};

/// Results in one response: the most the service returns in one page. When more match, the
/// page's `OverallStatus` is `MoreDataAvailable`.
const PAGE_SIZE: usize = 2_500;

/// The send log's columns, in the order of the six `Property` elements of each row.
const SEND_LOG_COLUMNS: [&str; 6] = [
    "JobID",
    "ListID",
    "BatchID",
    "SubscriberID",
    "TriggeredSendID",
    "UniqueID",
];

const TRIGGERED_SEND_ID: &str = "6c2a3f1e-8b4d-4e0f-9a71-2d5c8e9b0f13";

/// Returns the start of a retrieve response, up to its first `Results`. The input has no
/// whitespace between elements.
fn response_start() -> String {
    concat!(
        r#"<RetrieveResponseMsg xmlns="http://exacttarget.com/wsdl/partnerAPI""#,
        r#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
        "<OverallStatus>MoreDataAvailable</OverallStatus>",
        "<RequestID>9e0c4b7a-52d8-4f1b-a6e3-7c1d2f8b5a90</RequestID>",
    )
    .to_owned()
}

/// Builds a retrieve response with `count` `SentEvent` results laid out as the service
/// writes them: nil `PartnerKey` and `ObjectID`, then only the requested properties. The
/// schema's `TrackingEvent` lacks `SubscriberID` and `ListID`, so the bindings keep them in
/// `extra`.
///
/// NOTE: where the service puts `SubscriberID` and `ListID` among the other elements is not
/// documented; they come last here.
fn sent_events_response(count: usize) -> String {
    let mut xml = response_start();
    for row in 0..count {
        let minute = row / 60 % 60;
        let second = row % 60;
        let batch = row / 100 + 1;
        let subscriber = 20_000_000 + row;
        xml.push_str(&format!(
            concat!(
                r#"<Results xsi:type="SentEvent">"#,
                "<Client><ID>7281698</ID></Client>",
                r#"<PartnerKey xsi:nil="true"/><ObjectID xsi:nil="true"/>"#,
                "<SendID>1406782</SendID>",
                "<SubscriberKey>subscriber-{row:05}@example.com</SubscriberKey>",
                "<EventDate>2014-03-26T10:{minute:02}:{second:02}.987</EventDate>",
                "<EventType>Sent</EventType>",
                "<TriggeredSendDefinitionObjectID>{tsd}</TriggeredSendDefinitionObjectID>",
                "<BatchID>{batch}</BatchID>",
                "<SubscriberID>{subscriber}</SubscriberID>",
                "<ListID>4321</ListID>",
                "</Results>",
            ),
            row = row,
            minute = minute,
            second = second,
            tsd = TRIGGERED_SEND_ID,
            batch = batch,
            subscriber = subscriber,
        ));
    }
    xml.push_str("</RetrieveResponseMsg>");
    xml
}

/// Returns the send log row `row` as its column values, in [`SEND_LOG_COLUMNS`] order.
fn send_log_values(row: usize) -> [String; 6] {
    [
        "1406782".to_owned(),
        "4321".to_owned(),
        (row / 100 + 1).to_string(),
        (20_000_000 + row).to_string(),
        "9931".to_owned(),
        format!("order-{row:06}-a8f3"),
    ]
}

/// Builds a retrieve response with `count` `DataExtensionObject` results, each a send log
/// row with six columns, laid out as the service writes them.
fn send_log_response(count: usize) -> String {
    let mut xml = response_start();
    for row in 0..count {
        xml.push_str(concat!(
            r#"<Results xsi:type="DataExtensionObject">"#,
            r#"<PartnerKey xsi:nil="true"/><ObjectID xsi:nil="true"/>"#,
            "<Type>DataExtensionObject</Type>",
            "<Properties>",
        ));
        for (name, value) in SEND_LOG_COLUMNS.iter().zip(send_log_values(row)) {
            xml.push_str(&format!(
                "<Property><Name>{name}</Name><Value>{value}</Value></Property>"
            ));
        }
        xml.push_str("</Properties></Results>");
    }
    xml.push_str("</RetrieveResponseMsg>");
    xml
}

/// Checks that the bindings read every sent event, and the last one completely, so that the
/// benchmark times a successful read.
fn check_sent_events(response: &RetrieveResponseMsg) {
    assert_eq!(response.overall_status, "MoreDataAvailable");
    assert_eq!(response.results.len(), PAGE_SIZE);

    let Some(AnyApiObject::SentEvent(event)) = response.results.last() else {
        panic!(
            "the last result is not a SentEvent: {:?}",
            response.results.last()
        );
    };
    // Fields `SentEvent` inherits from `APIObject`.
    assert_eq!(
        event.client.as_ref().and_then(|client| client.id),
        Some(7_281_698)
    );
    assert_eq!(event.partner_key, Some(Nillable::Nil));
    assert_eq!(event.object_id, Some(Nillable::Nil));

    // Fields it inherits from `TrackingEvent`.
    assert_eq!(event.send_id, Some(1_406_782));
    assert_eq!(
        event.subscriber_key.as_deref(),
        Some("subscriber-02499@example.com")
    );
    let event_date = event.event_date.as_ref().map(ToString::to_string);
    assert_eq!(event_date.as_deref(), Some("2014-03-26T10:41:39.987"));
    assert_eq!(event.event_type, Some(EventType::Sent));
    assert_eq!(
        event.triggered_send_definition_object_id.as_deref(),
        Some(TRIGGERED_SEND_ID)
    );
    assert_eq!(event.batch_id, Some(25));

    // Elements the schema does not declare.
    assert_eq!(
        event.extra.text("SubscriberID").as_deref(),
        Some("20002499")
    );
    assert_eq!(event.extra.text("ListID").as_deref(), Some("4321"));
    assert_eq!(event.extra.elements.len(), 2);
}

/// Checks that the bindings read every send log row, and the last one completely.
fn check_send_log(response: &RetrieveResponseMsg) {
    assert_eq!(response.results.len(), PAGE_SIZE);

    let Some(AnyApiObject::DataExtensionObject(row)) = response.results.last() else {
        panic!(
            "the last result is not a DataExtensionObject: {:?}",
            response.results.last()
        );
    };
    assert_eq!(row.partner_key, Some(Nillable::Nil));
    assert_eq!(row.object_id, Some(Nillable::Nil));
    assert_eq!(row.r#type.as_deref(), Some("DataExtensionObject"));

    let properties = &row
        .properties
        .as_ref()
        .expect("the row has Properties")
        .property;
    let read: Vec<(&str, &str)> = properties
        .iter()
        .map(|property| match property {
            AnyApiProperty::ApiProperty(property) => (&*property.name, &*property.value),
            other => panic!(
                "a Property was read as {}, not APIProperty",
                other.type_name()
            ),
        })
        .collect();
    let values = send_log_values(PAGE_SIZE - 1);
    let expected: Vec<(&str, &str)> = SEND_LOG_COLUMNS
        .iter()
        .copied()
        .zip(values.iter().map(String::as_str))
        .collect();
    assert_eq!(read, expected);
    assert!(row.extra.is_empty());
}

/// Counts the events quick-xml's plain `Reader` returns for `xml`, the baseline the
/// bindings are compared with.
fn count_tokens(xml: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut count = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return count,
            Ok(_) => count += 1,
            Err(error) => panic!("quick-xml failed to tokenize the input: {error}"),
        }
    }
}

/// Times the bindings and the quick-xml baseline on the same response, after checking that
/// both read all of it: `check` inspects what the bindings read, and quick-xml must return
/// `tokens` events.
fn bench_response(
    group: &mut BenchmarkGroup<'_, WallTime>,
    xml: &[u8],
    check: fn(&RetrieveResponseMsg),
    tokens: usize,
) {
    check(&RetrieveResponseMsg::from_xml(xml).expect("the bindings read the response"));
    assert_eq!(count_tokens(xml), tokens);

    group.throughput(Throughput::ElementsAndBytes {
        elements: PAGE_SIZE as u64,
        bytes: xml.len() as u64,
    });
    group.bench_function("bindings", |b| {
        b.iter(|| RetrieveResponseMsg::from_xml(black_box(xml)).expect("the response reads"));
    });
    group.bench_function("quick_xml_tokens", |b| {
        b.iter(|| count_tokens(black_box(xml)));
    });
}

fn read_sent_events(c: &mut Criterion) {
    let xml = sent_events_response(PAGE_SIZE);
    // 8 events for the root, `OverallStatus` and `RequestID`, and 33 per result.
    let tokens = 8 + 33 * PAGE_SIZE;
    let mut group = c.benchmark_group("read_sent_events");
    bench_response(&mut group, xml.as_bytes(), check_sent_events, tokens);
    group.finish();
}

fn read_send_log(c: &mut Criterion) {
    let xml = send_log_response(PAGE_SIZE);
    // 8 events for the root, `OverallStatus` and `RequestID`, and 57 per row.
    let tokens = 8 + 57 * PAGE_SIZE;
    let mut group = c.benchmark_group("read_send_log");
    bench_response(&mut group, xml.as_bytes(), check_send_log, tokens);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = read_sent_events, read_send_log
}
criterion_main!(benches);
