//! Reads the stored form of a [`Summary`] back, checking every record.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::HEADER;
use crate::diff::summary::{
    BUILTINS, EnumShape, FieldSummary, OperationSummary, Shape, StructShape, Summary, TypeKey,
    TypeSummary, ValueSummary, ValueType, VariantSummary, builtin_rust_name,
};
use crate::error::{Error, Location};
use crate::ir::{Builtin, Cardinality};

/// A type record as read, with references still as indices.
struct RawType {
    /// The line of the `type` record, for errors found after the whole file is read.
    line: u32,
    namespace: usize,
    xml_name: String,
    anonymous: bool,
    rust_name: String,
    documentation: Option<String>,
    shape: Option<RawShape>,
}

enum RawShape {
    Struct {
        base: Option<usize>,
        is_abstract: bool,
        has_wildcard: bool,
        family_name: Option<String>,
        descendants: Vec<usize>,
        fields: Vec<RawField>,
    },
    Enum {
        catch_all: String,
        values: Vec<ValueSummary>,
    },
    Alias(Builtin),
    Choice(Vec<RawField>),
}

/// A field or choice variant as read; variants have no cardinality.
struct RawField {
    xml_name: String,
    rust_name: String,
    value: RawValue,
    cardinality: Cardinality,
    nillable: bool,
    boxed: bool,
    documentation: Option<String>,
}

enum RawValue {
    Builtin(Builtin),
    Named(usize),
    Family(usize),
    Choice(usize),
}

struct RawOperation {
    line: u32,
    name: String,
    rust_name: String,
    method_name: String,
    soap_action: String,
    request: usize,
    response: usize,
    documentation: Option<String>,
}

pub(super) struct Parser<'p> {
    path: &'p Path,
    line: u32,
    namespaces: Vec<String>,
    types: Vec<RawType>,
    operations: Vec<RawOperation>,
}

impl<'p> Parser<'p> {
    pub(super) fn new(path: &'p Path) -> Self {
        Parser {
            path,
            line: 0,
            namespaces: Vec::new(),
            types: Vec::new(),
            operations: Vec::new(),
        }
    }

    fn error(&self, message: String) -> Error {
        self.error_at(self.line, message)
    }

    fn error_at(&self, line: u32, message: String) -> Error {
        Error::Invalid {
            message: format!("invalid schema summary: {message}"),
            location: Location {
                file: PathBuf::from(self.path),
                line,
                column: 1,
            },
        }
    }

    pub(super) fn parse(mut self, text: &str) -> Result<Summary, Error> {
        let mut lines = text.lines();
        self.line = 1;
        if lines.next() != Some(HEADER) {
            return Err(self.error(format!(
                "the first line must be `{HEADER}`; regenerate the summary with this version \
                 of sfmc-codegen"
            )));
        }
        for text in lines {
            self.line += 1;
            let fields: Vec<String> = text.split('\t').map(unescape).collect();
            self.record(&fields)?;
        }
        self.finish()
    }

    fn record(&mut self, fields: &[String]) -> Result<(), Error> {
        let Some((name, rest)) = fields.split_first() else {
            return Err(self.error("an empty record".to_owned()));
        };
        match name.as_str() {
            "namespace" => {
                let [uri] = self.exact(rest)?;
                self.namespaces.push(uri.clone());
            }
            "type" => self.type_record(rest)?,
            "struct" => self.struct_record(rest)?,
            "field" => self.field_record(rest)?,
            "enum" => {
                let [catch_all] = self.exact(rest)?;
                let shape = RawShape::Enum {
                    catch_all: catch_all.clone(),
                    values: Vec::new(),
                };
                self.set_shape(shape)?;
            }
            "value" => {
                let [xml_value, rust_name, documentation] = self.exact(rest)?;
                let value = ValueSummary {
                    xml_value: xml_value.clone(),
                    rust_name: rust_name.clone(),
                    documentation: optional(documentation),
                };
                match self.types.last_mut().and_then(|ty| ty.shape.as_mut()) {
                    Some(RawShape::Enum { values, .. }) => values.push(value),
                    _ => return Err(self.error("a `value` record outside an enum".to_owned())),
                }
            }
            "alias" => {
                let [builtin] = self.exact(rest)?;
                let builtin = self.builtin(builtin)?;
                self.set_shape(RawShape::Alias(builtin))?;
            }
            "choice" => {
                let [] = self.exact(rest)?;
                self.set_shape(RawShape::Choice(Vec::new()))?;
            }
            "variant" => self.variant_record(rest)?,
            "operation" => self.operation_record(rest)?,
            other => return Err(self.error(format!("unknown record `{other}`"))),
        }
        Ok(())
    }

