//! Compares XML documents by their namespace-resolved content, so that two documents that
//! differ only in prefixes, namespace declarations, comments, empty-element tags or
//! indentation count as equal.
//!
//! [`compare`] walks both documents element by element in document order and reports the
//! first difference with the element path where it sits, such as
//! `RetrieveRequestMsg/RetrieveRequest/Filter: xsi:type {…}SimpleFilterPart != {…}ComplexFilterPart`.
//! The expected side is always written first.
//!
//! What counts:
//! - element names as namespace + local name, never their prefixes;
//! - the order of child elements;
//! - `xsi:type`, resolved to namespace + local name through the declarations in scope (an
//!   unprefixed value takes the default namespace, as XML Schema QNames do);
//! - `xsi:nil`, as a boolean where absent means false;
//! - every other attribute, by resolved name and value, ignoring their order;
//! - the text directly inside each element, concatenated and trimmed of XML whitespace.
//!
//! Namespace declarations, comments, processing instructions and the XML declaration do not
//! count. Text is concatenated across child elements, so the position of text between
//! child elements (mixed content) is not compared.

use std::collections::BTreeMap;
use std::fmt;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{PrefixDeclaration, QName, ResolveResult};

/// The XML Schema instance namespace, which `xsi:type` and `xsi:nil` belong to.
const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The SOAP 1.1 envelope namespace.
const SOAP11_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// The SOAP 1.2 envelope namespace.
const SOAP12_NAMESPACE: &str = "http://www.w3.org/2003/05/soap-envelope";

/// Compares two XML documents by content.
///
/// # Errors
/// Returns a message naming the element path and the first difference, expected value
/// first, or saying which document is not well-formed.
pub fn compare(expected: &str, actual: &str) -> Result<(), String> {
    let expected = parse(expected).map_err(|error| format!("invalid expected XML: {error}"))?;
    let actual = parse(actual).map_err(|error| format!("invalid actual XML: {error}"))?;
    if expected.name != actual.name {
        return Err(format!(
            "{}: element {} != {}",
            expected.name.local, expected.name, actual.name
        ));
    }
    compare_elements(&expected.name.local, &expected, &actual)
}

/// Asserts that two XML documents have the same content, as [`compare`] defines it.
///
/// # Panics
/// Panics with the first difference, followed by both documents.
#[track_caller]
pub fn assert_same_xml(expected: &str, actual: &str) {
    if let Err(difference) = compare(expected, actual) {
        panic!("XML differs: {difference}\n--- expected:\n{expected}\n--- actual:\n{actual}");
    }
}

/// Returns the first element child of a SOAP 1.1 or 1.2 envelope's `Body`, as written in
/// the envelope, with the namespace declarations in scope copied onto its start tag so that
/// it parses on its own.
///
/// Everything inside the element, comments and whitespace included, is kept as it is.
///
/// # Errors
/// Returns a message when the envelope is not well-formed or has no `Body` with an element
/// inside.
pub fn soap_body_child(envelope: &str) -> Result<String, String> {
    let mut reader = NsReader::from_str(envelope);
    let mut depth = 0usize;
    let mut in_body = false;
    loop {
        let offset = position(&reader);
        let event = reader
            .read_event()
            .map_err(|error| format!("{error} at byte {}", reader.error_position()))?;
        match event {
            Event::Start(start) if in_body => {
                let declarations = inherited_declarations(&reader, &start)?;
                let name_end = offset + 1 + start.name().as_ref().len();
                reader
                    .read_to_end(start.name())
                    .map_err(|error| format!("{error} at byte {}", reader.error_position()))?;
                let end = position(&reader);
                return Ok(with_declarations(
                    envelope,
                    offset,
                    name_end,
                    end,
                    &declarations,
                ));
            }
            Event::Empty(start) if in_body => {
                let declarations = inherited_declarations(&reader, &start)?;
                let name_end = offset + 1 + start.name().as_ref().len();
                let end = position(&reader);
                return Ok(with_declarations(
                    envelope,
                    offset,
                    name_end,
                    end,
                    &declarations,
                ));
            }
            Event::Start(start) => {
                depth += 1;
                in_body = depth == 2 && is_soap_body(&reader, &start);
            }
            Event::Empty(start) if depth == 1 && is_soap_body(&reader, &start) => {
                return Err("the SOAP Body holds no element".to_owned());
            }
            Event::End(_) if in_body => return Err("the SOAP Body holds no element".to_owned()),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err("the envelope has no SOAP Body".to_owned()),
            _ => {}
        }
    }
}

