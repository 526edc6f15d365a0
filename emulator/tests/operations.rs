//! Delete, row Update and Delete, Subscriber, Describe (profile attributes and data
//! extension rows among it), VersionInfo, GetSystemStatus, RetrieveAllSinceLastBatch, the
//! tolerance check and missing required elements, nested ones among them.

mod support;

use sfmc_emulator::{Config, Emulator, TOLERANCE_CHECK_ELEMENT};
use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyCreateResult, AnyDeleteResult, AnyFilterPart,
    AnyPropertyDefinition, AnyUpdateResult, ArrayOfObjectDefinitionRequest, ConfigureRequestMsg,
    ConfigureRequestMsgConfigurations, CreateRequest, DataExtension, DataExtensionField,
    DataExtensionFields, DefinitionRequestMsg, DeleteRequest, ObjectDefinitionRequest, PartnerApi,
    PropertyDefinition, PropertyType, RetrieveRequest, RetrieveRequestMsg, RetrieveResponseMsg,
    SimpleFilterPart, SimpleOperators, Subscriber, SystemStatusRequestMsg, SystemStatusType,
    TriggeredSend, TriggeredSendDefinition, TriggeredSendStatusEnum, UpdateRequest,
    VersionInfoRequestMsg,
};
use sfmc_runtime::client::{Client, RetryPolicy, UsernameToken};
use sfmc_runtime::xml::Nillable;
use support::{orders_row, post_soap11};

async fn start(config: Config) -> (Emulator, Client) {
    let emulator = Emulator::start(config.account("api-user", "pa55word").seed(5))
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

fn retrieve_request(object_type: &str, names: &[&str]) -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: names.iter().map(|name| (*name).to_owned()).collect(),
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

/// Creates the data extension Orders, keyed by OrderID, with the rows A-1 and A-2.
async fn orders(client: &Client, primary_key: bool) {
    let field = |name: &str, key: bool| DataExtensionField {
        name: Some(name.to_owned()),
        is_primary_key: Some(key),
        is_required: Some(key),
        ..DataExtensionField::default()
    };
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(DataExtension {
            name: Some("Orders".to_owned()),
            customer_key: Some("Orders".to_owned()),
            fields: Some(DataExtensionFields {
                field: vec![field("OrderID", primary_key), field("Status", false)],
                ..DataExtensionFields::default()
            }),
            ..DataExtension::default()
        })],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&create).await.unwrap().overall_status, "OK");
    let rows = CreateRequest {
        objects: vec![
            orders_row(&[("OrderID", "A-1"), ("Status", "new")], &[]),
            orders_row(&[("OrderID", "A-2"), ("Status", "new")], &[]),
        ],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&rows).await.unwrap().overall_status, "OK");
}

/// Returns the rows of Orders as (OrderID, Status), sorted.
async fn order_rows(client: &Client) -> Vec<(String, String)> {
    let response = client
        .retrieve(&retrieve_request(
            "DataExtensionObject[Orders]",
            &["OrderID", "Status"],
        ))
        .await
        .unwrap();
    assert_eq!(response.overall_status, "OK");
    let mut rows: Vec<(String, String)> = response
        .results
        .iter()
        .map(|object| {
            let AnyApiObject::DataExtensionObject(row) = object else {
                panic!("expected a row, got {object:?}");
            };
            let value = |name: &str| {
                row.properties
                    .as_ref()
                    .unwrap()
                    .property
                    .iter()
                    .find_map(|property| match property {
                        AnyApiProperty::ApiProperty(property) if property.name == name => {
                            Some(property.value.clone())
                        }
                        _ => None,
                    })
                    .unwrap()
            };
            (value("OrderID"), value("Status"))
        })
        .collect();
    rows.sort();
    rows
}

fn delete_result(response: &sfmc_partner_api::DeleteResponse) -> &sfmc_partner_api::DeleteResult {
    match &response.results[0] {
        AnyDeleteResult::DeleteResult(result) => result,
        other => panic!("expected a DeleteResult, got {other:?}"),
    }
}

fn update_result(response: &sfmc_partner_api::UpdateResponse) -> &sfmc_partner_api::UpdateResult {
    match &response.results[0] {
        AnyUpdateResult::UpdateResult(result) => result,
        other => panic!("expected an UpdateResult, got {other:?}"),
    }
}

