//! Writes values of golden types as XML, checks the exact text, reads it back and checks
//! that the value is unchanged.

use std::fmt::Debug;

use sfmc_golden_compile::{
    builtins, choice, enumeration, message, nillable, polymorphic, recursive, wsdl_operations,
};
use sfmc_runtime::codegen::Message;
use sfmc_runtime::values::{Date, DateTime, Time};
use sfmc_runtime::xml::{
    Nillable, QualifiedName, RawElement, ReadXml, UnknownType, WriteXml, XmlReader, XmlWriter,
};

/// The target namespace of every golden fixture.
const NAMESPACE: &str = "urn:sfmc-codegen:golden";

/// The start tag attributes the writer puts on the outermost element.
const DECLARATIONS: &str =
    r#"xmlns="urn:sfmc-codegen:golden" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

fn write<T: WriteXml>(value: &T, element: &str) -> String {
    let mut writer = XmlWriter::new();
    if let Err(error) = value.write_xml(&mut writer, element) {
        panic!("writing `{element}` failed: {error}");
    }
    writer.into_string()
}

fn read<T: ReadXml>(xml: &str, element: &str) -> T {
    match XmlReader::new(xml.as_bytes()).read_document(NAMESPACE, element) {
        Ok(value) => value,
        Err(error) => panic!("reading {xml} failed: {error}"),
    }
}

/// Writes `value` as the document element `element`, reads it back, asserts that it is
/// unchanged and returns the XML.
fn round_trip<T: ReadXml + WriteXml + PartialEq + Debug>(value: &T, element: &str) -> String {
    let xml = write(value, element);
    let back: T = read(&xml, element);
    assert_eq!(&back, value, "read back from {xml}");
    xml
}

fn simple_filter(property: &str, values: &[&str]) -> polymorphic::SimpleFilterPart {
    polymorphic::SimpleFilterPart {
        property: property.to_owned(),
        value: values.iter().map(|value| (*value).to_owned()).collect(),
        ..Default::default()
    }
}

#[test]
fn family_round_trip() {
    let date_filter = polymorphic::DateFilterPart {
        property: "CreatedDate".to_owned(),
        value: vec!["today".to_owned()],
        date_value: Some("2024-01-31T08:00:00Z".parse().expect("a valid dateTime")),
        ..Default::default()
    };
    let complex = polymorphic::ComplexFilterPart {
        left_operand: simple_filter("Status", &["Active"]).into(),
        logical_operator: "AND".to_owned(),
        right_operand: date_filter.into(),
        ..Default::default()
    };
    let unknown = UnknownType {
        type_name: Some(QualifiedName {
            namespace: Some(NAMESPACE.to_owned()),
            name: "FutureFilterPart".to_owned(),
        }),
        // A kept element carries the namespace declarations it uses, as reading leaves it.
        xml: format!(
            r#"<Filters {DECLARATIONS} xsi:type="FutureFilterPart"><Limit>3</Limit></Filters>"#
        ),
    };
    let request = polymorphic::RetrieveRequest {
        object_type: "Subscriber".to_owned(),
        filter: Some(complex.into()),
        filters: vec![
            simple_filter("EmailAddress", &["a@example.com", "b@example.com"]).into(),
            polymorphic::AnyFilterPart::Unknown(unknown),
        ],
        r#match: simple_filter("Locale", &[]).into(),
        ..Default::default()
    };

    let xml = round_trip(&request, "RetrieveRequest");
    assert_eq!(
        xml,
        format!(
            "<RetrieveRequest {DECLARATIONS}>\
             <ObjectType>Subscriber</ObjectType>\
             <Filter xsi:type=\"ComplexFilterPart\">\
             <LeftOperand xsi:type=\"SimpleFilterPart\">\
             <Property>Status</Property><Value>Active</Value></LeftOperand>\
             <LogicalOperator>AND</LogicalOperator>\
             <RightOperand xsi:type=\"DateFilterPart\">\
             <Property>CreatedDate</Property><Value>today</Value>\
             <DateValue>2024-01-31T08:00:00Z</DateValue></RightOperand>\
             </Filter>\
             <Filters xsi:type=\"SimpleFilterPart\"><Property>EmailAddress</Property>\
             <Value>a@example.com</Value><Value>b@example.com</Value></Filters>\
             <Filters {DECLARATIONS} xsi:type=\"FutureFilterPart\"><Limit>3</Limit></Filters>\
             <Match xsi:type=\"SimpleFilterPart\"><Property>Locale</Property></Match>\
             </RetrieveRequest>"
        )
    );
}

