//! The SOAP client against a canned HTTP server on 127.0.0.1, with the generated
//! partnerAPI bindings.

mod support;

use std::io::Write as _;
use std::time::Duration;

use sfmc_partner_api::operations::{Create, Retrieve};
use sfmc_partner_api::{
    AnyApiObject, AnyFilterPart, CreateRequest, DataExtensionObject, RetrieveRequest,
    RetrieveRequestMsg, SimpleFilterPart, SimpleOperators,
};
use sfmc_runtime::client::{
    AccessToken, Client, ClientBuilder, ClientCredentials, Error, RetryPolicy, ServiceError,
    SoapVersion, TransportErrorKind, UsernameToken, WSSE_NAMESPACE,
};
use support::{Capture, Reply, Server};

const SOAP_PATH: &str = "/Service.asmx";
const TOKEN_PATH: &str = "/v2/token";
const PASSWORD: &str = "pa55&w0rd<x";
const CLIENT_SECRET: &str = "client-secret-1";
const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// The body of the Retrieve request every test sends, as the generated writer produces it.
const RETRIEVE_BODY: &str = concat!(
    r#"<RetrieveRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI">"#,
    "<RetrieveRequest><ObjectType>SentEvent</ObjectType>",
    "<Properties>SubscriberKey</Properties><Properties>EventDate</Properties>",
    r#"<Filter xsi:type="SimpleFilterPart"><Property>SendID</Property>"#,
    "<SimpleOperator>equals</SimpleOperator><Value>10980375</Value></Filter>",
    "</RetrieveRequest></RetrieveRequestMsg>",
);

const RETRIEVE_OK: &str = concat!(
    r#"<?xml version="1.0" encoding="utf-8"?>"#,
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
    r#"xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" "#,
    r#"xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" "#,
    r#"xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">"#,
    "<soap:Header><wsa:Action>RetrieveResponse</wsa:Action>",
    "<wsa:MessageID>urn:uuid:0f6bd5a2-97c5-4b4f-9a7e-0d6b8f1c2a33</wsa:MessageID>",
    "<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>",
    r#"<wsse:Security><wsu:Timestamp wsu:Id="Timestamp-1">"#,
    "<wsu:Created>2024-05-01T10:00:00Z</wsu:Created><wsu:Expires>2024-05-01T10:05:00Z</wsu:Expires>",
    "</wsu:Timestamp></wsse:Security></soap:Header>",
    "<soap:Body>",
    r#"<RetrieveResponseMsg xmlns="http://exacttarget.com/wsdl/partnerAPI">"#,
    "<OverallStatus>OK</OverallStatus><RequestID>5b1c7f2e-request</RequestID>",
    r#"<Results xsi:type="SentEvent"><PartnerKey xsi:nil="true"/><ObjectID xsi:nil="true"/>"#,
    "<SendID>10980375</SendID><SubscriberKey>help@example.com</SubscriberKey>",
    "<EventDate>2014-03-26T10:02:01.987</EventDate></Results>",
    "</RetrieveResponseMsg></soap:Body></soap:Envelope>",
);

const CREATE_OK: &str = concat!(
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">"#,
    r#"<soap:Body><CreateResponse xmlns="http://exacttarget.com/wsdl/partnerAPI">"#,
    "<Results><StatusCode>OK</StatusCode><StatusMessage>Created</StatusMessage>",
    "<OrdinalID>0</OrdinalID></Results>",
    "<RequestID>r-1</RequestID><OverallStatus>OK</OverallStatus>",
    "</CreateResponse></soap:Body></soap:Envelope>",
);

fn rate_limited_fault() -> String {
    fault11(
        "soap:Server",
        "",
        "Rate Limited",
        concat!(
            r#"<detail><apifault xmlns="urn:fault.partner.exacttarget.com">"#,
            "<Code>17</Code><Message>Rate Limited</Message></apifault></detail>",
        ),
    )
}

/// Declares the `q0` prefix the service uses for the WS-Security namespace in faults.
const SECURITY_DECLARATION: &str = r#" xmlns:q0="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd""#;

fn security_fault(message: &str) -> String {
    fault11("q0:Security", SECURITY_DECLARATION, message, "")
}

/// Builds a SOAP 1.1 fault whose `faultcode` is `code`, declared with `code_declarations`.
fn fault11(code: &str, code_declarations: &str, message: &str, detail: &str) -> String {
    format!(
        concat!(
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">"#,
            "<soap:Body><soap:Fault><faultcode{}>{}</faultcode>",
            "<faultstring>{}</faultstring>",
            "<faultactor>https://mc.soap.example/Service.asmx</faultactor>{}",
            "</soap:Fault></soap:Body></soap:Envelope>",
        ),
        code_declarations, code, message, detail
    )
}

