//! The third stage: writes Rust items for an [`Ir`] with quote, one function per kind of
//! item, and formats them with prettyplease.

mod choices;
mod enums;
mod families;
mod operations;
mod structs;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::Error;
use crate::ir::{Builtin, Cardinality, Field, FieldType, Ir, TypeId, TypeKind};

/// Emits the whole generated file, formatted, with `banner` as its opening comment lines.
///
/// # Errors
/// Fails only when the generator produced tokens that are not valid Rust, which is a bug.
pub fn emit(ir: &Ir, banner: &str) -> Result<String, Error> {
    let mut items = runtime_import();
    for (index, ty) in ir.types.iter().enumerate() {
        let id = TypeId(index);
        items.extend(match &ty.kind {
            TypeKind::Struct(def) => structs::emit_struct(ir, id, def),
            TypeKind::Enum(def) => enums::emit_enum(ty, def),
            TypeKind::Alias(builtin) => enums::emit_alias(ty, *builtin),
            TypeKind::Choice(def) => choices::emit_choice(ir, ty, def),
        });
        if let TypeKind::Struct(def) = &ty.kind {
            if def.family_name.is_some() {
                items.extend(families::emit_family(ir, id, def));
            }
        }
    }
    items.extend(operations::emit_messages(ir));
    items.extend(operations::emit_operations(ir));
    items.extend(operations::emit_renames(ir));
    let file: syn::File = syn::parse2(items).map_err(|error| Error::Emit(error.to_string()))?;
    let mut out = String::from(banner);
    out.push_str(&separate_items(&prettyplease::unparse(&file)));
    Ok(out)
}

/// Puts an empty line after every item that ends with a closing brace at its own indentation,
/// as hand-written code does, because prettyplease writes items back to back.
fn separate_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut lines = code.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let closes_item = line.trim_start() == "}";
        let indent = line.len() - line.trim_start().len();
        if let Some(next) = lines.peek() {
            let next_indent = next.len() - next.trim_start().len();
            if closes_item && next_indent == indent && !next.trim_start().starts_with('}') {
                out.push('\n');
            }
        }
    }
    out
}

/// Returns an identifier for a name the naming stage produced, raw when it starts with `r#`.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Returns the path of an item of the runtime's `codegen` module, through the `rt` alias
/// that [`runtime_import`] declares. Generated type names are UpperCamelCase, so none can
/// shadow it.
pub(crate) fn runtime(name: &str) -> TokenStream {
    let name = ident(name);
    quote!(rt::#name)
}

/// Returns the import that [`runtime`] paths go through.
pub(crate) fn runtime_import() -> TokenStream {
    quote!(
        use ::sfmc_runtime::codegen as rt;
    )
}

/// Returns `#[doc = ...]` attributes: the schema's documentation, then a line naming the
/// XML item, separated by an empty line.
pub(crate) fn docs(documentation: Option<&str>, xml_line: &str) -> TokenStream {
    let mut lines = Vec::new();
    if let Some(text) = documentation {
        lines.push(format!(" {}", escape_doc(text)));
        lines.push(String::new());
    }
    lines.push(format!(" {xml_line}"));
    quote!(#(#[doc = #lines])*)
}

/// Keeps documentation text from being read as Markdown markup rustdoc would misrender.
fn escape_doc(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('<', "&lt;")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('`', "'")
}

/// Returns the Rust type of a field or variant value, before `Option`, `Vec` or boxing.
pub(crate) fn value_type(ir: &Ir, ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::Builtin(builtin) => builtin_type(*builtin),
        FieldType::Named(id) | FieldType::Choice(id) => {
            let name = ident(&ir.get(*id).rust_name);
            quote!(#name)
        }
        FieldType::Family(id) => {
            let TypeKind::Struct(def) = &ir.get(*id).kind else {
                unreachable!("families are made from structs only")
            };
            let name = ident(def.family_name.as_deref().unwrap_or_default());
            quote!(#name)
        }
    }
}

fn builtin_type(builtin: Builtin) -> TokenStream {
    match builtin {
        Builtin::String => quote!(::std::string::String),
        Builtin::Boolean => quote!(bool),
        Builtin::Byte => quote!(i8),
        Builtin::Short => quote!(i16),
        Builtin::Int => quote!(i32),
        Builtin::Long => quote!(i64),
        Builtin::UnsignedByte => quote!(u8),
        Builtin::UnsignedShort => quote!(u16),
        Builtin::UnsignedInt => quote!(u32),
        Builtin::UnsignedLong => quote!(u64),
        Builtin::Float => quote!(f32),
        Builtin::Double => quote!(f64),
        Builtin::DateTime => runtime("DateTime"),
        Builtin::Date => runtime("Date"),
        Builtin::Time => runtime("Time"),
        Builtin::Base64Binary => quote!(::std::vec::Vec<u8>),
        Builtin::AnyType => runtime("RawElement"),
    }
}

/// Returns the Rust type of a field: its value type, boxed, nillable and wrapped for its
/// cardinality as needed.
pub(crate) fn field_type(ir: &Ir, field: &Field) -> TokenStream {
    let mut ty = value_type(ir, &field.ty);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if field.nillable {
        let nillable = runtime("Nillable");
        ty = quote!(#nillable<#ty>);
    }
    match field.cardinality {
        Cardinality::Required => ty,
        Cardinality::Optional => quote!(::std::option::Option<#ty>),
        Cardinality::Repeated => quote!(::std::vec::Vec<#ty>),
    }
}
