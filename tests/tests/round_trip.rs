//! Round trip over every generated partnerAPI struct type and every member of the `Any…`
//! family enums.
//!
//! `build.rs` writes one sample document per concrete struct type of the generator's
//! intermediate representation, with every field filled (see its header for the rules), into
//! `round_trip_cases.rs`. Each case reads its sample as the generated type and checks that no
//! element was unknown or missing at any depth. It then writes the value back and checks that
//! the written XML reads as the same value and has the same content as the sample. The family
//! cases do the same through the family enum, with `xsi:type` on the sample's root.
//!
//! Each case names its type as `sfmc_partner_api::Name`, so the test also fails to compile when
//! another item hides a generated type under that path.

use std::fmt::Debug;
use std::path::Path;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use sfmc_partner_api::{
    AnyApiProperty, ApiObject, AsyncResponse, AsyncResponseType, ClientId, FieldMap,
};
use sfmc_runtime::xml::{ComplexType, ReadXml, WriteXml, XmlReader, XmlWriter};
use sfmc_tests::shared_wsdl_dir;
use sfmc_tests::xml_compare::compare;

/// One generated type with its sample document.
struct RoundTripCase {
    /// The Rust path of the type, as written in the case.
    rust_type: &'static str,
    /// The type's XML name, which for an anonymous type is its schema path such as
    /// `DataExtension/Fields`.
    xml_name: &'static str,
    sample: &'static str,
    /// [`check_round_trip`] for the case's type.
    check: fn(&str, &str) -> Result<(), String>,
}

impl RoundTripCase {
    /// Returns the local name of the sample's root element.
    fn root_element(&self) -> &'static str {
        self.xml_name
            .rsplit_once('/')
            .map_or(self.xml_name, |(_, last)| last)
    }

    fn run(&self) -> Result<(), String> {
        (self.check)(self.root_element(), self.sample)
    }
}

/// Builds a [`RoundTripCase`] from a type, its XML name and its sample document.
macro_rules! round_trip_case {
    ($ty:ty, $xml_name:literal, $sample:literal) => {
        RoundTripCase {
            rust_type: stringify!($ty),
            xml_name: $xml_name,
            sample: $sample,
            check: check_round_trip::<$ty>,
        }
    };
}

/// One concrete member of a polymorphic type's family, read through the family's `Any…` enum.
struct FamilyCase {
    /// The Rust path of the family enum, as written in the case.
    family: &'static str,
    /// The member's XML type name, which is also the `xml_name` of its [`RoundTripCase`].
    member: &'static str,
    /// [`check_family_round_trip`] for the case's family enum.
    check: fn(&str, &str, &str) -> Result<(), String>,
}

