//! The emulator driven through the runtime's `Client` and the generated `PartnerApi`
//! methods, plus raw requests for what a client never sends.

mod support;

use std::time::Duration;

use sfmc_emulator::{Config, Emulator, TRIGGERED_SEND_TEMPLATE_OBJECT_ID};
use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyCreateResult, AnyFilterPart, ApiProperty, Attribute,
    ComplexFilterPart, ComplexFilterPartAdditionalOperands, CreateRequest, DataExtension,
    DataExtensionField, DataExtensionFieldType, DataExtensionFields, DataExtensionObject,
    DataExtensionTemplate, LogicalOperators, ObjectExtensionProperties, PartnerApi,
    RetrieveOptions, RetrieveRequest, RetrieveRequestMsg, SimpleFilterPart, SimpleOperators,
    Subscriber, TriggeredSend, TriggeredSendDefinition, TriggeredSendStatusEnum, UpdateRequest,
};
use sfmc_runtime::client::{
    AccessToken, Client, ClientCredentials, Error, RetryPolicy, UsernameToken,
};
use support::{post, post_soap11};

async fn start(config: Config) -> Emulator {
    Emulator::start(config.account("api-user", "pa55word").seed(7))
        .await
        .expect("the emulator should start")
}

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(UsernameToken::new("api-user", "pa55word"))
        .retry(RetryPolicy::none())
        .build()
        .expect("the client should build")
}

fn simple(property: &str, operator: SimpleOperators, values: &[&str]) -> AnyFilterPart {
    AnyFilterPart::from(SimpleFilterPart {
        property: property.to_owned(),
        simple_operator: operator,
        value: values.iter().map(|value| (*value).to_owned()).collect(),
        ..SimpleFilterPart::default()
    })
}

