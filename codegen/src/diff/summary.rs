//! The part of an [`Ir`] that decides the Rust API and the wire format, keyed by XML identity
//! instead of [`TypeId`] so that two schema versions can be compared.

use std::collections::BTreeMap;

use crate::ir::{Builtin, Cardinality, FieldType, Ir, TypeDef, TypeId, TypeKind};

/// A type's identity across schema versions: its XML name and namespace, never its Rust name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeKey {
    /// The namespace the type is declared in.
    pub namespace: String,
    /// The XML name; for an anonymous type the schema path (`DataExtension/Fields`), for a
    /// choice its owner's name with `/choice`, `/choice2`, … appended.
    pub xml_name: String,
    /// True for the anonymous type of an element and for a choice.
    pub anonymous: bool,
    // Limitation: the IR does not record whether an enumeration or alias was declared inside
    // an element. A top-level element with an inline simple type and a named simple type of
    // the same name share the other three parts, so only schema order distinguishes them.
    /// 0, or how many earlier types have the same namespace, name and `anonymous` flag.
    pub ordinal: u32,
}

/// The value type of a field or choice element, with types referred to by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// An XML Schema built-in type.
    Builtin(Builtin),
    /// A generated struct, enum or alias that has no subtypes.
    Named(TypeKey),
    /// A polymorphic type: the value is its `Any…` family enum.
    Family(TypeKey),
    /// A choice enum.
    Choice(TypeKey),
}

impl ValueType {
    /// Returns the key of the generated type the value refers to, if any.
    pub fn key(&self) -> Option<&TypeKey> {
        match self {
            ValueType::Builtin(_) => None,
            ValueType::Named(key) | ValueType::Family(key) | ValueType::Choice(key) => Some(key),
        }
    }
}

/// The diffable part of a schema: every type in schema order and every operation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    types: Vec<TypeSummary>,
    index: BTreeMap<TypeKey, usize>,
    operations: Vec<OperationSummary>,
}

/// One generated type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeSummary {
    /// The type's identity.
    pub key: TypeKey,
    /// The Rust name of the struct, enum or alias.
    pub rust_name: String,
    /// The schema's documentation.
    pub documentation: Option<String>,
    /// The kind of item and its contents.
    pub shape: Shape,
}

/// The kinds of generated item, as in [`TypeKind`].
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A struct from a complex type.
    Struct(StructShape),
    /// An enum from an enumeration.
    Enum(EnumShape),
    /// A type alias of a built-in.
    Alias(Builtin),
    /// An enum from a `choice`.
    Choice(Vec<VariantSummary>),
}

/// A struct with only the fields the type declares itself; inherited ones come from `base`.
#[derive(Clone, Debug, PartialEq)]
pub struct StructShape {
    /// The base type of an extension.
    pub base: Option<TypeKey>,
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// True when the type or a base has an `any` wildcard.
    pub has_wildcard: bool,
    /// The Rust name of the family enum, for a type with subtypes.
    pub family_name: Option<String>,
    /// Every type derived from this one, directly or not, in schema order.
    pub descendants: Vec<TypeKey>,
    /// The fields declared by this type, in schema order.
    pub fields: Vec<FieldSummary>,
}

/// A struct field.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSummary {
    /// The element's XML name; empty for a choice.
    pub xml_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// The field's value type.
    pub ty: ValueType,
    /// Absent allowed, once, or repeated.
    pub cardinality: Cardinality,
    /// `nillable="true"`.
    pub nillable: bool,
    /// True when the value is boxed.
    pub boxed: bool,
    /// The schema's documentation.
    pub documentation: Option<String>,
}

impl FieldSummary {
    /// Returns the field's identity within its struct: the element name, or for a choice the
    /// choice's XML name (`Owner/choice`), since a choice has no element name of its own.
    pub fn key(&self) -> &str {
        match (&self.ty, self.xml_name.is_empty()) {
            (ValueType::Choice(choice), true) => &choice.xml_name,
            _ => &self.xml_name,
        }
    }
}