fn retrieve_request() -> RetrieveRequestMsg {
    let filter = SimpleFilterPart {
        property: "SendID".to_owned(),
        simple_operator: SimpleOperators::Equals,
        value: vec!["10980375".to_owned()],
        ..SimpleFilterPart::default()
    };
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "SentEvent".to_owned(),
            properties: vec!["SubscriberKey".to_owned(), "EventDate".to_owned()],
            filter: Some(AnyFilterPart::from(filter)),
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

fn create_request() -> CreateRequest {
    let row = DataExtensionObject {
        name: Some("SendLog".to_owned()),
        ..DataExtensionObject::default()
    };
    CreateRequest {
        objects: vec![AnyApiObject::from(row)],
        ..CreateRequest::default()
    }
}

/// Retries quickly, so that retry tests take milliseconds.
fn fast_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .initial_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
}

fn username_client(server: &Server) -> ClientBuilder {
    Client::builder()
        .soap_endpoint(server.url(SOAP_PATH))
        .credentials(UsernameToken::new("api-user", PASSWORD))
        .retry(fast_retry(3))
}

fn oauth_client(server: &Server) -> ClientBuilder {
    Client::builder()
        .auth_endpoint(server.url(""))
        .credentials(ClientCredentials::new("client-1", CLIENT_SECRET).account_id("514000123"))
        .retry(fast_retry(3))
}

fn token_response(server: &Server, token: &str, expires_in: u64) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":{expires_in},"scope":"email_read","soap_instance_url":"{}/","rest_instance_url":"{}/"}}"#,
            server.url(""),
            server.url("")
        ),
    )
}

/// Replaces each UUID after `marker` with `UUID`, checking that it is a version 4 UUID.
fn mask_uuids(text: &str, marker: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(marker) {
        let uuid_start = start + marker.len();
        let uuid = &rest[uuid_start..uuid_start + 36];
        let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "not a UUID: {uuid}");
        assert_eq!(&uuid[14..15], "4", "not a version 4 UUID: {uuid}");
        out.push_str(&rest[..uuid_start]);
        out.push_str("UUID");
        rest = &rest[uuid_start + 36..];
    }
    out.push_str(rest);
    out
}

fn assert_sent_event(response: &sfmc_partner_api::RetrieveResponseMsg) {
    assert_eq!(response.overall_status, "OK");
    assert_eq!(response.request_id.as_deref(), Some("5b1c7f2e-request"));
    assert_eq!(response.results.len(), 1);
    let AnyApiObject::SentEvent(event) = &response.results[0] else {
        panic!("expected a SentEvent, got {:?}", response.results[0]);
    };
    assert_eq!(event.send_id, Some(10980375));
    assert_eq!(event.subscriber_key.as_deref(), Some("help@example.com"));
    let event_date = event.event_date.as_ref().map(ToString::to_string);
    assert_eq!(event_date.as_deref(), Some("2014-03-26T10:02:01.987"));
}

#[tokio::test]
async fn username_token_envelope() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = username_client(&server).build().unwrap();

    let response = client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    assert_sent_event(&response);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, SOAP_PATH);
    assert_eq!(
        request.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_eq!(request.header("soapaction"), Some("Retrieve"));
    assert_eq!(request.header("accept-encoding"), Some("gzip"));
    let expected = [
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header>"#,
        r#"<wsse:Security soap:mustUnderstand="1" "#,
        r#"xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">"#,
        r#"<wsse:UsernameToken wsu:Id="SecurityToken-UUID" "#,
        r#"xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">"#,
        "<wsse:Username>api-user</wsse:Username>",
        r#"<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">"#,
        "pa55&amp;w0rd&lt;x</wsse:Password></wsse:UsernameToken></wsse:Security>",
        "</soap:Header><soap:Body>",
        RETRIEVE_BODY,
        "</soap:Body></soap:Envelope>",
    ]
    .concat();
    assert_eq!(mask_uuids(&request.body, "SecurityToken-"), expected);
}

#[tokio::test]
async fn typed_method_sends_its_action() {
    use sfmc_partner_api::PartnerApi as _;

    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = username_client(&server).build().unwrap();

    let response = client.retrieve(&retrieve_request()).await.unwrap();

    assert_sent_event(&response);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("soapaction"), Some("Retrieve"));
}

#[tokio::test]
async fn oauth_envelope_and_token_request() {
    let server = Server::start().await;
    server.push(TOKEN_PATH, token_response(&server, "tok-1", 1079));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = Client::builder()
        .auth_endpoint(server.url(""))
        .credentials(
            ClientCredentials::new("client-1", "se\"cret")
                .account_id("514000123")
                .scope("email_read"),
        )
        .build()
        .unwrap();

    let response = client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    assert_sent_event(&response);
    let requests = server.requests();
    let paths: Vec<&str> = requests
        .iter()
        .map(|request| request.path.as_str())
        .collect();
    assert_eq!(paths, [TOKEN_PATH, SOAP_PATH]);
    let token_request = &requests[0];
    assert_eq!(token_request.method, "POST");
    assert_eq!(
        token_request.header("content-type"),
        Some("application/json")
    );
    assert_eq!(
        token_request.body,
        r#"{"grant_type":"client_credentials","client_id":"client-1","client_secret":"se\"cret","account_id":"514000123","scope":"email_read"}"#
    );
    let expected = [
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Header>"#,
        r#"<fueloauth xmlns="http://exacttarget.com">tok-1</fueloauth>"#,
        "</soap:Header><soap:Body>",
        RETRIEVE_BODY,
        "</soap:Body></soap:Envelope>",
    ]
    .concat();
    assert_eq!(requests[1].body, expected);
}

