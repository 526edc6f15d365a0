//! `--state FILE`: the account's objects kept across restarts.

mod support;

use std::path::PathBuf;

use sfmc_emulator::{Config, Emulator};
use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyPropertyDefinition, ApiProperty,
    ArrayOfObjectDefinitionRequest, ConfigureRequestMsg, ConfigureRequestMsgConfigurations,
    CreateRequest, DataExtension, DataExtensionField, DataExtensionFields, DataExtensionObject,
    DefinitionRequestMsg, ObjectDefinitionRequest, ObjectExtensionProperties, PartnerApi,
    PropertyDefinition, PropertyType, RetrieveRequest, RetrieveRequestMsg, Subscriber,
    TriggeredSend, TriggeredSendDefinition, TriggeredSendStatusEnum, UpdateRequest,
};
use sfmc_runtime::client::{AccessToken, Client, RetryPolicy, UsernameToken};
use sfmc_runtime::xml::Nillable;

/// Returns a state file path of its own for each test, removing any file left there.
fn state_path(test: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("sfmc-emulator-{}-{test}.json", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

async fn start(config: Config) -> (Emulator, Client) {
    let emulator = Emulator::start(config.account("api-user", "pa55word"))
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

fn retrieve_request(object_type: &str, properties: &[&str]) -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: properties.iter().map(|name| (*name).to_owned()).collect(),
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

/// Creates a data extension with one row, and an Active definition with one send.
async fn fill(client: &Client) {
    let data_extension = AnyApiObject::from(DataExtension {
        name: Some("Orders".to_owned()),
        customer_key: Some("Orders".to_owned()),
        fields: Some(DataExtensionFields {
            field: vec![DataExtensionField {
                name: Some("OrderID".to_owned()),
                ..DataExtensionField::default()
            }],
            ..DataExtensionFields::default()
        }),
        ..DataExtension::default()
    });
    let definition = AnyApiObject::from(TriggeredSendDefinition {
        customer_key: Some("welcome".to_owned()),
        ..TriggeredSendDefinition::default()
    });
    let create = CreateRequest {
        objects: vec![data_extension, definition],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&create).await.unwrap().overall_status, "OK");

    let row = AnyApiObject::from(DataExtensionObject {
        name: Some("Orders".to_owned()),
        properties: Some(ObjectExtensionProperties {
            property: vec![AnyApiProperty::from(ApiProperty {
                name: "OrderID".to_owned(),
                value: "A-17".to_owned(),
                ..ApiProperty::default()
            })],
            ..ObjectExtensionProperties::default()
        }),
        ..DataExtensionObject::default()
    });
    let create = CreateRequest {
        objects: vec![row],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&create).await.unwrap().overall_status, "OK");

    let activate = UpdateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some("welcome".to_owned()),
            triggered_send_status: Some(TriggeredSendStatusEnum::Active),
            ..TriggeredSendDefinition::default()
        })],
        ..UpdateRequest::default()
    };
    assert_eq!(client.update(&activate).await.unwrap().overall_status, "OK");

    let send = CreateRequest {
        objects: vec![AnyApiObject::from(TriggeredSend {
            triggered_send_definition: TriggeredSendDefinition {
                customer_key: Some("welcome".to_owned()),
                ..TriggeredSendDefinition::default()
            },
            subscribers: vec![Subscriber {
                email_address: Some("a@example.com".to_owned()),
                subscriber_key: Some("a@example.com".to_owned()),
                ..Subscriber::default()
            }],
            ..TriggeredSend::default()
        })],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&send).await.unwrap().overall_status, "OK");
}

fn object_id(object: &AnyApiObject) -> String {
    let AnyApiObject::DataExtension(data_extension) = object else {
        panic!("expected a DataExtension, got {object:?}");
    };
    match &data_extension.object_id {
        Some(Nillable::Value(id)) => id.clone(),
        other => panic!("expected an ObjectID, got {other:?}"),
    }
}