fn complex(operator: LogicalOperators, operands: Vec<AnyFilterPart>) -> AnyFilterPart {
    let mut operands = operands.into_iter();
    let left = operands.next().expect("a left operand");
    let right = operands.next();
    let additional: Vec<AnyFilterPart> = operands.collect();
    AnyFilterPart::from(ComplexFilterPart {
        left_operand: left,
        logical_operator: operator,
        right_operand: right,
        additional_operands: (!additional.is_empty()).then(|| {
            ComplexFilterPartAdditionalOperands {
                operand: additional,
                ..ComplexFilterPartAdditionalOperands::default()
            }
        }),
        ..ComplexFilterPart::default()
    })
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

fn row_value(object: &AnyApiObject, name: &str) -> Option<String> {
    let AnyApiObject::DataExtensionObject(row) = object else {
        panic!("expected a DataExtensionObject, got {object:?}");
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

fn field(name: &str, kind: DataExtensionFieldType) -> DataExtensionField {
    DataExtensionField {
        name: Some(name.to_owned()),
        field_type: Some(kind),
        ..DataExtensionField::default()
    }
}

/// Creates the data extension `name` with the columns given, and one row per entry.
async fn data_extension_with_rows(
    client: &Client,
    name: &str,
    fields: Vec<DataExtensionField>,
    rows: &[Vec<(&str, String)>],
) {
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(DataExtension {
            name: Some(name.to_owned()),
            customer_key: Some(name.to_owned()),
            fields: Some(DataExtensionFields {
                field: fields,
                ..DataExtensionFields::default()
            }),
            ..DataExtension::default()
        })],
        ..CreateRequest::default()
    };
    let response = client
        .create(&create)
        .await
        .expect("the create should succeed");
    assert_eq!(response.overall_status, "OK");
    let objects = rows
        .iter()
        .map(|row| {
            AnyApiObject::from(DataExtensionObject {
                name: Some(name.to_owned()),
                properties: Some(ObjectExtensionProperties {
                    property: row
                        .iter()
                        .map(|(column, value)| {
                            AnyApiProperty::from(ApiProperty {
                                name: (*column).to_owned(),
                                value: value.clone(),
                                ..ApiProperty::default()
                            })
                        })
                        .collect(),
                    ..ObjectExtensionProperties::default()
                }),
                ..DataExtensionObject::default()
            })
        })
        .collect();
    let response = client
        .create(&CreateRequest {
            objects,
            ..CreateRequest::default()
        })
        .await
        .expect("the rows should be created");
    assert_eq!(response.overall_status, "OK");
}

#[tokio::test]
async fn login_failed_fault() {
    let emulator = start(Config::default()).await;
    let client = Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(UsernameToken::new("api-user", "wrong"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .retrieve(&retrieve_request("DataExtensionTemplate", &["Name"], None))
        .await
        .expect_err("a wrong password should fail");
    let Error::Authentication(fault) = error else {
        panic!("expected an authentication error, got {error:?}");
    };
    assert_eq!(fault.status, 500);
    assert_eq!(fault.message, "Login failed");
    assert!(fault.is_security());
}

#[tokio::test]
async fn oauth_client_credentials() {
    let emulator = start(Config::default().oauth_client("client-1", "s3cret")).await;
    let client = Client::builder()
        .auth_endpoint(emulator.url())
        .credentials(ClientCredentials::new("client-1", "s3cret"))
        .build()
        .unwrap();
    let filter = simple(
        "Name",
        SimpleOperators::Equals,
        &["TriggeredSendDataExtension"],
    );
    let response = client
        .retrieve(&retrieve_request(
            "DataExtensionTemplate",
            &["Name", "ObjectID"],
            Some(filter),
        ))
        .await
        .expect("the retrieve should succeed");
    assert_eq!(response.overall_status, "OK");
    assert_eq!(response.results.len(), 1);
    let AnyApiObject::DataExtensionTemplate(template) = &response.results[0] else {
        panic!("expected a template");
    };
    assert_eq!(template.name.as_deref(), Some("TriggeredSendDataExtension"));
    assert_eq!(
        template.object_id,
        Some(sfmc_runtime::xml::Nillable::Value(
            TRIGGERED_SEND_TEMPLATE_OBJECT_ID.to_owned()
        ))
    );
}

#[tokio::test]
async fn oauth_invalid_client() {
    let emulator = start(Config::default().oauth_client("client-1", "s3cret")).await;
    let body =
        r#"{"grant_type":"client_credentials","client_id":"client-1","client_secret":"nope"}"#;
    let answer = post(
        &format!("{}/v2/token", emulator.url()),
        &[("content-type", "application/json")],
        body.to_owned(),
    )
    .await;
    assert_eq!(answer.status, 401);
    assert!(
        answer.body.contains(r#""error":"invalid_client""#),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn token_expired_fault() {
    let config = Config::default()
        .oauth_client("client-1", "s3cret")
        .token_lifetime(Duration::ZERO);
    let emulator = start(config).await;
    let body =
        r#"{"grant_type":"client_credentials","client_id":"client-1","client_secret":"s3cret"}"#;
    let answer = post(
        &format!("{}/v2/token", emulator.url()),
        &[("content-type", "application/json")],
        body.to_owned(),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains(r#""expires_in":0"#), "{}", answer.body);
    let token = answer
        .body
        .split(r#""access_token":""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();

    let client = Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(AccessToken::new(token))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .retrieve(&retrieve_request("DataExtensionTemplate", &["Name"], None))
        .await
        .expect_err("an expired token should fail");
    let Error::Authentication(fault) = error else {
        panic!("expected an authentication error, got {error:?}");
    };
    assert_eq!(fault.status, 500);
    assert!(fault.is_token_expired(), "{fault:?}");
}

#[tokio::test]
async fn paging_three_pages() {
    let emulator = start(Config::default()).await;
    let client = client(&emulator);
    let rows: Vec<Vec<(&str, String)>> = (0..6000).map(|n| vec![("N", n.to_string())]).collect();
    data_extension_with_rows(
        &client,
        "Numbers",
        vec![field("N", DataExtensionFieldType::Number)],
        &rows,
    )
    .await;

    let mut request = retrieve_request("DataExtensionObject[Numbers]", &["N"], None);
    let first = client.retrieve(&request).await.unwrap();
    assert_eq!(first.overall_status, "MoreDataAvailable");
    assert_eq!(first.results.len(), 2500);
    assert_eq!(row_value(&first.results[0], "N").as_deref(), Some("0"));

    request.retrieve_request = RetrieveRequest {
        continue_request: first.request_id.clone(),
        ..RetrieveRequest::default()
    };
    let second = client.retrieve(&request).await.unwrap();
    assert_eq!(second.overall_status, "MoreDataAvailable");
    assert_eq!(second.results.len(), 2500);
    assert_eq!(row_value(&second.results[0], "N").as_deref(), Some("2500"));
    assert_ne!(second.request_id, first.request_id);

    request.retrieve_request.continue_request = second.request_id.clone();
    let third = client.retrieve(&request).await.unwrap();
    assert_eq!(third.overall_status, "OK");
    assert_eq!(third.results.len(), 1000);
    assert_eq!(row_value(&third.results[999], "N").as_deref(), Some("5999"));
}

#[tokio::test]
async fn paging_batch_size() {
    let emulator = start(Config::default()).await;
    let client = client(&emulator);
    let rows: Vec<Vec<(&str, String)>> = (0..5).map(|n| vec![("N", n.to_string())]).collect();
    data_extension_with_rows(
        &client,
        "Five",
        vec![field("N", DataExtensionFieldType::Number)],
        &rows,
    )
    .await;
    let mut request = retrieve_request("DataExtensionObject[Five]", &["N"], None);
    request.retrieve_request.options = Some(RetrieveOptions {
        batch_size: Some(2),
        ..RetrieveOptions::default()
    });
    let first = client.retrieve(&request).await.unwrap();
    assert_eq!(first.overall_status, "MoreDataAvailable");
    assert_eq!(first.results.len(), 2);
}

/// Names of the rows of `People` that `filter` selects.
async fn people(client: &Client, filter: AnyFilterPart) -> Vec<String> {
    let response = client
        .retrieve(&retrieve_request(
            "DataExtensionObject[People]",
            &["Name"],
            Some(filter),
        ))
        .await
        .expect("the retrieve should succeed");
    assert_eq!(response.overall_status, "OK");
    response
        .results
        .iter()
        .filter_map(|row| row_value(row, "Name"))
        .collect()
}

async fn people_emulator() -> (Emulator, Client) {
    let emulator = start(Config::default()).await;
    let client = client(&emulator);
    let rows = vec![
        vec![
            ("Name", "Ann".to_owned()),
            ("Score", "10".to_owned()),
            ("Joined", "2024-03-01T10:00:00".to_owned()),
            ("Email", "ann@example.com".to_owned()),
        ],
        vec![
            ("Name", "Bob".to_owned()),
            ("Score", "25".to_owned()),
            ("Joined", "2025-03-01T10:00:00".to_owned()),
            ("Email", "bob@test.org".to_owned()),
        ],
        vec![
            ("Name", "Cy".to_owned()),
            ("Score", "40".to_owned()),
            ("Joined", "2025-07-15T08:30:00".to_owned()),
        ],
    ];
    let fields = vec![
        field("Name", DataExtensionFieldType::Text),
        field("Score", DataExtensionFieldType::Number),
        field("Joined", DataExtensionFieldType::Date),
        field("Email", DataExtensionFieldType::EmailAddress),
    ];
    data_extension_with_rows(&client, "People", fields, &rows).await;
    (emulator, client)
}

#[tokio::test]
async fn filter_every_operator() {
    let (_emulator, client) = people_emulator().await;
    use SimpleOperators as Op;
    let cases: Vec<(AnyFilterPart, &[&str])> = vec![
        (simple("Name", Op::Equals, &["bob"]), &["Bob"]),
        (simple("Name", Op::NotEquals, &["Bob"]), &["Ann", "Cy"]),
        (simple("Score", Op::GreaterThan, &["10"]), &["Bob", "Cy"]),
        (simple("Score", Op::LessThan, &["25"]), &["Ann"]),
        (
            simple("Score", Op::GreaterThanOrEqual, &["25"]),
            &["Bob", "Cy"],
        ),
        (
            simple("Score", Op::LessThanOrEqual, &["25"]),
            &["Ann", "Bob"],
        ),
        (simple("Score", Op::Between, &["11", "40"]), &["Bob", "Cy"]),
        (
            simple("Name", Op::In, &["Ann", "Cy", "Dee"]),
            &["Ann", "Cy"],
        ),
        (simple("Email", Op::Like, &["%@example.com"]), &["Ann"]),
        (simple("Email", Op::IsNull, &[]), &["Cy"]),
        (simple("Email", Op::IsNotNull, &[]), &["Ann", "Bob"]),
        (simple("Email", Op::Contains, &["TEST"]), &["Bob"]),
        (simple("Email", Op::NotContains, &["test"]), &["Ann", "Cy"]),
        (simple("Email", Op::ExistsInString, &["example"]), &["Ann"]),
        (
            simple("Email", Op::NotExistsInString, &["example"]),
            &["Bob", "Cy"],
        ),
        (
            simple("Email", Op::ExistsInStringAsAWord, &["test"]),
            &["Bob"],
        ),
        (simple("Name", Op::BeginsWith, &["b"]), &["Bob"]),
        (simple("Email", Op::EndsWith, &[".org"]), &["Bob"]),
        (
            simple("Joined", Op::GreaterThan, &["2025-01-01T00:00:00-06:00"]),
            &["Bob", "Cy"],
        ),
        (
            simple("Joined", Op::IsAnniversary, &["2020-03-01T00:00:00"]),
            &["Ann", "Bob"],
        ),
        (
            simple("Joined", Op::IsNotAnniversary, &["2020-03-01T00:00:00"]),
            &["Cy"],
        ),
        (
            simple(
                "Joined",
                Op::GreaterThanAnniversary,
                &["2020-06-01T00:00:00"],
            ),
            &["Cy"],
        ),
        (
            simple("Joined", Op::LessThanAnniversary, &["2020-06-01T00:00:00"]),
            &["Ann", "Bob"],
        ),
    ];
    for (filter, expected) in cases {
        let operator = match &filter {
            AnyFilterPart::SimpleFilterPart(part) => part.simple_operator.as_str().to_owned(),
            _ => String::new(),
        };
        assert_eq!(
            people(&client, filter).await,
            expected,
            "operator {operator}"
        );
    }
}

#[tokio::test]
async fn filter_date_value() {
    let (_emulator, client) = people_emulator().await;
    let filter = AnyFilterPart::from(SimpleFilterPart {
        property: "Joined".to_owned(),
        simple_operator: SimpleOperators::LessThan,
        date_value: vec!["2025-03-01T10:00:00-06:00".parse().unwrap()],
        ..SimpleFilterPart::default()
    });
    assert_eq!(people(&client, filter).await, ["Ann"]);
}

#[tokio::test]
async fn filter_nested_complex() {
    let (_emulator, client) = people_emulator().await;
    use SimpleOperators as Op;
    // Name = Ann OR (Score > 20 AND Score < 30): Ann and Bob.
    let nested = complex(
        LogicalOperators::Or,
        vec![
            simple("Name", Op::Equals, &["Ann"]),
            complex(
                LogicalOperators::And,
                vec![
                    simple("Score", Op::GreaterThan, &["20"]),
                    simple("Score", Op::LessThan, &["30"]),
                ],
            ),
        ],
    );
    assert_eq!(people(&client, nested).await, ["Ann", "Bob"]);
    // AdditionalOperands join the left and right operands under the same operator.
    let three = complex(
        LogicalOperators::And,
        vec![
            simple("Score", Op::GreaterThan, &["5"]),
            simple("Email", Op::IsNotNull, &[]),
            simple("Name", Op::NotEquals, &["Ann"]),
        ],
    );
    assert_eq!(people(&client, three).await, ["Bob"]);
}

#[tokio::test]
async fn retrieve_error_statuses() {
    let (_emulator, client) = people_emulator().await;
    let cases = [
        (
            retrieve_request("DeliveryProfile", &["Name"], None),
            "Error: Unable to find a handler for object type: DeliveryProfile. Object types are case-sensitive, check spelling.",
        ),
        (
            retrieve_request("DataExtensionObject[People]", &["ObjectID"], None),
            "Error: The Request Property(s) ObjectID do not match with the fields of DataExtensionObject retrieve",
        ),
        (
            retrieve_request(
                "TriggeredSendDefinition",
                &["Name"],
                Some(simple(
                    "CreatedDate",
                    SimpleOperators::Equals,
                    &["2025-01-01"],
                )),
            ),
            "Error: The Filter Property 'CreatedDate' is not a retrievable property.",
        ),
        (
            retrieve_request(
                "DataExtensionObject[People]",
                &["Name"],
                Some(simple("Name", SimpleOperators::Equals, &[""])),
            ),
            "Error: Invalid argument for the equals operator. Filter[0] cannot be null or empty.",
        ),
    ];
    for (request, expected) in cases {
        let response = client
            .retrieve(&request)
            .await
            .expect("a failed retrieve is HTTP 200");
        assert_eq!(response.overall_status, expected);
        assert!(response.results.is_empty());
    }
}

fn definition(key: &str) -> TriggeredSendDefinition {
    TriggeredSendDefinition {
        customer_key: Some(key.to_owned()),
        name: Some(key.to_owned()),
        is_send_logging: Some(true),
        ..TriggeredSendDefinition::default()
    }
}

fn send(key: &str, email: &str, unique_id: &str) -> CreateRequest {
    CreateRequest {
        objects: vec![AnyApiObject::from(TriggeredSend {
            triggered_send_definition: TriggeredSendDefinition {
                customer_key: Some(key.to_owned()),
                ..TriggeredSendDefinition::default()
            },
            subscribers: vec![Subscriber {
                email_address: Some(email.to_owned()),
                subscriber_key: Some(email.to_owned()),
                attributes: vec![
                    Attribute {
                        name: "UniqueID".to_owned(),
                        value: unique_id.to_owned(),
                        ..Attribute::default()
                    },
                    Attribute {
                        name: "NotAnAttribute".to_owned(),
                        value: "x".to_owned(),
                        ..Attribute::default()
                    },
                ],
                ..Subscriber::default()
            }],
            ..TriggeredSend::default()
        })],
        ..CreateRequest::default()
    }
}

async fn set_status(client: &Client, key: &str, status: TriggeredSendStatusEnum) {
    let request = UpdateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some(key.to_owned()),
            triggered_send_status: Some(status),
            ..TriggeredSendDefinition::default()
        })],
        ..UpdateRequest::default()
    };
    let response = client.update(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK", "{response:?}");
}

/// Creates the profile attribute UniqueID, a send log with a UniqueID column (send log
/// template), and the definition `key`.
async fn send_setup(client: &Client, key: &str) {
    let configure = sfmc_partner_api::ConfigureRequestMsg {
        action: Some("Create".to_owned()),
        configurations: Some(sfmc_partner_api::ConfigureRequestMsgConfigurations {
            configuration: vec![AnyApiObject::from(sfmc_partner_api::PropertyDefinition {
                name: Some("UniqueID".to_owned()),
                property_type: Some(sfmc_partner_api::PropertyType::String),
                ..sfmc_partner_api::PropertyDefinition::default()
            })],
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        client.configure(&configure).await.unwrap().overall_status,
        "OK"
    );
    let log = CreateRequest {
        objects: vec![
            AnyApiObject::from(DataExtension {
                name: Some("SendLog".to_owned()),
                template: Some(Box::new(DataExtensionTemplate {
                    object_id: Some(sfmc_runtime::xml::Nillable::Value(
                        sfmc_emulator::SEND_LOG_TEMPLATE_OBJECT_ID.to_owned(),
                    )),
                    ..DataExtensionTemplate::default()
                })),
                fields: Some(DataExtensionFields {
                    field: vec![
                        field("UniqueID", DataExtensionFieldType::Text),
                        field("NotAnAttribute", DataExtensionFieldType::Text),
                    ],
                    ..DataExtensionFields::default()
                }),
                ..DataExtension::default()
            }),
            AnyApiObject::from(definition(key)),
        ],
        ..CreateRequest::default()
    };
    assert_eq!(client.create(&log).await.unwrap().overall_status, "OK");
}

async fn send_log(client: &Client, unique_id: &str) -> Vec<AnyApiObject> {
    let request = retrieve_request(
        "DataExtensionObject[SendLog]",
        &["JobID", "BatchID", "SubID", "UniqueID", "NotAnAttribute"],
        Some(simple("UniqueID", SimpleOperators::Equals, &[unique_id])),
    );
    let response = client.retrieve(&request).await.unwrap();
    assert_eq!(response.overall_status, "OK");
    response.results
}

fn send_result(
    response: &sfmc_partner_api::CreateResponse,
) -> &sfmc_partner_api::TriggeredSendCreateResult {
    match &response.results[0] {
        AnyCreateResult::TriggeredSendCreateResult(result) => result,
        other => panic!("expected a TriggeredSendCreateResult, got {other:?}"),
    }
}

#[tokio::test]
async fn send_new_definition_18001() {
    let emulator = start(Config::default()).await;
    let client = client(&emulator);
    send_setup(&client, "welcome").await;
    let response = client
        .create(&send("welcome", "a@example.com", "u-1"))
        .await
        .unwrap();
    assert_eq!(response.overall_status, "Error");
    let result = send_result(&response);
    assert_eq!(result.error_code, Some(18001));
    assert_eq!(
        result.status_message,
        "The Triggered Send Definition is not completely configured or in a new status"
    );
}

/// A send whose every subscriber fails gets ErrorCode 180008, and SubscriberFailures gives
/// each subscriber's own error.
#[tokio::test]
async fn send_without_valid_subscriber_180008() {
    let emulator = start(Config::default()).await;
    let client = client(&emulator);
    send_setup(&client, "welcome").await;
    set_status(&client, "welcome", TriggeredSendStatusEnum::Active).await;

    let mut request = send("welcome", "not-an-address", "u-3");
    let AnyApiObject::TriggeredSend(triggered) = &mut request.objects[0] else {
        unreachable!("send builds a TriggeredSend");
    };
    triggered.subscribers.insert(
        0,
        Subscriber {
            subscriber_key: Some("no-address".to_owned()),
            ..Subscriber::default()
        },
    );
    let response = client.create(&request).await.unwrap();

    assert_eq!(response.overall_status, "Error");
    let result = send_result(&response);
    assert_eq!(result.status_code, "Error");
    assert_eq!(result.error_code, Some(180008));
    assert_eq!(
        result.status_message,
        "Unable to queue Triggered Send request. There are no valid subscribers."
    );

    let failures: Vec<_> = result
        .subscriber_failures
        .iter()
        .map(|failure| {
            (
                failure.subscriber.subscriber_key.as_deref(),
                failure.error_code.as_str(),
                failure.error_description.as_deref(),
                failure.ordinal,
            )
        })
        .collect();
    assert_eq!(
        failures,
        [
            (Some("no-address"), "4", Some("Missing Email"), Some(0)),
            (Some("not-an-address"), "5", Some("Invalid Email"), Some(1)),
        ]
    );
    assert!(send_log(&client, "u-3").await.is_empty());
}

#[tokio::test]
async fn send_inactive_queues_until_active() {
    let emulator = start(Config::default()).await;
    let client = client(&emulator);
    send_setup(&client, "welcome").await;
    set_status(&client, "welcome", TriggeredSendStatusEnum::Inactive).await;
    let response = client
        .create(&send("welcome", "a@example.com", "u-2"))
        .await
        .unwrap();
    assert_eq!(response.overall_status, "OK");
    assert!(
        send_log(&client, "u-2").await.is_empty(),
        "a queued send writes no log row"
    );

    set_status(&client, "welcome", TriggeredSendStatusEnum::Active).await;
    let rows = send_log(&client, "u-2").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(row_value(&rows[0], "BatchID").as_deref(), Some("1"));
    assert!(row_value(&rows[0], "SubID").is_some());
    // An attribute that is not a profile attribute is dropped, so its column stays empty.
    assert_eq!(row_value(&rows[0], "NotAnAttribute"), None);
}

#[tokio::test]
async fn send_shares_job_id() {
    let emulator = start(Config::default()).await;
    let client = client(&emulator);
    send_setup(&client, "welcome").await;
    set_status(&client, "welcome", TriggeredSendStatusEnum::Active).await;
    client
        .create(&send("welcome", "a@example.com", "u-a"))
        .await
        .unwrap();
    client
        .create(&send("welcome", "b@example.com", "u-b"))
        .await
        .unwrap();
    let first = send_log(&client, "u-a").await;
    let second = send_log(&client, "u-b").await;
    assert_eq!(
        row_value(&first[0], "JobID"),
        row_value(&second[0], "JobID")
    );
    assert_eq!(row_value(&first[0], "BatchID").as_deref(), Some("1"));
    assert_eq!(row_value(&second[0], "BatchID").as_deref(), Some("2"));
    assert_ne!(
        row_value(&first[0], "SubID"),
        row_value(&second[0], "SubID")
    );
}

#[tokio::test]
async fn canceled_is_terminal() {
    let emulator = start(Config::default()).await;
    let client = client(&emulator);
    send_setup(&client, "welcome").await;
    set_status(&client, "welcome", TriggeredSendStatusEnum::Canceled).await;
    let request = UpdateRequest {
        objects: vec![AnyApiObject::from(TriggeredSendDefinition {
            customer_key: Some("welcome".to_owned()),
            triggered_send_status: Some(TriggeredSendStatusEnum::Active),
            ..TriggeredSendDefinition::default()
        })],
        ..UpdateRequest::default()
    };
    let response = client.update(&request).await.unwrap();
    assert_eq!(response.overall_status, "Error");
    let sfmc_partner_api::AnyUpdateResult::UpdateResult(result) = &response.results[0] else {
        panic!("expected an UpdateResult");
    };
    assert_eq!(result.error_code, Some(17000));
    let response = client
        .create(&send("welcome", "a@example.com", "u-3"))
        .await
        .unwrap();
    assert_eq!(send_result(&response).error_code, Some(18002));
    assert_eq!(
        send_result(&response).status_message,
        "Triggered Send must be in an Active or Inactive status"
    );
}

#[tokio::test]
async fn send_log_delay_hides_rows() {
    let emulator = start(Config::default().send_log_delay(Duration::from_secs(3600))).await;
    let client = client(&emulator);
    send_setup(&client, "welcome").await;
    set_status(&client, "welcome", TriggeredSendStatusEnum::Active).await;
    let response = client
        .create(&send("welcome", "a@example.com", "u-4"))
        .await
        .unwrap();
    assert_eq!(response.overall_status, "OK");
    assert!(send_log(&client, "u-4").await.is_empty());
    let events = client
        .retrieve(&retrieve_request("SentEvent", &["SubscriberKey"], None))
        .await
        .unwrap();
    assert_eq!(events.overall_status, "OK");
    assert!(events.results.is_empty());
}

#[tokio::test]
async fn send_log_delay_passes() {
    let emulator = start(Config::default().send_log_delay(Duration::from_millis(200))).await;
    let client = client(&emulator);
    send_setup(&client, "welcome").await;
    set_status(&client, "welcome", TriggeredSendStatusEnum::Active).await;
    client
        .create(&send("welcome", "a@example.com", "u-5"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(send_log(&client, "u-5").await.len(), 1);
}

const ENVELOPE_START: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body>"#;

fn envelope(body: &str) -> String {
    format!("{ENVELOPE_START}{body}</soap:Body></soap:Envelope>")
}

#[tokio::test]
async fn bad_input_faults() {
    let emulator = start(Config::default()).await;
    let url = emulator.soap_url();
    let cases = [
        ("Create", "<CreateRequest xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><Options/><Objects xsi:type=\"ET_Thing\"><Name>x</Name></Objects></CreateRequest>".to_owned(), "The specified type was not recognized: name=&apos;ET_Thing&apos;"),
        ("Create", "<CreateRequest xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><Options/><Objects><xsi:type>DataExtension</xsi:type><Name>x</Name></Objects></CreateRequest>".to_owned(), "Requested value &apos;APIObject&apos; was not found."),
        ("Retrieve", "<RetrieveRequestMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><RetrieveRequest><ObjectType>Subscriber</ObjectType><Properties>ID</Properties><Filter xsi:type=\"SimpleFilterPart\"><Property>ID</Property><SimpleOperator>almost</SimpleOperator><Value>1</Value></Filter></RetrieveRequest></RetrieveRequestMsg>".to_owned(), "&apos;almost&apos; is not a valid value for SimpleOperators."),
        ("Retrieve", "<RetrieveRequestMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><RetrieveRequest><Properties>ID</Properties></RetrieveRequest></RetrieveRequestMsg>".to_owned(), "The element ObjectType of RetrieveRequestMsg/RetrieveRequest is missing (line 1, column 475)."),
        ("Retrieve", "<RetrieveRequestMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><RetrieveRequest><ObjectType>Subscriber</ObjectType>".to_owned(), "Server was unable to read request."),
        ("Test", "<RetrieveRequestMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"/>".to_owned(), "Server did not recognize the value of HTTP Header SOAPAction: Test."),
    ];
    for (action, body, expected) in cases {
        let answer = post_soap11(&url, action, envelope(&body)).await;
        assert_eq!(answer.status, 500, "{body}");
        assert!(
            answer.body.contains("<faultcode>soap:Client</faultcode>"),
            "{}",
            answer.body
        );
        assert!(
            answer.body.contains(expected),
            "expected {expected:?} in {}",
            answer.body
        );
    }
    // The emulator keeps serving.
    let response = client(&emulator)
        .retrieve(&retrieve_request("Subscriber", &["ID"], None))
        .await
        .unwrap();
    assert_eq!(response.overall_status, "OK");
}

#[tokio::test]
async fn body_before_header_unprefixed() {
    let emulator = start(Config::default()).await;
    let xml = r#"<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>DataExtensionTemplate</ObjectType><Properties>Name</Properties></RetrieveRequest></RetrieveRequestMsg></Body><Header><fueloauth xmlns="http://exacttarget.com">  TOKEN  </fueloauth></Header></Envelope>"#;
    // An unknown token is a failed login: the header was found after the Body.
    let answer = post_soap11(&emulator.soap_url(), "Retrieve", xml.to_owned()).await;
    assert_eq!(answer.status, 500);
    assert!(
        answer
            .body
            .contains("<faultstring>Login failed</faultstring>"),
        "{}",
        answer.body
    );

    let with_login = xml.replace(
        r#"<fueloauth xmlns="http://exacttarget.com">  TOKEN  </fueloauth>"#,
        r#"<Security xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken><Username>api-user</Username><Password>pa55word</Password></UsernameToken></Security>"#,
    );
    let answer = post_soap11(&emulator.soap_url(), "Retrieve", with_login).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains("<OverallStatus>OK</OverallStatus>"),
        "{}",
        answer.body
    );
    assert_eq!(
        answer.body.matches("<Results ").count(),
        2,
        "{}",
        answer.body
    );
}
