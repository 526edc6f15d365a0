//! Emits an enum per `choice`, one variant per alternative element.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, runtime, value_type};
use crate::ir::{ChoiceDef, ChoiceVariant, Ir, TypeDef};

/// Emits the choice enum, its `Default` and its writer.
pub fn emit_choice(ir: &Ir, ty: &TypeDef, def: &ChoiceDef) -> TokenStream {
    let name = ident(&ty.rust_name);
    let owner = ty
        .xml_name
        .rsplit_once('/')
        .map_or(ty.xml_name.as_str(), |(owner, _)| owner);
    let alternatives: Vec<String> = def
        .variants
        .iter()
        .map(|v| format!("`{}`", v.xml_name))
        .collect();
    let doc = docs(
        None,
        &format!(
            "XML: a choice in `{owner}` of exactly one of the elements {}.",
            alternatives.join(", ")
        ),
    );
    let variants = def.variants.iter().map(|variant| emit_variant(ir, variant));
    let writes = def.variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let xml = &variant.xml_name;
        quote!(Self::#variant_name(value) => writer.element(#xml, value),)
    });
    let Some(first) = def.variants.first() else {
        return quote!();
    };
    let first = ident(&first.rust_name);
    let [writer, write_error] = ["XmlWriter", "WriteError"].map(runtime);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl ::core::default::Default for #name {
            fn default() -> Self {
                Self::#first(::core::default::Default::default())
            }
        }

        impl #name {
            /// Writes the chosen element.
            ///
            /// # Errors
            /// Fails when a text value contains a character that XML 1.0 cannot represent.
            pub fn write_choice(&self, writer: &mut #writer) -> ::core::result::Result<(), #write_error> {
                match self {
                    #(#writes)*
                }
            }
        }
    }
}

fn emit_variant(ir: &Ir, variant: &ChoiceVariant) -> TokenStream {
    let name = ident(&variant.rust_name);
    let mut ty = value_type(ir, &variant.ty);
    if variant.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if variant.nillable {
        let nillable = runtime("Nillable");
        ty = quote!(#nillable<#ty>);
    }
    let doc = docs(
        variant.documentation.as_deref(),
        &format!("XML: element `{}`.", variant.xml_name),
    );
    quote! {
        #doc
        #name(#ty),
    }
}
