//! The XML layer the generated bindings are built on: a streaming reader and writer over
//! quick-xml, the traits generated types implement, and the field types they share.
//!
//! Generated code stays thin: each struct implements [`ComplexType`] with one `match` arm per
//! child element and one writer call per field, and everything else lives here.

mod builtins;
mod error;
mod extra;
mod reader;
mod writer;

pub use error::{ReadError, ReadErrorKind, WriteError};
pub use extra::{Extra, Nillable, QualifiedName, RawElement, UnknownType};
pub use reader::{Child, MissingElement, XmlReader, XsiType};
pub use writer::XmlWriter;

/// The XML Schema instance namespace, which `xsi:type` and `xsi:nil` belong to.
pub const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// A value that can be read from an element.
pub trait ReadXml: Sized {
    /// Reads the element whose start tag `child` the reader has just returned, through its
    /// end tag.
    ///
    /// # Errors
    /// Fails when the content does not fit the type or the XML is malformed.
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError>;
}

/// A value that can be written as an element.
pub trait WriteXml {
    /// Writes this value as the element `name`.
    ///
    /// # Errors
    /// Fails when a text value contains a character that XML 1.0 cannot represent.
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError>;
}

/// What reading one child element did, as reported by [`ComplexType::read_child`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The type declares no such child; the caller keeps it in [`Extra`].
    Unknown,
    /// The child filled an optional or repeated field.
    Read,
    /// The child filled the required field at this index of [`ComplexType::REQUIRED`].
    Required(u8),
}

/// A struct generated from a complex type.
pub trait ComplexType: Default {
    /// The namespace of the type's child elements.
    const NAMESPACE: &'static str;
    /// XML names of the required child elements, indexed by [`Slot::Required`].
    const REQUIRED: &'static [&'static str];

    /// Reads the child element `name` into its field.
    ///
    /// # Errors
    /// Fails when the child's content does not fit the field's type.
    fn read_child<'a>(
        &mut self,
        name: &str,
        reader: &mut XmlReader<'a>,
        child: &Child<'a>,
    ) -> Result<Slot, ReadError>;

    /// Writes every field as child elements, in schema order, then the kept extras.
    ///
    /// # Errors
    /// Fails when a text value contains a character that XML 1.0 cannot represent.
    fn write_children(&self, writer: &mut XmlWriter) -> Result<(), WriteError>;

    /// Returns what the value kept beyond its schema fields.
    fn extra(&self) -> &Extra;

    /// Returns what the value kept beyond its schema fields, for changing it.
    fn extra_mut(&mut self) -> &mut Extra;
}

/// A top-level element that travels as a SOAP body, such as `RetrieveRequestMsg`.
pub trait Message: ReadXml + WriteXml {
    /// The element's local name.
    const ELEMENT: &'static str;
    /// The element's namespace.
    const NAMESPACE: &'static str;

    /// Writes this message as a standalone XML document (without an XML declaration).
    ///
    /// # Errors
    /// Fails when a text value contains a character that XML 1.0 cannot represent.
    fn to_xml(&self) -> Result<String, WriteError> {
        let mut writer = XmlWriter::new();
        self.write_xml(&mut writer, Self::ELEMENT)?;
        Ok(writer.into_string())
    }

    /// Reads this message from a document whose root element it is.
    ///
    /// # Errors
    /// Fails when the root is another element or the content does not fit.
    fn from_xml(xml: &[u8]) -> Result<Self, ReadError> {
        XmlReader::new(xml).read_document(Self::NAMESPACE, Self::ELEMENT)
    }
}

/// A WSDL operation: its SOAP action and the messages it exchanges.
pub trait Operation {
    /// The request body.
    type Request: Message;
    /// The response body.
    type Response: Message;
    /// The operation's name in the WSDL port type.
    const NAME: &'static str;
    /// The `soapAction` of the operation's binding.
    const SOAP_ACTION: &'static str;
}