fn position(reader: &NsReader<&[u8]>) -> usize {
    // The input is a `&str` in memory, so every position fits in `usize`.
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn is_soap_body(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> bool {
    let (namespace, local) = reader.resolver().resolve_element(start.name());
    let in_soap = matches!(
        namespace,
        ResolveResult::Bound(namespace)
            if matches!(namespace.as_ref(), SOAP11_NAMESPACE | SOAP12_NAMESPACE)
    );
    in_soap && local.as_ref() == "Body"
}

/// Returns ` xmlns…="…"` declarations for the bindings in scope at `start` that the start
/// tag does not make itself.
fn inherited_declarations(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
) -> Result<String, String> {
    let mut own = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| error.to_string())?;
        if let Some(declaration) = attribute.key.as_namespace_binding() {
            own.push(declaration_key(declaration));
        }
    }
    let mut declarations = String::new();
    for (prefix, namespace) in reader.resolver().bindings() {
        let key = declaration_key(prefix);
        if key == "xmlns:xml" || own.contains(&key) {
            continue;
        }
        let value = escape(namespace.as_ref());
        declarations.push_str(&format!(" {key}=\"{value}\""));
    }
    Ok(declarations)
}

fn declaration_key(prefix: PrefixDeclaration<'_>) -> String {
    match prefix {
        PrefixDeclaration::Default => "xmlns".to_owned(),
        PrefixDeclaration::Named(prefix) => format!("xmlns:{prefix}"),
    }
}

fn with_declarations(
    input: &str,
    start: usize,
    name_end: usize,
    end: usize,
    declarations: &str,
) -> String {
    format!(
        "{}{declarations}{}",
        &input[start..name_end],
        &input[name_end..end]
    )
}

/// A name resolved to its namespace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Name {
    namespace: Option<String>,
    local: String,
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{{{namespace}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// An element reduced to the parts that [`compare`] checks.
#[derive(Debug)]
struct Element {
    name: Name,
    xsi_type: Option<Name>,
    nil: bool,
    attributes: BTreeMap<Name, String>,
    text: String,
    children: Vec<Element>,
}

fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = NsReader::from_str(xml);
    let mut open: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| format!("{error} at byte {}", reader.error_position()))?;
        match event {
            Event::Start(start) => open.push(element(&reader, &start)?),
            Event::Empty(start) => {
                let element = element(&reader, &start)?;
                close(element, &mut open, &mut root)?;
            }
            Event::End(_) => {
                // The reader checks that end tags match start tags, so one is open here.
                let element = open.pop().ok_or("an end tag without a start tag")?;
                close(element, &mut open, &mut root)?;
            }
            Event::Text(text) => push_text(&mut open, &text.xml10_content())?,
            Event::CData(text) => push_text(&mut open, &text.into_inner())?,
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(ch) => ch.to_string(),
                    None => resolve_predefined_entity(&reference)
                        .ok_or_else(|| format!("unknown entity `&{};`", reference.as_ref()))?
                        .to_owned(),
                };
                push_text(&mut open, &resolved)?;
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !open.is_empty() {
        return Err("the document ends inside an element".to_owned());
    }
    root.ok_or_else(|| "the document has no element".to_owned())
}

fn close(element: Element, open: &mut [Element], root: &mut Option<Element>) -> Result<(), String> {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err(format!("a second root element `{}`", element.name)),
    }
    Ok(())
}

