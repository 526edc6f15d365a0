//! Paged Retrieves against a canned HTTP server on 127.0.0.1: continuation requests, empty
//! and one-object pages, the page limit and failures on later pages.

mod support;

use std::time::Duration;

use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::runtime::client::{Client, Error, RetryPolicy, UsernameToken};
use sfmc_partner_api::runtime::xml::Message as _;
use sfmc_partner_api::{AnyApiObject, RetrieveRequest, RetrieveRequestMsg, filter};
use support::{Reply, Server, body_content, envelope};

const SOAP_PATH: &str = "/Service.asmx";

/// The body of the first request, as the generated writer produces it.
const FIRST_REQUEST: &str = concat!(
    r#"<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI">"#,
    "<RetrieveRequest><ObjectType>SentEvent</ObjectType>",
    "<Properties>SendID</Properties><Properties>SubscriberKey</Properties>",
    r#"<Filter xsi:type="SimpleFilterPart"><Property>SendID</Property>"#,
    "<SimpleOperator>equals</SimpleOperator><Value>10980375</Value></Filter>",
    "</RetrieveRequest></RetrieveRequestMsg>",
);

fn continuation_body(request_id: &str) -> String {
    format!(
        concat!(
            r#"<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI">"#,
            "<RetrieveRequest><ContinueRequest>{}</ContinueRequest></RetrieveRequest>",
            "</RetrieveRequestMsg>",
        ),
        request_id
    )
}

fn sent_events_request() -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "SentEvent".to_owned(),
            properties: vec!["SendID".to_owned(), "SubscriberKey".to_owned()],
            filter: Some(filter::equals("SendID", "10980375")),
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

fn sent_event(subscriber_key: &str) -> String {
    format!(
        concat!(
            r#"<Results xsi:type="SentEvent"><PartnerKey xsi:nil="true"/>"#,
            r#"<ObjectID xsi:nil="true"/><SendID>10980375</SendID>"#,
            "<SubscriberKey>{}</SubscriberKey></Results>",
        ),
        subscriber_key
    )
}

/// Builds a Retrieve response page with `results` (zero or more `Results` elements).
fn page(status: &str, request_id: Option<&str>, results: &[String]) -> Reply {
    let request_id = request_id
        .map(|id| format!("<RequestID>{id}</RequestID>"))
        .unwrap_or_default();
    let message = format!(
        r#"<RetrieveResponseMsg xmlns="http://exacttarget.com/wsdl/partnerAPI"><OverallStatus>{status}</OverallStatus>{request_id}{}</RetrieveResponseMsg>"#,
        results.concat()
    );
    Reply::xml(200, &envelope(&message))
}

fn client(server: &Server) -> Client {
    Client::builder()
        .soap_endpoint(server.url(SOAP_PATH))
        .credentials(UsernameToken::new("api-user", "password"))
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .build()
        .unwrap()
}

fn subscriber_keys(objects: &[AnyApiObject]) -> Vec<String> {
    objects
        .iter()
        .map(|object| match object {
            AnyApiObject::SentEvent(event) => event.subscriber_key.clone().unwrap_or_default(),
            other => panic!("expected a SentEvent, got {other:?}"),
        })
        .collect()
}

fn request_bodies(server: &Server) -> Vec<String> {
    server
        .requests_to(SOAP_PATH)
        .iter()
        .map(|request| body_content(&request.body).to_owned())
        .collect()
}

#[test]
fn continuation_request_xml() {
    let xml = RetrieveRequestMsg::continuation("f4e6a3c2-req")
        .to_xml()
        .unwrap();
    assert_eq!(
        xml,
        concat!(
            r#"<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<RetrieveRequest><ContinueRequest>f4e6a3c2-req</ContinueRequest>",
            "</RetrieveRequest></RetrieveRequestMsg>",
        )
    );
}

#[tokio::test]
async fn three_pages_followed() {
    let server = Server::start().await;
    let first = [sent_event("a@example.com"), sent_event("b@example.com")];
    server.push(SOAP_PATH, page("MoreDataAvailable", Some("req-1"), &first));
    // A page with no Results element at all is an empty page, not the end.
    server.push(SOAP_PATH, page("MoreDataAvailable", Some("req-2"), &[]));
    let last = [sent_event("c@example.com")];
    server.push(SOAP_PATH, page("OK", Some("req-3"), &last));
    let mut pages = client(&server).retrieve_all(sent_events_request());

    let first_page = pages.next_page().await.unwrap().unwrap();
    assert_eq!(
        subscriber_keys(&first_page),
        ["a@example.com", "b@example.com"]
    );
    assert_eq!(pages.request_id(), Some("req-1"));
    let second_page = pages.next_page().await.unwrap().unwrap();
    assert!(second_page.is_empty(), "{second_page:?}");
    assert_eq!(pages.request_id(), Some("req-2"));
    let third_page = pages.next_page().await.unwrap().unwrap();
    assert_eq!(subscriber_keys(&third_page), ["c@example.com"]);
    assert_eq!(pages.request_id(), Some("req-3"));
    assert_eq!(pages.next_page().await.unwrap(), None);
    assert_eq!(pages.next_page().await.unwrap(), None);
    assert_eq!(pages.pages(), 3);

    let bodies = request_bodies(&server);
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0], FIRST_REQUEST);
    assert_eq!(bodies[1], continuation_body("req-1"));
    assert_eq!(bodies[2], continuation_body("req-2"));
    for body in &bodies {
        assert!(!body.contains("RetrieveAllSinceLastBatch"), "{body}");
    }
    for request in server.requests_to(SOAP_PATH) {
        assert_eq!(request.header("soapaction"), Some("Retrieve"));
    }
}

