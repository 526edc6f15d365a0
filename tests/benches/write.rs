//! Writing benchmarks: `Message::to_xml` on a `CreateRequest` with 2,500 objects, once with
//! triggered sends and once with data extension rows.
//!
//! Run with `cargo bench -p sfmc-tests --bench write`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use sfmc_partner_api::{
    AnyApiObject, ApiProperty, Attribute, CreateRequest, DataExtensionObject,
    ObjectExtensionProperties, Subscriber, TriggeredSend, TriggeredSendDefinition,
};
use sfmc_runtime::xml::Message;

/// Objects in one request.
const OBJECT_COUNT: usize = 2_500;

/// Returns the triggered send for subscriber `index`: the definition by customer key, and one
/// subscriber carrying a `UniqueID` attribute for the send log.
fn triggered_send(index: usize) -> TriggeredSend {
    let attribute = Attribute {
        name: "UniqueID".to_owned(),
        value: format!("order-{index:06}-a8f3"),
        ..Attribute::default()
    };
    let subscriber = Subscriber {
        email_address: Some(format!("subscriber-{index:05}@example.com")),
        subscriber_key: Some(format!("subscriber-{index:05}@example.com")),
        attributes: vec![attribute],
        ..Subscriber::default()
    };
    TriggeredSend {
        triggered_send_definition: TriggeredSendDefinition {
            customer_key: Some("order-confirmation".to_owned()),
            ..TriggeredSendDefinition::default()
        },
        subscribers: vec![subscriber],
        ..TriggeredSend::default()
    }
}

/// Returns row `index` of a data extension with six columns, addressed by customer key.
fn data_extension_row(index: usize) -> DataExtensionObject {
    let columns = [
        ("JobID", "1406782".to_owned()),
        ("ListID", "4321".to_owned()),
        ("BatchID", (index / 100 + 1).to_string()),
        ("SubscriberID", (20_000_000 + index).to_string()),
        ("TriggeredSendID", "9931".to_owned()),
        ("UniqueID", format!("order-{index:06}-a8f3")),
    ];
    let property = columns
        .into_iter()
        .map(|(name, value)| {
            ApiProperty {
                name: name.to_owned(),
                value,
                ..ApiProperty::default()
            }
            .into()
        })
        .collect();
    DataExtensionObject {
        customer_key: Some("send-log".to_owned()),
        properties: Some(ObjectExtensionProperties {
            property,
            ..ObjectExtensionProperties::default()
        }),
        ..DataExtensionObject::default()
    }
}

fn create_request(objects: impl Iterator<Item = AnyApiObject>) -> CreateRequest {
    CreateRequest {
        objects: objects.collect(),
        ..CreateRequest::default()
    }
}

/// Times `to_xml` on `request`, after checking that what it writes reads back equal.
fn bench_request(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, request: &CreateRequest) {
    let xml = request.to_xml().expect("the request writes");
    let read = CreateRequest::from_xml(xml.as_bytes()).expect("the written request reads");
    assert_eq!(&read, request, "the written request reads back equal");

    group.throughput(Throughput::ElementsAndBytes {
        elements: OBJECT_COUNT as u64,
        bytes: xml.len() as u64,
    });
    group.bench_function(name, |b| {
        b.iter(|| black_box(request).to_xml().expect("the request writes"));
    });
}

fn write(c: &mut Criterion) {
    let triggered_sends =
        create_request((0..OBJECT_COUNT).map(|index| triggered_send(index).into()));
    let data_extension_rows =
        create_request((0..OBJECT_COUNT).map(|index| data_extension_row(index).into()));

    let mut group = c.benchmark_group("write");
    bench_request(&mut group, "triggered_sends", &triggered_sends);
    bench_request(&mut group, "data_extension_rows", &data_extension_rows);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = write
}
criterion_main!(benches);
