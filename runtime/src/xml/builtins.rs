//! XML Schema built-in types mapped to Rust values.

use std::borrow::Cow;

use super::{Child, ReadError, ReadXml, WriteError, WriteXml, XmlReader, XmlWriter};
use crate::values::{Date, DateTime, Time, ValueError, decode_base64, encode_base64};

/// Strips the whitespace XML Schema collapses around non-string values.
fn collapse(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

impl ReadXml for String {
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
        reader.text(child).map(Cow::into_owned)
    }
}

impl WriteXml for String {
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
        writer.text_element(name, self)
    }
}

impl WriteXml for str {
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
        writer.text_element(name, self)
    }
}

/// Implements reading and writing for a type parsed with `FromStr` after collapsing
/// whitespace, and written with `Display`.
macro_rules! lexical_type {
    ($($ty:ty => $schema:literal),* $(,)?) => {$(
        impl ReadXml for $ty {
            fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
                let text = reader.text(child)?;
                let text = collapse(&text);
                text.parse::<$ty>().map_err(|_| {
                    let reason = concat!("not a valid ", $schema);
                    reader.invalid_value(child, ValueError::new($schema, text, reason))
                })
            }
        }

        impl WriteXml for $ty {
            fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
                writer.text_element(name, &self.to_string())
            }
        }
    )*};
}

lexical_type! {
    i8 => "xsd:byte",
    i16 => "xsd:short",
    i32 => "xsd:int",
    i64 => "xsd:long",
    u8 => "xsd:unsignedByte",
    u16 => "xsd:unsignedShort",
    u32 => "xsd:unsignedInt",
    u64 => "xsd:unsignedLong",
}

/// Implements reading and writing for a value type whose `FromStr` error is a [`ValueError`].
macro_rules! value_type {
    ($($ty:ty),* $(,)?) => {$(
        impl ReadXml for $ty {
            fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
                let text = reader.text(child)?;
                collapse(&text).parse::<$ty>().map_err(|error| reader.invalid_value(child, error))
            }
        }

        impl WriteXml for $ty {
            fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
                writer.text_element(name, &self.to_string())
            }
        }
    )*};
}

value_type!(DateTime, Date, Time);

impl ReadXml for bool {
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
        let text = reader.text(child)?;
        match collapse(&text) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => {
                let error = ValueError::new("xsd:boolean", other, "expected true, false, 1 or 0");
                Err(reader.invalid_value(child, error))
            }
        }
    }
}

impl WriteXml for bool {
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
        writer.text_element(name, if *self { "true" } else { "false" })
    }
}

/// Parses an xsd:double or xsd:float, which spell infinity `INF` and allow `NaN`.
fn parse_floating(text: &str) -> Option<f64> {
    match text {
        "INF" | "+INF" => Some(f64::INFINITY),
        "-INF" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ if text.contains(['i', 'I', 'n', 'N']) => None,
        _ => text.parse().ok(),
    }
}

/// Formats an xsd:double or xsd:float: the shortest text that reads back to the same value,
/// with infinity spelled `INF`.
fn format_floating<F: Into<f64> + ToString + Copy>(value: F) -> String {
    let wide: f64 = value.into();
    if wide.is_nan() {
        "NaN".to_owned()
    } else if wide.is_infinite() {
        if wide > 0.0 { "INF" } else { "-INF" }.to_owned()
    } else {
        value.to_string()
    }
}

impl ReadXml for f64 {
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
        let text = reader.text(child)?;
        let text = collapse(&text);
        parse_floating(text).ok_or_else(|| {
            let error = ValueError::new("xsd:double", text, "not a valid xsd:double");
            reader.invalid_value(child, error)
        })
    }
}

impl WriteXml for f64 {
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
        writer.text_element(name, &format_floating(*self))
    }
}

impl ReadXml for f32 {
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
        let text = reader.text(child)?;
        let text = collapse(&text);
        match parse_floating(text) {
            // Narrowing is the point: the schema type is single precision.
            Some(value) => Ok(value as f32),
            None => {
                let error = ValueError::new("xsd:float", text, "not a valid xsd:float");
                Err(reader.invalid_value(child, error))
            }
        }
    }
}

impl WriteXml for f32 {
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
        writer.text_element(name, &format_floating(*self))
    }
}

/// xsd:base64Binary content.
impl ReadXml for Vec<u8> {
    fn read_xml<'a>(reader: &mut XmlReader<'a>, child: &Child<'a>) -> Result<Self, ReadError> {
        let text = reader.text(child)?;
        decode_base64(&text).map_err(|error| reader.invalid_value(child, error))
    }
}

impl WriteXml for Vec<u8> {
    fn write_xml(&self, writer: &mut XmlWriter, name: &str) -> Result<(), WriteError> {
        writer.text_element(name, &encode_base64(self))
    }
}