/// An enum from an enumeration.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumShape {
    /// The values in schema order; the first is the enum's `Default`.
    pub values: Vec<ValueSummary>,
    /// The name of the variant that keeps values the schema does not list.
    pub catch_all: String,
}

/// One enumeration value.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueSummary {
    /// The value on the wire.
    pub xml_value: String,
    /// The Rust variant name.
    pub rust_name: String,
    /// The schema's documentation.
    pub documentation: Option<String>,
}

/// One alternative of a choice.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantSummary {
    /// The element's XML name.
    pub xml_name: String,
    /// The Rust variant name.
    pub rust_name: String,
    /// The element's value type.
    pub ty: ValueType,
    /// `nillable="true"`.
    pub nillable: bool,
    /// True when the value is boxed.
    pub boxed: bool,
    /// The schema's documentation.
    pub documentation: Option<String>,
}

/// A WSDL operation.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationSummary {
    /// The operation's name, its identity.
    pub name: String,
    /// The Rust name of its marker type.
    pub rust_name: String,
    /// The Rust name of its method.
    pub method_name: String,
    /// The binding's `soapAction`.
    pub soap_action: String,
    /// The request message's type.
    pub request: TypeKey,
    /// The response message's type.
    pub response: TypeKey,
    /// The WSDL documentation.
    pub documentation: Option<String>,
}

impl Summary {
    /// Builds the summary of an intermediate representation.
    pub fn from_ir(ir: &Ir) -> Summary {
        let keys = type_keys(ir);
        let value_type = |ty: &FieldType| match ty {
            FieldType::Builtin(builtin) => ValueType::Builtin(*builtin),
            FieldType::Named(id) => ValueType::Named(keys[id.0].clone()),
            FieldType::Family(id) => ValueType::Family(keys[id.0].clone()),
            FieldType::Choice(id) => ValueType::Choice(keys[id.0].clone()),
        };
        let types = ir
            .types
            .iter()
            .enumerate()
            .map(|(index, ty)| TypeSummary {
                key: keys[index].clone(),
                rust_name: ty.rust_name.clone(),
                documentation: ty.documentation.clone(),
                shape: shape_of(ty, TypeId(index), &keys, &value_type),
            })
            .collect();
        let operations = ir
            .operations
            .iter()
            .map(|op| OperationSummary {
                name: op.name.clone(),
                rust_name: op.rust_name.clone(),
                method_name: op.method_name.clone(),
                soap_action: op.soap_action.clone(),
                request: keys[op.request.0].clone(),
                response: keys[op.response.0].clone(),
                documentation: op.documentation.clone(),
            })
            .collect();
        Summary::new(types, operations)
    }

    /// Builds a summary from its parts, indexing the types by key.
    pub(super) fn new(types: Vec<TypeSummary>, operations: Vec<OperationSummary>) -> Summary {
        let index = types
            .iter()
            .enumerate()
            .map(|(position, ty)| (ty.key.clone(), position))
            .collect();
        Summary {
            types,
            index,
            operations,
        }
    }

    /// Returns every type in schema order.
    pub fn types(&self) -> &[TypeSummary] {
        &self.types
    }

    /// Returns every operation in WSDL order.
    pub fn operations(&self) -> &[OperationSummary] {
        &self.operations
    }

    /// Returns the type with this key.
    pub fn get(&self, key: &TypeKey) -> Option<&TypeSummary> {
        self.index.get(key).map(|&position| &self.types[position])
    }

    /// Returns the position of a type in schema order.
    pub(super) fn position(&self, key: &TypeKey) -> Option<usize> {
        self.index.get(key).copied()
    }

    /// Returns the struct shape of a type, if it is a struct.
    pub fn get_struct(&self, key: &TypeKey) -> Option<&StructShape> {
        match &self.get(key)?.shape {
            Shape::Struct(shape) => Some(shape),
            _ => None,
        }
    }