/// Builds a [`FamilyCase`] from a family enum and the XML name of one of its members.
macro_rules! family_case {
    ($family:ty, $member:literal) => {
        FamilyCase {
            family: stringify!($family),
            member: $member,
            check: |element, member, sample| {
                check_family_round_trip::<$family>(element, member, sample, <$family>::type_name)
            },
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/round_trip_cases.rs"));

/// Types that do not round-trip yet, by XML name, with the first difference they report.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// Reads the root element of `xml` as a `T`.
fn read_root<T: ReadXml>(xml: &str) -> Result<T, String> {
    let mut reader = XmlReader::new(xml.as_bytes());
    let root = reader.root().map_err(|error| error.to_string())?;
    T::read_xml(&mut reader, &root).map_err(|error| error.to_string())
}

/// Reads `sample` as a `T`, writes it back as the element `element`, and checks the result.
///
/// # Errors
/// Returns the first problem found: a read that fails, anything kept in an `extra` field or
/// as an unknown type, a value that reads back different, or written XML whose content
/// differs from the sample.
fn check_round_trip<T>(element: &str, sample: &str) -> Result<(), String>
where
    T: ComplexType + ReadXml + WriteXml + PartialEq + Debug,
{
    let value: T = read_root(sample).map_err(|error| format!("reading the sample: {error}"))?;
    if !value.extra().is_empty() {
        return Err(format!(
            "the sample has undeclared or missing elements: {:?}",
            value.extra()
        ));
    }
    if let Some(leftover) = nested_leftover(&format!("{value:?}")) {
        return Err(format!("the sample has leftovers inside: {leftover}"));
    }

    let mut writer = XmlWriter::new();
    writer
        .element(element, &value)
        .map_err(|error| format!("writing: {error}"))?;
    let written = writer.into_string();

    let reread: T = read_root(&written)
        .map_err(|error| format!("reading the written XML: {error}\n--- written:\n{written}"))?;
    if reread != value {
        let difference = first_line_difference(&format!("{value:#?}"), &format!("{reread:#?}"));
        return Err(format!(
            "the written XML reads as another value: {difference}"
        ));
    }
    compare(sample, &written)
        .map_err(|difference| format!("the written XML differs from the sample: {difference}"))
}

/// Reads `sample` as the family enum `F`, checks that it chose the variant of `member`,
/// writes it back as the element `element`, and checks the result as [`check_round_trip`] does.
///
/// # Errors
/// Returns the first problem found.
fn check_family_round_trip<F>(
    element: &str,
    member: &str,
    sample: &str,
    type_name: fn(&F) -> &str,
) -> Result<(), String>
where
    F: ReadXml + WriteXml + PartialEq + Debug,
{
    let value: F = read_root(sample).map_err(|error| format!("reading the sample: {error}"))?;
    if let Some(leftover) = nested_leftover(&format!("{value:?}")) {
        return Err(format!("the sample has leftovers: {leftover}"));
    }
    if type_name(&value) != member {
        return Err(format!("the sample reads as `{}`", type_name(&value)));
    }

    let mut writer = XmlWriter::new();
    writer
        .element(element, &value)
        .map_err(|error| format!("writing: {error}"))?;
    let written = writer.into_string();

    let reread: F = read_root(&written)
        .map_err(|error| format!("reading the written XML: {error}\n--- written:\n{written}"))?;
    if reread != value {
        let difference = first_line_difference(&format!("{value:#?}"), &format!("{reread:#?}"));
        return Err(format!(
            "the written XML reads as another value: {difference}"
        ));
    }
    compare(sample, &written)
        .map_err(|difference| format!("the written XML differs from the sample: {difference}"))
}

/// Returns the sample of `case` with `xsi:type` naming `member` on its root element.
///
/// `build.rs` writes every sample's root start tag as `<Name xmlns="…" xmlns:tns="…"
/// xmlns:xsi="…">`, so both prefixes are bound on the root.
fn with_root_xsi_type(case: &RoundTripCase, member: &str) -> String {
    let root = case.root_element();
    let rest = case
        .sample
        .strip_prefix(&format!("<{root}"))
        .unwrap_or_else(|| {
            panic!(
                "the sample of {} does not start with <{root}",
                case.xml_name
            )
        });
    format!(r#"<{root} xsi:type="tns:{member}"{rest}"#)
}

/// Returns the first nested `extra` that is not empty, or the first value of an unknown type,
/// in a value's compact `Debug` output.
///
/// Every generated struct derives `Debug` with its `extra` field, and a polymorphic value
/// whose `xsi:type` matched no known type prints as `UnknownType`, so the output shows every
/// leftover at any depth.
fn nested_leftover(debug: &str) -> Option<&str> {
    const EXTRA: &str = "extra: Extra {";
    const EMPTY_EXTRA: &str = "extra: Extra { elements: [], missing: [] }";
    const UNKNOWN_TYPE: &str = "UnknownType {";
    let extra = debug
        .match_indices(EXTRA)
        .map(|(index, _)| index)
        .find(|&index| !debug[index..].starts_with(EMPTY_EXTRA));
    let unknown = debug.find(UNKNOWN_TYPE);
    let start = match (extra, unknown) {
        (Some(extra), Some(unknown)) => extra.min(unknown),
        (found, None) | (None, found) => found?,
    };
    Some(&debug[start..braced_end(debug, start)])
}

/// Returns the index just past the `}` that closes the first `{` at or after `start`, skipping
/// braces inside the quoted strings of `Debug` output.
fn braced_end(debug: &str, start: usize) -> usize {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, ch) in debug[start..].char_indices() {
        match ch {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return start + offset + 1;
                }
            }
            _ => {}
        }
    }
    debug.len()
}

/// Returns the first line that differs between two `Debug` outputs, with its number.
fn first_line_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    let mut number = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(left), Some(right)) if left == right => number += 1,
            (None, None) => return "the Debug outputs are equal".to_owned(),
            (left, right) => {
                return format!(
                    "line {number} of the Debug output: {:?} != {:?}",
                    left.unwrap_or("(end)").trim(),
                    right.unwrap_or("(end)").trim()
                );
            }
        }
    }
}

