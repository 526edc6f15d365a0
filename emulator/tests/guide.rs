//! The seven envelopes of Salesforce's guide "Retrieve Tracking Results for One-to-One
//! Triggered Sends", sent as raw XML over HTTP.

mod support;

use sfmc_emulator::{Config, Emulator, TRIGGERED_SEND_TEMPLATE_OBJECT_ID};
use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyCreateResult, ConfigureResponseMsg, CreateResponse,
    RetrieveResponseMsg, UpdateResponse,
};
use support::{body, fixture, post, post_soap11};

const UNIQUE_ID: &str = "111-111-2323123-21312321-213213";
/// The definition key envelope 4 creates; envelope 5 spells it with a space.
const DEFINITION_KEY: &str = "API Example for SendLogging";

/// Starts the emulator with the logins the envelopes carry, and the guide's email and
/// send classification.
async fn guide_emulator() -> Emulator {
    let config = Config::default()
        .account("guide-user", "guide-password")
        .account("XXX", "XXXX")
        .account("XXX", "XXX")
        .account("xxx", "xxx")
        .account("USER", "PASSWORD")
        .account("XXXX", "XXXX")
        .email(3099626)
        .send_classification("2239")
        .seed(42);
    Emulator::start(config)
        .await
        .expect("the emulator should start")
}

/// Envelope 1 with the removed credentials filled in.
fn envelope_1() -> String {
    fixture("1-configure-property-definition.xml")
        .replacen("<!-- Removed-->", "guide-user", 1)
        .replacen("<!-- Removed-->", "guide-password", 1)
}

const ACTIVATE: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>xxx</wsse:Username><wsse:Password>xxx</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><UpdateRequest xmlns="http://exacttarget.com/wsdl/partnerAPI"><Options/><Objects xsi:type="TriggeredSendDefinition"><CustomerKey>API Example for SendLogging</CustomerKey><TriggeredSendStatus>Active</TriggeredSendStatus></Objects></UpdateRequest></soapenv:Body></soapenv:Envelope>"#;

