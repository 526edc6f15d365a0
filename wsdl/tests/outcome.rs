//! Failures reported inside HTTP 200 responses, against a canned HTTP server on 127.0.0.1:
//! `Error: …` Retrieve statuses, failed results of Create, Update and Configure, and the
//! retry of a Retrieve the service timed out on.

mod support;

use std::time::Duration;

use sfmc_partner_api::outcome::{CheckedApi as _, Outcome as _};
use sfmc_partner_api::runtime::client::{Client, Error, FailedResult, RetryPolicy, UsernameToken};
use sfmc_partner_api::{
    AnyApiObject, ConfigureRequestMsg, CreateRequest, PartnerApi as _, RetrieveRequest,
    RetrieveRequestMsg, Subscriber, UpdateRequest, filter,
};
use support::{Reply, Server, body_content, envelope};

const SOAP_PATH: &str = "/Service.asmx";

const TIMEOUT_STATUS: &str = "Error: Timeout expired.  The timeout period elapsed prior to \
                              completion of the operation or the server is not responding.";

fn client(server: &Server, attempts: u32) -> Client {
    Client::builder()
        .soap_endpoint(server.url(SOAP_PATH))
        .credentials(UsernameToken::new("api-user", "password"))
        .retry(
            RetryPolicy::default()
                .max_attempts(attempts)
                .initial_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .build()
        .unwrap()
}

fn retrieve_request() -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "SentEvent".to_owned(),
            properties: vec!["SubscriberKey".to_owned()],
            filter: Some(filter::equals("SendID", "10980375")),
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

fn retrieve_reply(status: &str, results: &str) -> Reply {
    let message = format!(
        r#"<RetrieveResponseMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><OverallStatus>{status}</OverallStatus><RequestID>req-7</RequestID>{results}</RetrieveResponseMsg>"#
    );
    Reply::xml(200, &envelope(&message))
}

fn subscribers(count: usize) -> Vec<AnyApiObject> {
    (0..count)
        .map(|index| {
            AnyApiObject::from(Subscriber {
                email_address: Some(format!("user{index}@example.com")),
                subscriber_key: Some(format!("user{index}")),
                ..Subscriber::default()
            })
        })
        .collect()
}

/// Builds a result element with `StatusCode`, `StatusMessage`, `OrdinalID` and an optional
/// `ErrorCode`, in the schema's order.
fn result(attributes: &str, code: &str, message: &str, ordinal: u32, error: Option<u32>) -> String {
    let error = error
        .map(|error| format!("<ErrorCode>{error}</ErrorCode>"))
        .unwrap_or_default();
    format!(
        "<Results{attributes}><StatusCode>{code}</StatusCode><StatusMessage>{message}</StatusMessage><OrdinalID>{ordinal}</OrdinalID>{error}</Results>"
    )
}

fn create_reply(results: &[String], overall_status: &str) -> Reply {
    let message = format!(
        r#"<CreateResponse xmlns="http://exacttarget.com/wsdl/partnerAPI">{}<RequestID>req-c</RequestID><OverallStatus>{overall_status}</OverallStatus></CreateResponse>"#,
        results.concat()
    );
    Reply::xml(200, &envelope(&message))
}

#[tokio::test]
async fn retrieve_error_status() {
    let server = Server::start().await;
    let status = "Error: Unable to find a handler for object type: DeliveryProfile. Object \
                  types are case-sensitive, check spelling.";
    server.push(SOAP_PATH, retrieve_reply(status, ""));
    let client = client(&server, 3);

    let error = client
        .retrieve_checked(&retrieve_request())
        .await
        .unwrap_err();
    let service = error.service().expect("a service error");
    assert_eq!(service.operation, "Retrieve");
    assert_eq!(
        service.status,
        "Unable to find a handler for object type: DeliveryProfile. Object types are \
         case-sensitive, check spelling."
    );
    assert_eq!(service.request_id.as_deref(), Some("req-7"));
    assert!(service.results.is_empty());
    assert!(!error.is_retryable());
    assert!(!error.is_timeout());
    assert_eq!(error.error_code(), None);
    assert_eq!(error.http_status(), None);
    assert_eq!(
        error.to_string(),
        "Retrieve failed: Unable to find a handler for object type: DeliveryProfile. Object \
         types are case-sensitive, check spelling. (RequestID req-7)"
    );
    assert_eq!(server.requests_to(SOAP_PATH).len(), 1);
}

#[tokio::test]
async fn retrieve_has_errors_status() {
    let server = Server::start().await;
    server.push(SOAP_PATH, retrieve_reply("Has Errors", ""));
    let error = client(&server, 1)
        .retrieve_checked(&retrieve_request())
        .await
        .unwrap_err();
    assert_eq!(
        error.service().map(|service| service.status.as_str()),
        Some("Has Errors")
    );
}

#[tokio::test]
async fn retrieve_ok_without_results() {
    let server = Server::start().await;
    server.push(SOAP_PATH, retrieve_reply("OK", ""));
    let response = client(&server, 1)
        .retrieve_checked(&retrieve_request())
        .await
        .unwrap();
    assert_eq!(response.overall_status, "OK");
    assert!(response.results.is_empty());
}

#[tokio::test]
async fn retrieve_timeout_retried() {
    let server = Server::start().await;
    server.push(SOAP_PATH, retrieve_reply(TIMEOUT_STATUS, ""));
    let event =
        r#"<Results xsi:type="SentEvent"><SubscriberKey>a@example.com</SubscriberKey></Results>"#;
    server.push(SOAP_PATH, retrieve_reply("OK", event));

    let response = client(&server, 3)
        .retrieve_checked(&retrieve_request())
        .await
        .unwrap();
    assert_eq!(response.results.len(), 1);
    let requests = server.requests_to(SOAP_PATH);
    assert_eq!(requests.len(), 2);
    assert_eq!(
        body_content(&requests[0].body),
        body_content(&requests[1].body)
    );
}

#[tokio::test]
async fn retrieve_timeout_gives_up() {
    let server = Server::start().await;
    for _ in 0..3 {
        server.push(SOAP_PATH, retrieve_reply(TIMEOUT_STATUS, ""));
    }
    let error = client(&server, 3)
        .retrieve_checked(&retrieve_request())
        .await
        .unwrap_err();
    assert!(error.is_timeout());
    assert!(error.is_retryable());
    assert_eq!(server.requests_to(SOAP_PATH).len(), 3);
}

#[tokio::test]
async fn unchecked_retrieve_keeps_status() {
    let server = Server::start().await;
    server.push(SOAP_PATH, retrieve_reply(TIMEOUT_STATUS, ""));
    let response = client(&server, 3)
        .retrieve(&retrieve_request())
        .await
        .unwrap();
    assert_eq!(response.overall_status, TIMEOUT_STATUS);
    assert_eq!(server.requests_to(SOAP_PATH).len(), 1);
}

#[tokio::test]
async fn create_one_failed_of_three() {
    let server = Server::start().await;
    let results = [
        result("", "OK", "Created Subscriber.", 0, None),
        result(
            "",
            "Error",
            "The subscriber is already on the list",
            1,
            Some(12014),
        ),
        result("", "OK", "Created Subscriber.", 2, None),
    ];
    server.push(SOAP_PATH, create_reply(&results, "Has Errors"));
    let request = CreateRequest {
        objects: subscribers(3),
        ..CreateRequest::default()
    };

    let error = client(&server, 3)
        .create_checked(&request)
        .await
        .unwrap_err();
    let service = error.service().expect("a service error");
    assert_eq!(service.operation, "Create");
    assert_eq!(service.status, "Has Errors");
    assert_eq!(service.request_id.as_deref(), Some("req-c"));
    assert_eq!(
        service.results,
        [FailedResult {
            ordinal_id: Some(1),
            status_code: "Error".to_owned(),
            status_message: "The subscriber is already on the list".to_owned(),
            error_code: Some(12014),
        }]
    );
    assert_eq!(error.error_code(), Some(12014));
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "Create failed: Has Errors (RequestID req-c); object 1: Error The subscriber is already \
         on the list (error code 12014)"
    );
    assert_eq!(server.requests_to(SOAP_PATH).len(), 1);
}

