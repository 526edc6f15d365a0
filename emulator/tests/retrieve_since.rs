//! RetrieveAllSinceLastBatch on every object type the emulator retrieves, RepeatLastResult,
//! and QueryAllAccounts.

mod support;

use std::time::Duration;

use sfmc_emulator::{Config, Emulator};
use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyFilterPart, CreateRequest, DataExtension, DataExtensionField,
    DataExtensionFields, DeleteRequest, PartnerApi, RetrieveRequest, RetrieveRequestMsg,
    SimpleFilterPart, SimpleOperators, Subscriber, TriggeredSend, TriggeredSendDefinition,
    TriggeredSendStatusEnum, UpdateRequest,
};
use sfmc_runtime::client::{Client, RetryPolicy, UsernameToken};
use support::orders_row;

async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start(Config::default().account("api-user", "pa55word").seed(9))
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

/// Waits until changes made so far are older than the end of the next retrieve's window,
/// which ends one millisecond before the retrieve.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(2)).await;
}

fn request(object_type: &str, property: &str, filter: Option<AnyFilterPart>) -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: vec![property.to_owned()],
            filter,
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

/// Returns `request` with RetrieveAllSinceLastBatch set.
fn since(mut request: RetrieveRequestMsg) -> RetrieveRequestMsg {
    request.retrieve_request.retrieve_all_since_last_batch = Some(true);
    request
}

/// Returns `request` with RetrieveAllSinceLastBatch and RepeatLastResult set.
fn repeat(request: RetrieveRequestMsg) -> RetrieveRequestMsg {
    let mut request = since(request);
    request.retrieve_request.repeat_last_result = Some(true);
    request
}

fn equals(property: &str, value: &str) -> AnyFilterPart {
    AnyFilterPart::from(SimpleFilterPart {
        property: property.to_owned(),
        simple_operator: SimpleOperators::Equals,
        value: vec![value.to_owned()],
        ..SimpleFilterPart::default()
    })
}

/// Returns the one requested property of each result: the CustomerKey, Name or
/// SubscriberKey that the tests request, or a row's first property value.
fn value_of(object: &AnyApiObject) -> String {
    let value = match object {
        AnyApiObject::DataExtension(value) => value.customer_key.clone(),
        AnyApiObject::DataExtensionField(value) => value.name.clone(),
        AnyApiObject::DataExtensionTemplate(value) => value.name.clone(),
        AnyApiObject::TriggeredSendDefinition(value) => value.customer_key.clone(),
        AnyApiObject::Subscriber(value) => value.subscriber_key.clone(),
        AnyApiObject::DataExtensionObject(row) => row
            .properties
            .as_ref()
            .and_then(|properties| properties.property.first())
            .and_then(|property| match property {
                AnyApiProperty::ApiProperty(property) => Some(property.value.clone()),
                _ => None,
            }),
        other => panic!("unexpected result type {}", other.type_name()),
    };
    value.unwrap_or_else(|| panic!("a result without the requested property: {object:?}"))
}

async fn values(client: &Client, request: &RetrieveRequestMsg) -> Vec<String> {
    let response = client
        .retrieve(request)
        .await
        .expect("the retrieve should succeed");
    assert_eq!(response.overall_status, "OK");
    response.results.iter().map(value_of).collect()
}

fn field(name: &str) -> DataExtensionField {
    DataExtensionField {
        name: Some(name.to_owned()),
        ..DataExtensionField::default()
    }
}

async fn create(client: &Client, objects: Vec<AnyApiObject>) {
    let request = CreateRequest {
        objects,
        ..CreateRequest::default()
    };
    let response = client.create(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
}

async fn update(client: &Client, object: AnyApiObject) {
    let request = UpdateRequest {
        objects: vec![object],
        ..UpdateRequest::default()
    };
    let response = client.update(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
}

fn data_extension(key: &str, fields: &[&str]) -> AnyApiObject {
    AnyApiObject::from(DataExtension {
        name: Some(key.to_owned()),
        customer_key: Some(key.to_owned()),
        fields: Some(DataExtensionFields {
            field: fields.iter().map(|name| field(name)).collect(),
            ..DataExtensionFields::default()
        }),
        ..DataExtension::default()
    })
}

#[tokio::test]
async fn data_extension_changes() {
    let (_emulator, client) = start().await;
    let batch = since(request("DataExtension", "CustomerKey", None));

    create(&client, vec![data_extension("Alpha", &["A"])]).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["Alpha"]);
    assert!(values(&client, &batch).await.is_empty());

    create(&client, vec![data_extension("Beta", &["B"])]).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["Beta"]);

    let described = DataExtension {
        customer_key: Some("Alpha".to_owned()),
        description: Some("changed".to_owned()),
        ..DataExtension::default()
    };
    update(&client, AnyApiObject::from(described)).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["Alpha"]);
    assert!(values(&client, &batch).await.is_empty());

    let plain = request("DataExtension", "CustomerKey", None);
    assert_eq!(values(&client, &plain).await, ["Alpha", "Beta"]);
}