    /// Returns every field of a struct as the generated struct has them, inherited ones first,
    /// each with the key of the type that declares it. Empty for other kinds of type.
    pub fn fields<'s>(&'s self, key: &'s TypeKey) -> Vec<(&'s FieldSummary, &'s TypeKey)> {
        let mut chain = Vec::new();
        let mut current = Some(key);
        // A summary read from a file could be corrupt, so the walk stops after as many steps
        // as there are types instead of trusting the bases to end.
        while let Some(key) = current {
            if chain.len() > self.types.len() {
                break;
            }
            let Some(shape) = self.get_struct(key) else {
                break;
            };
            chain.push((key, shape));
            current = shape.base.as_ref();
        }
        chain
            .iter()
            .rev()
            .flat_map(|(key, shape)| shape.fields.iter().map(move |field| (field, *key)))
            .collect()
    }

    /// Returns the bases of a struct, nearest first.
    pub fn ancestors<'s>(&'s self, key: &TypeKey) -> Vec<&'s TypeKey> {
        let mut out: Vec<&TypeKey> = Vec::new();
        let mut current = self.get_struct(key).and_then(|shape| shape.base.as_ref());
        while let Some(base) = current {
            if out.len() > self.types.len() {
                break;
            }
            out.push(base);
            current = self.get_struct(base).and_then(|shape| shape.base.as_ref());
        }
        out
    }

    /// Returns the concrete types a polymorphic type's family enum has a variant for: the
    /// type itself unless abstract, then its concrete descendants, in schema order.
    pub fn family_members<'s>(&'s self, key: &'s TypeKey) -> Vec<&'s TypeKey> {
        let Some(shape) = self.get_struct(key) else {
            return Vec::new();
        };
        std::iter::once(key)
            .chain(shape.descendants.iter())
            .filter(|member| self.get_struct(member).is_some_and(|s| !s.is_abstract))
            .collect()
    }

    /// Returns the Rust name of the type a value refers to, or of its family enum.
    pub fn value_rust_name(&self, ty: &ValueType) -> String {
        match ty {
            ValueType::Builtin(builtin) => builtin_rust_name(*builtin).to_owned(),
            ValueType::Named(key) | ValueType::Choice(key) => self.rust_name(key),
            ValueType::Family(key) => self
                .get_struct(key)
                .and_then(|shape| shape.family_name.clone())
                .unwrap_or_else(|| self.rust_name(key)),
        }
    }

    fn rust_name(&self, key: &TypeKey) -> String {
        self.get(key)
            .map_or_else(|| key.xml_name.clone(), |ty| ty.rust_name.clone())
    }

    /// Returns the Rust type of a field as the generated struct declares it, without paths:
    /// `Option<Nillable<String>>`, `Vec<Box<FilterPart>>`.
    pub fn field_rust_type(&self, field: &FieldSummary) -> String {
        let value = wrap(
            &self.value_rust_name(&field.ty),
            field.boxed,
            field.nillable,
        );
        match field.cardinality {
            Cardinality::Required => value,
            Cardinality::Optional => format!("Option<{value}>"),
            Cardinality::Repeated => format!("Vec<{value}>"),
        }
    }

    /// Returns the Rust type a choice variant holds.
    pub fn variant_rust_type(&self, variant: &VariantSummary) -> String {
        wrap(
            &self.value_rust_name(&variant.ty),
            variant.boxed,
            variant.nillable,
        )
    }
}

fn wrap(value: &str, boxed: bool, nillable: bool) -> String {
    let mut out = value.to_owned();
    if boxed {
        out = format!("Box<{out}>");
    }
    if nillable {
        out = format!("Nillable<{out}>");
    }
    out
}

