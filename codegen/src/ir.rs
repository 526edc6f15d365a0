//! The intermediate representation: every schema type with its Rust name and shape decided.
//!
//! Emitting Rust from an [`Ir`] needs nothing more from the schema, comparing two
//! [`Ir`]s compares what the Rust bindings would be.

/// An index into [`Ir::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Everything the emitter writes.
#[derive(Clone, Debug, Default)]
pub struct Ir {
    /// Every type, in schema order: named types, then anonymous types in the order their
    /// elements appear.
    pub types: Vec<TypeDef>,
    /// Top-level elements with anonymous types, which travel as SOAP bodies or fault details.
    pub messages: Vec<TypeId>,
    /// WSDL operations.
    pub operations: Vec<OperationDef>,
    /// Every Rust name that differs from the plain conversion of its XML name, and why.
    pub renames: Vec<Rename>,
}

impl Ir {
    /// Returns the type with this id.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// A named Rust item made from a schema type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// The XML name; for anonymous types, the schema path such as `DataExtension/Fields`.
    pub xml_name: String,
    /// The namespace the type is declared in.
    pub namespace: String,
    /// The Rust name.
    pub rust_name: String,
    /// The schema's documentation.
    pub documentation: Option<String>,
    /// The kind of item.
    pub kind: TypeKind,
}

/// The kinds of item the generator writes.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// A struct from a complex type.
    Struct(StructDef),
    /// An enum from a simple type with enumeration values.
    Enum(EnumDef),
    /// A type alias from a simple type without enumeration values.
    Alias(Builtin),
    /// An enum from a `choice`.
    Choice(ChoiceDef),
}

/// A struct from a complex type, with inherited fields flattened in.
#[derive(Clone, Debug)]
pub struct StructDef {
    /// The base type of an extension.
    pub base: Option<TypeId>,
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// True for a type declared inside an element.
    pub anonymous: bool,
    /// Every field, inherited ones first, in schema order.
    pub fields: Vec<Field>,
    /// True when the type (or a base) has an `any` wildcard; such elements land in `extra`.
    pub has_wildcard: bool,
    /// Every type derived from this one, directly or not, in schema order. Non-empty makes
    /// the type polymorphic.
    pub descendants: Vec<TypeId>,
    /// The Rust name of the enum that contains this type or any descendant.
    pub family_name: Option<String>,
}

/// A struct field from a local element or a choice.
#[derive(Clone, Debug)]
pub struct Field {
    /// The element's XML name; for a choice, empty.
    pub xml_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// The field's value type.
    pub ty: FieldType,
    /// Absent allowed, once, or repeated.
    pub cardinality: Cardinality,
    /// `nillable="true"`.
    pub nillable: bool,
    /// True when the value is boxed because the type contains itself.
    pub boxed: bool,
    /// The type that declares the element (a base type for inherited fields).
    pub declared_in: TypeId,
    /// The schema's documentation.
    pub documentation: Option<String>,
}

/// How often a field's element may occur.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cardinality {
    /// Exactly once: a plain value.
    Required,
    /// At most once: an `Option`.
    Optional,
    /// Any number of times: a `Vec`.
    Repeated,
}

/// The value type of a field or choice variant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldType {
    /// An XML Schema built-in type.
    Builtin(Builtin),
    /// A generated struct, enum or alias that has no subtypes.
    Named(TypeId),
    /// A polymorphic type: the field contains its family enum.
    Family(TypeId),
    /// A choice enum.
    Choice(TypeId),
}

/// The XML Schema built-in types and their Rust mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Builtin {
    /// Strings and string-like types (`anyURI`, `token`, `decimal`, `integer` kept as text…).
    String,
    /// xsd:boolean.
    Boolean,
    /// xsd:byte.
    Byte,
    /// xsd:short.
    Short,
    /// xsd:int.
    Int,
    /// xsd:long and xsd:integer.
    Long,
    /// xsd:unsignedByte.
    UnsignedByte,
    /// xsd:unsignedShort.
    UnsignedShort,
    /// xsd:unsignedInt.
    UnsignedInt,
    /// xsd:unsignedLong.
    UnsignedLong,
    /// xsd:float.
    Float,
    /// xsd:double.
    Double,
    /// xsd:dateTime, kept exactly as written.
    DateTime,
    /// xsd:date.
    Date,
    /// xsd:time.
    Time,
    /// xsd:base64Binary.
    Base64Binary,
    /// xsd:anyType or an element with no type: any content, kept as raw XML.
    AnyType,
}

/// An enum from a simple type's enumeration values.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// The values in schema order.
    pub values: Vec<EnumValue>,
    /// The name of the variant that keeps a value the schema does not list.
    pub catch_all: String,
}

/// One enumeration value.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The value on the wire.
    pub xml_value: String,
    /// The Rust variant name.
    pub rust_name: String,
    /// The schema's documentation.
    pub documentation: Option<String>,
}

/// An enum from a `choice` of elements.
#[derive(Clone, Debug)]
pub struct ChoiceDef {
    /// The alternatives in schema order.
    pub variants: Vec<ChoiceVariant>,
}

/// One alternative of a choice.
#[derive(Clone, Debug)]
pub struct ChoiceVariant {
    /// The element's XML name.
    pub xml_name: String,
    /// The Rust variant name.
    pub rust_name: String,
    /// The element's value type.
    pub ty: FieldType,
    /// `nillable="true"`.
    pub nillable: bool,
    /// True when the value is boxed because the type contains itself.
    pub boxed: bool,
    /// The schema's documentation.
    pub documentation: Option<String>,
}

/// A WSDL operation.
#[derive(Clone, Debug)]
pub struct OperationDef {
    /// The operation's name, such as `Retrieve`.
    pub name: String,
    /// The Rust name of its marker type.
    pub rust_name: String,
    /// The Rust name of its method, such as `retrieve` or `version_info`.
    pub method_name: String,
    /// The binding's `soapAction`.
    pub soap_action: String,
    /// The request message.
    pub request: TypeId,
    /// The response message.
    pub response: TypeId,
    /// The WSDL documentation.
    pub documentation: Option<String>,
}

/// A Rust name that is not the plain conversion of its XML name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rename {
    /// The renamed item: a type, or `Type.field`.
    pub item: String,
    /// The plain conversion that clashed.
    pub plain: String,
    /// The name chosen.
    pub chosen: String,
    /// Why.
    pub reason: String,
}