#[tokio::test]
async fn data_extension_field_changes() {
    let (_emulator, client) = start().await;
    create(&client, vec![data_extension("Gamma", &["A", "B"])]).await;
    let of_gamma = Some(equals("DataExtension.CustomerKey", "Gamma"));
    let batch = since(request("DataExtensionField", "Name", of_gamma));
    settle().await;
    assert_eq!(values(&client, &batch).await, ["A", "B"]);
    assert!(values(&client, &batch).await.is_empty());

    let added = DataExtension {
        customer_key: Some("Gamma".to_owned()),
        fields: Some(DataExtensionFields {
            field: vec![field("C")],
            ..DataExtensionFields::default()
        }),
        ..DataExtension::default()
    };
    update(&client, AnyApiObject::from(added)).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["C"]);

    let by_name = request(
        "DataExtensionField",
        "ObjectID",
        Some(equals("CustomerKey", "[Gamma].[A]")),
    );
    let response = client.retrieve(&by_name).await.unwrap();
    let AnyApiObject::DataExtensionField(column) = &response.results[0] else {
        panic!("expected a field, got {:?}", response.results[0]);
    };
    let changed = DataExtension {
        customer_key: Some("Gamma".to_owned()),
        fields: Some(DataExtensionFields {
            field: vec![DataExtensionField {
                object_id: column.object_id.clone(),
                max_length: Some(50),
                ..DataExtensionField::default()
            }],
            ..DataExtensionFields::default()
        }),
        ..DataExtension::default()
    };
    update(&client, AnyApiObject::from(changed)).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["A"]);
    assert!(values(&client, &batch).await.is_empty());
}

#[tokio::test]
async fn template_returned_once() {
    let (_emulator, client) = start().await;
    let batch = since(request("DataExtensionTemplate", "Name", None));
    assert_eq!(
        values(&client, &batch).await,
        ["TriggeredSendDataExtension", "SendLog"]
    );
    assert!(values(&client, &batch).await.is_empty());
}

fn definition(key: &str) -> AnyApiObject {
    AnyApiObject::from(TriggeredSendDefinition {
        customer_key: Some(key.to_owned()),
        ..TriggeredSendDefinition::default()
    })
}

fn activation(key: &str) -> AnyApiObject {
    AnyApiObject::from(TriggeredSendDefinition {
        customer_key: Some(key.to_owned()),
        triggered_send_status: Some(TriggeredSendStatusEnum::Active),
        ..TriggeredSendDefinition::default()
    })
}

#[tokio::test]
async fn definition_changes() {
    let (_emulator, client) = start().await;
    let batch = since(request("TriggeredSendDefinition", "CustomerKey", None));

    create(&client, vec![definition("welcome")]).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["welcome"]);
    assert!(values(&client, &batch).await.is_empty());

    create(&client, vec![definition("reminder")]).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["reminder"]);

    update(&client, activation("welcome")).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["welcome"]);
    assert!(values(&client, &batch).await.is_empty());
}

fn triggered_send(key: &str, email: &str) -> AnyApiObject {
    AnyApiObject::from(TriggeredSend {
        triggered_send_definition: TriggeredSendDefinition {
            customer_key: Some("welcome".to_owned()),
            ..TriggeredSendDefinition::default()
        },
        subscribers: vec![Subscriber {
            email_address: Some(email.to_owned()),
            subscriber_key: Some(key.to_owned()),
            ..Subscriber::default()
        }],
        ..TriggeredSend::default()
    })
}

#[tokio::test]
async fn subscriber_changes() {
    let (_emulator, client) = start().await;
    create(&client, vec![definition("welcome")]).await;
    update(&client, activation("welcome")).await;
    let batch = since(request("Subscriber", "SubscriberKey", None));

    let ann = Subscriber {
        email_address: Some("ann@example.com".to_owned()),
        subscriber_key: Some("ann".to_owned()),
        ..Subscriber::default()
    };
    create(&client, vec![AnyApiObject::from(ann)]).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["ann"]);
    assert!(values(&client, &batch).await.is_empty());

    // A send to the same address changes nothing.
    create(&client, vec![triggered_send("ann", "ann@example.com")]).await;
    settle().await;
    assert!(values(&client, &batch).await.is_empty());

    create(&client, vec![triggered_send("bob", "bob@example.com")]).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["bob"]);

    create(&client, vec![triggered_send("ann", "ann@example.org")]).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["ann"]);
    assert!(values(&client, &batch).await.is_empty());
}