#[tokio::test]
async fn fixed_access_token_envelope() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = Client::builder()
        .soap_endpoint(server.url(SOAP_PATH))
        .credentials(AccessToken::new("caller-token"))
        .build()
        .unwrap();

    client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .body
            .contains(r#"<soap:Header><fueloauth xmlns="http://exacttarget.com">caller-token</fueloauth></soap:Header>"#),
        "{}",
        requests[0].body
    );
}

#[tokio::test]
async fn soap12_addressing_envelope() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = username_client(&server)
        .soap_version(SoapVersion::Soap12)
        .addressing(true)
        .build()
        .unwrap();

    client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    let request = &server.requests()[0];
    assert_eq!(
        request.header("content-type"),
        Some("application/soap+xml; charset=utf-8; action=Retrieve")
    );
    assert_eq!(request.header("soapaction"), None);
    let body = mask_uuids(&mask_uuids(&request.body, "urn:uuid:"), "SecurityToken-");
    let expected_start = [
        r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
        r#"xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"><soap:Header>"#,
        r#"<wsa:Action soap:mustUnderstand="1">Retrieve</wsa:Action>"#,
        "<wsa:MessageID>urn:uuid:UUID</wsa:MessageID>",
        "<wsa:ReplyTo><wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address></wsa:ReplyTo>",
        &format!(r#"<wsa:To soap:mustUnderstand="1">{}</wsa:To>"#, server.url(SOAP_PATH)),
        r#"<wsse:Security soap:mustUnderstand="1" "#,
    ]
    .concat();
    assert!(body.starts_with(&expected_start), "{body}");
}

#[tokio::test]
async fn soap11_addressing_envelope() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = username_client(&server).addressing(true).build().unwrap();

    client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.header("soapaction"), Some("Retrieve"));
    let body = mask_uuids(&request.body, "urn:uuid:");
    let expected_header = [
        "<soap:Header><wsa:Action>Retrieve</wsa:Action>",
        "<wsa:MessageID>urn:uuid:UUID</wsa:MessageID>",
        "<wsa:ReplyTo><wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address></wsa:ReplyTo>",
        &format!("<wsa:To>{}</wsa:To>", server.url(SOAP_PATH)),
        "<wsse:Security",
    ]
    .concat();
    assert!(body.contains(&expected_header), "{body}");
}

#[tokio::test]
async fn token_reused_across_calls() {
    let server = Server::start().await;
    server.push(TOKEN_PATH, token_response(&server, "tok-1", 1079));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = oauth_client(&server).build().unwrap();

    client.call::<Retrieve>(&retrieve_request()).await.unwrap();
    client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    assert_eq!(server.requests_to(TOKEN_PATH).len(), 1);
    let soap = server.requests_to(SOAP_PATH);
    assert_eq!(soap.len(), 2);
    for request in &soap {
        assert!(
            request.body.contains(">tok-1</fueloauth>"),
            "{}",
            request.body
        );
    }
}

#[tokio::test]
async fn token_shared_by_concurrent_calls() {
    let server = Server::start().await;
    server.push(TOKEN_PATH, token_response(&server, "tok-1", 1079));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = oauth_client(&server).build().unwrap();
    let request = retrieve_request();

    let (first, second) = tokio::join!(
        client.call::<Retrieve>(&request),
        client.call::<Retrieve>(&request)
    );

    first.unwrap();
    second.unwrap();
    assert_eq!(server.requests_to(TOKEN_PATH).len(), 1);
    assert_eq!(server.requests_to(SOAP_PATH).len(), 2);
}

#[tokio::test]
async fn token_renewed_within_margin() {
    let server = Server::start().await;
    // 1 s is inside the default 300 s renewal margin, so each call needs a new token.
    server.push(TOKEN_PATH, token_response(&server, "tok-1", 1));
    server.push(TOKEN_PATH, token_response(&server, "tok-2", 1));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = oauth_client(&server).build().unwrap();

    client.call::<Retrieve>(&retrieve_request()).await.unwrap();
    client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, [TOKEN_PATH, SOAP_PATH, TOKEN_PATH, SOAP_PATH]);
    let soap = server.requests_to(SOAP_PATH);
    assert!(soap[0].body.contains(">tok-1</fueloauth>"));
    assert!(soap[1].body.contains(">tok-2</fueloauth>"));
}

#[tokio::test]
async fn token_renewed_on_expired_fault() {
    let server = Server::start().await;
    server.push(TOKEN_PATH, token_response(&server, "tok-1", 1079));
    server.push(TOKEN_PATH, token_response(&server, "tok-2", 1079));
    server.push(SOAP_PATH, Reply::xml(500, &security_fault("Token Expired")));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = oauth_client(&server)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let response = client.call::<Retrieve>(&retrieve_request()).await.unwrap();
    assert_sent_event(&response);
    client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [TOKEN_PATH, SOAP_PATH, TOKEN_PATH, SOAP_PATH, SOAP_PATH]
    );
    let soap = server.requests_to(SOAP_PATH);
    assert!(soap[0].body.contains(">tok-1</fueloauth>"));
    assert!(soap[1].body.contains(">tok-2</fueloauth>"));
    assert!(soap[2].body.contains(">tok-2</fueloauth>"));
}

