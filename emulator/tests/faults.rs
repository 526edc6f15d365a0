//! Faults on demand, for every request of an operation or for one object type, and how the
//! runtime client's retries meet each of them.

mod support;

use std::time::Duration;

use sfmc_emulator::{Config, Emulator, FaultKind, FaultRule};
use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::{
    AnyApiObject, ArrayOfObjectDefinitionRequest, CreateRequest, DataExtension,
    DefinitionRequestMsg, ObjectDefinitionRequest, PartnerApi, RetrieveRequest, RetrieveRequestMsg,
    Subscriber,
};
use sfmc_runtime::client::{Client, Error, RetryPolicy, TransportErrorKind, UsernameToken};
use sfmc_runtime::xml::Nillable;
use support::post_soap11;

async fn start(config: Config) -> Emulator {
    Emulator::start(config.account("api-user", "pa55word").seed(9))
        .await
        .expect("the emulator should start")
}

/// Builds a client that sends each call up to three times, with retry delays of a few
/// milliseconds.
fn retrying_client(emulator: &Emulator) -> Client {
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .initial_delay(Duration::from_millis(2))
        .max_delay(Duration::from_millis(10));
    client(emulator, policy)
}

fn client(emulator: &Emulator, policy: RetryPolicy) -> Client {
    Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(UsernameToken::new("api-user", "pa55word"))
        .retry(policy)
        .build()
        .expect("the client should build")
}

/// Builds a Retrieve of the data extensions' names. The account starts with none.
fn list_data_extensions() -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "DataExtension".to_owned(),
            properties: vec!["Name".to_owned()],
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

fn create_data_extension(name: &str) -> CreateRequest {
    CreateRequest {
        objects: vec![AnyApiObject::from(DataExtension {
            name: Some(name.to_owned()),
            customer_key: Some(name.to_owned()),
            ..DataExtension::default()
        })],
        ..CreateRequest::default()
    }
}

/// Counts the data extensions, through a client without faults of its own.
async fn data_extension_count(client: &Client) -> usize {
    client
        .retrieve_checked(&list_data_extensions())
        .await
        .expect("the retrieve should succeed")
        .results
        .len()
}

fn once(kind: FaultKind) -> FaultRule {
    FaultRule::new(kind).max_count(1)
}

#[tokio::test]
async fn rate_limited_fault_shape() {
    let config = Config::default().fault("Create", FaultRule::new(FaultKind::RateLimited));
    let emulator = start(config).await;
    let error = client(&emulator, RetryPolicy::none())
        .create(&create_data_extension("Log"))
        .await
        .expect_err("the create should be rate limited");
    let fault = error.fault().expect("a SOAP fault");
    assert_eq!(fault.status, 500);
    assert_eq!(fault.code.name, "Server");
    assert_eq!(fault.message, "Rate Limited");
    let api_fault = fault.api_fault.as_ref().expect("an apifault detail");
    assert_eq!(api_fault.code, 17);
    assert_eq!(api_fault.message, "Rate Limited");
    assert!(fault.is_rate_limited());
    assert!(error.is_retryable());
}

#[tokio::test]
async fn rate_limited_create_retried() {
    let config = Config::default().fault("Create", once(FaultKind::RateLimited));
    let emulator = start(config).await;
    let client = retrying_client(&emulator);
    let response = client
        .create_checked(&create_data_extension("Log"))
        .await
        .expect("the second attempt should succeed");
    assert_eq!(response.overall_status, "OK");
    // The rate-limited attempt was not carried out, so one data extension exists.
    assert_eq!(data_extension_count(&client).await, 1);
}

#[tokio::test]
async fn rate_limited_exhausts_attempts() {
    let config = Config::default().fault("*", FaultRule::new(FaultKind::RateLimited).max_count(3));
    let emulator = start(config).await;
    let error = retrying_client(&emulator)
        .retrieve_checked(&list_data_extensions())
        .await
        .expect_err("three rate-limited attempts should fail");
    assert_eq!(error.error_code(), Some(17));
    // The rule fired three times, so the next call goes through.
    let response = retrying_client(&emulator)
        .retrieve_checked(&list_data_extensions())
        .await
        .expect("the rule is spent");
    assert_eq!(response.overall_status, "OK");
}

#[tokio::test]
async fn timeout_status_retrieve_retried() {
    let config = Config::default().fault("Retrieve", once(FaultKind::TimeoutStatus));
    let emulator = start(config).await;
    let response = retrying_client(&emulator)
        .retrieve_checked(&list_data_extensions())
        .await
        .expect("the second attempt should succeed");
    assert_eq!(response.overall_status, "OK");
}