#[test]
fn abstract_family_without_xsi_type() {
    let xml = format!(
        "<RetrieveRequest {DECLARATIONS}><ObjectType>Email</ObjectType>\
         <Filter><Property>Name</Property></Filter>\
         <Match><Property>ID</Property></Match></RetrieveRequest>"
    );
    let request: polymorphic::RetrieveRequest = read(&xml, "RetrieveRequest");

    // An abstract type cannot be the value, so the element is kept whole, with the default
    // namespace it uses declared on it.
    let expected_filter = polymorphic::AnyFilterPart::Unknown(UnknownType {
        type_name: None,
        xml: format!("<Filter xmlns=\"{NAMESPACE}\"><Property>Name</Property></Filter>"),
    });
    assert_eq!(request.filter, Some(expected_filter));
    // A concrete base reads as itself.
    let expected_match = polymorphic::AnySimpleFilterPart::from(simple_filter("ID", &[]));
    assert_eq!(request.r#match, expected_match);
}

#[test]
fn choice_round_trip() {
    let schedule = choice::Schedule {
        name: "weekly digest".to_owned(),
        choice: choice::ScheduleChoice::Weekly(choice::Recurrence {
            interval: 2,
            ..Default::default()
        }),
        schedule_choice: Some(choice::ScheduleChoice2::Occurrences(5)),
        note: None,
        ..Default::default()
    };
    let xml = round_trip(&schedule, "Schedule");
    assert_eq!(
        xml,
        format!(
            "<Schedule {DECLARATIONS}><Name>weekly digest</Name>\
             <Weekly><Interval>2</Interval></Weekly><Occurrences>5</Occurrences></Schedule>"
        )
    );

    let without_optional = choice::Schedule {
        name: "once".to_owned(),
        choice: choice::ScheduleChoice::Once("2025-06-01T00:00:00".parse().expect("valid")),
        ..Default::default()
    };
    let xml = round_trip(&without_optional, "Schedule");
    assert_eq!(
        xml,
        format!(
            "<Schedule {DECLARATIONS}><Name>once</Name>\
             <Once>2025-06-01T00:00:00</Once></Schedule>"
        )
    );
}

#[test]
fn choice_nil_round_trip() {
    let answer = choice::Answer {
        choice: choice::AnswerChoice::Number(Nillable::Nil),
        ..Default::default()
    };
    let xml = round_trip(&answer, "Answer");
    assert_eq!(
        xml,
        format!("<Answer {DECLARATIONS}><Number xsi:nil=\"true\"/></Answer>")
    );
}

#[test]
fn self_reference_round_trip() {
    let node = recursive::TreeNode {
        label: "leaf".to_owned(),
        parent: Some(Box::new(recursive::TreeNode {
            label: "root".to_owned(),
            ..Default::default()
        })),
        children: vec![recursive::TreeNode {
            label: "grandchild".to_owned(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let xml = round_trip(&node, "TreeNode");
    assert_eq!(
        xml,
        format!(
            "<TreeNode {DECLARATIONS}><Label>leaf</Label>\
             <Parent><Label>root</Label></Parent>\
             <Children><Label>grandchild</Label></Children></TreeNode>"
        )
    );
}

#[test]
fn indirect_self_reference_round_trip() {
    let rule = recursive::Rule {
        name: "outer".to_owned(),
        condition: Some(Box::new(recursive::Condition {
            expression: "Age > 18".to_owned(),
            then: Box::new(recursive::Rule {
                name: "inner".to_owned(),
                condition: None,
                ..Default::default()
            }),
            label: recursive::Label {
                text: "adult".to_owned(),
                ..Default::default()
            },
            ..Default::default()
        })),
        ..Default::default()
    };
    let xml = round_trip(&rule, "Rule");
    assert_eq!(
        xml,
        format!(
            "<Rule {DECLARATIONS}><Name>outer</Name><Condition>\
             <Expression>Age &gt; 18</Expression><Then><Name>inner</Name></Then>\
             <Label><Text>adult</Text></Label></Condition></Rule>"
        )
    );
}

/// Returns an element kept as XML text, with the default namespace it uses declared on it,
/// as reading leaves it.
fn raw_element(name: &str, xml: &str) -> RawElement {
    RawElement {
        name: QualifiedName {
            namespace: Some(NAMESPACE.to_owned()),
            name: name.to_owned(),
        },
        xml: xml.to_owned(),
    }
}

#[test]
fn builtins_round_trip() {
    let value = builtins::Builtins {
        string: "a < b & c\r\n".to_owned(),
        boolean: true,
        byte: i8::MIN,
        short: i16::MIN,
        int: i32::MAX,
        long: i64::MIN,
        integer: i64::MAX,
        unsigned_byte: u8::MAX,
        unsigned_short: u16::MAX,
        unsigned_int: u32::MAX,
        unsigned_long: u64::MAX,
        double: f64::NEG_INFINITY,
        // Limitation: 0.375 is exact in binary. A float such as 0.1 is written as its
        // widening to f64, `0.10000000149011612`, which reads back equal but is not the
        // shortest form.
        float: 0.375,
        date_time: "2024-02-29T23:59:59.120-08:00"
            .parse::<DateTime>()
            .expect("a valid dateTime"),
        date: "2024-02-29Z".parse::<Date>().expect("a valid date"),
        time: "07:05:00.5".parse::<Time>().expect("a valid time"),
        base64_binary: vec![0, 1, 2, 0xFF],
        decimal: "12345678901234567890.000000001".to_owned(),
        any_uri: "https://example.com/a?b=c".to_owned(),
        any_type: raw_element(
            "AnyType",
            &format!("<AnyType xmlns=\"{NAMESPACE}\"><Nested>x</Nested></AnyType>"),
        ),
        untyped: raw_element(
            "Untyped",
            &format!("<Untyped xmlns=\"{NAMESPACE}\">text</Untyped>"),
        ),
        ..Default::default()
    };
    let xml = round_trip(&value, "Builtins");
    assert_eq!(
        xml,
        format!(
            "<Builtins {DECLARATIONS}>\
             <String>a &lt; b &amp; c&#13;\n</String>\
             <Boolean>true</Boolean>\
             <Byte>-128</Byte>\
             <Short>-32768</Short>\
             <Int>2147483647</Int>\
             <Long>-9223372036854775808</Long>\
             <Integer>9223372036854775807</Integer>\
             <UnsignedByte>255</UnsignedByte>\
             <UnsignedShort>65535</UnsignedShort>\
             <UnsignedInt>4294967295</UnsignedInt>\
             <UnsignedLong>18446744073709551615</UnsignedLong>\
             <Double>-INF</Double>\
             <Float>0.375</Float>\
             <DateTime>2024-02-29T23:59:59.120-08:00</DateTime>\
             <Date>2024-02-29Z</Date>\
             <Time>07:05:00.5</Time>\
             <Base64Binary>AAEC/w==</Base64Binary>\
             <Decimal>12345678901234567890.000000001</Decimal>\
             <AnyUri>https://example.com/a?b=c</AnyUri>\
             <AnyType xmlns=\"{NAMESPACE}\"><Nested>x</Nested></AnyType>\
             <Untyped xmlns=\"{NAMESPACE}\">text</Untyped>\
             </Builtins>"
        )
    );
}

#[test]
fn nillable_round_trip() {
    let contact = nillable::Contact {
        name: Nillable::Nil,
        phone: Some(Nillable::Nil),
        birthday: Some(Nillable::Value("1990-05-17".parse().expect("a valid date"))),
        tags: vec![Nillable::Value("vip".to_owned()), Nillable::Nil],
        address: None,
        score: 3,
        ..Default::default()
    };
    let xml = round_trip(&contact, "Contact");
    assert_eq!(
        xml,
        format!(
            "<Contact {DECLARATIONS}><Name xsi:nil=\"true\"/><Phone xsi:nil=\"true\"/>\
             <Birthday>1990-05-17</Birthday><Tags>vip</Tags><Tags xsi:nil=\"true\"/>\
             <Score>3</Score></Contact>"
        )
    );
}

#[test]
fn enumeration_round_trip() {
    let setting = enumeration::Setting {
        scope: enumeration::ScopeType::BusinessUnit2,
        priority: Some(enumeration::Priority::V2),
        code: vec!["7".to_owned()],
        ..Default::default()
    };
    let xml = round_trip(&setting, "Setting");
    assert_eq!(
        xml,
        format!(
            "<Setting {DECLARATIONS}><Scope>BusinessUnit</Scope><Priority>2</Priority>\
             <Code>7</Code></Setting>"
        )
    );

    let unlisted = enumeration::Setting {
        scope: enumeration::ScopeType::UnknownValue("DIVISION".to_owned()),
        ..Default::default()
    };
    let xml = round_trip(&unlisted, "Setting");
    assert_eq!(
        xml,
        format!("<Setting {DECLARATIONS}><Scope>DIVISION</Scope></Setting>")
    );
    assert_eq!(
        enumeration::ScopeType::from("Unknown"),
        enumeration::ScopeType::Unknown
    );
}

#[test]
fn message_round_trip() {
    let request = message::PingRequest {
        options: message::Options {
            request_type: Some("Synchronous".to_owned()),
            ..Default::default()
        },
        payload: None,
        ..Default::default()
    };
    let xml = request.to_xml().expect("the message writes");
    assert_eq!(
        xml,
        format!(
            "<PingRequest {DECLARATIONS}><Options><RequestType>Synchronous</RequestType>\
             </Options></PingRequest>"
        )
    );
    let back = message::PingRequest::from_xml(xml.as_bytes()).expect("the message reads");
    assert_eq!(back, request);
}

#[test]
fn operations_table() {
    use sfmc_runtime::codegen::Operation;
    use wsdl_operations::operations;

    let rows: Vec<(&str, &str, &str, &str, &str)> = operations::ALL
        .iter()
        .map(|op| {
            let elements = (op.request_element, op.response_element);
            (op.name, op.method, op.soap_action, elements.0, elements.1)
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "VersionInfo",
                "version_info",
                "VersionInfo",
                "VersionInfoRequestMsg",
                "VersionInfoResponseMsg"
            ),
            (
                "Create",
                "create",
                "urn:sfmc-codegen:golden/Create",
                "CreateRequest",
                "CreateResponse"
            ),
        ]
    );
    assert_eq!(operations::Create::NAME, "Create");
    assert_eq!(
        operations::Create::SOAP_ACTION,
        "urn:sfmc-codegen:golden/Create"
    );
    assert_eq!(
        <operations::VersionInfo as Operation>::Request::ELEMENT,
        "VersionInfoRequestMsg"
    );
    assert_eq!(
        <operations::VersionInfo as Operation>::Response::NAMESPACE,
        NAMESPACE
    );
}