#[test]
fn every_type_round_trips() {
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for case in CASES {
        let known = KNOWN_FAILURES
            .iter()
            .find(|(xml_name, _)| *xml_name == case.xml_name);
        match (case.run(), known) {
            (Ok(()), None) => {}
            (Ok(()), Some(_)) => fixed.push(case.xml_name),
            (Err(error), Some((_, expected))) if error == *expected => {}
            (Err(error), _) => {
                unexpected.push(format!("{} ({}): {error}", case.xml_name, case.rust_type));
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} of {} types fail to round-trip:\n{}",
        unexpected.len(),
        CASES.len(),
        unexpected.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "these types round-trip now, so remove them from KNOWN_FAILURES: {fixed:?}"
    );
}

#[test]
fn every_family_member_round_trips() {
    let mut failures = Vec::new();
    for family_case in FAMILY_CASES {
        let Some(case) = CASES
            .iter()
            .find(|case| case.xml_name == family_case.member)
        else {
            failures.push(format!("{}: no round-trip case", family_case.member));
            continue;
        };
        let sample = with_root_xsi_type(case, family_case.member);
        let result = (family_case.check)(case.root_element(), family_case.member, &sample);
        if let Err(error) = result {
            failures.push(format!(
                "{} as {}: {error}",
                family_case.member, family_case.family
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} family members fail to round-trip:\n{}",
        failures.len(),
        FAMILY_CASES.len(),
        failures.join("\n")
    );
}

/// Complex type declarations in one schema file.
#[derive(Debug, Default, PartialEq)]
struct ComplexTypeCount {
    named: usize,
    anonymous: usize,
    /// Complex types with `abstract="true"`, named or not.
    abstract_types: usize,
}

impl ComplexTypeCount {
    /// Returns the number of complex types an instance document can hold.
    fn concrete(&self) -> usize {
        self.named + self.anonymous - self.abstract_types
    }
}

/// Counts the `xsd:complexType` elements of a WSDL or XSD file with a plain XML scan,
/// independently of the generator.
fn count_complex_types(path: &Path) -> ComplexTypeCount {
    const XSD_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema";
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let mut reader = NsReader::from_str(&text);
    let mut count = ComplexTypeCount::default();
    loop {
        let event = reader
            .read_resolved_event()
            .unwrap_or_else(|error| panic!("{} is not well-formed: {error}", path.display()));
        match event {
            (ResolveResult::Bound(namespace), Event::Start(start) | Event::Empty(start))
                if namespace.as_ref() == XSD_NAMESPACE
                    && start.local_name().as_ref() == "complexType" =>
            {
                if attribute(&start, "name").is_some() {
                    count.named += 1;
                } else {
                    count.anonymous += 1;
                }
                if matches!(attribute(&start, "abstract").as_deref(), Some("true" | "1")) {
                    count.abstract_types += 1;
                }
            }
            (_, Event::Eof) => return count,
            _ => {}
        }
    }
}

/// Returns the value of the unprefixed attribute `name`.
fn attribute(start: &BytesStart<'_>, name: &str) -> Option<String> {
    let attribute = start.try_get_attribute(name).ok().flatten()?;
    let value = attribute.normalized_value(XmlVersion::Implicit1_0).ok()?;
    Some(value.trim().to_owned())
}

#[test]
fn case_count_matches_schema() {
    assert_eq!(CASES.len(), CASE_COUNT);
    let wsdl = count_complex_types(Path::new(WSDL_PATH));
    let fault = count_complex_types(Path::new(FAULT_XSD_PATH));
    assert_eq!(
        CASE_COUNT,
        wsdl.concrete() + fault.concrete(),
        "cases built from {WSDL_PATH}: {wsdl:?}, {FAULT_XSD_PATH}: {fault:?}"
    );
    // The late-2020 WSDL the build uses by default declares 252 named and 93 anonymous complex
    // types, 3 of them abstract (Request, Options, Recurrence). The fault schema adds the
    // anonymous types of `apifault` and its `Params`. So 252 + 93 - 3 + 2 = 344.
    assert_eq!(CASE_COUNT, 344, "cases built from {WSDL_PATH}");
}

#[test]
fn complex_type_count_late_2020() {
    let wsdl = count_complex_types(&shared_wsdl_dir().join("etframework.wsdl"));
    assert_eq!(
        wsdl,
        ComplexTypeCount {
            named: 252,
            anonymous: 93,
            abstract_types: 3,
        }
    );
    let fault = count_complex_types(Path::new(FAULT_XSD_PATH));
    assert_eq!(
        fault,
        ComplexTypeCount {
            named: 0,
            anonymous: 2,
            abstract_types: 0,
        }
    );
}

#[test]
fn unknown_enum_value_reads_as_unknown() {
    assert_eq!(
        UNKNOWN_ENUM_CASE,
        ("AsyncResponse", "ResponseType", "NotInTheSchema")
    );
    let case = CASES
        .iter()
        .find(|case| case.xml_name == "AsyncResponse")
        .expect("AsyncResponse has a case");
    assert!(
        case.sample
            .contains("<ResponseType>NotInTheSchema</ResponseType>"),
        "the sample of AsyncResponse lacks the unknown value"
    );
    let value: AsyncResponse = read_root(case.sample).expect("the sample reads");
    assert_eq!(
        value.response_type,
        AsyncResponseType::Unknown("NotInTheSchema".to_owned())
    );
    assert_eq!(value.response_type.as_str(), "NotInTheSchema");
}

/// The namespace declarations of the hand-written samples below.
const DECLARATIONS: &str = r#"xmlns="http://exacttarget.com/wsdl/partnerAPI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

/// The partnerAPI namespace as [`compare`] and `Debug` output write it.
const PARTNER: &str = "http://exacttarget.com/wsdl/partnerAPI";

#[test]
fn check_reports_unknown_element() {
    let sample = format!("<Client {DECLARATIONS}><ID>1</ID><Region>EU</Region></Client>");
    let expected = format!(
        r#"the sample has undeclared or missing elements: Extra {{ elements: [RawElement {{ name: QualifiedName {{ namespace: Some("{PARTNER}"), name: "Region" }}, xml: "<Region xmlns=\"{PARTNER}\">EU</Region>" }}], missing: [] }}"#
    );
    assert_eq!(
        check_round_trip::<ClientId>("Client", &sample),
        Err(expected)
    );
}

#[test]
fn check_reports_missing_element() {
    let sample = format!("<FieldMap {DECLARATIONS}><SourceName>Email</SourceName></FieldMap>");
    let expected = r#"the sample has undeclared or missing elements: Extra { elements: [], missing: ["DestinationName"] }"#;
    assert_eq!(
        check_round_trip::<FieldMap>("FieldMap", &sample),
        Err(expected.to_owned())
    );
}

#[test]
fn check_reports_nested_unknown_element() {
    let sample =
        format!("<APIObject {DECLARATIONS}><Client><Region>EU</Region></Client></APIObject>");
    let expected = format!(
        r#"the sample has leftovers inside: extra: Extra {{ elements: [RawElement {{ name: QualifiedName {{ namespace: Some("{PARTNER}"), name: "Region" }}, xml: "<Region xmlns=\"{PARTNER}\">EU</Region>" }}], missing: [] }}"#
    );
    assert_eq!(
        check_round_trip::<ApiObject>("APIObject", &sample),
        Err(expected)
    );
}

#[test]
fn check_reports_nested_unknown_type() {
    let sample = format!(
        r#"<APIObject {DECLARATIONS}><PartnerProperties xsi:type="FutureProperty"><Name>a</Name></PartnerProperties></APIObject>"#
    );
    let expected = format!(
        r#"the sample has leftovers inside: UnknownType {{ type_name: Some(QualifiedName {{ namespace: Some("{PARTNER}"), name: "FutureProperty" }}), xml: "<PartnerProperties {}><Name>a</Name></PartnerProperties>" }}"#,
        r#"xmlns=\"http://exacttarget.com/wsdl/partnerAPI\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"FutureProperty\""#
    );
    assert_eq!(
        check_round_trip::<ApiObject>("APIObject", &sample),
        Err(expected)
    );
}

#[test]
fn check_reports_element_order() {
    // The reader accepts children in any order, but the writer follows the schema's.
    let sample = format!("<Client {DECLARATIONS}><ID>2</ID><ClientID>1</ClientID></Client>");
    let expected = format!(
        "the written XML differs from the sample: Client: child 1 {{{PARTNER}}}ID != {{{PARTNER}}}ClientID"
    );
    assert_eq!(
        check_round_trip::<ClientId>("Client", &sample),
        Err(expected)
    );
}

#[test]
fn check_reports_other_family_member() {
    let sample = format!(
        r#"<Property {DECLARATIONS} xsi:type="NullAPIProperty"><Name>a</Name><Value>b</Value></Property>"#
    );
    let result = check_family_round_trip::<AnyApiProperty>(
        "Property",
        "APIProperty",
        &sample,
        AnyApiProperty::type_name,
    );
    assert_eq!(
        result,
        Err("the sample reads as `NullAPIProperty`".to_owned())
    );
}

#[test]
fn first_line_difference_numbers_lines() {
    assert_eq!(
        first_line_difference("A {\n    id: 1,\n}", "A {\n    id: 2,\n}"),
        r#"line 2 of the Debug output: "id: 1," != "id: 2,""#
    );
    assert_eq!(
        first_line_difference("A {\n}", "A {\n}\nB"),
        r#"line 3 of the Debug output: "(end)" != "B""#
    );
}