/// Returns the Rust type a built-in maps to, without paths; also its name in a stored
/// summary.
pub fn builtin_rust_name(builtin: Builtin) -> &'static str {
    match builtin {
        Builtin::String => "String",
        Builtin::Boolean => "bool",
        Builtin::Byte => "i8",
        Builtin::Short => "i16",
        Builtin::Int => "i32",
        Builtin::Long => "i64",
        Builtin::UnsignedByte => "u8",
        Builtin::UnsignedShort => "u16",
        Builtin::UnsignedInt => "u32",
        Builtin::UnsignedLong => "u64",
        Builtin::Float => "f32",
        Builtin::Double => "f64",
        Builtin::DateTime => "DateTime",
        Builtin::Date => "Date",
        Builtin::Time => "Time",
        Builtin::Base64Binary => "Vec<u8>",
        Builtin::AnyType => "RawElement",
    }
}

/// Every built-in, for reading a stored summary back.
pub(super) const BUILTINS: [Builtin; 17] = [
    Builtin::String,
    Builtin::Boolean,
    Builtin::Byte,
    Builtin::Short,
    Builtin::Int,
    Builtin::Long,
    Builtin::UnsignedByte,
    Builtin::UnsignedShort,
    Builtin::UnsignedInt,
    Builtin::UnsignedLong,
    Builtin::Float,
    Builtin::Double,
    Builtin::DateTime,
    Builtin::Date,
    Builtin::Time,
    Builtin::Base64Binary,
    Builtin::AnyType,
];

/// Returns the key of every type, in [`Ir::types`] order.
fn type_keys(ir: &Ir) -> Vec<TypeKey> {
    let mut seen: BTreeMap<(String, String, bool), u32> = BTreeMap::new();
    ir.types
        .iter()
        .map(|ty| {
            let anonymous = match &ty.kind {
                TypeKind::Struct(def) => def.anonymous,
                TypeKind::Choice(_) => true,
                TypeKind::Enum(_) | TypeKind::Alias(_) => false,
            };
            let count = seen
                .entry((ty.namespace.clone(), ty.xml_name.clone(), anonymous))
                .or_insert(0);
            let key = TypeKey {
                namespace: ty.namespace.clone(),
                xml_name: ty.xml_name.clone(),
                anonymous,
                ordinal: *count,
            };
            *count += 1;
            key
        })
        .collect()
}

fn shape_of(
    ty: &TypeDef,
    id: TypeId,
    keys: &[TypeKey],
    value_type: &dyn Fn(&FieldType) -> ValueType,
) -> Shape {
    match &ty.kind {
        TypeKind::Struct(def) => Shape::Struct(StructShape {
            base: def.base.map(|base| keys[base.0].clone()),
            is_abstract: def.is_abstract,
            has_wildcard: def.has_wildcard,
            family_name: def.family_name.clone(),
            descendants: def.descendants.iter().map(|d| keys[d.0].clone()).collect(),
            fields: def
                .fields
                .iter()
                .filter(|field| field.declared_in == id)
                .map(|field| FieldSummary {
                    xml_name: field.xml_name.clone(),
                    rust_name: field.rust_name.clone(),
                    ty: value_type(&field.ty),
                    cardinality: field.cardinality,
                    nillable: field.nillable,
                    boxed: field.boxed,
                    documentation: field.documentation.clone(),
                })
                .collect(),
        }),
        TypeKind::Enum(def) => Shape::Enum(EnumShape {
            values: def
                .values
                .iter()
                .map(|value| ValueSummary {
                    xml_value: value.xml_value.clone(),
                    rust_name: value.rust_name.clone(),
                    documentation: value.documentation.clone(),
                })
                .collect(),
            catch_all: def.catch_all.clone(),
        }),
        TypeKind::Alias(builtin) => Shape::Alias(*builtin),
        TypeKind::Choice(def) => Shape::Choice(
            def.variants
                .iter()
                .map(|variant| VariantSummary {
                    xml_name: variant.xml_name.clone(),
                    rust_name: variant.rust_name.clone(),
                    ty: value_type(&variant.ty),
                    nillable: variant.nillable,
                    boxed: variant.boxed,
                    documentation: variant.documentation.clone(),
                })
                .collect(),
        ),
    }
}