/// Creates the data extension Orders, keyed by OrderID, with a Status column.
async fn orders(client: &Client) {
    let key = DataExtensionField {
        name: Some("OrderID".to_owned()),
        is_primary_key: Some(true),
        is_required: Some(true),
        ..DataExtensionField::default()
    };
    let orders = DataExtension {
        name: Some("Orders".to_owned()),
        customer_key: Some("Orders".to_owned()),
        fields: Some(DataExtensionFields {
            field: vec![key, field("Status")],
            ..DataExtensionFields::default()
        }),
        ..DataExtension::default()
    };
    create(client, vec![AnyApiObject::from(orders)]).await;
}

#[tokio::test]
async fn row_update_and_delete() {
    let (_emulator, client) = start().await;
    orders(&client).await;
    create(
        &client,
        vec![
            orders_row(&[("OrderID", "A-1"), ("Status", "new")], &[]),
            orders_row(&[("OrderID", "A-2"), ("Status", "new")], &[]),
        ],
    )
    .await;
    let batch = since(request("DataExtensionObject[Orders]", "OrderID", None));
    settle().await;
    assert_eq!(values(&client, &batch).await, ["A-1", "A-2"]);

    update(
        &client,
        orders_row(&[("Status", "shipped")], &[("OrderID", "A-2")]),
    )
    .await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["A-2"]);

    let delete = DeleteRequest {
        objects: vec![orders_row(&[], &[("OrderID", "A-1")])],
        ..DeleteRequest::default()
    };
    assert_eq!(client.delete(&delete).await.unwrap().overall_status, "OK");
    settle().await;
    assert!(values(&client, &batch).await.is_empty());
}

#[tokio::test]
async fn repeat_last_result_same_rows() {
    let (_emulator, client) = start().await;
    orders(&client).await;
    let plain = request("DataExtensionObject[Orders]", "OrderID", None);
    let batch = since(plain.clone());

    create(&client, vec![orders_row(&[("OrderID", "A-1")], &[])]).await;
    settle().await;
    assert_eq!(values(&client, &batch).await, ["A-1"]);

    // A repeat returns the previous batch again, without the row added since, and does
    // not move the mark: the next batch still returns that row.
    create(&client, vec![orders_row(&[("OrderID", "A-2")], &[])]).await;
    settle().await;
    assert_eq!(values(&client, &repeat(plain.clone())).await, ["A-1"]);
    assert_eq!(values(&client, &repeat(plain.clone())).await, ["A-1"]);
    assert_eq!(values(&client, &batch).await, ["A-2"]);
    assert_eq!(values(&client, &repeat(plain.clone())).await, ["A-2"]);
    assert!(values(&client, &batch).await.is_empty());
    assert!(values(&client, &repeat(plain.clone())).await.is_empty());

    // Without RetrieveAllSinceLastBatch, RepeatLastResult changes nothing.
    let mut alone = plain.clone();
    alone.retrieve_request.repeat_last_result = Some(true);
    assert_eq!(values(&client, &alone).await, ["A-1", "A-2"]);

    // Without a previous identical retrieve, a repeat counts as the first batch and sets
    // the mark.
    let filtered = request(
        "DataExtensionObject[Orders]",
        "OrderID",
        Some(equals("OrderID", "A-1")),
    );
    assert_eq!(values(&client, &repeat(filtered.clone())).await, ["A-1"]);
    assert_eq!(values(&client, &repeat(filtered.clone())).await, ["A-1"]);
    assert!(values(&client, &since(filtered)).await.is_empty());
}

#[tokio::test]
async fn query_all_accounts_same_rows() {
    let (_emulator, client) = start().await;
    create(
        &client,
        vec![
            data_extension("Alpha", &["A"]),
            data_extension("Beta", &["B"]),
        ],
    )
    .await;
    let mut all_accounts = request("DataExtension", "CustomerKey", None);
    all_accounts.retrieve_request.query_all_accounts = Some(true);
    assert_eq!(values(&client, &all_accounts).await, ["Alpha", "Beta"]);
}

#[tokio::test]
async fn plain_retrieve_keeps_mark() {
    let (_emulator, client) = start().await;
    create(&client, vec![data_extension("Alpha", &["A"])]).await;
    settle().await;
    let plain = request("DataExtension", "CustomerKey", None);
    assert_eq!(values(&client, &plain).await, ["Alpha"]);
    let batch = since(plain.clone());
    assert_eq!(values(&client, &batch).await, ["Alpha"]);
    assert_eq!(values(&client, &plain).await, ["Alpha"]);
    assert!(values(&client, &batch).await.is_empty());
}