#[tokio::test]
async fn restart_keeps_objects() {
    let path = state_path("restart");
    let (emulator, client) = start(Config::default().state_file(&path)).await;
    fill(&client).await;
    emulator.stop().await;
    assert!(path.exists());
    let mut temporary = path.clone().into_os_string();
    temporary.push(".tmp");
    assert!(!PathBuf::from(temporary).exists());

    let (_emulator, client) = start(Config::default().state_file(&path)).await;
    let rows = client
        .retrieve(&retrieve_request(
            "DataExtensionObject[Orders]",
            &["OrderID"],
        ))
        .await
        .unwrap();
    assert_eq!(rows.results.len(), 1);
    let AnyApiObject::DataExtensionObject(row) = &rows.results[0] else {
        panic!("expected a row, got {:?}", rows.results[0]);
    };
    let property = &row.properties.as_ref().unwrap().property[0];
    let AnyApiProperty::ApiProperty(property) = property else {
        panic!("expected an APIProperty, got {property:?}");
    };
    assert_eq!(property.value, "A-17");

    let definitions = client
        .retrieve(&retrieve_request(
            "TriggeredSendDefinition",
            &["CustomerKey", "TriggeredSendStatus"],
        ))
        .await
        .unwrap();
    let AnyApiObject::TriggeredSendDefinition(definition) = &definitions.results[0] else {
        panic!("expected a definition, got {:?}", definitions.results[0]);
    };
    assert_eq!(
        definition.triggered_send_status,
        Some(TriggeredSendStatusEnum::Active)
    );

    let sent = client
        .retrieve(&retrieve_request("SentEvent", &["SubscriberKey"]))
        .await
        .unwrap();
    assert_eq!(sent.results.len(), 1);
    let subscribers = client
        .retrieve(&retrieve_request("Subscriber", &["EmailAddress"]))
        .await
        .unwrap();
    assert_eq!(subscribers.results.len(), 1);

    // The ID generator continues where it stopped, so new IDs do not repeat old ones.
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(DataExtension {
            name: Some("Returns".to_owned()),
            ..DataExtension::default()
        })],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&create).await.unwrap().overall_status, "OK");
    let all = client
        .retrieve(&retrieve_request("DataExtension", &["ObjectID", "Name"]))
        .await
        .unwrap();
    assert_eq!(all.results.len(), 2);
    assert_ne!(object_id(&all.results[0]), object_id(&all.results[1]));
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn missing_file_starts_empty() {
    let path = state_path("missing");
    let (_emulator, client) = start(Config::default().state_file(&path)).await;
    let response = client
        .retrieve(&retrieve_request("DataExtension", &["Name"]))
        .await
        .unwrap();
    assert!(response.results.is_empty());
    // A retrieve changes nothing, so it writes no file.
    assert!(!path.exists());
}

