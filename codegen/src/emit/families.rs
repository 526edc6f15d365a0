//! Emits the enum that contains a polymorphic type or any of its subtypes, distinguished on the
//! wire by `xsi:type`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, runtime};
use crate::ir::{Ir, StructDef, TypeId, TypeKind};

/// Returns the concrete members of a family: the type itself unless abstract, then every
/// concrete descendant, in schema order.
fn members(ir: &Ir, id: TypeId, def: &StructDef) -> Vec<TypeId> {
    std::iter::once(id)
        .chain(def.descendants.iter().copied())
        .filter(|member| matches!(&ir.get(*member).kind, TypeKind::Struct(s) if !s.is_abstract))
        .collect()
}

/// Emits the family enum, its `Default`, `From` conversions and `ReadXml`/`WriteXml` impls.
pub fn emit_family(ir: &Ir, id: TypeId, def: &StructDef) -> TokenStream {
    let base = ir.get(id);
    let Some(family) = def.family_name.as_deref() else {
        return quote!();
    };
    let family = ident(family);
    let members = members(ir, id, def);
    let doc = format!(
        " `{}` or any type derived from it, as chosen by `xsi:type` on the wire.",
        base.xml_name
    );
    let unknown_doc = " A type the schema does not know, kept whole with its `xsi:type`.";
    let unknown_type = runtime("UnknownType");
    let variants = members.iter().map(|member| {
        let name = ident(&ir.get(*member).rust_name);
        let doc = format!(" `xsi:type=\"{}\"`.", ir.get(*member).xml_name);
        quote!(#[doc = #doc] #name(::std::boxed::Box<#name>),)
    });
    let default = match members.first() {
        Some(first) => {
            let name = ident(&ir.get(*first).rust_name);
            quote!(Self::#name(::core::default::Default::default()))
        }
        None => quote!(Self::Unknown(::core::default::Default::default())),
    };
    let conversions = members.iter().map(|member| {
        let name = ident(&ir.get(*member).rust_name);
        quote! {
            impl ::core::convert::From<#name> for #family {
                fn from(value: #name) -> Self {
                    Self::#name(::std::boxed::Box::new(value))
                }
            }
        }
    });
    let type_names = members.iter().map(|member| {
        let name = ident(&ir.get(*member).rust_name);
        let xml = &ir.get(*member).xml_name;
        quote!(Self::#name(_) => #xml,)
    });
    let read = emit_read(ir, id, def, &members);
    let write = emit_write(ir, &family, &members);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #family {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(#unknown_type),
        }

        impl ::core::default::Default for #family {
            fn default() -> Self {
                #default
            }
        }

        impl #family {
            /// Returns the XML type name this value travels as, or the unknown `xsi:type`'s
            /// local name (empty when the element had none).
            pub fn type_name(&self) -> &str {
                match self {
                    #(#type_names)*
                    Self::Unknown(unknown) => unknown.type_name.as_ref().map_or("", |name| name.name.as_str()),
                }
            }
        }

        #(#conversions)*
        #read
        #write
    }
}

fn emit_read(ir: &Ir, id: TypeId, def: &StructDef, members: &[TypeId]) -> TokenStream {
    let base = ir.get(id);
    let family = ident(def.family_name.as_deref().unwrap_or_default());
    let namespace = &base.namespace;
    let [
        child,
        reader,
        read_error,
        read_xml,
        xsi_type,
        read_unknown,
        xsi_type_name,
    ] = [
        "Child",
        "XmlReader",
        "ReadError",
        "ReadXml",
        "XsiType",
        "read_unknown",
        "xsi_type_name",
    ]
    .map(runtime);
    let untyped = if def.is_abstract {
        quote!(Self::Unknown(#read_unknown(reader, child, ::core::option::Option::None)?))
    } else {
        let name = ident(&base.rust_name);
        quote!(Self::#name(reader.read(child)?))
    };
    let arms = members.iter().map(|member| {
        let name = ident(&ir.get(*member).rust_name);
        let xml = &ir.get(*member).xml_name;
        quote!(#xml => Self::#name(reader.read(child)?),)
    });
    quote! {
        impl #read_xml for #family {
            fn read_xml<'a>(reader: &mut #reader<'a>, child: &#child<'a>) -> ::core::result::Result<Self, #read_error> {
                let local = match reader.xsi_type(child, #namespace)? {
                    ::core::option::Option::None => return ::core::result::Result::Ok(#untyped),
                    ::core::option::Option::Some(#xsi_type::Local(local)) => local,
                    ::core::option::Option::Some(foreign) => {
                        let name = #xsi_type_name(foreign, #namespace);
                        return ::core::result::Result::Ok(Self::Unknown(#read_unknown(reader, child, ::core::option::Option::Some(name))?));
                    }
                };
                ::core::result::Result::Ok(match &*local {
                    #(#arms)*
                    _ => {
                        let name = #xsi_type_name(#xsi_type::Local(local.clone()), #namespace);
                        Self::Unknown(#read_unknown(reader, child, ::core::option::Option::Some(name))?)
                    }
                })
            }
        }
    }
}

fn emit_write(ir: &Ir, family: &proc_macro2::Ident, members: &[TypeId]) -> TokenStream {
    let [writer, write_error, write_xml] = ["XmlWriter", "WriteError", "WriteXml"].map(runtime);
    let arms = members.iter().map(|member| {
        let name = ident(&ir.get(*member).rust_name);
        let xml = &ir.get(*member).xml_name;
        quote!(Self::#name(value) => writer.complex(name, ::core::option::Option::Some(#xml), &**value),)
    });
    quote! {
        impl #write_xml for #family {
            fn write_xml(&self, writer: &mut #writer, name: &str) -> ::core::result::Result<(), #write_error> {
                match self {
                    #(#arms)*
                    Self::Unknown(unknown) => #write_xml::write_xml(unknown, writer, name),
                }
            }
        }
    }
}