#[tokio::test]
async fn token_expired_twice_is_auth_error() {
    let server = Server::start().await;
    server.push(TOKEN_PATH, token_response(&server, "tok-1", 1079));
    server.push(TOKEN_PATH, token_response(&server, "tok-2", 1079));
    server.push(SOAP_PATH, Reply::xml(500, &security_fault("Token Expired")));
    server.push(SOAP_PATH, Reply::xml(500, &security_fault("Token Expired")));
    let client = oauth_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    assert!(error.is_auth());
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "authentication failed: SOAP fault `Security`: Token Expired"
    );
    let fault = error.fault().unwrap();
    assert_eq!(fault.code.namespace.as_deref(), Some(WSSE_NAMESPACE));
    assert_eq!(fault.code.name, "Security");
    assert_eq!(
        fault.actor.as_deref(),
        Some("https://mc.soap.example/Service.asmx")
    );
    assert_eq!(fault.api_fault, None);
    assert_eq!(fault.status, 500);
    assert_eq!(server.requests_to(TOKEN_PATH).len(), 2);
    assert_eq!(server.requests_to(SOAP_PATH).len(), 2);
}

#[tokio::test]
async fn fixed_token_expired_not_renewed() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(500, &security_fault("Token Expired")));
    let client = Client::builder()
        .soap_endpoint(server.url(SOAP_PATH))
        .credentials(AccessToken::new("caller-token"))
        .build()
        .unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    assert!(error.is_auth());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn token_endpoint_error_description() {
    let server = Server::start().await;
    server.push(
        TOKEN_PATH,
        Reply::json(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed. Make sure that the client ID and client secret are valid.","error_uri":"https://developer.salesforce.com/docs"}"#,
        ),
    );
    let client = oauth_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    assert!(error.is_auth());
    assert!(!error.is_retryable());
    assert_eq!(error.http_status(), Some(401));
    assert_eq!(
        error.to_string(),
        format!(
            "the token endpoint {} rejected the request (HTTP status 401, invalid_client): \
             Client authentication failed. Make sure that the client ID and client secret are valid.",
            server.url(TOKEN_PATH)
        )
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn token_response_without_token() {
    let server = Server::start().await;
    server.push(
        TOKEN_PATH,
        Reply::json(200, r#"{"token_type":"Bearer","expires_in":1079}"#),
    );
    let client = oauth_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        format!(
            "invalid response from {} (HTTP status 200): the token response has no `access_token`",
            server.url(TOKEN_PATH)
        )
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn token_endpoint_503_retried() {
    let server = Server::start().await;
    server.push(
        TOKEN_PATH,
        Reply::new(503, "text/html", "<html>busy</html>"),
    );
    server.push(TOKEN_PATH, token_response(&server, "tok-1", 1079));
    server.push(SOAP_PATH, Reply::xml(200, CREATE_OK));
    let client = oauth_client(&server).build().unwrap();

    // Requesting a token twice is harmless, so even a Create may retry it.
    let response = client.call::<Create>(&create_request()).await.unwrap();

    assert_eq!(response.overall_status, "OK");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, [TOKEN_PATH, TOKEN_PATH, SOAP_PATH]);
}

#[tokio::test]
async fn html_503_is_status_error() {
    let server = Server::start().await;
    let html = format!(
        "<html><body>{}</body></html>",
        "Service Unavailable. ".repeat(20)
    );
    server.push(SOAP_PATH, Reply::new(503, "text/html", &html));
    let client = username_client(&server)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    let Error::Status { status, url, body } = &error else {
        panic!("expected a status error, got {error:?}");
    };
    assert_eq!(*status, 503);
    assert_eq!(url, &server.url(SOAP_PATH));
    assert_eq!(body.chars().count(), 200);
    assert_eq!(body, &html[..200]);
    assert!(error.is_retryable());
    assert!(!error.is_auth());
    assert_eq!(error.error_code(), None);
}

#[tokio::test]
async fn create_not_retried_on_503() {
    let server = Server::start().await;
    for _ in 0..3 {
        server.push(SOAP_PATH, Reply::new(503, "text/html", "<html>busy</html>"));
    }
    let client = username_client(&server).build().unwrap();

    let error = client.call::<Create>(&create_request()).await.unwrap_err();

    assert_eq!(error.http_status(), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn create_retried_on_503_when_opted_in() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::new(503, "text/html", "<html>busy</html>"));
    server.push(SOAP_PATH, Reply::xml(200, CREATE_OK));
    let client = username_client(&server)
        .retry(fast_retry(3).retry_non_idempotent(true))
        .build()
        .unwrap();

    let response = client.call::<Create>(&create_request()).await.unwrap();

    assert_eq!(response.overall_status, "OK");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retrieve_retried_on_502_then_ok() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::new(502, "text/plain", "Bad Gateway"));
    server.push(SOAP_PATH, Reply::new(504, "text/plain", "Gateway Timeout"));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = username_client(&server).build().unwrap();

    let response = client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    assert_sent_event(&response);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    // A retry is the same message: the UsernameToken keeps its wsu:Id.
    assert_eq!(requests[0].body, requests[2].body);
}

#[tokio::test]
async fn rate_limited_retried_until_attempts_run_out() {
    let server = Server::start().await;
    for _ in 0..4 {
        server.push(SOAP_PATH, Reply::xml(500, &rate_limited_fault()));
    }
    let client = username_client(&server).build().unwrap();

    // A Create may repeat: the service did not process a rate-limited request.
    let error = client.call::<Create>(&create_request()).await.unwrap_err();

    assert_eq!(server.requests().len(), 3);
    assert_eq!(error.error_code(), Some(17));
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "SOAP fault `Server`: Rate Limited (error code 17: Rate Limited)"
    );
    let fault = error.fault().unwrap();
    assert_eq!(fault.code.namespace.as_deref(), Some(SOAP11));
    assert_eq!(fault.code.name, "Server");
    let api_fault = fault.api_fault.as_ref().unwrap();
    assert_eq!(api_fault.code, 17);
    assert_eq!(api_fault.message, "Rate Limited");
}

#[tokio::test]
async fn rate_limited_then_ok() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(500, &rate_limited_fault()));
    server.push(SOAP_PATH, Reply::xml(500, &rate_limited_fault()));
    server.push(SOAP_PATH, Reply::xml(200, CREATE_OK));
    let client = username_client(&server).build().unwrap();

    let response = client.call::<Create>(&create_request()).await.unwrap();

    assert_eq!(response.request_id.as_deref(), Some("r-1"));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn not_processed_fault_retried_for_create() {
    let server = Server::start().await;
    let detail = concat!(
        r#"<detail><apifault xmlns="urn:fault.partner.exacttarget.com"><Code>1</Code>"#,
        "<Message>Synchronous request cannot be completed at this time due to database ",
        "problems. This request was not processed.</Message></apifault></detail>",
    );
    server.push(
        SOAP_PATH,
        Reply::xml(500, &fault11("soap:Client", "", "Not processed", detail)),
    );
    server.push(SOAP_PATH, Reply::xml(200, CREATE_OK));
    let client = username_client(&server).build().unwrap();

    client.call::<Create>(&create_request()).await.unwrap();

    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn fault_without_detail() {
    let server = Server::start().await;
    let fault = concat!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>"#,
        "<faultcode>s:Client</faultcode>",
        "<faultstring>Server did not recognize the value of HTTP Header SOAPAction: Test.</faultstring>",
        "<detail /></s:Fault></s:Body></s:Envelope>",
    );
    server.push(SOAP_PATH, Reply::xml(500, fault));
    let client = username_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Fault(_)), "{error:?}");
    assert!(!error.is_retryable());
    assert!(!error.is_auth());
    assert_eq!(error.error_code(), None);
    let fault = error.fault().unwrap();
    assert_eq!(fault.code.namespace.as_deref(), Some(SOAP11));
    assert_eq!(fault.code.name, "Client");
    assert_eq!(
        fault.message,
        "Server did not recognize the value of HTTP Header SOAPAction: Test."
    );
    assert_eq!(fault.actor, None);
    assert_eq!(fault.api_fault, None);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn login_failed_is_auth_error() {
    let cases = [
        (
            "q0:Security",
            SECURITY_DECLARATION,
            "Login Failed",
            "authentication failed: SOAP fault `Security`: Login Failed",
        ),
        (
            "soap:Client",
            "",
            "login failed",
            "authentication failed: SOAP fault `Client`: login failed",
        ),
    ];
    for (code, declarations, message, expected) in cases {
        let server = Server::start().await;
        server.push(
            SOAP_PATH,
            Reply::xml(500, &fault11(code, declarations, message, "")),
        );
        let client = username_client(&server).build().unwrap();

        let error = client
            .call::<Retrieve>(&retrieve_request())
            .await
            .unwrap_err();

        assert!(matches!(error, Error::Authentication(_)), "{error:?}");
        assert!(error.is_auth(), "{message}");
        assert!(!error.is_retryable(), "{message}");
        assert_eq!(error.to_string(), expected);
        assert_eq!(server.requests().len(), 1, "{message}");
    }
}