#[tokio::test]
async fn delete_data_extension() {
    let (_emulator, client) = start(Config::default()).await;
    orders(&client, true).await;
    let request = DeleteRequest {
        objects: vec![AnyApiObject::from(DataExtension {
            customer_key: Some("Orders".to_owned()),
            ..DataExtension::default()
        })],
        ..DeleteRequest::default()
    };
    let response = client.delete(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK");
    let result = delete_result(&response);
    assert_eq!(result.status_code, "OK");
    assert_eq!(result.status_message, "Data Extension deleted.");
    assert_eq!(result.ordinal_id, Some(0));
    let listed = client
        .retrieve(&retrieve_request("DataExtension", &["Name"]))
        .await
        .unwrap();
    assert!(listed.results.is_empty());

    let again = client.delete(&request).await.unwrap();
    assert_eq!(again.overall_status, "Error");
    assert_eq!(delete_result(&again).error_code, Some(310002));
}

#[tokio::test]
async fn row_update_by_key() {
    let (_emulator, client) = start(Config::default()).await;
    orders(&client, true).await;
    let request = UpdateRequest {
        objects: vec![orders_row(&[("Status", "shipped")], &[("OrderID", "A-1")])],
        ..UpdateRequest::default()
    };
    let response = client.update(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
    assert_eq!(
        update_result(&response).status_message,
        "Updated DataExtensionObject"
    );
    assert_eq!(
        order_rows(&client).await,
        [
            ("A-1".to_owned(), "shipped".to_owned()),
            ("A-2".to_owned(), "new".to_owned())
        ]
    );

    // The key may also travel among the Properties.
    let request = UpdateRequest {
        objects: vec![orders_row(&[("OrderID", "A-2"), ("Status", "held")], &[])],
        ..UpdateRequest::default()
    };
    assert_eq!(client.update(&request).await.unwrap().overall_status, "OK");
    assert_eq!(order_rows(&client).await[1].1, "held");
}

#[tokio::test]
async fn row_update_errors() {
    let (_emulator, client) = start(Config::default()).await;
    orders(&client, true).await;
    let cases = [
        (
            orders_row(&[("Status", "x")], &[("OrderID", "A-9")]),
            310002,
        ),
        (orders_row(&[("Status", "x")], &[]), 310001),
        (
            orders_row(&[("Colour", "x")], &[("OrderID", "A-1")]),
            310006,
        ),
    ];
    for (object, code) in cases {
        let request = UpdateRequest {
            objects: vec![object],
            ..UpdateRequest::default()
        };
        let response = client.update(&request).await.unwrap();
        assert_eq!(response.overall_status, "Error");
        assert_eq!(update_result(&response).error_code, Some(code));
    }
    assert_eq!(order_rows(&client).await[0].1, "new");
}

#[tokio::test]
async fn row_change_needs_primary_key() {
    let (_emulator, client) = start(Config::default()).await;
    orders(&client, false).await;
    let request = DeleteRequest {
        objects: vec![orders_row(&[], &[("OrderID", "A-1")])],
        ..DeleteRequest::default()
    };
    let response = client.delete(&request).await.unwrap();
    assert_eq!(delete_result(&response).error_code, Some(310001));
    assert_eq!(order_rows(&client).await.len(), 2);
}

#[tokio::test]
async fn row_delete_by_key() {
    let (_emulator, client) = start(Config::default()).await;
    orders(&client, true).await;
    let request = DeleteRequest {
        objects: vec![orders_row(&[], &[("OrderID", "A-2")])],
        ..DeleteRequest::default()
    };
    let response = client.delete(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
    assert_eq!(
        order_rows(&client).await,
        [("A-1".to_owned(), "new".to_owned())]
    );
    let again = client.delete(&request).await.unwrap();
    assert_eq!(delete_result(&again).error_code, Some(310002));
}

#[tokio::test]
async fn subscriber_create_retrieve() {
    let (_emulator, client) = start(Config::default()).await;
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(Subscriber {
            email_address: Some("ann@example.com".to_owned()),
            subscriber_key: Some("ann-1".to_owned()),
            ..Subscriber::default()
        })],
        ..CreateRequest::default()
    };
    let response = client.create(&create).await.unwrap();
    assert_eq!(response.overall_status, "OK");
    let AnyCreateResult::CreateResult(result) = &response.results[0] else {
        panic!("expected a CreateResult, got {:?}", response.results[0]);
    };
    assert_eq!(result.status_message, "Created Subscriber.");
    let new_id = result.new_id;
    assert!(new_id > 0);

    let mut request = retrieve_request("Subscriber", &["ID", "SubscriberKey", "EmailAddress"]);
    request.retrieve_request.filter = Some(AnyFilterPart::from(SimpleFilterPart {
        property: "SubscriberKey".to_owned(),
        simple_operator: SimpleOperators::Equals,
        value: vec!["ann-1".to_owned()],
        ..SimpleFilterPart::default()
    }));
    let found = client.retrieve(&request).await.unwrap();
    assert_eq!(found.results.len(), 1);
    let AnyApiObject::Subscriber(subscriber) = &found.results[0] else {
        panic!("expected a Subscriber, got {:?}", found.results[0]);
    };
    assert_eq!(subscriber.id, Some(new_id));
    assert_eq!(subscriber.email_address.as_deref(), Some("ann@example.com"));

    let duplicate = client.create(&create).await.unwrap();
    assert_eq!(duplicate.overall_status, "Error");
    let AnyCreateResult::CreateResult(result) = &duplicate.results[0] else {
        panic!("expected a CreateResult, got {:?}", duplicate.results[0]);
    };
    assert_eq!(result.error_code, Some(12014));
    assert_eq!(
        result.status_message,
        "The subscriber is already on the list"
    );
}

fn describe_request(object_type: &str) -> DefinitionRequestMsg {
    DefinitionRequestMsg {
        describe_requests: Some(ArrayOfObjectDefinitionRequest {
            object_definition_request: vec![Nillable::Value(ObjectDefinitionRequest {
                object_type: Some(object_type.to_owned()),
                ..ObjectDefinitionRequest::default()
            })],
            ..ArrayOfObjectDefinitionRequest::default()
        }),
        ..DefinitionRequestMsg::default()
    }
}

#[tokio::test]
async fn describe_object_types() {
    let (_emulator, client) = start(Config::default()).await;
    let response = client
        .describe(&describe_request("ClickEvent"))
        .await
        .unwrap();
    assert_eq!(response.object_definition.len(), 1);
    let definition = &response.object_definition[0];
    assert_eq!(definition.object_type.as_deref(), Some("ClickEvent"));
    assert_eq!(definition.is_retrievable, Some(true));
    assert_eq!(definition.is_creatable, Some(false));
    let names: Vec<&str> = definition
        .properties
        .iter()
        .map(|property| match property {
            AnyPropertyDefinition::PropertyDefinition(property) => {
                property.name.as_deref().unwrap()
            }
            other => panic!("expected a PropertyDefinition, got {other:?}"),
        })
        .collect();
    assert!(names.contains(&"URL"), "{names:?}");
    assert!(names.contains(&"URLID"), "{names:?}");
    assert!(names.contains(&"SubscriberID"), "{names:?}");

    let response = client
        .describe(&describe_request("TriggeredSendDefinition"))
        .await
        .unwrap();
    assert_eq!(response.object_definition[0].is_updatable, Some(true));

    let error = client
        .describe(&describe_request("Nonsense"))
        .await
        .expect_err("an unknown type should fail");
    assert_eq!(
        error.fault().map(|fault| fault.message.as_str()),
        Some(
            "Unable to find a handler for object type: Nonsense. Object types are case-sensitive, check spelling."
        )
    );
}

#[tokio::test]
async fn version_and_system_status() {
    let (_emulator, client) = start(Config::default()).await;
    let version = client
        .version_info(&VersionInfoRequestMsg::default())
        .await
        .unwrap();
    assert_eq!(version.version_info.version, env!("CARGO_PKG_VERSION"));
    assert!(version.request_id.is_some());

    let status = client
        .get_system_status(&SystemStatusRequestMsg::default())
        .await
        .unwrap();
    assert_eq!(status.overall_status, "OK");
    let results = status.results.expect("a Results element").result;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].system_status, SystemStatusType::Ok);
}

