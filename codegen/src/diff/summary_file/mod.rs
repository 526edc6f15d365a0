//! The stored form of a [`Summary`]: the file a build script keeps beside the generated code,
//! which `sfmc-codegen diff --against-build` reads back.
//!
//! The format is line-based text, one record per line, fields separated by tabs, with `\\`,
//! `\t`, `\n` and `\r` escaped by a backslash. The first line names the format and its
//! version. Types are listed in schema order and referred to by their 0-based position among
//! the `type` records; an empty field is an absent value. Records:
//!
//! ```text
//! namespace  URI
//! type       NAMESPACE-INDEX XML-NAME ANONYMOUS(0|1) RUST-NAME DOCUMENTATION
//! struct     BASE(-|INDEX) ABSTRACT WILDCARD FAMILY-NAME(-|NAME) DESCENDANTS(INDEX,INDEX,…)
//! field      XML-NAME RUST-NAME VALUE CARDINALITY NILLABLE BOXED DOCUMENTATION
//! enum       CATCH-ALL-VARIANT
//! value      XML-VALUE RUST-NAME DOCUMENTATION
//! alias      BUILTIN
//! choice
//! variant    XML-NAME RUST-NAME VALUE NILLABLE BOXED DOCUMENTATION
//! operation  NAME RUST-NAME METHOD SOAP-ACTION REQUEST-INDEX RESPONSE-INDEX DOCUMENTATION
//! ```
//!
//! A VALUE is `builtin:RUST-TYPE`, `named:INDEX`, `family:INDEX` or `choice:INDEX`; a
//! CARDINALITY is `required`, `optional` or `repeated`. `field`, `value` and `variant` records
//! belong to the type record above them.

mod parse;

use std::path::Path;

use super::summary::{
    Shape, StructShape, Summary, TypeKey, TypeSummary, ValueType, builtin_rust_name,
};
use crate::error::Error;
use crate::ir::Cardinality;

/// The first line of every summary file.
const HEADER: &str = "sfmc-codegen schema summary 1";

/// The name of the summary file a build script writes into `OUT_DIR`.
pub const SUMMARY_FILE_NAME: &str = "schema-summary.txt";

impl Summary {
    /// Writes the summary in its stored form. The text depends only on the schema and the
    /// generator's naming, so equal schemas give byte-equal files.
    pub fn to_text(&self) -> String {
        let mut namespaces: Vec<&str> = Vec::new();
        for ty in self.types() {
            if !namespaces.contains(&ty.key.namespace.as_str()) {
                namespaces.push(&ty.key.namespace);
            }
        }
        let mut out = String::new();
        line(&mut out, &[HEADER]);
        for namespace in &namespaces {
            line(&mut out, &["namespace", &escape(namespace)]);
        }
        for ty in self.types() {
            self.write_type(&mut out, ty, &namespaces);
        }
        for op in self.operations() {
            line(
                &mut out,
                &[
                    "operation",
                    &escape(&op.name),
                    &escape(&op.rust_name),
                    &escape(&op.method_name),
                    &escape(&op.soap_action),
                    &self.index_of(&op.request),
                    &self.index_of(&op.response),
                    &documentation(&op.documentation),
                ],
            );
        }
        out
    }

    fn write_type(&self, out: &mut String, ty: &TypeSummary, namespaces: &[&str]) {
        let namespace = namespaces
            .iter()
            .position(|namespace| *namespace == ty.key.namespace)
            .unwrap_or_default()
            .to_string();
        line(
            out,
            &[
                "type",
                &namespace,
                &escape(&ty.key.xml_name),
                flag(ty.key.anonymous),
                &escape(&ty.rust_name),
                &documentation(&ty.documentation),
            ],
        );
        match &ty.shape {
            Shape::Struct(shape) => self.write_struct(out, shape),
            Shape::Enum(shape) => {
                line(out, &["enum", &escape(&shape.catch_all)]);
                for value in &shape.values {
                    line(
                        out,
                        &[
                            "value",
                            &escape(&value.xml_value),
                            &escape(&value.rust_name),
                            &documentation(&value.documentation),
                        ],
                    );
                }
            }
            Shape::Alias(builtin) => line(out, &["alias", builtin_rust_name(*builtin)]),
            Shape::Choice(variants) => {
                line(out, &["choice"]);
                for variant in variants {
                    line(
                        out,
                        &[
                            "variant",
                            &escape(&variant.xml_name),
                            &escape(&variant.rust_name),
                            &self.value_text(&variant.ty),
                            flag(variant.nillable),
                            flag(variant.boxed),
                            &documentation(&variant.documentation),
                        ],
                    );
                }
            }
        }
    }

    fn write_struct(&self, out: &mut String, shape: &StructShape) {
        let base = shape
            .base
            .as_ref()
            .map_or_else(|| "-".to_owned(), |base| self.index_of(base));
        let family = shape
            .family_name
            .as_deref()
            .map_or_else(|| "-".to_owned(), escape);
        let descendants: Vec<String> = shape
            .descendants
            .iter()
            .map(|key| self.index_of(key))
            .collect();
        line(
            out,
            &[
                "struct",
                &base,
                flag(shape.is_abstract),
                flag(shape.has_wildcard),
                &family,
                &descendants.join(","),
            ],
        );
        for field in &shape.fields {
            let cardinality = match field.cardinality {
                Cardinality::Required => "required",
                Cardinality::Optional => "optional",
                Cardinality::Repeated => "repeated",
            };
            line(
                out,
                &[
                    "field",
                    &escape(&field.xml_name),
                    &escape(&field.rust_name),
                    &self.value_text(&field.ty),
                    cardinality,
                    flag(field.nillable),
                    flag(field.boxed),
                    &documentation(&field.documentation),
                ],
            );
        }
    }

    fn index_of(&self, key: &TypeKey) -> String {
        // Every key in a summary names one of its own types, since keys come from one IR.
        self.position(key).unwrap_or_default().to_string()
    }

    fn value_text(&self, ty: &ValueType) -> String {
        match ty {
            ValueType::Builtin(builtin) => format!("builtin:{}", builtin_rust_name(*builtin)),
            ValueType::Named(key) => format!("named:{}", self.index_of(key)),
            ValueType::Family(key) => format!("family:{}", self.index_of(key)),
            ValueType::Choice(key) => format!("choice:{}", self.index_of(key)),
        }
    }

    /// Reads a stored summary.
    ///
    /// # Errors
    /// Fails when the file cannot be read or is not a summary this version wrote, naming the
    /// line.
    pub fn read(path: &Path) -> Result<Summary, Error> {
        let text = std::fs::read_to_string(path).map_err(|error| Error::io("read", path, error))?;
        Summary::parse(&text, path)
    }

    /// Parses the stored form; `path` names the file in errors.
    ///
    /// # Errors
    /// Fails on an unknown header or record, a missing or extra field, or a type index out
    /// of range, naming the line.
    pub fn parse(text: &str, path: &Path) -> Result<Summary, Error> {
        parse::Parser::new(path).parse(text)
    }
}

/// Returns the fingerprint of a stored summary: the 64-bit FNV-1a hash of its bytes as 16
/// lowercase hex digits. It distinguishes summaries but is not a cryptographic hash.
pub fn fingerprint(summary_text: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = summary_text.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    format!("{hash:016x}")
}

fn line(out: &mut String, fields: &[&str]) {
    out.push_str(&fields.join("\t"));
    out.push('\n');
}

fn flag(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

fn documentation(text: &Option<String>) -> String {
    text.as_deref().map(escape).unwrap_or_default()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
    out
}