#[tokio::test]
async fn soap12_fault_read() {
    let server = Server::start().await;
    let fault = concat!(
        r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">"#,
        "<env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value>",
        "<env:Subcode><env:Value>env:Other</env:Value></env:Subcode></env:Code>",
        r#"<env:Reason><env:Text xml:lang="en">Exception occurred</env:Text>"#,
        r#"<env:Text xml:lang="de">Ausnahme</env:Text></env:Reason>"#,
        "<env:Node>https://mc.soap.example/Service.asmx</env:Node>",
        r#"<env:Detail><apifault xmlns="urn:fault.partner.exacttarget.com">"#,
        "<Code>2</Code><Message>Exception occurred during [Retrieve] ErrorID: 42</Message>",
        "<LogID>7</LogID></apifault></env:Detail></env:Fault></env:Body></env:Envelope>",
    );
    server.push(SOAP_PATH, Reply::new(500, "application/soap+xml", fault));
    let client = username_client(&server)
        .soap_version(SoapVersion::Soap12)
        .build()
        .unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    let fault = error.fault().unwrap();
    assert_eq!(
        fault.code.namespace.as_deref(),
        Some("http://www.w3.org/2003/05/soap-envelope")
    );
    assert_eq!(fault.code.name, "Receiver");
    assert_eq!(fault.message, "Exception occurred");
    assert_eq!(
        fault.actor.as_deref(),
        Some("https://mc.soap.example/Service.asmx")
    );
    assert_eq!(error.error_code(), Some(2));
    assert_eq!(
        fault.api_fault.as_ref().unwrap().message,
        "Exception occurred during [Retrieve] ErrorID: 42"
    );
}

