//! The XML Schema built-in types the generator maps, by local name.

use crate::ir::{Builtin, FieldType};

/// Returns the field type of the built-in `local` in the XML Schema namespace, or `None` for
/// a name that is not a built-in.
pub fn field_type(local: &str) -> Option<FieldType> {
    let builtin = match local {
        "string" | "normalizedString" | "token" | "language" | "Name" | "NCName" | "NMTOKEN"
        | "ID" | "IDREF" | "ENTITY" | "anyURI" | "QName" | "duration" | "gYear" | "gYearMonth"
        | "gMonth" | "gMonthDay" | "gDay" | "hexBinary" | "anySimpleType" => Builtin::String,
        // Kept as text: arbitrary precision has no std Rust type, and text keeps every digit.
        "decimal" => Builtin::String,
        "boolean" => Builtin::Boolean,
        "byte" => Builtin::Byte,
        "short" => Builtin::Short,
        "int" => Builtin::Int,
        // Limitation: xsd:integer and its unbounded relatives read into i64, so a value beyond
        // its range fails to parse with an error naming the element.
        "long" | "integer" | "nonNegativeInteger" | "positiveInteger" | "nonPositiveInteger"
        | "negativeInteger" => Builtin::Long,
        "unsignedByte" => Builtin::UnsignedByte,
        "unsignedShort" => Builtin::UnsignedShort,
        "unsignedInt" => Builtin::UnsignedInt,
        "unsignedLong" => Builtin::UnsignedLong,
        "float" => Builtin::Float,
        "double" => Builtin::Double,
        "dateTime" => Builtin::DateTime,
        "date" => Builtin::Date,
        "time" => Builtin::Time,
        "base64Binary" => Builtin::Base64Binary,
        "anyType" => Builtin::AnyType,
        _ => return None,
    };
    Some(FieldType::Builtin(builtin))
}

/// Returns the field type of an element declared without a type.
pub fn any_type() -> FieldType {
    FieldType::Builtin(Builtin::AnyType)
}
