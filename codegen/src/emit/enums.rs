//! Emits an enum per enumeration, with a catch-all variant for values the schema does not
//! list, and a type alias per other simple type.

use proc_macro2::TokenStream;
use quote::quote;

use super::{builtin_type, docs, ident, runtime};
use crate::ir::{Builtin, EnumDef, TypeDef};

/// Emits the enum with `as_str`, `From<&str>` and its `ReadXml`/`WriteXml` impls.
pub fn emit_enum(ty: &TypeDef, def: &EnumDef) -> TokenStream {
    let name = ident(&ty.rust_name);
    let doc = docs(
        ty.documentation.as_deref(),
        &format!("XML: simple type `{}`, an enumeration.", ty.xml_name),
    );
    let catch_all = ident(&def.catch_all);
    let catch_all_doc =
        " A value the schema does not list, kept as sent, since the service adds values over time.";
    let variants = def.values.iter().enumerate().map(|(index, value)| {
        let variant = ident(&value.rust_name);
        let doc = docs(
            value.documentation.as_deref(),
            &format!("XML: `{}`.", value.xml_value),
        );
        let default = if index == 0 {
            quote!(#[default])
        } else {
            quote!()
        };
        quote!(#doc #default #variant,)
    });
    let to_text = def.values.iter().map(|value| {
        let variant = ident(&value.rust_name);
        let text = &value.xml_value;
        quote!(Self::#variant => #text,)
    });
    let from_text = def.values.iter().map(|value| {
        let variant = ident(&value.rust_name);
        let text = &value.xml_value;
        quote!(#text => Self::#variant,)
    });
    let [
        child,
        reader,
        writer,
        read_error,
        write_error,
        read_xml,
        write_xml,
    ] = [
        "Child",
        "XmlReader",
        "XmlWriter",
        "ReadError",
        "WriteError",
        "ReadXml",
        "WriteXml",
    ]
    .map(runtime);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            #[doc = #catch_all_doc]
            #catch_all(::std::string::String),
        }

        impl #name {
            /// Returns the value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_text)*
                    Self::#catch_all(value) => value,
                }
            }
        }

        impl ::core::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_text)*
                    other => Self::#catch_all(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl #read_xml for #name {
            fn read_xml<'a>(reader: &mut #reader<'a>, child: &#child<'a>) -> ::core::result::Result<Self, #read_error> {
                ::core::result::Result::Ok(Self::from(&*reader.text(child)?))
            }
        }

        impl #write_xml for #name {
            fn write_xml(&self, writer: &mut #writer, name: &str) -> ::core::result::Result<(), #write_error> {
                writer.text_element(name, self.as_str())
            }
        }
    }
}

/// Emits a type alias for a simple type that restricts a built-in without enumerating values.
pub fn emit_alias(ty: &TypeDef, builtin: Builtin) -> TokenStream {
    let name = ident(&ty.rust_name);
    let target = builtin_type(builtin);
    let doc = docs(
        ty.documentation.as_deref(),
        &format!(
            "XML: simple type `{}`, a restriction whose facets (such as patterns) are not checked.",
            ty.xml_name
        ),
    );
    quote! {
        #doc
        pub type #name = #target;
    }
}