#[tokio::test]
async fn timeout_status_shape() {
    let config = Config::default().fault("Retrieve", FaultRule::new(FaultKind::TimeoutStatus));
    let emulator = start(config).await;
    let client = client(&emulator, RetryPolicy::none());
    let response = client.retrieve(&list_data_extensions()).await.unwrap();
    assert_eq!(
        response.overall_status,
        "Error: Timeout expired.  The timeout period elapsed prior to completion of the operation or the server is not responding."
    );
    assert!(response.results.is_empty());
    assert!(response.request_id.is_some());
    let error = client
        .retrieve_checked(&list_data_extensions())
        .await
        .expect_err("the checked retrieve should fail");
    assert!(error.is_timeout());
    assert!(error.is_retryable());
}

#[tokio::test]
async fn unavailable_html_body() {
    let config = Config::default().fault("Retrieve", FaultRule::new(FaultKind::Unavailable));
    let emulator = start(config).await;
    let body = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>DataExtension</ObjectType><Properties>Name</Properties></RetrieveRequest></RetrieveRequestMsg></soap:Body></soap:Envelope>"#;
    let answer = post_soap11(&emulator.soap_url(), "Retrieve", body.to_owned()).await;
    assert_eq!(answer.status, 503);
    assert!(
        answer
            .body
            .contains("<title>503 Service Unavailable</title>"),
        "{}",
        answer.body
    );

    let error = client(&emulator, RetryPolicy::none())
        .retrieve(&list_data_extensions())
        .await
        .expect_err("the retrieve should fail with 503");
    assert!(
        matches!(error, Error::Status { status: 503, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn unavailable_retrieve_retried() {
    let config = Config::default().fault("*", once(FaultKind::Unavailable));
    let emulator = start(config).await;
    let response = retrying_client(&emulator)
        .retrieve_checked(&list_data_extensions())
        .await
        .expect("the second attempt should succeed");
    assert_eq!(response.overall_status, "OK");
}

#[tokio::test]
async fn unavailable_create_not_retried() {
    let config = Config::default().fault("Create", once(FaultKind::Unavailable));
    let emulator = start(config).await;
    let client = retrying_client(&emulator);
    // A Create that failed with 503 may have been carried out, so the client does not send
    // it again, although the rule would let a second attempt through.
    let error = client
        .create(&create_data_extension("Log"))
        .await
        .expect_err("the create should fail with 503");
    assert_eq!(error.http_status(), Some(503));
    assert_eq!(data_extension_count(&client).await, 0);
}

#[tokio::test]
async fn dropped_retrieve_retried() {
    let config = Config::default().fault("Retrieve", once(FaultKind::DropConnection));
    let emulator = start(config).await;
    let response = retrying_client(&emulator)
        .retrieve_checked(&list_data_extensions())
        .await
        .expect("the second attempt should succeed");
    assert_eq!(response.overall_status, "OK");
}

#[tokio::test]
async fn dropped_create_not_retried() {
    let config = Config::default().fault("Create", once(FaultKind::DropConnection));
    let emulator = start(config).await;
    let client = retrying_client(&emulator);
    let error = client
        .create(&create_data_extension("Log"))
        .await
        .expect_err("the dropped create should fail");
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Other);
    assert_eq!(data_extension_count(&client).await, 0);
}

#[tokio::test]
async fn latency_beyond_client_timeout() {
    let config = Config::default().latency("Retrieve", Duration::from_secs(5));
    let emulator = start(config).await;
    let client = Client::builder()
        .soap_endpoint(emulator.soap_url())
        .credentials(UsernameToken::new("api-user", "pa55word"))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client
        .retrieve(&list_data_extensions())
        .await
        .expect_err("the retrieve should time out");
    assert!(error.is_timeout(), "{error:?}");
    // Operations without latency are served at once.
    let response = client.create(&create_data_extension("Log")).await.unwrap();
    assert_eq!(response.overall_status, "OK");
}

#[tokio::test]
async fn share_zero_never_fires() {
    let config = Config::default().fault("*", FaultRule::new(FaultKind::RateLimited).share(0.0));
    let emulator = start(config).await;
    let client = client(&emulator, RetryPolicy::none());
    for _ in 0..20 {
        let response = client.retrieve(&list_data_extensions()).await.unwrap();
        assert_eq!(response.overall_status, "OK");
    }
}

fn permission_failed() -> FaultKind {
    FaultKind::OverallStatus("Error: API Permission Failed.".to_owned())
}

fn retrieve_of(object_type: &str, property: &str) -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: vec![property.to_owned()],
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

#[tokio::test]
async fn overall_status_for_one_object_type() {
    let rule = FaultRule::new(permission_failed()).object_type("UnsubEvent");
    let config = Config::default().fault("Retrieve", rule);
    let emulator = start(config).await;
    let client = client(&emulator, RetryPolicy::none());

    let denied = client
        .retrieve(&retrieve_of("UnsubEvent", "SendID"))
        .await
        .unwrap();
    assert_eq!(denied.overall_status, "Error: API Permission Failed.");
    assert!(denied.results.is_empty());
    assert!(denied.request_id.is_some());
    let error = client
        .retrieve_checked(&retrieve_of("UnsubEvent", "SendID"))
        .await
        .expect_err("the checked retrieve should fail");
    let message = error.to_string();
    assert_eq!(
        message.split(" (RequestID ").next(),
        Some("Retrieve failed: API Permission Failed."),
        "{message}"
    );
    assert!(!error.is_retryable(), "{error:?}");

    // Other object types are served as usual.
    let sent = client
        .retrieve(&retrieve_of("SentEvent", "SendID"))
        .await
        .unwrap();
    assert_eq!(sent.overall_status, "OK");
    assert_eq!(data_extension_count(&client).await, 0);
}

#[tokio::test]
async fn overall_status_shape() {
    let config = Config::default().fault("*", FaultRule::new(permission_failed()));
    let emulator = start(config).await;
    let body = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>api-user</wsse:Username><wsse:Password>pa55word</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><RetrieveRequest><ObjectType>UnsubEvent</ObjectType><Properties>SendID</Properties></RetrieveRequest></RetrieveRequestMsg></soap:Body></soap:Envelope>"#;
    let answer = post_soap11(&emulator.soap_url(), "Retrieve", body.to_owned()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains(
            "<soap:Body><RetrieveResponseMsg xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><OverallStatus>Error: API Permission Failed.</OverallStatus><RequestID>"
        ),
        "{}",
        answer.body
    );
    assert!(!answer.body.contains("<Results"), "{}", answer.body);
}

#[tokio::test]
async fn overall_status_create_not_applied() {
    let status = FaultKind::OverallStatus("Error: The account is locked.".to_owned());
    let config = Config::default().fault("Create", FaultRule::new(status).max_count(1));
    let emulator = start(config).await;
    let client = client(&emulator, RetryPolicy::none());
    let response = client.create(&create_data_extension("Log")).await.unwrap();
    assert_eq!(response.overall_status, "Error: The account is locked.");
    assert!(response.results.is_empty());
    assert_eq!(data_extension_count(&client).await, 0);

    let response = client.create(&create_data_extension("Log")).await.unwrap();
    assert_eq!(response.overall_status, "OK");
    assert_eq!(data_extension_count(&client).await, 1);
}

#[tokio::test]
async fn overall_status_never_on_describe() {
    let config = Config::default().fault("Describe", FaultRule::new(permission_failed()));
    let emulator = start(config).await;
    let request = DefinitionRequestMsg {
        describe_requests: Some(ArrayOfObjectDefinitionRequest {
            object_definition_request: vec![Nillable::Value(ObjectDefinitionRequest {
                object_type: Some("SentEvent".to_owned()),
                ..ObjectDefinitionRequest::default()
            })],
            ..ArrayOfObjectDefinitionRequest::default()
        }),
        ..DefinitionRequestMsg::default()
    };
    let response = client(&emulator, RetryPolicy::none())
        .describe(&request)
        .await
        .expect("Describe has no OverallStatus, so the rule should not fire");
    assert_eq!(
        response.object_definition[0].object_type.as_deref(),
        Some("SentEvent")
    );
}

#[tokio::test]
async fn rule_for_object_type_of_create() {
    let rule = FaultRule::new(FaultKind::RateLimited).object_type("Subscriber");
    let config = Config::default().fault("Create", rule);
    let emulator = start(config).await;
    let client = client(&emulator, RetryPolicy::none());
    let response = client
        .create(&create_data_extension("Log"))
        .await
        .expect("a DataExtension create should pass");
    assert_eq!(response.overall_status, "OK");

    let mixed = CreateRequest {
        objects: vec![
            create_data_extension("Other").objects.remove(0),
            AnyApiObject::from(Subscriber {
                email_address: Some("ann@example.com".to_owned()),
                subscriber_key: Some("ann".to_owned()),
                ..Subscriber::default()
            }),
        ],
        ..CreateRequest::default()
    };
    let error = client
        .create(&mixed)
        .await
        .expect_err("a create with a Subscriber among its objects should be rate limited");
    assert_eq!(error.error_code(), Some(17));
    assert_eq!(data_extension_count(&client).await, 1);
}