#[tokio::test]
async fn response_body_before_header() {
    let server = Server::start().await;
    let response = concat!(
        r#"<E:Envelope xmlns:E="http://www.w3.org/2003/05/soap-envelope" "#,
        r#"xmlns:x="http://www.w3.org/2001/XMLSchema-instance" xmlns:p="http://exacttarget.com/wsdl/partnerAPI">"#,
        "<E:Body><p:RetrieveResponseMsg><p:OverallStatus>OK</p:OverallStatus>",
        "<p:RequestID>5b1c7f2e-request</p:RequestID>",
        r#"<p:Results x:type="p:SentEvent"><p:SendID>10980375</p:SendID>"#,
        "<p:SubscriberKey>help@example.com</p:SubscriberKey>",
        "<p:EventDate>2014-03-26T10:02:01.987</p:EventDate></p:Results>",
        "</p:RetrieveResponseMsg></E:Body>",
        "<E:Header><Unknown>ignored</Unknown></E:Header></E:Envelope>",
    );
    server.push(SOAP_PATH, Reply::xml(200, response));
    let client = username_client(&server).build().unwrap();

    let response = client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    assert_sent_event(&response);
}

#[tokio::test]
async fn empty_body_with_200() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, ""));
    let client = username_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Xml { status: 200, .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        format!(
            "cannot read the response from {} (HTTP status 200): the document ends inside an \
             element at line 1, column 1",
            server.url(SOAP_PATH)
        )
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn empty_body_with_500() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(500, ""));
    let client = username_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    let Error::Status { status, body, .. } = &error else {
        panic!("expected a status error, got {error:?}");
    };
    assert_eq!(*status, 500);
    assert_eq!(body, "");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn truncated_xml() {
    let server = Server::start().await;
    let cut = &RETRIEVE_OK[..RETRIEVE_OK.find("<SubscriberKey>").unwrap() + 20];
    server.push(SOAP_PATH, Reply::xml(200, cut));
    let client = username_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    let Error::Xml {
        status,
        error: read_error,
        ..
    } = &error
    else {
        panic!("expected an XML error, got {error:?}");
    };
    assert_eq!(*status, 200);
    assert_eq!(read_error.line(), 1);
    assert_eq!(read_error.column(), cut.len() as u32 + 1);
    assert_eq!(
        read_error.path(),
        "RetrieveResponseMsg/Results/SubscriberKey"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "cannot read the response from {} (HTTP status 200): the document ends inside an \
             element in element `RetrieveResponseMsg/Results/SubscriberKey` at line 1, column {}",
            server.url(SOAP_PATH),
            cut.len() + 1
        )
    );
}

#[tokio::test]
async fn wrong_body_element() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, CREATE_OK));
    let client = username_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    let Error::Xml {
        error: read_error, ..
    } = &error
    else {
        panic!("expected an XML error, got {error:?}");
    };
    assert_eq!(
        read_error.to_string(),
        "expected root element `{http://exacttarget.com/wsdl/partnerAPI}RetrieveResponseMsg`, \
         found `{http://exacttarget.com/wsdl/partnerAPI}CreateResponse` at line 1, column 82"
    );
}

#[tokio::test]
async fn html_with_200_is_xml_error() {
    let server = Server::start().await;
    server.push(
        SOAP_PATH,
        Reply::new(200, "text/html", "<html><body>Maintenance</body></html>"),
    );
    let client = username_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    let Error::Xml {
        error: read_error, ..
    } = &error
    else {
        panic!("expected an XML error, got {error:?}");
    };
    assert_eq!(
        read_error.to_string(),
        "expected root element `{http://schemas.xmlsoap.org/soap/envelope/}Envelope`, found \
         `html` at line 1, column 1"
    );
}

#[tokio::test]
async fn envelope_without_body() {
    let server = Server::start().await;
    let envelope = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/></soap:Envelope>"#;
    server.push(SOAP_PATH, Reply::xml(200, envelope));
    let client = username_client(&server).build().unwrap();

    let error = client
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        format!(
            "invalid response from {} (HTTP status 200): the envelope has no Body",
            server.url(SOAP_PATH)
        )
    );
}

#[tokio::test]
async fn gzip_response_decoded() {
    let server = Server::start().await;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(RETRIEVE_OK.as_bytes()).unwrap();
    let compressed = encoder.finish().unwrap();
    server.push(
        SOAP_PATH,
        Reply::Http {
            status: 200,
            headers: vec![
                (
                    "Content-Type".to_owned(),
                    "text/xml; charset=utf-8".to_owned(),
                ),
                ("Content-Encoding".to_owned(), "gzip".to_owned()),
            ],
            body: compressed,
        },
    );
    let client = username_client(&server).build().unwrap();

    let response = client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    assert_sent_event(&response);
}

