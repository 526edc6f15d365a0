//! The data a generated value keeps beyond its schema fields: unknown elements, absent required
//! elements, and values of types the schema does not know.

use std::fmt;

use quick_xml::events::Event;

/// An XML name resolved to its namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    /// The namespace URI, or `None` for a name in no namespace.
    pub namespace: Option<String>,
    /// The local name.
    pub name: String,
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{{{namespace}}}{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// An element kept as the XML text it arrived in, because the schema does not declare it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawElement {
    /// The element's resolved name.
    pub name: QualifiedName,
    /// The element as written, from its start tag to its end tag, with the namespace
    /// declarations in scope copied onto its start tag so that it parses on its own.
    pub xml: String,
}

impl RawElement {
    /// Returns the element's text content when it holds text only, with entity references
    /// resolved; `None` when it holds child elements or is not well-formed.
    pub fn text(&self) -> Option<String> {
        let mut reader = quick_xml::Reader::from_str(&self.xml);
        let mut depth = 0usize;
        let mut text = String::new();
        loop {
            match reader.read_event().ok()? {
                Event::Start(_) if depth == 0 => depth = 1,
                Event::Start(_) | Event::Empty(_) if depth > 0 => return None,
                Event::Empty(_) => return Some(String::new()),
                Event::Text(part) => text.push_str(&part.xml10_content()),
                Event::CData(part) => text.push_str(&part.into_inner()),
                Event::GeneralRef(reference) => {
                    if let Ok(Some(ch)) = reference.resolve_char_ref() {
                        text.push(ch);
                    } else {
                        let entity = quick_xml::escape::resolve_predefined_entity(&reference)?;
                        text.push_str(entity);
                    }
                }
                Event::End(_) | Event::Eof => return Some(text),
                _ => {}
            }
        }
    }
}

/// A value whose `xsi:type` names a type the schema does not know (the service adds types
/// over time), kept whole so that nothing it sent is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnknownType {
    /// The `xsi:type` as resolved, or `None` when the element had no `xsi:type`.
    pub type_name: Option<QualifiedName>,
    /// The element as written, with the namespace declarations in scope copied onto its
    /// start tag so that it parses on its own.
    pub xml: String,
}

impl UnknownType {
    /// Reads the kept element as a `T`, such as the family's base type, to reach the fields
    /// it shares with types the schema declares.
    ///
    /// # Errors
    /// Fails when the element does not fit `T`.
    pub fn read_as<T: super::ReadXml>(&self) -> Result<T, super::ReadError> {
        let mut reader = super::XmlReader::new(self.xml.as_bytes());
        let root = reader.root()?;
        T::read_xml(&mut reader, &root)
    }
}

/// Elements a value received that its schema type does not declare, and required elements
/// that were absent.
///
/// Every generated struct has a field of this type named `extra`. Writing a value writes its
/// unknown elements back after the declared ones and leaves out the required elements listed
/// in `missing`, so a value read from the wire writes back as it arrived.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extra {
    /// Child elements the schema does not declare for this type, in arrival order.
    pub elements: Vec<RawElement>,
    /// XML names of required elements that were absent when the value was read.
    pub missing: Vec<&'static str>,
}

impl Extra {
    /// Returns true when nothing was kept.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty() && self.missing.is_empty()
    }

    /// Returns the first undeclared child element with this local name.
    pub fn element(&self, name: &str) -> Option<&RawElement> {
        self.elements
            .iter()
            .find(|element| element.name.name == name)
    }

    /// Returns the text of the first undeclared child element with this local name, such as
    /// `SubscriberID` on a tracking event.
    pub fn text(&self, name: &str) -> Option<String> {
        self.element(name).and_then(RawElement::text)
    }

    /// Returns true when the required element `name` was absent.
    pub fn is_missing(&self, name: &str) -> bool {
        self.missing.contains(&name)
    }
}

/// The value of an element the schema marks `nillable`: it can be `xsi:nil="true"` as well
/// as hold a value. Together with `Option` this keeps the three states an optional nillable
/// element has on the wire: absent (`None`), nil, and a value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nillable<T> {
    /// `xsi:nil="true"`.
    #[default]
    Nil,
    /// An element holding a value.
    Value(T),
}

impl<T> Nillable<T> {
    /// Returns the value, or `None` for nil.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(value) => Some(value),
        }
    }

    /// Returns the value, or `None` for nil.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(value) => Some(value),
        }
    }

    /// Returns true for nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Nillable::Nil)
    }
}

impl<T> From<T> for Nillable<T> {
    fn from(value: T) -> Self {
        Nillable::Value(value)
    }
}