fn send_log_value(result: &AnyApiObject, name: &str) -> String {
    let AnyApiObject::DataExtensionObject(row) = result else {
        panic!("expected a DataExtensionObject, got {result:?}");
    };
    let properties = &row.properties.as_ref().expect("Properties").property;
    properties
        .iter()
        .find_map(|property| match property {
            AnyApiProperty::ApiProperty(property) if property.name == name => {
                Some(property.value.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no property {name} in {properties:?}"))
}

#[tokio::test]
async fn guide_procedure_in_order() {
    let emulator = guide_emulator().await;
    let url = emulator.soap_url();

    // 1: SOAP 1.2 with the action in WS-Addressing only.
    let answer = post(
        &url,
        &[("content-type", "application/soap+xml; charset=utf-8")],
        envelope_1(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer
            .body
            .contains("<wsa:Action>ConfigureResponse</wsa:Action>")
    );
    assert!(
        answer.body.contains(
            "<wsa:RelatesTo>urn:uuid:730473d2-bc0c-4a96-bcb5-36000c55dc33</wsa:RelatesTo>"
        )
    );
    let configured: ConfigureResponseMsg = body(&answer.body);
    assert_eq!(configured.overall_status, "OK");
    let results = configured.results.expect("Results").result;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].status_code, "OK");

    // 3: the send log from the TriggeredSendDataExtension template.
    let answer = post_soap11(&url, "Create", fixture("3-create-send-log.xml")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let created: CreateResponse = body(&answer.body);
    assert_eq!(created.overall_status, "OK");
    let AnyCreateResult::CreateResult(result) = &created.results[0] else {
        panic!("expected a CreateResult: {:?}", created.results[0]);
    };
    assert_eq!(result.status_message, "Data Extension created.");

    // 4 as printed, children out of schema order.
    let answer = post_soap11(
        &url,
        "Create",
        fixture("4-create-triggered-send-definition.xml"),
    )
    .await;
    let created: CreateResponse = body(&answer.body);
    assert_eq!(created.overall_status, "OK", "{}", answer.body);
    let AnyCreateResult::CreateResult(result) = &created.results[0] else {
        panic!("expected a CreateResult: {:?}", created.results[0]);
    };
    assert_eq!(result.status_message, "TriggeredSendDefinition created");
    let definition_object_id = result.new_object_id.clone().expect("NewObjectID");

    // Start the definition.
    let answer = post_soap11(&url, "Update", ACTIVATE.to_owned()).await;
    let updated: UpdateResponse = body(&answer.body);
    assert_eq!(updated.overall_status, "OK", "{}", answer.body);

    // 5 with the key of 4.
    let envelope_5 = fixture("5-create-triggered-send.xml")
        .replace("API Example for Send Logging", DEFINITION_KEY);
    let answer = post(&url, &[("content-type", "text/xml")], envelope_5).await;
    let created: CreateResponse = body(&answer.body);
    assert_eq!(created.overall_status, "OK", "{}", answer.body);
    let AnyCreateResult::TriggeredSendCreateResult(result) = &created.results[0] else {
        panic!(
            "expected a TriggeredSendCreateResult: {:?}",
            created.results[0]
        );
    };
    assert_eq!(result.status_message, "Created TriggeredSend");
    assert!(result.subscriber_failures.is_empty());

    // 6 with Value in place of DateValue.
    let envelope_6 = fixture("6-retrieve-send-log.xml").replace(
        &format!("<DateValue>{UNIQUE_ID}</DateValue>"),
        &format!("<Value>{UNIQUE_ID}</Value>"),
    );
    let answer = post(&url, &[("content-type", "text/xml")], envelope_6).await;
    let log: RetrieveResponseMsg = body(&answer.body);
    assert_eq!(log.overall_status, "OK", "{}", answer.body);
    assert_eq!(log.results.len(), 1);
    let job_id = send_log_value(&log.results[0], "JobID");
    let batch_id = send_log_value(&log.results[0], "BatchID");
    let subscriber_id = send_log_value(&log.results[0], "SubscriberID");
    assert_eq!(batch_id, "1");

    // 7 with the IDs 6 returned.
    let envelope_7 = fixture("7-retrieve-sent-events.xml")
        .replace(
            "<Value>10980375</Value>",
            &format!("<Value>{job_id}</Value>"),
        )
        .replace("<Value>5</Value>", &format!("<Value>{batch_id}</Value>"))
        .replace(
            "<Value>199672583</Value>",
            &format!("<Value>{subscriber_id}</Value>"),
        );
    let answer = post(
        &url,
        &[("content-type", "application/soap+xml")],
        envelope_7,
    )
    .await;
    let events: RetrieveResponseMsg = body(&answer.body);
    assert_eq!(events.overall_status, "OK", "{}", answer.body);
    assert_eq!(events.results.len(), 1);
    let AnyApiObject::SentEvent(event) = &events.results[0] else {
        panic!("expected a SentEvent: {:?}", events.results[0]);
    };
    assert_eq!(event.subscriber_key.as_deref(), Some("help@example.com"));
    assert!(event.event_date.is_some());
    // Only the requested properties come back.
    assert_eq!(event.send_id, None);
    assert_eq!(event.triggered_send_definition_object_id, None);
    assert_ne!(definition_object_id, "");
}

#[tokio::test]
async fn guide_envelope_6_date_value_faults() {
    let emulator = guide_emulator().await;
    let answer = post(
        &emulator.soap_url(),
        &[("content-type", "text/xml")],
        fixture("6-retrieve-send-log.xml"),
    )
    .await;
    assert_eq!(answer.status, 500);
    assert!(
        answer.body.contains("<faultcode>soap:Client</faultcode>"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("Server was unable to read request."),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("invalid xsd:dateTime value"),
        "{}",
        answer.body
    );
    assert!(
        answer
            .body
            .contains("RetrieveRequestMsg/RetrieveRequest/Filter/DateValue"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains(UNIQUE_ID), "{}", answer.body);
}

#[tokio::test]
async fn guide_envelope_5_unknown_key() {
    let emulator = guide_emulator().await;
    let url = emulator.soap_url();
    post_soap11(
        &url,
        "Create",
        fixture("4-create-triggered-send-definition.xml"),
    )
    .await;
    post_soap11(&url, "Update", ACTIVATE.to_owned()).await;

    let answer = post(
        &url,
        &[("content-type", "text/xml")],
        fixture("5-create-triggered-send.xml"),
    )
    .await;
    assert_eq!(answer.status, 200);
    let created: CreateResponse = body(&answer.body);
    assert_eq!(created.overall_status, "Error");
    let AnyCreateResult::TriggeredSendCreateResult(result) = &created.results[0] else {
        panic!(
            "expected a TriggeredSendCreateResult: {:?}",
            created.results[0]
        );
    };
    assert_eq!(result.error_code, Some(18002));
    assert_eq!(result.status_code, "Error");
}

#[tokio::test]
async fn guide_envelope_2_adds_field() {
    let emulator = guide_emulator().await;
    let url = emulator.soap_url();
    let create = fixture("3-create-send-log.xml")
        .replace("<Name>SendLog</Name>", "<Name>SendLog</Name><CustomerKey>SendLog</CustomerKey>")
        .replace("<Fields>\n                <Field>\n                   <Name>UniqueID</Name>\n                   <FieldType>Text</FieldType>\n                </Field>\n             </Fields>", "");
    assert!(
        !create.contains("UniqueID"),
        "the field should be removed from the create"
    );
    assert!(create.contains(TRIGGERED_SEND_TEMPLATE_OBJECT_ID));
    let created: CreateResponse = body(&post_soap11(&url, "Create", create).await.body);
    assert_eq!(created.overall_status, "OK");

    let answer = post_soap11(&url, "Update", fixture("2-update-send-log-field.xml")).await;
    let updated: UpdateResponse = body(&answer.body);
    assert_eq!(updated.overall_status, "OK", "{}", answer.body);

    // The same field again, without its ObjectID, is a duplicate.
    let answer = post_soap11(&url, "Update", fixture("2-update-send-log-field.xml")).await;
    let updated: UpdateResponse = body(&answer.body);
    assert_eq!(updated.overall_status, "Error");
    let sfmc_partner_api::AnyUpdateResult::UpdateResult(result) = &updated.results[0] else {
        panic!("expected an UpdateResult");
    };
    assert_eq!(result.error_code, Some(310007));
    assert!(
        result.status_message.contains("'UniqueID'"),
        "{}",
        result.status_message
    );
}