#[tokio::test]
async fn invalid_file_rejected() {
    let path = state_path("invalid");
    std::fs::write(&path, b"{\"format_version\": 1").unwrap();
    let error = match Emulator::start(Config::default().state_file(&path)).await {
        Ok(_) => panic!("a truncated state file should be rejected"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        error.to_string().starts_with("invalid state file "),
        "{error}"
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn random_scenarios_seeded() {
    // Random scenarios come from the seeded generator, so two emulators with one seed
    // record the same events for the same sends.
    let mut files = Vec::new();
    for run in ["first", "second"] {
        let path = state_path(&format!("seeded-{run}"));
        let config = Config::default()
            .seed(42)
            .random_scenarios(true)
            .state_file(&path);
        let (emulator, client) = start(config).await;
        fill(&client).await;
        emulator.stop().await;
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let state: serde_json::Value = serde_json::from_str(&text).unwrap();
        let events: Vec<(String, String, String)> = state["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|event| {
                (
                    event["kind"].as_str().unwrap().to_owned(),
                    event["values"]["EventType"].as_str().unwrap().to_owned(),
                    event["values"]["SubscriberID"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        files.push(events);
    }
    assert!(files[0].len() >= 2, "{:?}", files[0]);
    assert_eq!(files[0][0].0, "SentEvent");
    assert_eq!(files[0], files[1]);
}

#[tokio::test]
async fn restart_keeps_tokens() {
    let path = state_path("tokens");
    let config = || {
        Config::default()
            .oauth_client("client-1", "s3cret")
            .state_file(&path)
    };
    let emulator = Emulator::start(config()).await.unwrap();
    let answer = support::post(
        &format!("{}/v2/token", emulator.url()),
        &[("content-type", "application/json")],
        r#"{"grant_type":"client_credentials","client_id":"client-1","client_secret":"s3cret"}"#
            .to_owned(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let token = body["access_token"].as_str().unwrap().to_owned();
    emulator.stop().await;

    let emulator = Emulator::start(config()).await.unwrap();
    let client = Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(AccessToken::new(token))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let response = client
        .retrieve(&retrieve_request("DataExtension", &["Name"]))
        .await
        .expect("the token issued before the restart should still be valid");
    assert_eq!(response.overall_status, "OK");
    let _ = std::fs::remove_file(&path);
}

/// Creates the profile attribute `name`, a string, through Configure.
async fn create_attribute(client: &Client, name: &str) {
    let request = ConfigureRequestMsg {
        action: Some("Create".to_owned()),
        configurations: Some(ConfigureRequestMsgConfigurations {
            configuration: vec![AnyApiObject::from(PropertyDefinition {
                name: Some(name.to_owned()),
                property_type: Some(PropertyType::String),
                ..PropertyDefinition::default()
            })],
            ..ConfigureRequestMsgConfigurations::default()
        }),
        ..ConfigureRequestMsg::default()
    };
    let response = client.configure(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
}

/// Returns the name and ID of each profile attribute that Describe of Subscriber lists.
async fn attribute_ids(client: &Client) -> Vec<(String, Option<i32>)> {
    let request = DefinitionRequestMsg {
        describe_requests: Some(ArrayOfObjectDefinitionRequest {
            object_definition_request: vec![Nillable::Value(ObjectDefinitionRequest {
                object_type: Some("Subscriber".to_owned()),
                ..ObjectDefinitionRequest::default()
            })],
            ..ArrayOfObjectDefinitionRequest::default()
        }),
        ..DefinitionRequestMsg::default()
    };
    let response = client.describe(&request).await.unwrap();
    let Some(extended) = &response.object_definition[0].extended_properties else {
        return Vec::new();
    };
    extended
        .extended_property
        .iter()
        .map(|property| match property {
            AnyPropertyDefinition::PropertyDefinition(property) => {
                (property.name.clone().unwrap_or_default(), property.id)
            }
            other => panic!("expected a PropertyDefinition, got {other:?}"),
        })
        .collect()
}

fn named_ids(pairs: &[(&str, i32)]) -> Vec<(String, Option<i32>)> {
    pairs
        .iter()
        .map(|(name, id)| ((*name).to_owned(), Some(*id)))
        .collect()
}

#[tokio::test]
async fn restart_keeps_attribute_ids() {
    let path = state_path("attribute-ids");
    let config = || Config::default().seed(5).state_file(&path);
    let (emulator, client) = start(config()).await;
    create_attribute(&client, "UniqueID").await;
    emulator.stop().await;

    // The attribute keeps its ID, and the attribute ID generator continues where it
    // stopped: these are its first two draws for seed 5, as without a restart.
    let (_emulator, client) = start(config()).await;
    create_attribute(&client, "Region").await;
    assert_eq!(
        attribute_ids(&client).await,
        named_ids(&[("UniqueID", 48105), ("Region", 397733)])
    );
    let _ = std::fs::remove_file(&path);
}

/// A state file as the emulator wrote it before profile attributes had IDs, with the ID
/// generator at 123456789.
const FILE_WITHOUT_ATTRIBUTE_IDS: &str = r#"{"format_version":1,"id_generator":123456789,"all_subscribers_list_id":1234,"tokens":{},"profile_attributes":[{"object_id":"0c4b6c1e-1f40-4a4e-9d1e-3c6f2a9b8d70","name":"UniqueID","property_type":"string"},{"object_id":"5d2e8f3a-7b61-4c09-a2d4-8e1f0b7c6a53","name":"Region","property_type":"string"}],"data_extensions":[],"definitions":[],"subscribers":[],"events":[],"last_batches":{}}"#;

#[tokio::test]
async fn older_file_gets_attribute_ids() {
    let path = state_path("older-attributes");
    std::fs::write(&path, FILE_WITHOUT_ATTRIBUTE_IDS).unwrap();

    // The IDs are the first two draws of the attribute ID generator started from the
    // file's ID generator position, so every load of the file gives the same IDs.
    let expected = named_ids(&[("UniqueID", 89446), ("Region", 556008)]);
    for _ in 0..2 {
        let (emulator, client) = start(Config::default().state_file(&path)).await;
        assert_eq!(attribute_ids(&client).await, expected);
        emulator.stop().await;
    }

    // A change writes the drawn IDs to the file, with the generator's position after them.
    let (emulator, client) = start(Config::default().state_file(&path)).await;
    create_attribute(&client, "Tier").await;
    emulator.stop().await;
    let (_emulator, client) = start(Config::default().state_file(&path)).await;
    assert_eq!(
        attribute_ids(&client).await,
        named_ids(&[("UniqueID", 89446), ("Region", 556008), ("Tier", 392036)])
    );
    let _ = std::fs::remove_file(&path);
}

/// Returns the SubscriberKey and ID of every subscriber.
async fn subscriber_ids(client: &Client) -> Vec<(String, i32)> {
    let response = client
        .retrieve(&retrieve_request("Subscriber", &["SubscriberKey", "ID"]))
        .await
        .unwrap();
    response
        .results
        .iter()
        .map(|object| match object {
            AnyApiObject::Subscriber(subscriber) => (
                subscriber.subscriber_key.clone().unwrap_or_default(),
                subscriber.id.expect("a subscriber with an ID"),
            ),
            other => panic!("expected a Subscriber, got {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn restart_keeps_subscriber_index() {
    let path = state_path("subscriber-index");
    let (emulator, client) = start(Config::default().state_file(&path)).await;
    fill(&client).await;
    let before = subscriber_ids(&client).await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].0, "a@example.com");
    emulator.stop().await;

    // A send to the same SubscriberKey after a restart updates the loaded subscriber
    // rather than adding a second one.
    let (_emulator, client) = start(Config::default().state_file(&path)).await;
    let send = CreateRequest {
        objects: vec![AnyApiObject::from(TriggeredSend {
            triggered_send_definition: TriggeredSendDefinition {
                customer_key: Some("welcome".to_owned()),
                ..TriggeredSendDefinition::default()
            },
            subscribers: vec![Subscriber {
                email_address: Some("a.new@example.com".to_owned()),
                subscriber_key: Some("a@example.com".to_owned()),
                ..Subscriber::default()
            }],
            ..TriggeredSend::default()
        })],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&send).await.unwrap().overall_status, "OK");
    assert_eq!(subscriber_ids(&client).await, before);
    let _ = std::fs::remove_file(&path);
}

/// Returns the OrderID of every row that `request` retrieves.
async fn order_ids(client: &Client, request: &RetrieveRequestMsg) -> Vec<String> {
    let response = client.retrieve(request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
    response
        .results
        .iter()
        .map(|object| {
            let AnyApiObject::DataExtensionObject(row) = object else {
                panic!("expected a row, got {object:?}");
            };
            let property = &row.properties.as_ref().unwrap().property[0];
            let AnyApiProperty::ApiProperty(property) = property else {
                panic!("expected an APIProperty, got {property:?}");
            };
            property.value.clone()
        })
        .collect()
}

async fn add_order(client: &Client, order_id: &str) {
    let row = AnyApiObject::from(DataExtensionObject {
        name: Some("Orders".to_owned()),
        properties: Some(ObjectExtensionProperties {
            property: vec![AnyApiProperty::from(ApiProperty {
                name: "OrderID".to_owned(),
                value: order_id.to_owned(),
                ..ApiProperty::default()
            })],
            ..ObjectExtensionProperties::default()
        }),
        ..DataExtensionObject::default()
    });
    let create = CreateRequest {
        objects: vec![row],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&create).await.unwrap().overall_status, "OK");
    // The since-last-batch window ends one millisecond before the retrieve, so the row
    // must be older than that.
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
}

#[tokio::test]
async fn repeat_after_restart() {
    let path = state_path("repeat");
    let (emulator, client) = start(Config::default().state_file(&path)).await;
    fill(&client).await;
    let mut batch = retrieve_request("DataExtensionObject[Orders]", &["OrderID"]);
    batch.retrieve_request.retrieve_all_since_last_batch = Some(true);
    let mut repeat = batch.clone();
    repeat.retrieve_request.repeat_last_result = Some(true);

    add_order(&client, "A-18").await;
    assert_eq!(order_ids(&client, &batch).await, ["A-17", "A-18"]);
    add_order(&client, "A-19").await;
    assert_eq!(order_ids(&client, &batch).await, ["A-19"]);
    emulator.stop().await;

    // The repeat after the restart returns the last window only, not every row up to its
    // end, and leaves the mark where it was.
    let (_emulator, client) = start(Config::default().state_file(&path)).await;
    add_order(&client, "A-20").await;
    assert_eq!(order_ids(&client, &repeat).await, ["A-19"]);
    assert_eq!(order_ids(&client, &batch).await, ["A-20"]);
    let _ = std::fs::remove_file(&path);
}