fn push_text(open: &mut [Element], text: &str) -> Result<(), String> {
    match open.last_mut() {
        Some(element) => element.text.push_str(text),
        None if is_xml_whitespace(text) => {}
        None => return Err(format!("text {text:?} outside the root element")),
    }
    Ok(())
}

fn is_xml_whitespace(text: &str) -> bool {
    text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

fn trim_xml_whitespace(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

fn element(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> Result<Element, String> {
    let resolver = reader.resolver();
    let (namespace, local) = resolver.resolve_element(start.name());
    let name = resolved_name(namespace, local.as_ref())?;
    let mut element = Element {
        name,
        xsi_type: None,
        nil: false,
        attributes: BTreeMap::new(),
        text: String::new(),
        children: Vec::new(),
    };
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| error.to_string())?;
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let (namespace, local) = resolver.resolve_attribute(attribute.key);
        let name = resolved_name(namespace, local.as_ref())?;
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|error| error.to_string())?
            .into_owned();
        let is_xsi = name.namespace.as_deref() == Some(XSI_NAMESPACE);
        match name.local.as_str() {
            "type" if is_xsi => {
                let (namespace, local) =
                    resolver.resolve_element(QName(trim_xml_whitespace(&value)));
                element.xsi_type = Some(resolved_name(namespace, local.as_ref())?);
            }
            "nil" if is_xsi => {
                element.nil = match trim_xml_whitespace(&value) {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    other => return Err(format!("invalid xsi:nil value {other:?}")),
                };
            }
            _ => {
                element.attributes.insert(name, value);
            }
        }
    }
    Ok(element)
}

fn resolved_name(namespace: ResolveResult<'_>, local: &str) -> Result<Name, String> {
    let namespace = match namespace {
        ResolveResult::Bound(namespace) => Some(namespace.as_ref().to_owned()),
        ResolveResult::Unbound => None,
        ResolveResult::Unknown(prefix) => {
            return Err(format!("namespace prefix `{prefix}` is not declared"));
        }
    };
    Ok(Name {
        namespace,
        local: local.to_owned(),
    })
}

/// Compares two elements whose names already match. `path` ends with their local name.
fn compare_elements(path: &str, expected: &Element, actual: &Element) -> Result<(), String> {
    if expected.xsi_type != actual.xsi_type {
        return Err(format!(
            "{path}: xsi:type {} != {}",
            display_or_none(expected.xsi_type.as_ref()),
            display_or_none(actual.xsi_type.as_ref())
        ));
    }
    if expected.nil != actual.nil {
        return Err(format!(
            "{path}: xsi:nil {} != {}",
            expected.nil, actual.nil
        ));
    }
    compare_attributes(path, &expected.attributes, &actual.attributes)?;
    let expected_text = trim_xml_whitespace(&expected.text);
    let actual_text = trim_xml_whitespace(&actual.text);
    if expected_text != actual_text {
        return Err(format!("{path}: text {expected_text:?} != {actual_text:?}"));
    }
    compare_children(path, &expected.children, &actual.children)
}

fn compare_attributes(
    path: &str,
    expected: &BTreeMap<Name, String>,
    actual: &BTreeMap<Name, String>,
) -> Result<(), String> {
    let mut names: Vec<&Name> = expected.keys().chain(actual.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let expected_value = expected.get(name);
        let actual_value = actual.get(name);
        if expected_value != actual_value {
            return Err(format!(
                "{path}: attribute {name} {} != {}",
                quoted_or_none(expected_value),
                quoted_or_none(actual_value)
            ));
        }
    }
    Ok(())
}