    /// Returns the fields of a record that must have exactly `N` of them.
    fn exact<'f, const N: usize>(&self, rest: &'f [String]) -> Result<&'f [String; N], Error> {
        rest.try_into().map_err(|_| {
            self.error(format!(
                "expected {N} fields after the record name, found {}",
                rest.len()
            ))
        })
    }

    fn type_record(&mut self, rest: &[String]) -> Result<(), Error> {
        let [namespace, xml_name, anonymous, rust_name, documentation] = self.exact(rest)?;
        let namespace = self.index(namespace)?;
        if namespace >= self.namespaces.len() {
            return Err(self.error(format!("no namespace record number {namespace}")));
        }
        let anonymous = self.flag(anonymous)?;
        self.types.push(RawType {
            line: self.line,
            namespace,
            xml_name: xml_name.clone(),
            anonymous,
            rust_name: rust_name.clone(),
            documentation: optional(documentation),
            shape: None,
        });
        Ok(())
    }

    fn struct_record(&mut self, rest: &[String]) -> Result<(), Error> {
        let [base, is_abstract, has_wildcard, family_name, descendants] = self.exact(rest)?;
        let base = match base.as_str() {
            "-" => None,
            index => Some(self.index(index)?),
        };
        let family_name = (family_name != "-").then(|| family_name.clone());
        let descendants = descendants
            .split(',')
            .filter(|index| !index.is_empty())
            .map(|index| self.index(index))
            .collect::<Result<Vec<_>, _>>()?;
        let shape = RawShape::Struct {
            base,
            is_abstract: self.flag(is_abstract)?,
            has_wildcard: self.flag(has_wildcard)?,
            family_name,
            descendants,
            fields: Vec::new(),
        };
        self.set_shape(shape)
    }

    fn field_record(&mut self, rest: &[String]) -> Result<(), Error> {
        let [
            xml_name,
            rust_name,
            value,
            cardinality,
            nillable,
            boxed,
            documentation,
        ] = self.exact(rest)?;
        let cardinality = match cardinality.as_str() {
            "required" => Cardinality::Required,
            "optional" => Cardinality::Optional,
            "repeated" => Cardinality::Repeated,
            other => return Err(self.error(format!("unknown cardinality `{other}`"))),
        };
        let field = RawField {
            xml_name: xml_name.clone(),
            rust_name: rust_name.clone(),
            value: self.value(value)?,
            cardinality,
            nillable: self.flag(nillable)?,
            boxed: self.flag(boxed)?,
            documentation: optional(documentation),
        };
        match self.types.last_mut().and_then(|ty| ty.shape.as_mut()) {
            Some(RawShape::Struct { fields, .. }) => fields.push(field),
            _ => return Err(self.error("a `field` record outside a struct".to_owned())),
        }
        Ok(())
    }

    fn variant_record(&mut self, rest: &[String]) -> Result<(), Error> {
        let [xml_name, rust_name, value, nillable, boxed, documentation] = self.exact(rest)?;
        let variant = RawField {
            xml_name: xml_name.clone(),
            rust_name: rust_name.clone(),
            value: self.value(value)?,
            cardinality: Cardinality::Required,
            nillable: self.flag(nillable)?,
            boxed: self.flag(boxed)?,
            documentation: optional(documentation),
        };
        match self.types.last_mut().and_then(|ty| ty.shape.as_mut()) {
            Some(RawShape::Choice(variants)) => variants.push(variant),
            _ => return Err(self.error("a `variant` record outside a choice".to_owned())),
        }
        Ok(())
    }

    fn operation_record(&mut self, rest: &[String]) -> Result<(), Error> {
        let [
            name,
            rust_name,
            method_name,
            soap_action,
            request,
            response,
            documentation,
        ] = self.exact(rest)?;
        let operation = RawOperation {
            line: self.line,
            name: name.clone(),
            rust_name: rust_name.clone(),
            method_name: method_name.clone(),
            soap_action: soap_action.clone(),
            request: self.index(request)?,
            response: self.index(response)?,
            documentation: optional(documentation),
        };
        self.operations.push(operation);
        Ok(())
    }

    fn set_shape(&mut self, shape: RawShape) -> Result<(), Error> {
        match self.types.last_mut() {
            Some(ty) if ty.shape.is_none() => {
                ty.shape = Some(shape);
                Ok(())
            }
            _ => Err(self.error("a shape record without a `type` record before it".to_owned())),
        }
    }

    fn index(&self, text: &str) -> Result<usize, Error> {
        text.parse()
            .map_err(|_| self.error(format!("expected an index, found `{text}`")))
    }

    fn flag(&self, text: &str) -> Result<bool, Error> {
        match text {
            "0" => Ok(false),
            "1" => Ok(true),
            other => Err(self.error(format!("expected 0 or 1, found `{other}`"))),
        }
    }

    fn builtin(&self, text: &str) -> Result<Builtin, Error> {
        BUILTINS
            .into_iter()
            .find(|builtin| builtin_rust_name(*builtin) == text)
            .ok_or_else(|| self.error(format!("unknown built-in type `{text}`")))
    }

    fn value(&self, text: &str) -> Result<RawValue, Error> {
        let Some((kind, target)) = text.split_once(':') else {
            return Err(self.error(format!("expected KIND:TARGET, found `{text}`")));
        };
        match kind {
            "builtin" => Ok(RawValue::Builtin(self.builtin(target)?)),
            "named" => Ok(RawValue::Named(self.index(target)?)),
            "family" => Ok(RawValue::Family(self.index(target)?)),
            "choice" => Ok(RawValue::Choice(self.index(target)?)),
            other => Err(self.error(format!("unknown value kind `{other}`"))),
        }
    }

    /// Resolves indices to keys once every type is known.
    fn finish(self) -> Result<Summary, Error> {
        let mut seen: BTreeMap<(usize, &str, bool), u32> = BTreeMap::new();
        let mut keys = Vec::with_capacity(self.types.len());
        for ty in &self.types {
            let count = seen
                .entry((ty.namespace, &ty.xml_name, ty.anonymous))
                .or_insert(0);
            keys.push(TypeKey {
                namespace: self.namespaces[ty.namespace].clone(),
                xml_name: ty.xml_name.clone(),
                anonymous: ty.anonymous,
                ordinal: *count,
            });
            *count += 1;
        }
        // A reference to a missing type is reported at the record that owns it.
        let key = |index: usize, line: u32| {
            keys.get(index).cloned().ok_or_else(|| {
                self.error_at(
                    line,
                    format!("type number {index} is referred to but not defined"),
                )
            })
        };
        let mut types = Vec::with_capacity(self.types.len());
        for (raw, type_key) in self.types.iter().zip(&keys) {
            let key = |index: usize| key(index, raw.line);
            let value = |raw: &RawValue| -> Result<ValueType, Error> {
                Ok(match raw {
                    RawValue::Builtin(builtin) => ValueType::Builtin(*builtin),
                    RawValue::Named(index) => ValueType::Named(key(*index)?),
                    RawValue::Family(index) => ValueType::Family(key(*index)?),
                    RawValue::Choice(index) => ValueType::Choice(key(*index)?),
                })
            };
            let Some(shape) = &raw.shape else {
                return Err(self.error_at(
                    raw.line,
                    format!(
                        "type `{}` has no struct, enum, alias or choice record",
                        raw.xml_name
                    ),
                ));
            };
            let shape = match shape {
                RawShape::Struct {
                    base,
                    is_abstract,
                    has_wildcard,
                    family_name,
                    descendants,
                    fields,
                } => Shape::Struct(StructShape {
                    base: base.map(key).transpose()?,
                    is_abstract: *is_abstract,
                    has_wildcard: *has_wildcard,
                    family_name: family_name.clone(),
                    descendants: descendants
                        .iter()
                        .map(|index| key(*index))
                        .collect::<Result<_, _>>()?,
                    fields: fields
                        .iter()
                        .map(|field| {
                            Ok(FieldSummary {
                                xml_name: field.xml_name.clone(),
                                rust_name: field.rust_name.clone(),
                                ty: value(&field.value)?,
                                cardinality: field.cardinality,
                                nillable: field.nillable,
                                boxed: field.boxed,
                                documentation: field.documentation.clone(),
                            })
                        })
                        .collect::<Result<_, Error>>()?,
                }),
                RawShape::Enum { catch_all, values } => Shape::Enum(EnumShape {
                    values: values.clone(),
                    catch_all: catch_all.clone(),
                }),
                RawShape::Alias(builtin) => Shape::Alias(*builtin),
                RawShape::Choice(variants) => Shape::Choice(
                    variants
                        .iter()
                        .map(|variant| {
                            Ok(VariantSummary {
                                xml_name: variant.xml_name.clone(),
                                rust_name: variant.rust_name.clone(),
                                ty: value(&variant.value)?,
                                nillable: variant.nillable,
                                boxed: variant.boxed,
                                documentation: variant.documentation.clone(),
                            })
                        })
                        .collect::<Result<_, Error>>()?,
                ),
            };
            types.push(TypeSummary {
                key: type_key.clone(),
                rust_name: raw.rust_name.clone(),
                documentation: raw.documentation.clone(),
                shape,
            });
        }
        let operations = self
            .operations
            .iter()
            .map(|op| {
                Ok(OperationSummary {
                    name: op.name.clone(),
                    rust_name: op.rust_name.clone(),
                    method_name: op.method_name.clone(),
                    soap_action: op.soap_action.clone(),
                    request: key(op.request, op.line)?,
                    response: key(op.response, op.line)?,
                    documentation: op.documentation.clone(),
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Summary::new(types, operations))
    }
}

fn optional(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
