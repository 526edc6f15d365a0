//! Absent required elements: where the reader finds them in a document read with the
//! generated types.

use sfmc_partner_api::CreateRequest;
use sfmc_partner_api::runtime::xml::{Message as _, MissingElement, XmlReader};

/// A Create without its Options, whose second subscriber's second attribute has no Value.
const CREATE: &str = concat!(
    r#"<CreateRequest xmlns="http://exacttarget.com/wsdl/partnerAPI" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    "\n",
    r#"<Objects xsi:type="TriggeredSend">"#,
    "<TriggeredSendDefinition><CustomerKey>welcome</CustomerKey></TriggeredSendDefinition>",
    "<Subscribers><EmailAddress>a@example.com</EmailAddress><SubscriberKey>a</SubscriberKey></Subscribers>",
    "\n",
    "<Subscribers><EmailAddress>b@example.com</EmailAddress><SubscriberKey>b</SubscriberKey>",
    "<Attributes><Name>UniqueID</Name><Value>u-1</Value></Attributes>",
    "<Attributes><Name>Plan</Name></Attributes>",
    "</Subscribers></Objects></CreateRequest>",
);

fn read_recording(xml: &str) -> (CreateRequest, Vec<MissingElement>) {
    let mut reader = XmlReader::new(xml.as_bytes());
    reader.record_missing();
    let request = reader
        .read_document::<CreateRequest>(CreateRequest::NAMESPACE, CreateRequest::ELEMENT)
        .expect("the request should read");
    (request, reader.missing_elements())
}

#[test]
fn missing_elements_have_paths() {
    let (_, missing) = read_recording(CREATE);
    let attribute_column = CREATE
        .lines()
        .nth(2)
        .unwrap()
        .find("<Attributes><Name>Plan")
        .unwrap();
    assert_eq!(
        missing,
        [
            MissingElement {
                name: "Value",
                path: "CreateRequest/Objects/Subscribers[2]/Attributes[2]".to_owned(),
                line: 3,
                column: u32::try_from(attribute_column + 1).unwrap(),
            },
            MissingElement {
                name: "Options",
                path: "CreateRequest".to_owned(),
                line: 1,
                column: 1,
            },
        ]
    );
}

#[test]
fn missing_elements_also_in_extra() {
    let (request, _) = read_recording(CREATE);
    assert_eq!(request.extra.missing, ["Options"]);
}

#[test]
fn missing_elements_empty_without_recording() {
    let mut reader = XmlReader::new(CREATE.as_bytes());
    reader
        .read_document::<CreateRequest>(CreateRequest::NAMESPACE, CreateRequest::ELEMENT)
        .expect("the request should read");
    assert_eq!(reader.missing_elements(), []);
}

#[test]
fn complete_request_has_none() {
    let complete = CREATE
        .replace("<Name>Plan</Name>", "<Name>Plan</Name><Value>gold</Value>")
        .replace("\n<Objects", "<Options/>\n<Objects");
    let (_, missing) = read_recording(&complete);
    assert_eq!(missing, []);
}