fn compare_children(path: &str, expected: &[Element], actual: &[Element]) -> Result<(), String> {
    for (index, (expected_child, actual_child)) in expected.iter().zip(actual).enumerate() {
        if expected_child.name != actual_child.name {
            return Err(format!(
                "{path}: child {} {} != {}",
                index + 1,
                expected_child.name,
                actual_child.name
            ));
        }
        let child_path = format!("{path}/{}", expected_child.name.local);
        compare_elements(&child_path, expected_child, actual_child)?;
    }
    let common = expected.len().min(actual.len());
    if expected.len() != actual.len() {
        return Err(format!(
            "{path}: child {} {} != {}",
            common + 1,
            display_or_none(expected.get(common).map(|child| &child.name)),
            display_or_none(actual.get(common).map(|child| &child.name))
        ));
    }
    Ok(())
}

fn display_or_none(name: Option<&Name>) -> String {
    name.map_or_else(|| "(none)".to_owned(), Name::to_string)
}

fn quoted_or_none(value: Option<&String>) -> String {
    value.map_or_else(|| "(none)".to_owned(), |value| format!("{value:?}"))
}

#[cfg(test)]
mod tests {
    use super::{compare, soap_body_child};

    const PARTNER: &str = "http://exacttarget.com/wsdl/partnerAPI";

    #[test]
    fn compare_ignores_prefixes() {
        let expected = r#"<a:Root xmlns:a="urn:x"><a:Item>1</a:Item></a:Root>"#;
        let actual = r#"<b:Root xmlns:b="urn:x"><b:Item>1</b:Item></b:Root>"#;
        assert_eq!(compare(expected, actual), Ok(()));
    }

    #[test]
    fn compare_empty_tag_forms() {
        assert_eq!(compare("<a/>", "<a></a>"), Ok(()));
        assert_eq!(compare("<a/>", "<a>\n  </a>"), Ok(()));
    }

    #[test]
    fn compare_default_and_prefixed_namespace() {
        let expected = r#"<Root xmlns="urn:x"><Item>1</Item></Root>"#;
        let actual = r#"<p:Root xmlns:p="urn:x"><p:Item>1</p:Item></p:Root>"#;
        assert_eq!(compare(expected, actual), Ok(()));
    }

    #[test]
    fn compare_xsi_type_prefixed_and_default() {
        let expected = format!(
            r#"<Root xmlns="{PARTNER}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Objects xsi:type="DataExtension"/></Root>"#
        );
        let actual = format!(
            r#"<Root xmlns="{PARTNER}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Objects i:type="ns1:DataExtension" xmlns:ns1="{PARTNER}"/></Root>"#
        );
        assert_eq!(compare(&expected, &actual), Ok(()));
    }

    #[test]
    fn compare_ignores_comments_and_trims_text() {
        let expected = "<a><b>text</b></a>";
        let actual = "<a>\n  <!-- note --><b>\n    text <!-- inside -->\n  </b>\n</a>";
        assert_eq!(compare(expected, actual), Ok(()));
    }

    #[test]
    fn compare_resolves_entities() {
        assert_eq!(
            compare("<a>x &amp; y</a>", "<a><![CDATA[x & y]]></a>"),
            Ok(())
        );
        assert_eq!(compare("<a>&#65;</a>", "<a>A</a>"), Ok(()));
    }

    #[test]
    fn compare_reports_order() {
        let expected = "<a><b/><c/></a>";
        let actual = "<a><c/><b/></a>";
        assert_eq!(
            compare(expected, actual),
            Err("a: child 1 b != c".to_owned())
        );
    }

    #[test]
    fn compare_reports_missing_child() {
        assert_eq!(
            compare("<a><b/><c/></a>", "<a><b/></a>"),
            Err("a: child 2 c != (none)".to_owned())
        );
        assert_eq!(
            compare("<a><b/></a>", "<a><b/><c/></a>"),
            Err("a: child 2 (none) != c".to_owned())
        );
    }

    #[test]
    fn compare_reports_namespace() {
        let expected = r#"<a xmlns="urn:x"><b/></a>"#;
        let actual = r#"<a xmlns="urn:x"><b xmlns="urn:y"/></a>"#;
        assert_eq!(
            compare(expected, actual),
            Err("a: child 1 {urn:x}b != {urn:y}b".to_owned())
        );
    }

