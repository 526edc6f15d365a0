//! Wire tests for the generated partnerAPI bindings.
//!
//! The request tests rebuild, with the typed API, the seven SOAP bodies printed in
//! Salesforce's guide "Retrieve Tracking Results for One-to-One Triggered Sends". Each
//! envelope is copied verbatim into `fixtures/wire/`, numbered in the guide's order.
//!
//! Each request test checks three things. The serialized message has the same content as
//! the guide's body, and it reads back as the value that was built. The guide's body as
//! printed, with its prefixes, comments and indentation, reads as that value too.
//!
//! Where the guide departs from the WSDL (children out of sequence order in envelopes 4 and 5,
//! a non-date `DateValue` in envelope 6), the tests compare against a corrected copy and
//! assert the exact difference from the guide as printed.

use std::fmt::Debug;
use std::fs;

use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyFilterPart, Attribute, ComplexFilterPart,
    ComplexFilterPartAdditionalOperands, ConfigureOptions, ConfigureRequestMsg,
    ConfigureRequestMsgConfigurations, CreateOptions, CreateRequest, DataExtension,
    DataExtensionField, DataExtensionFieldType, DataExtensionFields, DataExtensionTemplate, Email,
    EventType, LogicalOperators, PropertyDefinition, PropertyType, RetrieveRequest,
    RetrieveRequestMsg, RetrieveResponseMsg, SendClassification, SimpleFilterPart, SimpleOperators,
    Subscriber, TriggeredSend, TriggeredSendDefinition, UpdateOptions, UpdateRequest,
};
use sfmc_runtime::xml::{Message, Nillable, QualifiedName, ReadErrorKind};
use sfmc_tests::fixtures_dir;
use sfmc_tests::xml_compare::{assert_same_xml, compare, soap_body_child};

const PARTNER_NAMESPACE: &str = "http://exacttarget.com/wsdl/partnerAPI";

/// The value the guide stores in the `UniqueID` attribute and filters the send log on.
const UNIQUE_ID: &str = "111-111-2323123-21312321-213213";