#[tokio::test]
async fn connection_reused() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = username_client(&server).build().unwrap();

    client.call::<Retrieve>(&retrieve_request()).await.unwrap();
    client
        .clone()
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap();

    let connections: Vec<usize> = server.requests().iter().map(|r| r.connection).collect();
    assert_eq!(connections, [0, 0]);
}

#[tokio::test]
async fn request_timeout() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::Silent);
    let client = username_client(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    // A Create that timed out may have been carried out, so it is not sent again.
    let error = client.call::<Create>(&create_request()).await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Timeout);
    assert_eq!(
        error.to_string(),
        format!(
            "timed out waiting for a response from {}",
            server.url(SOAP_PATH)
        )
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retrieve_retried_after_timeout() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::Silent);
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = username_client(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let response = client.call::<Retrieve>(&retrieve_request()).await.unwrap();

    assert_sent_event(&response);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retrieve_timeout_applies_to_retrieve_only() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::Silent);
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    server.push(SOAP_PATH, Reply::Silent);
    let client = username_client(&server)
        .timeout(Duration::from_secs(60))
        .retrieve_timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    // The first Retrieve times out after 200 ms and is sent again.
    let response = client.call::<Retrieve>(&retrieve_request()).await.unwrap();
    assert_sent_event(&response);
    assert_eq!(server.requests().len(), 2);

    // A Create keeps the 60 s call timeout: still waiting when the test gives up at 500 ms.
    let request = create_request();
    let create = client.call::<Create>(&request);
    let waited = tokio::time::timeout(Duration::from_millis(500), create).await;
    assert!(waited.is_err(), "the Create should still be waiting");
}

#[tokio::test]
async fn connection_refused_retried_for_create() {
    // Binding and dropping a listener leaves a loopback port with nothing listening.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/Service.asmx");
    let client = Client::builder()
        .soap_endpoint(&url)
        .credentials(UsernameToken::new("api-user", PASSWORD))
        .retry(fast_retry(2))
        .build()
        .unwrap();
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let error = client.call::<Create>(&create_request()).await.unwrap_err();

    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert!(error.is_not_processed());
    assert_eq!(error.to_string(), format!("cannot connect to {url}"));
    let log = capture.text();
    assert_eq!(log.matches("call failed; retrying").count(), 1, "{log}");
}

