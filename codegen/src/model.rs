//! The schema as read from WSDL and XSD files, before any Rust question is asked.
//!
//! Names are resolved to their namespaces here, so `xsd:string` and an unprefixed `string`
//! under a default XML Schema namespace are the same [`Name`].

use crate::error::Location;

/// The XML Schema namespace.
pub const XSD_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema";

/// A name resolved to its namespace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name {
    /// The namespace URI, empty for none.
    pub namespace: String,
    /// The local name.
    pub local: String,
}

impl Name {
    /// Builds a name.
    pub fn new(namespace: &str, local: &str) -> Self {
        Name {
            namespace: namespace.to_owned(),
            local: local.to_owned(),
        }
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{}}}{}", self.namespace, self.local)
    }
}

/// How many times an element may occur.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurs {
    /// `minOccurs`, 1 when absent.
    pub min: u32,
    /// `maxOccurs`, `None` for `unbounded`; 1 when absent.
    pub max: Option<u32>,
}

/// Every schema definition the generator read, in document order.
#[derive(Debug, Default)]
pub struct Model {
    /// Named complex types.
    pub complex_types: Vec<ComplexTypeDecl>,
    /// Named simple types.
    pub simple_types: Vec<SimpleTypeDecl>,
    /// Top-level elements.
    pub elements: Vec<ElementDecl>,
    /// WSDL operations, empty when the input is a bare XSD.
    pub operations: Vec<OperationDecl>,
}

/// A complex type, named or anonymous.
#[derive(Clone, Debug)]
pub struct ComplexTypeDecl {
    /// The type's name; for an anonymous type, the name of its element.
    pub name: Name,
    /// True for a type declared inside an element.
    pub anonymous: bool,
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// The base of a `complexContent/extension`.
    pub base: Option<(Name, Location)>,
    /// The type's own content, in order.
    pub particles: Vec<Particle>,
    /// Text of `annotation/documentation`.
    pub documentation: Option<String>,
    /// The type's declaration site.
    pub location: Location,
}

/// One item of a content model.
#[derive(Clone, Debug)]
pub enum Particle {
    /// A local element.
    Element(ElementDecl),
    /// A `choice` of elements.
    Choice(ChoiceDecl),
    /// An `any` wildcard.
    Any {
        /// The declaration site.
        location: Location,
    },
}

/// A `choice` whose members are single elements.
#[derive(Clone, Debug)]
pub struct ChoiceDecl {
    /// The choice's own occurrence.
    pub occurs: Occurs,
    /// The alternatives.
    pub elements: Vec<ElementDecl>,
    /// The declaration site.
    pub location: Location,
}

/// An element declaration, top-level or local.
#[derive(Clone, Debug)]
pub struct ElementDecl {
    /// The element's name, in its schema's target namespace.
    pub name: Name,
    /// The element's type.
    pub ty: TypeRef,
    /// `minOccurs` and `maxOccurs`.
    pub occurs: Occurs,
    /// `nillable="true"`.
    pub nillable: bool,
    /// Text of `annotation/documentation`.
    pub documentation: Option<String>,
    /// The element's declaration site.
    pub location: Location,
}

/// The type of an element.
#[derive(Clone, Debug)]
pub enum TypeRef {
    /// A named type, which may be an XML Schema built-in.
    Named(Name),
    /// An anonymous complex type declared inside the element.
    AnonymousComplex(Box<ComplexTypeDecl>),
    /// An anonymous simple type declared inside the element.
    AnonymousSimple(Box<SimpleTypeDecl>),
    /// No type at all, which XML Schema reads as `anyType`.
    Untyped,
}

/// A simple type: a restriction of a built-in, with or without enumeration values.
#[derive(Clone, Debug)]
pub struct SimpleTypeDecl {
    /// The type's name; for an anonymous type, the name of its element.
    pub name: Name,
    /// True for a type declared inside an element.
    pub anonymous: bool,
    /// The restriction base.
    pub base: Name,
    /// Enumeration values with their documentation, in order.
    pub enumerations: Vec<(String, Option<String>)>,
    /// Text of `annotation/documentation`.
    pub documentation: Option<String>,
    /// The type's declaration site.
    pub location: Location,
}

/// A WSDL operation, joined from the port type, the messages and the SOAP binding.
#[derive(Clone, Debug)]
pub struct OperationDecl {
    /// The operation's name.
    pub name: String,
    /// The binding's `soapAction`, empty when it has none.
    pub soap_action: String,
    /// The element of the input message's part.
    pub request: Name,
    /// The element of the output message's part.
    pub response: Name,
    /// Text of the port type operation's `documentation`.
    pub documentation: Option<String>,
    /// The port type operation's declaration site.
    pub location: Location,
}