#[tokio::test]
async fn create_all_ok() {
    let server = Server::start().await;
    let results = [
        result("", "OK", "Created Subscriber.", 0, None),
        result(
            r#" xsi:type="TriggeredSendCreateResult""#,
            "OK",
            "Created TriggeredSend",
            1,
            None,
        ),
    ];
    server.push(SOAP_PATH, create_reply(&results, "OK"));
    let request = CreateRequest {
        objects: subscribers(2),
        ..CreateRequest::default()
    };
    let response = client(&server, 1).create_checked(&request).await.unwrap();
    assert_eq!(response.results.len(), 2);
    assert_eq!(response.request_id.as_deref(), Some("req-c"));
}

#[tokio::test]
async fn create_timeout_not_retried() {
    let server = Server::start().await;
    server.push(SOAP_PATH, create_reply(&[], TIMEOUT_STATUS));
    let request = CreateRequest {
        objects: subscribers(1),
        ..CreateRequest::default()
    };
    let error = client(&server, 3)
        .create_checked(&request)
        .await
        .unwrap_err();
    assert!(error.is_timeout());
    assert!(!error.is_retryable());
    assert_eq!(server.requests_to(SOAP_PATH).len(), 1);
}

#[tokio::test]
async fn update_result_typed_as_object() {
    // The service can put the object's type on an UpdateResult, which the schema does not
    // place among the results; its Result fields are still read.
    let server = Server::start().await;
    let attributes = r#" xsi:type="TriggeredSendDefinition""#;
    let results = [
        result(attributes, "OK", "TriggeredSendDefinition updated", 0, None),
        result(
            attributes,
            "Error",
            "Triggered Send must be in an Active or Inactive status",
            1,
            Some(18002),
        ),
    ];
    let message = format!(
        r#"<UpdateResponse xmlns="http://exacttarget.com/wsdl/partnerAPI">{}<RequestID>req-u</RequestID><OverallStatus>Error</OverallStatus></UpdateResponse>"#,
        results.concat()
    );
    server.push(SOAP_PATH, Reply::xml(200, &envelope(&message)));
    let request = UpdateRequest {
        objects: subscribers(2),
        ..UpdateRequest::default()
    };

    let error = client(&server, 1)
        .update_checked(&request)
        .await
        .unwrap_err();
    let service = error.service().expect("a service error");
    assert_eq!(service.operation, "Update");
    assert_eq!(service.status, "Error");
    assert_eq!(
        service.results,
        [FailedResult {
            ordinal_id: Some(1),
            status_code: "Error".to_owned(),
            status_message: "Triggered Send must be in an Active or Inactive status".to_owned(),
            error_code: Some(18002),
        }]
    );
}