/// Reads a complex element into a `T`, keeping undeclared children in its [`Extra`] and
/// recording absent required children.
///
/// # Errors
/// Fails when a child's content does not fit its field; the error names the element path.
pub fn read_complex<'a, T: ComplexType>(
    reader: &mut XmlReader<'a>,
    child: &Child<'a>,
) -> Result<T, ReadError> {
    let mut value = T::default();
    let mut seen: u128 = 0;
    if !child.is_empty() {
        read_children(&mut value, &mut seen, reader)
            .map_err(|error| error.within(child.local_name()))?;
    }
    if seen.count_ones() as usize != T::REQUIRED.len() {
        let extra = value.extra_mut();
        for (index, name) in T::REQUIRED.iter().enumerate() {
            if seen & (1u128 << index) == 0 {
                extra.missing.push(name);
                reader.note_missing(child, name);
            }
        }
    }
    Ok(value)
}

fn read_children<'a, T: ComplexType>(
    value: &mut T,
    seen: &mut u128,
    reader: &mut XmlReader<'a>,
) -> Result<(), ReadError> {
    // Children without a prefix or attributes all share the parent's default namespace, so
    // it is resolved once for them.
    let mut plain_in_namespace = None;
    while let Some(grandchild) = reader.next_child()? {
        let in_namespace = if grandchild.is_plain() {
            *plain_in_namespace
                .get_or_insert_with(|| reader.in_namespace(&grandchild, T::NAMESPACE))
        } else {
            reader.in_namespace(&grandchild, T::NAMESPACE)
        };
        let slot = if in_namespace {
            value.read_child(grandchild.local_name(), reader, &grandchild)?
        } else {
            Slot::Unknown
        };
        match slot {
            Slot::Unknown => {
                let raw = reader.raw(&grandchild)?;
                value.extra_mut().elements.push(raw);
            }
            Slot::Read => {}
            Slot::Required(index) => *seen |= 1u128 << index,
        }
    }
    Ok(())
}

/// Reads an element whose `xsi:type` names no type in its family, keeping it whole.
///
/// # Errors
/// Fails on malformed XML.
pub fn read_unknown<'a>(
    reader: &mut XmlReader<'a>,
    child: &Child<'a>,
    type_name: Option<QualifiedName>,
) -> Result<UnknownType, ReadError> {
    let raw = reader.raw(child)?;
    Ok(UnknownType {
        type_name,
        xml: raw.xml,
    })
}

/// Resolves an [`XsiType`] into a full name, for keeping it in an [`UnknownType`].
pub fn xsi_type_name(xsi_type: XsiType<'_>, namespace: &str) -> QualifiedName {
    match xsi_type {
        XsiType::Local(name) => QualifiedName {
            namespace: Some(namespace.to_owned()),
            name: name.into_owned(),
        },
        XsiType::Foreign(name) => name,
    }
}

impl WriteXml for UnknownType {
    fn write_xml(&self, writer: &mut XmlWriter, _name: &str) -> Result<(), WriteError> {
        writer.raw(&self.xml);
        Ok(())
    }
}

impl<T: ReadXml> ReadXml for Box<T> {
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
        T::read_xml(reader, child).map(Box::new)
    }
}

impl<T: WriteXml> WriteXml for Box<T> {
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
        (**self).write_xml(writer, name)
    }
}

impl<T: ReadXml> ReadXml for Nillable<T> {
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
        if reader.is_nil(child) {
            reader.skip(child)?;
            return Ok(Nillable::Nil);
        }
        T::read_xml(reader, child).map(Nillable::Value)
    }
}

impl<T: WriteXml> WriteXml for Nillable<T> {
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
        match self {
            Nillable::Nil => writer.nil_element(name),
            Nillable::Value(value) => value.write_xml(writer, name),
        }
    }
}

/// One row of a generated operation table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operation's name in the WSDL port type, such as `Retrieve`.
    pub name: &'static str,
    /// The snake_case method name, such as `version_info`.
    pub method: &'static str,
    /// The `soapAction` of the operation's binding.
    pub soap_action: &'static str,
    /// The request body's element name.
    pub request_element: &'static str,
    /// The response body's element name.
    pub response_element: &'static str,
}

impl ReadXml for RawElement {
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
        reader.raw(child)
    }
}

impl WriteXml for RawElement {
    /// Writes the element as it was read; its own name is kept, so `name` is not used.
    fn write_xml(&self, writer: &mut XmlWriter, _name: &str) -> Result<(), WriteError> {
        writer.raw(&self.xml);
        Ok(())
    }
}