#[tokio::test]
async fn trace_log_hides_secrets() {
    let server = Server::start().await;
    server.push(TOKEN_PATH, token_response(&server, "tok-first-1", 1079));
    server.push(TOKEN_PATH, token_response(&server, "tok-second-2", 1079));
    server.push(SOAP_PATH, Reply::xml(500, &security_fault("Token Expired")));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let oauth = oauth_client(&server).build().unwrap();
    let username = username_client(&server).build().unwrap();
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    oauth.call::<Retrieve>(&retrieve_request()).await.unwrap();
    username
        .call::<Retrieve>(&retrieve_request())
        .await
        .unwrap();

    let log = capture.text();
    for secret in [
        PASSWORD,
        "pa55&amp;w0rd&lt;x",
        CLIENT_SECRET,
        "tok-first-1",
        "tok-second-2",
    ] {
        assert!(!log.contains(secret), "{secret} appears in the log:\n{log}");
    }
    // The bodies were logged, with the secrets masked.
    assert!(log.contains(r#""client_secret":"***""#), "{log}");
    assert!(log.contains(r#""access_token":"***""#), "{log}");
    assert!(
        log.contains(r#"<fueloauth xmlns="http://exacttarget.com">***</fueloauth>"#),
        "{log}"
    );
    assert!(log.contains("#PasswordText\">***</wsse:Password>"), "{log}");
    assert!(
        log.contains("<wsse:Username>api-user</wsse:Username>"),
        "{log}"
    );
    assert!(log.contains("<OverallStatus>OK</OverallStatus>"), "{log}");
    // Each exchange is summarized at debug level.
    let summary = format!(
        "DEBUG sfmc_runtime::client message=SOAP response received operation=Retrieve \
         endpoint={} status=200",
        server.url(SOAP_PATH)
    );
    assert_eq!(log.matches(&summary).count(), 2, "{log}");
    assert_eq!(log.matches("token response received").count(), 2, "{log}");
}

#[tokio::test]
async fn debug_output_hides_secrets() {
    let server = Server::start().await;
    let clients = [
        username_client(&server).build().unwrap(),
        oauth_client(&server).build().unwrap(),
        Client::builder()
            .soap_endpoint(server.url(SOAP_PATH))
            .credentials(AccessToken::new("caller-token"))
            .build()
            .unwrap(),
    ];
    for client in &clients {
        let text = format!("{client:?}");
        assert!(text.contains("***"), "{text}");
        for secret in [PASSWORD, CLIENT_SECRET, "caller-token"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    let builder = format!("{:?}", oauth_client(&server));
    assert!(!builder.contains(CLIENT_SECRET), "{builder}");
}

#[test]
fn build_errors() {
    let cases: [(ClientBuilder, &str); 5] = [
        (
            Client::builder().soap_endpoint("http://127.0.0.1:1/Service.asmx"),
            "invalid client configuration: no credentials: call `credentials` with a \
             UsernameToken, ClientCredentials or AccessToken",
        ),
        (
            Client::builder().credentials(UsernameToken::new("u", "p")),
            "invalid client configuration: no SOAP endpoint: set `soap_endpoint` or `subdomain`",
        ),
        (
            Client::builder().credentials(ClientCredentials::new("id", "secret")),
            "invalid client configuration: client credentials need a token endpoint: set \
             `subdomain` or `auth_endpoint`",
        ),
        (
            Client::builder()
                .subdomain("mc.example")
                .credentials(UsernameToken::new("u", "p")),
            "invalid client configuration: invalid subdomain \"mc.example\": expected ASCII \
             letters, digits and hyphens, such as the `mc…` part of \
             `mc….soap.marketingcloudapis.com`",
        ),
        (
            Client::builder()
                .soap_endpoint("ftp://127.0.0.1/Service.asmx")
                .credentials(UsernameToken::new("u", "p")),
            "invalid client configuration: invalid SOAP endpoint \"ftp://127.0.0.1/Service.asmx\": \
             the scheme `ftp` is not http or https",
        ),
    ];
    for (builder, expected) in cases {
        let error = builder.build().unwrap_err();
        assert_eq!(error.to_string(), expected);
    }
}

#[test]
fn subdomain_builds_every_credential_kind() {
    for credentials in [
        sfmc_runtime::client::Credentials::from(UsernameToken::new("u", "p")),
        ClientCredentials::new("id", "secret").into(),
        AccessToken::new("token").into(),
    ] {
        let client = Client::builder()
            .subdomain("mc-abc123")
            .credentials(credentials)
            .build();
        assert!(client.is_ok(), "{client:?}");
    }
}

#[test]
fn call_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::builder()
        .soap_endpoint("http://127.0.0.1:1/Service.asmx")
        .credentials(UsernameToken::new("u", "p"))
        .build()
        .unwrap();
    let request = retrieve_request();
    let future = client.call::<Retrieve>(&request);
    assert_send(&future);
}

const RETRIEVE_TIMEOUT: &str = concat!(
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">"#,
    r#"<soap:Body><RetrieveResponseMsg xmlns="http://exacttarget.com/wsdl/partnerAPI">"#,
    "<OverallStatus>Error: Timeout expired.  The timeout period elapsed prior to completion ",
    "of the operation or the server is not responding.</OverallStatus>",
    "<RequestID>r-timeout</RequestID></RetrieveResponseMsg></soap:Body></soap:Envelope>",
);

/// Turns a Retrieve's `Error: …` status into a service error, as the bindings' checks do.
fn check_retrieve(
    response: sfmc_partner_api::RetrieveResponseMsg,
) -> Result<sfmc_partner_api::RetrieveResponseMsg, Error> {
    if response.overall_status.starts_with("Error:") {
        let error = ServiceError::new("Retrieve", &response.overall_status, response.request_id);
        return Err(error.into());
    }
    Ok(response)
}

#[tokio::test]
async fn call_checked_retries_service_timeout() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_TIMEOUT));
    server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_OK));
    let client = username_client(&server).build().unwrap();

    let response = client
        .call_checked::<Retrieve, _>(&retrieve_request(), check_retrieve)
        .await
        .unwrap();
    assert_sent_event(&response);
    let requests = server.requests_to(SOAP_PATH);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn call_checked_returns_service_error() {
    let server = Server::start().await;
    for _ in 0..2 {
        server.push(SOAP_PATH, Reply::xml(200, RETRIEVE_TIMEOUT));
    }
    let client = username_client(&server)
        .retry(fast_retry(2))
        .build()
        .unwrap();

    let error = client
        .call_checked::<Retrieve, _>(&retrieve_request(), check_retrieve)
        .await
        .unwrap_err();
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    assert_eq!(service.operation, "Retrieve");
    assert_eq!(
        service.status,
        "Timeout expired.  The timeout period elapsed prior to completion of the operation or \
         the server is not responding."
    );
    assert_eq!(service.request_id.as_deref(), Some("r-timeout"));
    assert!(error.is_timeout());
    assert_eq!(server.requests_to(SOAP_PATH).len(), 2);
}

#[tokio::test]
async fn call_checked_create_not_retried() {
    let server = Server::start().await;
    server.push(SOAP_PATH, Reply::xml(200, CREATE_OK));
    let client = username_client(&server).build().unwrap();

    // A service timeout on Create is not retryable: the objects may have been created.
    let error = client
        .call_checked::<Create, _>(&create_request(), |_| {
            Err(ServiceError::new("Create", "Error: Timeout expired.", None).into())
        })
        .await
        .unwrap_err();
    assert!(error.is_timeout());
    assert!(!error.is_retryable());
    assert_eq!(server.requests_to(SOAP_PATH).len(), 1);
}