#[tokio::test]
async fn configure_failed_result() {
    let server = Server::start().await;
    let message = concat!(
        r#"<ConfigureResponseMsg xmlns="http://exacttarget.com/wsdl/partnerAPI">"#,
        "<Results><Result><StatusCode>Error</StatusCode>",
        "<StatusMessage>Property already exists</StatusMessage><OrdinalID>0</OrdinalID>",
        "<ErrorCode>1</ErrorCode></Result></Results>",
        "<OverallStatus>Error</OverallStatus>",
        "<OverallStatusMessage>One or more results failed</OverallStatusMessage>",
        "<RequestID>req-g</RequestID></ConfigureResponseMsg>",
    );
    server.push(SOAP_PATH, Reply::xml(200, &envelope(message)));

    let error = client(&server, 1)
        .configure_checked(&ConfigureRequestMsg::default())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Configure failed: Error (One or more results failed) (RequestID req-g); object 0: \
         Error Property already exists (error code 1)"
    );
    assert_eq!(error.error_code(), Some(1));
}

#[test]
fn configure_ok_with_empty_message() {
    let response = sfmc_partner_api::ConfigureResponseMsg {
        overall_status: "OK".to_owned(),
        ..Default::default()
    };
    assert_eq!(response.clone().check().unwrap(), response);
}

#[test]
fn unreadable_unknown_result_fails() {
    use sfmc_partner_api::runtime::xml::UnknownType;

    let response = sfmc_partner_api::DeleteResponse {
        results: vec![sfmc_partner_api::AnyDeleteResult::Unknown(UnknownType {
            type_name: None,
            xml: "<Results><OrdinalID>zero</OrdinalID></Results>".to_owned(),
        })],
        overall_status: "OK".to_owned(),
        ..Default::default()
    };
    let error = response.check().unwrap_err();
    let failed = &error.service().expect("a service error").results;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].status_code, "");
    assert_eq!(
        failed[0].status_message,
        "cannot read the result: invalid xsd:int value \"zero\": not a valid xsd:int in \
         element `Results/OrdinalID` at line 1, column 10"
    );
    assert!(matches!(error, Error::Service(_)));
}