#[tokio::test]
async fn collect_all_in_order() {
    let server = Server::start().await;
    let first = [sent_event("a@example.com")];
    server.push(SOAP_PATH, page("MoreDataAvailable", Some("req-1"), &first));
    let last = [sent_event("b@example.com"), sent_event("c@example.com")];
    server.push(SOAP_PATH, page("OK", Some("req-2"), &last));

    let objects = client(&server)
        .retrieve_all(sent_events_request())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        subscriber_keys(&objects),
        ["a@example.com", "b@example.com", "c@example.com"]
    );
    assert_eq!(server.requests_to(SOAP_PATH).len(), 2);
}

#[tokio::test]
async fn single_page_without_results() {
    let server = Server::start().await;
    server.push(SOAP_PATH, page("OK", Some("req-1"), &[]));
    let mut pages = client(&server).retrieve_all(sent_events_request());

    assert_eq!(pages.next_page().await.unwrap(), Some(Vec::new()));
    assert_eq!(pages.next_page().await.unwrap(), None);
    assert_eq!(server.requests_to(SOAP_PATH).len(), 1);
}

#[tokio::test]
async fn page_limit_stops() {
    let server = Server::start().await;
    for request_id in ["req-1", "req-2", "req-3"] {
        let results = [sent_event(request_id)];
        server.push(
            SOAP_PATH,
            page("MoreDataAvailable", Some(request_id), &results),
        );
    }
    let mut pages = client(&server)
        .retrieve_all(sent_events_request())
        .max_pages(2);

    assert!(pages.next_page().await.unwrap().is_some());
    assert!(pages.next_page().await.unwrap().is_some());
    let error = pages.next_page().await.unwrap_err();
    let Error::Paging {
        pages: fetched,
        request_id,
        reason,
    } = &error
    else {
        panic!("expected a paging error, got {error:?}");
    };
    assert_eq!(*fetched, 2);
    assert_eq!(request_id.as_deref(), Some("req-2"));
    assert_eq!(
        reason,
        "the limit of 2 pages is reached and the service reports more data. Raise the limit \
         with `max_pages` or narrow the filter"
    );
    assert_eq!(server.requests_to(SOAP_PATH).len(), 2);
}

#[tokio::test]
async fn collect_all_page_limit() {
    let server = Server::start().await;
    server.push(SOAP_PATH, page("MoreDataAvailable", Some("req-1"), &[]));
    let error = client(&server)
        .retrieve_all(sent_events_request())
        .max_pages(1)
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "paged Retrieve stopped after 1 pages: the limit of 1 pages is reached and the service \
         reports more data. Raise the limit with `max_pages` or narrow the filter \
         (RequestID req-1)"
    );
}

#[tokio::test]
async fn error_status_on_second_page() {
    let server = Server::start().await;
    let first = [sent_event("a@example.com")];
    server.push(SOAP_PATH, page("MoreDataAvailable", Some("req-1"), &first));
    let status = "Error: API Permission Failed.";
    server.push(SOAP_PATH, page(status, Some("req-2"), &[]));
    let mut pages = client(&server).retrieve_all(sent_events_request());

    assert_eq!(
        pages.next_page().await.unwrap().map(|page| page.len()),
        Some(1)
    );
    let error = pages.next_page().await.unwrap_err();
    let service = error.service().expect("a service error");
    assert_eq!(service.operation, "Retrieve");
    assert_eq!(service.status, "API Permission Failed.");
    assert_eq!(service.request_id.as_deref(), Some("req-2"));
    assert!(service.results.is_empty());
    // Not retried: only a timeout status is.
    assert_eq!(server.requests_to(SOAP_PATH).len(), 2);

    // The pager kept its place: the next call sends the same continuation again.
    server.push(SOAP_PATH, page("OK", Some("req-3"), &[]));
    assert_eq!(pages.next_page().await.unwrap(), Some(Vec::new()));
    let bodies = request_bodies(&server);
    assert_eq!(bodies[1], continuation_body("req-1"));
    assert_eq!(bodies[2], continuation_body("req-1"));
}

#[tokio::test]
async fn more_data_without_request_id() {
    let server = Server::start().await;
    server.push(SOAP_PATH, page("MoreDataAvailable", None, &[]));
    let error = client(&server)
        .retrieve_all(sent_events_request())
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "paged Retrieve stopped after 1 pages: the service reports MoreDataAvailable without \
         a RequestID to continue from"
    );
}

#[tokio::test]
async fn timeout_status_page_retried() {
    let server = Server::start().await;
    server.push(SOAP_PATH, page("MoreDataAvailable", Some("req-1"), &[]));
    let timeout = "Error: Timeout expired.  The timeout period elapsed prior to completion of \
                   the operation or the server is not responding.";
    server.push(SOAP_PATH, page(timeout, None, &[]));
    let last = [sent_event("a@example.com")];
    server.push(SOAP_PATH, page("OK", Some("req-2"), &last));

    let objects = client(&server)
        .retrieve_all(sent_events_request())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(subscriber_keys(&objects), ["a@example.com"]);
    let bodies = request_bodies(&server);
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[1], continuation_body("req-1"));
    assert_eq!(bodies[2], continuation_body("req-1"));
}