    #[test]
    fn compare_reports_nil() {
        let xsi = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
        let expected = format!(r#"<a {xsi}><b xsi:nil="true"/></a>"#);
        let actual = format!("<a {xsi}><b/></a>");
        assert_eq!(
            compare(&expected, &actual),
            Err("a/b: xsi:nil true != false".to_owned())
        );
        let one = format!(r#"<a {xsi}><b xsi:nil="1"/></a>"#);
        assert_eq!(compare(&expected, &one), Ok(()));
    }

    #[test]
    fn compare_reports_xsi_type() {
        let xsi = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
        let expected = format!(
            r#"<Filter xmlns="{PARTNER}" {xsi}><LeftOperand xsi:type="SimpleFilterPart"/></Filter>"#
        );
        let actual = format!(
            r#"<Filter xmlns="{PARTNER}" {xsi}><LeftOperand xsi:type="ComplexFilterPart"/></Filter>"#
        );
        assert_eq!(
            compare(&expected, &actual),
            Err(format!(
                "Filter/LeftOperand: xsi:type {{{PARTNER}}}SimpleFilterPart != {{{PARTNER}}}ComplexFilterPart"
            ))
        );
    }

    #[test]
    fn compare_reports_xsi_type_namespace() {
        // Same local name, but `t:` binds another namespace than the default one.
        let xsi = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
        let expected = format!(r#"<a xmlns="urn:x" {xsi}><b xsi:type="T"/></a>"#);
        let actual = format!(r#"<a xmlns="urn:x" xmlns:t="urn:y" {xsi}><b xsi:type="t:T"/></a>"#);
        assert_eq!(
            compare(&expected, &actual),
            Err("a/b: xsi:type {urn:x}T != {urn:y}T".to_owned())
        );
    }

    #[test]
    fn compare_reports_text() {
        assert_eq!(
            compare("<a><b>1</b></a>", "<a><b>2</b></a>"),
            Err(r#"a/b: text "1" != "2""#.to_owned())
        );
    }

    #[test]
    fn compare_reports_attribute() {
        assert_eq!(
            compare(r#"<a k="1"/>"#, r#"<a k="2"/>"#),
            Err(r#"a: attribute k "1" != "2""#.to_owned())
        );
        assert_eq!(
            compare(r#"<a k="1"/>"#, "<a/>"),
            Err(r#"a: attribute k "1" != (none)"#.to_owned())
        );
    }

    #[test]
    fn compare_reports_root() {
        assert_eq!(
            compare(r#"<a xmlns="urn:x"/>"#, "<a/>"),
            Err("a: element {urn:x}a != a".to_owned())
        );
    }

    #[test]
    fn compare_rejects_unbound_prefix() {
        assert_eq!(
            compare("<a/>", "<p:a/>"),
            Err("invalid actual XML: namespace prefix `p` is not declared".to_owned())
        );
    }

    #[test]
    fn body_child_copies_declarations() {
        let envelope = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <s:Header><h>ignored</h></s:Header>
  <s:Body>
    <Msg xmlns="urn:x"><!-- kept --><Item xsi:nil="true"/></Msg>
  </s:Body>
</s:Envelope>"#;
        assert_eq!(
            soap_body_child(envelope),
            Ok(r#"<Msg xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:x"><!-- kept --><Item xsi:nil="true"/></Msg>"#.to_owned())
        );
    }

    #[test]
    fn body_child_requires_body() {
        let envelope = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>"#;
        assert_eq!(
            soap_body_child(envelope),
            Err("the SOAP Body holds no element".to_owned())
        );
        let no_body =
            r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><Body/></s:Envelope>"#;
        assert_eq!(
            soap_body_child(no_body),
            Err("the envelope has no SOAP Body".to_owned())
        );
    }
}