fn fixture(name: &str) -> String {
    let path = fixtures_dir().join("wire").join(name);
    fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// Returns the first element inside the `Body` of the envelope fixture `name`, as printed,
/// with the envelope's namespace declarations copied onto it.
fn guide_body(name: &str) -> String {
    soap_body_child(&fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// Checks that `built` serializes to the content of `expected_xml` and reads back equal, and
/// that `guide_xml` reads as `built`.
#[track_caller]
fn check_message<M: Message + PartialEq + Debug>(built: &M, expected_xml: &str, guide_xml: &str) {
    let written = built.to_xml().expect("the built message should serialize");
    assert_same_xml(expected_xml, &written);

    let reread = M::from_xml(written.as_bytes()).expect("the written XML should read back");
    assert_eq!(
        &reread, built,
        "the written XML reads back as another value"
    );

    let from_guide = M::from_xml(guide_xml.as_bytes()).expect("the guide's body should read");
    assert_eq!(
        &from_guide, built,
        "the guide's body reads as another value"
    );
}

/// Returns the message for a first difference in the partnerAPI namespace, as
/// [`compare`] writes it.
fn child_difference(path: &str, index: usize, expected: &str, actual: &str) -> String {
    format!(
        "{path}: child {index} {{{PARTNER_NAMESPACE}}}{expected} != {{{PARTNER_NAMESPACE}}}{actual}"
    )
}

/// Envelope 1, "Create a new profile attribute": a Configure call that creates the
/// `UniqueID` profile attribute.
fn configure_property_definition() -> ConfigureRequestMsg {
    let attribute = PropertyDefinition {
        object_id: Some(Nillable::Nil),
        name: Some("UniqueID".into()),
        property_type: Some(PropertyType::String),
        ..Default::default()
    };
    ConfigureRequestMsg {
        options: Some(ConfigureOptions::default()),
        action: Some("Create".into()),
        configurations: Some(ConfigureRequestMsgConfigurations {
            configuration: vec![attribute.into()],
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[test]
fn guide_configure_property_definition() {
    let built = configure_property_definition();
    let guide = guide_body("1-configure-property-definition.xml");

    // The guide writes `<Options>\n</Options>` and `<ObjectID xsi:nil="true">\n</ObjectID>`.
    // The writer uses empty-element tags, which have the same content.
    check_message(&built, &guide, &guide);
}

#[test]
fn guide_configure_exact_output() {
    let written = configure_property_definition().to_xml().unwrap();

    assert_eq!(
        written,
        concat!(
            r#"<ConfigureRequestMsg xmlns="http://exacttarget.com/wsdl/partnerAPI" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<Options/>",
            "<Action>Create</Action>",
            "<Configurations>",
            r#"<Configuration xsi:type="PropertyDefinition">"#,
            r#"<ObjectID xsi:nil="true"/>"#,
            "<Name>UniqueID</Name>",
            "<PropertyType>string</PropertyType>",
            "</Configuration>",
            "</Configurations>",
            "</ConfigureRequestMsg>",
        )
    );
}

/// Envelope 2, "Modify your existing send Log data extension": an Update that adds the
/// `UniqueID` column. The guide spells the type `ns1:DataExtension` with `ns1` declared on
/// the element, and puts a comment after `CustomerKey`.
#[test]
fn guide_update_send_log_field() {
    let send_log = DataExtension {
        customer_key: Some("SendLog".into()),
        fields: Some(DataExtensionFields {
            field: vec![DataExtensionField {
                name: Some("UniqueID".into()),
                max_length: Some(200),
                is_required: Some(false),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let built = UpdateRequest {
        options: UpdateOptions::default(),
        objects: vec![send_log.into()],
        ..Default::default()
    };
    let guide = guide_body("2-update-send-log-field.xml");

    check_message(&built, &guide, &guide);
}

/// Envelope 3, "If you don't have a send log data extension": a Create of the send log from
/// the TriggeredSendDataExtension template.
#[test]
fn guide_create_send_log() {
    let template = DataExtensionTemplate {
        object_id: Some(Nillable::Value(
            "c3af0d64-1867-de11-8767-001e0bcf2c98".into(),
        )),
        ..Default::default()
    };
    let send_log = DataExtension {
        name: Some("SendLog".into()),
        template: Some(Box::new(template)),
        fields: Some(DataExtensionFields {
            field: vec![DataExtensionField {
                name: Some("UniqueID".into()),
                field_type: Some(DataExtensionFieldType::Text),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let built = CreateRequest {
        options: CreateOptions::default(),
        objects: vec![send_log.into()],
        ..Default::default()
    };
    let guide = guide_body("3-create-send-log.xml");

    check_message(&built, &guide, &guide);
}

/// Envelope 4, "Update an existing triggered send definition or create a new one": a Create
/// of a TriggeredSendDefinition with send logging on.
#[test]
fn guide_create_triggered_send_definition() {
    let definition = TriggeredSendDefinition {
        object_id: Some(Nillable::Nil),
        customer_key: Some("API Example for SendLogging".into()),
        name: Some("API Example for Send Logging".into()),
        send_classification: Some(Box::new(SendClassification {
            object_id: Some(Nillable::Nil),
            customer_key: Some("2239".into()),
            ..Default::default()
        })),
        is_send_logging: Some(true),
        email: Some(Box::new(Email {
            id: Some(3_099_626),
            object_id: Some(Nillable::Nil),
            ..Default::default()
        })),
        ..Default::default()
    };
    let built = CreateRequest {
        options: CreateOptions::default(),
        objects: vec![definition.into()],
        ..Default::default()
    };
    let guide = guide_body("4-create-triggered-send-definition.xml");
    let schema_order = fixture("4-create-triggered-send-definition-schema-order.xml");

    // The guide writes CustomerKey before ObjectID in SendClassification, ObjectID before ID
    // in Email, and Email before IsSendLogging. The writer follows the WSDL sequences, and
    // the reader accepts either order.
    check_message(&built, &schema_order, &guide);
    let written = built.to_xml().unwrap();
    assert_eq!(
        compare(&guide, &written),
        Err(child_difference(
            "CreateRequest/Objects/SendClassification",
            1,
            "CustomerKey",
            "ObjectID"
        ))
    );
}

/// Envelope 5, "Trigger an email": a Create of a TriggeredSend carrying the `UniqueID`
/// attribute.
#[test]
fn guide_create_triggered_send() {
    let subscriber = Subscriber {
        object_id: Some(Nillable::Nil),
        email_address: Some("help@example.com".into()),
        attributes: vec![Attribute {
            name: "UniqueID".into(),
            value: UNIQUE_ID.into(),
            ..Default::default()
        }],
        subscriber_key: Some("help@example.com".into()),
        ..Default::default()
    };
    let send = TriggeredSend {
        object_id: Some(Nillable::Nil),
        // The guide triggers the key "API Example for Send Logging", which is envelope 4's
        // Name rather than its CustomerKey. The value is kept as printed.
        triggered_send_definition: TriggeredSendDefinition {
            object_id: Some(Nillable::Nil),
            customer_key: Some("API Example for Send Logging".into()),
            ..Default::default()
        },
        subscribers: vec![subscriber],
        ..Default::default()
    };
    let built = CreateRequest {
        options: CreateOptions::default(),
        objects: vec![send.into()],
        ..Default::default()
    };
    let guide = guide_body("5-create-triggered-send.xml");
    let schema_order = fixture("5-create-triggered-send-schema-order.xml");

    // The guide writes SubscriberKey before Attributes, but the WSDL sequence has Attributes
    // first.
    check_message(&built, &schema_order, &guide);
    let written = built.to_xml().unwrap();
    assert_eq!(
        compare(&guide, &written),
        Err(child_difference(
            "CreateRequest/Objects/Subscribers",
            3,
            "SubscriberKey",
            "Attributes"
        ))
    );
}

/// Envelope 6, "Use the Retrieve method to retrieve the JobID, BatchID, and SubscriberID",
/// built with the filter value in `Value`, because `DateValue` is typed xsd:dateTime and
/// the guide's value is not a date.
fn retrieve_send_log() -> RetrieveRequestMsg {
    let filter = SimpleFilterPart {
        property: "UniqueID".into(),
        simple_operator: SimpleOperators::Equals,
        value: vec![UNIQUE_ID.into()],
        ..Default::default()
    };
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "DataExtensionObject[SendLog]".into(),
            properties: vec!["JobID".into(), "BatchID".into(), "SubscriberID".into()],
            filter: Some(filter.into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn guide_retrieve_send_log_with_value() {
    let built = retrieve_send_log();
    let guide = guide_body("6-retrieve-send-log.xml");
    let with_value = guide
        .replace("<DateValue>", "<Value>")
        .replace("</DateValue>", "</Value>");

    check_message(&built, &with_value, &with_value);
    let written = built.to_xml().unwrap();
    assert_eq!(
        compare(&guide, &written),
        Err(child_difference(
            "RetrieveRequestMsg/RetrieveRequest/Filter",
            3,
            "DateValue",
            "Value"
        ))
    );
}

#[test]
fn guide_retrieve_send_log_date_value() {
    let guide = guide_body("6-retrieve-send-log.xml");

    let error = RetrieveRequestMsg::from_xml(guide.as_bytes()).unwrap_err();

    // The line and column count from the start of the extracted body.
    assert_eq!(
        error.to_string(),
        format!(
            "invalid xsd:dateTime value \"{UNIQUE_ID}\": year must have at least 4 digits \
             in element `RetrieveRequestMsg/RetrieveRequest/Filter/DateValue` \
             at line 10, column 21"
        )
    );
    assert_eq!(
        error.path(),
        "RetrieveRequestMsg/RetrieveRequest/Filter/DateValue"
    );
    assert_eq!(error.element(), Some("DateValue"));
    let ReadErrorKind::InvalidValue(value_error) = error.kind() else {
        panic!("expected an invalid value, got {:?}", error.kind());
    };
    assert_eq!(value_error.expected(), "xsd:dateTime");
    assert_eq!(value_error.value(), UNIQUE_ID);
}

/// Envelope 7, "Use the three properties from step 6": a Retrieve of SentEvent filtered on
/// SendID, BatchID and SubscriberID, the third through `AdditionalOperands`.
#[test]
fn guide_retrieve_sent_events() {
    let equals = |property: &str, value: &str| -> AnyFilterPart {
        SimpleFilterPart {
            property: property.into(),
            simple_operator: SimpleOperators::Equals,
            value: vec![value.into()],
            ..Default::default()
        }
        .into()
    };
    let filter = ComplexFilterPart {
        left_operand: equals("SendID", "10980375"),
        logical_operator: LogicalOperators::And,
        right_operand: Some(equals("BatchID", "5")),
        additional_operands: Some(ComplexFilterPartAdditionalOperands {
            operand: vec![equals("SubscriberID", "199672583")],
            ..Default::default()
        }),
        ..Default::default()
    };
    let built = RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "SentEvent".into(),
            properties: vec!["SubscriberKey".into(), "EventDate".into()],
            filter: Some(filter.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let guide = guide_body("7-retrieve-sent-events.xml");

    check_message(&built, &guide, &guide);
}

/// Returns the Name/Value pairs of a DataExtensionObject's properties.
fn property_pairs(properties: &[AnyApiProperty]) -> Vec<(&str, &str)> {
    properties
        .iter()
        .map(|property| match property {
            AnyApiProperty::ApiProperty(property) => {
                (property.name.as_str(), property.value.as_str())
            }
            other => panic!("expected an APIProperty, got {}", other.type_name()),
        })
        .collect()
}

#[test]
fn retrieve_response_mixed_results() {
    let body = soap_body_child(&fixture("retrieve-response-events.xml")).unwrap();

    let response = RetrieveResponseMsg::from_xml(body.as_bytes()).unwrap();

    assert_eq!(response.overall_status, "OK");
    assert_eq!(
        response.request_id.as_deref(),
        Some("0d4c7f2a-91b3-4e8d-a6f0-5c2e8b1d9a47")
    );
    assert!(response.extra.is_empty(), "{:?}", response.extra);
    let type_names: Vec<&str> = response
        .results
        .iter()
        .map(AnyApiObject::type_name)
        .collect();
    assert_eq!(
        type_names,
        [
            "SentEvent",
            "OpenEvent",
            "ClickEvent",
            "DataExtensionObject",
            "FutureEvent"
        ]
    );

    // `xsi:type="ns1:SentEvent"`, with `ns1` declared on the element itself.
    let AnyApiObject::SentEvent(sent) = &response.results[0] else {
        panic!("result 1 is {}", response.results[0].type_name());
    };
    assert_eq!(sent.partner_key, Some(Nillable::Nil));
    assert_eq!(sent.object_id, Some(Nillable::Nil));
    assert_eq!(sent.send_id, Some(10_980_375));
    assert_eq!(sent.subscriber_key.as_deref(), Some("help@example.com"));
    let sent_date = sent.event_date.as_ref().map(ToString::to_string);
    assert_eq!(sent_date.as_deref(), Some("2014-03-26T10:02:01.987"));
    assert_eq!(sent.event_type, Some(EventType::Sent));
    assert_eq!(sent.batch_id, Some(5));
    assert_eq!(
        sent.extra.text("SubscriberID").as_deref(),
        Some("199672583")
    );
    assert_eq!(sent.extra.text("ListID").as_deref(), Some("4107"));
    assert!(sent.extra.missing.is_empty());

    let AnyApiObject::OpenEvent(open) = &response.results[1] else {
        panic!("result 2 is {}", response.results[1].type_name());
    };
    assert_eq!(open.partner_key, Some(Nillable::Nil));
    assert_eq!(open.send_id, Some(10_980_375));
    assert_eq!(open.subscriber_key.as_deref(), Some("help@example.com"));
    let open_date = open.event_date.as_ref().map(ToString::to_string);
    assert_eq!(open_date.as_deref(), Some("2014-03-26T10:15:42.113"));
    assert_eq!(open.event_type, Some(EventType::Open));
    assert_eq!(open.batch_id, Some(5));
    assert_eq!(
        open.extra.text("SubscriberID").as_deref(),
        Some("199672583")
    );
    assert_eq!(open.extra.text("ListID"), None);

    let AnyApiObject::ClickEvent(click) = &response.results[2] else {
        panic!("result 3 is {}", response.results[2].type_name());
    };
    assert_eq!(click.partner_key, Some(Nillable::Nil));
    assert_eq!(click.send_id, Some(10_980_375));
    let click_date = click.event_date.as_ref().map(ToString::to_string);
    assert_eq!(click_date.as_deref(), Some("2014-03-26T10:16:09"));
    assert_eq!(click.event_type, Some(EventType::Click));
    assert_eq!(click.batch_id, Some(5));
    assert_eq!(click.urlid, Some(117));
    assert_eq!(
        click.url.as_deref(),
        Some("https://example.com/offer?id=7&src=email")
    );
    assert_eq!(
        click.extra.text("SubscriberID").as_deref(),
        Some("199672583")
    );

    let AnyApiObject::DataExtensionObject(row) = &response.results[3] else {
        panic!("result 4 is {}", response.results[3].type_name());
    };
    assert_eq!(row.partner_key, Some(Nillable::Nil));
    assert_eq!(row.object_id, Some(Nillable::Nil));
    assert_eq!(row.r#type.as_deref(), Some("DataExtensionObject"));
    let properties = row
        .properties
        .as_ref()
        .expect("the row should have Properties");
    assert_eq!(
        property_pairs(&properties.property),
        [
            ("JobID", "10980375"),
            ("BatchID", "5"),
            ("SubscriberID", "199672583")
        ]
    );
    assert!(row.extra.is_empty(), "{:?}", row.extra);

    let AnyApiObject::Unknown(unknown) = &response.results[4] else {
        panic!("result 5 is {}", response.results[4].type_name());
    };
    let future_event = QualifiedName {
        namespace: Some(PARTNER_NAMESPACE.to_owned()),
        name: "FutureEvent".to_owned(),
    };
    assert_eq!(unknown.type_name.as_ref(), Some(&future_event));
    let (start_tag, content) = unknown.xml.split_once('>').unwrap();
    assert!(start_tag.starts_with("<Results "), "{start_tag}");
    assert_eq!(
        content,
        "\n        <PartnerKey xsi:nil=\"true\" />\
         \n        <SendID>10980375</SendID>\
         \n        <Channel>push</Channel>\
         \n      </Results>"
    );
    // The kept element parses on its own, because its start tag declares the prefixes it
    // uses.
    assert_same_xml(
        &format!(
            r#"<Results xmlns="{PARTNER_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="FutureEvent"><PartnerKey xsi:nil="true"/><SendID>10980375</SendID><Channel>push</Channel></Results>"#
        ),
        &unknown.xml,
    );

    let written = response.to_xml().unwrap();
    let reread = RetrieveResponseMsg::from_xml(written.as_bytes()).unwrap();
    assert_eq!(reread, response);
}

/// Returns a Create of one TriggeredSendDefinition whose ObjectID is `object_id`.
fn create_with_object_id(object_id: Option<Nillable<String>>) -> CreateRequest {
    let definition = TriggeredSendDefinition {
        object_id,
        customer_key: Some("key".into()),
        ..Default::default()
    };
    CreateRequest {
        objects: vec![definition.into()],
        ..Default::default()
    }
}

#[test]
fn nillable_states_round_trip() {
    let cases: [(Option<Nillable<String>>, &str); 4] = [
        (None, ""),
        (Some(Nillable::Nil), r#"<ObjectID xsi:nil="true"/>"#),
        (
            Some(Nillable::Value("5f3c9d1e".into())),
            "<ObjectID>5f3c9d1e</ObjectID>",
        ),
        // An empty value is a value, not nil.
        (Some(Nillable::Value(String::new())), "<ObjectID/>"),
    ];
    for (object_id, object_id_xml) in cases {
        let built = create_with_object_id(object_id.clone());
        let expected = format!(
            r#"<CreateRequest xmlns="{PARTNER_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Options/><Objects xsi:type="TriggeredSendDefinition">{object_id_xml}<CustomerKey>key</CustomerKey></Objects></CreateRequest>"#
        );

        let written = built.to_xml().unwrap();
        assert_same_xml(&expected, &written);
        let reread = CreateRequest::from_xml(written.as_bytes()).unwrap();

        let AnyApiObject::TriggeredSendDefinition(definition) = &reread.objects[0] else {
            panic!("read back as {}", reread.objects[0].type_name());
        };
        assert_eq!(definition.object_id, object_id, "{object_id_xml}");
        assert_eq!(reread, built, "{object_id_xml}");
    }
}

/// A continuation request, as the service documents it, has only `ContinueRequest` inside
/// `RetrieveRequest`, although the WSDL makes `ObjectType` required.
#[test]
fn required_object_type_missing() {
    let xml = format!(
        r#"<RetrieveRequestMsg xmlns="{PARTNER_NAMESPACE}"><RetrieveRequest><ContinueRequest>0d4c7f2a-91b3-4e8d-a6f0-5c2e8b1d9a47</ContinueRequest></RetrieveRequest></RetrieveRequestMsg>"#
    );

    let message = RetrieveRequestMsg::from_xml(xml.as_bytes()).unwrap();

    let request = &message.retrieve_request;
    assert_eq!(request.extra.missing, ["ObjectType"]);
    assert!(request.extra.elements.is_empty());
    assert_eq!(request.object_type, "");
    assert_eq!(
        request.continue_request.as_deref(),
        Some("0d4c7f2a-91b3-4e8d-a6f0-5c2e8b1d9a47")
    );
    let written = message.to_xml().unwrap();
    assert_same_xml(&xml, &written);
}

/// Some clients leave out the `Options` the WSDL requires on a Create.
#[test]
fn required_options_missing() {
    let xml = format!(
        r#"<CreateRequest xmlns="{PARTNER_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Objects xsi:type="DataExtension"><Name>SendLog</Name></Objects></CreateRequest>"#
    );

    let message = CreateRequest::from_xml(xml.as_bytes()).unwrap();

    assert_eq!(message.extra.missing, ["Options"]);
    assert_eq!(message.options, CreateOptions::default());
    assert_eq!(message.objects.len(), 1);
    let written = message.to_xml().unwrap();
    assert_same_xml(&xml, &written);
}