/// Creates an Active definition and sends it to `email`.
async fn send(client: &Client, email: &str) {
    let activate = UpdateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some("welcome".to_owned()),
            triggered_send_status: Some(TriggeredSendStatusEnum::Active),
            ..TriggeredSendDefinition::default()
        })],
        ..UpdateRequest::default()
    };
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some("welcome".to_owned()),
            ..TriggeredSendDefinition::default()
        })],
        ..CreateRequest::default()
    };
    // The definition exists after the first call, so later creates fail harmlessly.
    client.create(&create).await.unwrap();
    assert_eq!(client.update(&activate).await.unwrap().overall_status, "OK");
    let request = CreateRequest {
        objects: vec![AnyApiObject::from(TriggeredSend {
            triggered_send_definition: TriggeredSendDefinition {
                customer_key: Some("welcome".to_owned()),
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
    assert_eq!(client.create(&request).await.unwrap().overall_status, "OK");
}

#[tokio::test]
async fn since_last_batch() {
    let (_emulator, client) = start(Config::default()).await;
    let mut request = retrieve_request("SentEvent", &["SubscriberKey"]);
    request.retrieve_request.retrieve_all_since_last_batch = Some(true);
    let keys = |response: sfmc_partner_api::RetrieveResponseMsg| -> Vec<String> {
        response
            .results
            .into_iter()
            .map(|object| match object {
                AnyApiObject::SentEvent(event) => event.subscriber_key.unwrap(),
                other => panic!("expected a SentEvent, got {other:?}"),
            })
            .collect()
    };

    send(&client, "a@example.com").await;
    // A retrieve covers events up to the millisecond before it, so the send's event needs
    // to be a millisecond old.
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    assert_eq!(
        keys(client.retrieve(&request).await.unwrap()),
        ["a@example.com"]
    );
    assert!(keys(client.retrieve(&request).await.unwrap()).is_empty());
    send(&client, "b@example.com").await;
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    assert_eq!(
        keys(client.retrieve(&request).await.unwrap()),
        ["b@example.com"]
    );

    // A retrieve with other properties has a mark of its own.
    let mut other = retrieve_request("SentEvent", &["SubscriberKey", "SendID"]);
    other.retrieve_request.retrieve_all_since_last_batch = Some(true);
    assert_eq!(client.retrieve(&other).await.unwrap().results.len(), 2);
    // Without the option, every row comes back.
    let plain = retrieve_request("SentEvent", &["SubscriberKey"]);
    assert_eq!(client.retrieve(&plain).await.unwrap().results.len(), 2);
}

#[tokio::test]
async fn tolerance_check_element() {
    let (emulator, client) = start(Config::default().tolerance_check(true)).await;
    send(&client, "a@example.com").await;
    let response = client
        .retrieve(&retrieve_request("SentEvent", &["SubscriberKey"]))
        .await
        .expect("the client should ignore the unknown element");
    let AnyApiObject::SentEvent(event) = &response.results[0] else {
        panic!("expected a SentEvent, got {:?}", response.results[0]);
    };
    assert_eq!(event.subscriber_key.as_deref(), Some("a@example.com"));
    assert_eq!(event.extra.elements.len(), 1);
    assert_eq!(event.extra.elements[0].name.name, TOLERANCE_CHECK_ELEMENT);

    let body = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>SentEvent</ObjectType><Properties>SubscriberKey</Properties></RetrieveRequest></RetrieveRequestMsg></soap:Body></soap:Envelope>"#;
    let answer = post_soap11(&emulator.soap_url(), "Retrieve", body.to_owned()).await;
    assert!(
        answer.body.contains(
            "<SubscriberKey>a@example.com</SubscriberKey><EmulatorToleranceCheck>true</EmulatorToleranceCheck></Results>"
        ),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn missing_required_element_faults() {
    let (emulator, _client) = start(Config::default()).await;
    let envelope = |inner: &str| {
        format!(
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body>{inner}</soap:Body></soap:Envelope>"#
        )
    };
    let inner = r#"<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"/>"#;
    let body = envelope(inner);
    let column = body.find("<RetrieveRequestMsg").unwrap() + 1;
    let answer = post_soap11(&emulator.soap_url(), "Retrieve", body).await;
    assert_eq!(answer.status, 500, "{}", answer.body);
    assert!(
        answer.body.contains("<faultcode>soap:Client</faultcode>"),
        "{}",
        answer.body
    );
    let message = format!(
        "The element RetrieveRequest of RetrieveRequestMsg is missing (line 1, column {column})."
    );
    assert!(answer.body.contains(&message), "{}", answer.body);
}

/// The WSDL requires Options in a Create, but working clients leave it out, and the service
/// accepts that.
#[tokio::test]
async fn create_without_options_accepted() {
    let (emulator, _client) = start(Config::default()).await;
    let body = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><CreateRequest xmlns="http://exacttarget.com/wsdl/partnerAPI"><Objects xsi:type="Subscriber"><EmailAddress>o@example.com</EmailAddress><SubscriberKey>o@example.com</SubscriberKey></Objects></CreateRequest></soap:Body></soap:Envelope>"#;
    let answer = post_soap11(&emulator.soap_url(), "Create", body.to_owned()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains("<StatusCode>OK</StatusCode>"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("<OverallStatus>OK</OverallStatus>"),
        "{}",
        answer.body
    );
}

/// Creates the profile attributes `attributes`, given as name and PropertyType, through
/// Configure.
async fn profile_attributes(client: &Client, attributes: &[(&str, PropertyType)]) {
    let request = ConfigureRequestMsg {
        action: Some("Create".to_owned()),
        configurations: Some(ConfigureRequestMsgConfigurations {
            configuration: attributes
                .iter()
                .map(|(name, property_type)| {
                    AnyApiObject::from(PropertyDefinition {
                        name: Some((*name).to_owned()),
                        property_type: Some(property_type.clone()),
                        ..PropertyDefinition::default()
                    })
                })
                .collect(),
            ..ConfigureRequestMsgConfigurations::default()
        }),
        ..ConfigureRequestMsg::default()
    };
    let response = client.configure(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
}

fn property_definition(property: &AnyPropertyDefinition) -> &PropertyDefinition {
    match property {
        AnyPropertyDefinition::PropertyDefinition(property) => property,
        other => panic!("expected a PropertyDefinition, got {other:?}"),
    }
}

#[tokio::test]
async fn describe_subscriber_profile_attributes() {
    let (emulator, client) = start(Config::default()).await;
    let response = client
        .describe(&describe_request("Subscriber"))
        .await
        .unwrap();
    let definition = &response.object_definition[0];
    assert_eq!(definition.extended_properties, None);
    assert!(definition.child_objects.is_empty());

    profile_attributes(
        &client,
        &[
            ("UniqueID", PropertyType::String),
            ("Loyalty Points", PropertyType::Double),
        ],
    )
    .await;
    let response = client
        .describe(&describe_request("Subscriber"))
        .await
        .unwrap();
    let definition = &response.object_definition[0];
    let extended = &definition
        .extended_properties
        .as_ref()
        .expect("an ExtendedProperties element")
        .extended_property;
    // The IDs are the first two draws of the attribute ID generator for seed 5.
    let expected = [
        ("UniqueID", 48105, "text", PropertyType::String, 1),
        ("Loyalty Points", 397733, "decimal", PropertyType::Double, 2),
    ];
    assert_eq!(extended.len(), expected.len());
    for (property, (name, id, data_type, property_type, order)) in extended.iter().zip(expected) {
        let property = property_definition(property);
        assert_eq!(property.name.as_deref(), Some(name));
        assert_eq!(property.id, Some(id));
        assert_eq!(property.data_type.as_deref(), Some(data_type));
        assert_eq!(property.property_type, Some(property_type));
        assert_eq!(property.display_order, Some(order));
        assert_eq!(property.is_account_property, Some(false));
        assert_eq!(property.is_required, Some(false));
        assert_eq!(property.is_viewable, Some(true));
        assert_eq!(property.is_editable, Some(true));
        assert_eq!(property.partner_key, Some(Nillable::Nil));
    }

    let children: Vec<(&str, Option<i32>, &str, &str)> = definition
        .child_objects
        .iter()
        .map(|child| {
            let property = property_definition(&child.properties[0]);
            let AnyApiProperty::ApiProperty(markup) = &property.markups[0] else {
                panic!("expected an APIProperty, got {:?}", property.markups[0]);
            };
            assert_eq!(markup.name, "SubstitutionString");
            (
                child.name.as_deref().unwrap(),
                property.id,
                property.name.as_deref().unwrap(),
                markup.value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        children,
        [
            ("Attributes", Some(48105), "UniqueID", "%%UniqueID%%"),
            (
                "Attributes",
                Some(397733),
                "Loyalty Points",
                "%%Loyalty Points%%"
            )
        ]
    );

    // On the wire the attributes follow the Properties, as in the service's response.
    let body = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><DefinitionRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><DescribeRequests><ObjectDefinitionRequest><ObjectType>Subscriber</ObjectType></ObjectDefinitionRequest></DescribeRequests></DefinitionRequestMsg></soap:Body></soap:Envelope>"#;
    let answer = post_soap11(&emulator.soap_url(), "Describe", body.to_owned()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains(
            r#"</Properties><ExtendedProperties><ExtendedProperty xsi:type="PropertyDefinition"><PartnerKey xsi:nil="true"/><ID>48105</ID><ObjectID xsi:nil="true"/><Name>UniqueID</Name><DataType>text</DataType><PropertyType>string</PropertyType><IsAccountProperty>false</IsAccountProperty>"#
        ),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn describe_data_extension_rows() {
    let (_emulator, client) = start(Config::default()).await;
    orders(&client, true).await;

    let response = client
        .describe(&describe_request("DataExtensionObject[Orders]"))
        .await
        .unwrap();
    let definition = &response.object_definition[0];
    assert_eq!(
        definition.object_type.as_deref(),
        Some("DataExtensionObject[Orders]")
    );
    assert_eq!(definition.is_retrievable, Some(true));
    assert_eq!(definition.is_creatable, Some(true));
    assert_eq!(definition.is_updatable, Some(true));
    let columns: Vec<(&str, &str, Option<bool>)> = definition
        .properties
        .iter()
        .map(property_definition)
        .map(|column| {
            (
                column.name.as_deref().unwrap(),
                column.data_type.as_deref().unwrap(),
                column.is_required,
            )
        })
        .collect();
    assert_eq!(
        columns,
        [
            ("OrderID", "Text", Some(true)),
            ("Status", "Text", Some(false))
        ]
    );

    let response = client
        .describe(&describe_request("DataExtensionObject"))
        .await
        .unwrap();
    let definition = &response.object_definition[0];
    assert_eq!(definition.is_retrievable, Some(false));
    let names: Vec<&str> = definition
        .properties
        .iter()
        .map(|property| property_definition(property).name.as_deref().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ObjectID", "CustomerKey", "Name", "Properties", "Keys"]
    );

    let error = client
        .describe(&describe_request("DataExtensionObject[Returns]"))
        .await
        .expect_err("an unknown data extension should fail");
    let fault = error.fault().expect("a SOAP fault");
    assert_eq!(
        fault.message,
        "The data extension 'Returns' does not exist."
    );
    assert_eq!(fault.api_fault.as_ref().map(|detail| detail.code), Some(2));
}

/// Wraps `body` in a SOAP 1.1 envelope with the test account's UsernameToken.
fn authenticated_envelope(body: &str) -> String {
    format!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>"#
    )
}

#[tokio::test]
async fn missing_nested_element_faults() {
    let (emulator, _client) = start(Config::default()).await;
    let send = |subscriber: &str| {
        format!(
            r#"<CreateRequest xmlns="http://exacttarget.com/wsdl/partnerAPI"><Options/><Objects xsi:type="TriggeredSend"><TriggeredSendDefinition><CustomerKey>welcome</CustomerKey></TriggeredSendDefinition><Subscribers><EmailAddress>a@example.com</EmailAddress><SubscriberKey>a</SubscriberKey></Subscribers><Subscribers>{subscriber}</Subscribers></Objects></CreateRequest>"#
        )
    };
    let cases = [
        (
            "Create",
            send("<EmailAddress>b@example.com</EmailAddress><Attributes><Name>UniqueID</Name><Value>u-1</Value></Attributes><Attributes><Name>Tier</Name></Attributes>"),
            "Value", "CreateRequest/Objects/Subscribers[2]/Attributes[2]", "<Attributes><Name>Tier",
        ),
        (
            "Create",
            r#"<CreateRequest xmlns="http://exacttarget.com/wsdl/partnerAPI"><Options/><Objects xsi:type="TriggeredSend"><Subscribers><EmailAddress>a@example.com</EmailAddress></Subscribers></Objects></CreateRequest>"#.to_owned(),
            "TriggeredSendDefinition", "CreateRequest/Objects", r#"<Objects xsi:type="TriggeredSend"><Subscribers>"#,
        ),
        (
            "Create",
            r#"<CreateRequest xmlns="http://exacttarget.com/wsdl/partnerAPI"><Options/><Objects xsi:type="DataExtensionObject"><CustomerKey>Orders</CustomerKey><Properties><Property><Name>OrderID</Name><Value>A-1</Value></Property></Properties></Objects><Objects xsi:type="DataExtensionObject"><CustomerKey>Orders</CustomerKey><Properties><Property><Value>A-2</Value></Property></Properties></Objects></CreateRequest>"#.to_owned(),
            "Name", "CreateRequest/Objects[2]/Properties/Property", "<Property><Value>A-2",
        ),
        (
            "Delete",
            r#"<DeleteRequest xmlns="http://exacttarget.com/wsdl/partnerAPI"><Options/><Objects xsi:type="DataExtensionObject"><CustomerKey>Orders</CustomerKey><Keys><Key><Name>OrderID</Name></Key></Keys></Objects></DeleteRequest>"#.to_owned(),
            "Value", "DeleteRequest/Objects/Keys/Key", "<Key><Name>OrderID",
        ),
        (
            "Update",
            r#"<UpdateRequest xmlns="http://exacttarget.com/wsdl/partnerAPI"><Options><SaveOptions><SaveOption><PropertyName>*</PropertyName></SaveOption></SaveOptions></Options><Objects xsi:type="DataExtension"><CustomerKey>Orders</CustomerKey></Objects></UpdateRequest>"#.to_owned(),
            "SaveAction", "UpdateRequest/Options/SaveOptions/SaveOption", "<SaveOption>",
        ),
        (
            "Retrieve",
            r#"<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>SentEvent</ObjectType><Properties>SendID</Properties><Filter xsi:type="ComplexFilterPart"><LeftOperand xsi:type="SimpleFilterPart"><Property>SendID</Property><SimpleOperator>equals</SimpleOperator><Value>1</Value></LeftOperand><LogicalOperator>AND</LogicalOperator><RightOperand xsi:type="ComplexFilterPart"><LeftOperand xsi:type="SimpleFilterPart"><Property>BatchID</Property><SimpleOperator>equals</SimpleOperator><Value>1</Value></LeftOperand><LogicalOperator>AND</LogicalOperator><RightOperand xsi:type="SimpleFilterPart"><Property>SubscriberID</Property><Value>7</Value></RightOperand></RightOperand></Filter></RetrieveRequest></RetrieveRequestMsg>"#.to_owned(),
            "SimpleOperator", "RetrieveRequestMsg/RetrieveRequest/Filter/RightOperand/RightOperand", r#"<RightOperand xsi:type="SimpleFilterPart"><Property>SubscriberID"#,
        ),
        (
            "Retrieve",
            r#"<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>SentEvent</ObjectType><Properties>SendID</Properties><Filter xsi:type="ComplexFilterPart"><LogicalOperator>OR</LogicalOperator><RightOperand xsi:type="SimpleFilterPart"><Property>SendID</Property><SimpleOperator>equals</SimpleOperator><Value>1</Value></RightOperand></Filter></RetrieveRequest></RetrieveRequestMsg>"#.to_owned(),
            "LeftOperand", "RetrieveRequestMsg/RetrieveRequest/Filter", r#"<Filter xsi:type="ComplexFilterPart"><LogicalOperator>OR"#,
        ),
    ];
    // Each case names the absent element, its parent's path and text where the parent's
    // start tag begins, which gives the column the fault reports.
    for (action, inner, name, path, parent_start) in cases {
        let envelope = authenticated_envelope(&inner);
        let column = envelope.find(parent_start).expect("the parent's start tag") + 1;
        let answer = post_soap11(&emulator.soap_url(), action, envelope).await;
        assert_eq!(answer.status, 500, "{action}: {}", answer.body);
        let expected = format!(
            "<faultcode>soap:Client</faultcode><faultstring>Server was unable to read request. ---&gt; There is an error in the XML document. ---&gt; The element {name} of {path} is missing (line 1, column {column}).</faultstring>"
        );
        assert!(
            answer.body.contains(&expected),
            "{action}: expected {expected} in {}",
            answer.body
        );
    }
}

#[tokio::test]
async fn continuation_without_object_type() {
    let (emulator, _client) = start(Config::default()).await;
    let inner = r#"<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ContinueRequest>no-such-request</ContinueRequest></RetrieveRequest></RetrieveRequestMsg>"#;
    let answer = post_soap11(
        &emulator.soap_url(),
        "Retrieve",
        authenticated_envelope(inner),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let response: RetrieveResponseMsg = support::body(&answer.body);
    assert_eq!(
        response.overall_status,
        "Error: The ContinueRequest 'no-such-request' does not name a retrieve with more data."
    );
}
