//! Emits a struct per complex type with its `ComplexType` implementation.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{docs, field_type, ident, runtime};
use crate::ir::{Cardinality, Field, FieldType, Ir, StructDef, TypeId, TypeKind};

/// Emits the struct, its `ComplexType` impl and its `ReadXml`/`WriteXml` impls.
pub fn emit_struct(ir: &Ir, id: TypeId, def: &StructDef) -> TokenStream {
    let ty = ir.get(id);
    let name = ident(&ty.rust_name);
    let doc = docs(ty.documentation.as_deref(), &struct_xml_line(ir, id, def));
    let fields = def.fields.iter().map(|field| emit_field(ir, id, field));
    let extra = runtime("Extra");
    let extra_doc = if def.has_wildcard {
        " Elements this type does not declare (the schema allows any elements here), and \
         required elements that were absent."
    } else {
        " Elements this type does not declare, and required elements that were absent."
    };
    let complex_impl = emit_complex_impl(ir, id, def);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
            #[doc = #extra_doc]
            pub extra: #extra,
        }

        #complex_impl
    }
}

fn struct_xml_line(ir: &Ir, id: TypeId, def: &StructDef) -> String {
    let ty = ir.get(id);
    let mut line = if def.anonymous {
        format!("XML: the anonymous type of element `{}`", ty.xml_name)
    } else {
        format!("XML: complex type `{}`", ty.xml_name)
    };
    if let Some(base) = def.base {
        line.push_str(&format!(", extending `{}`", ir.get(base).xml_name));
    }
    if def.is_abstract {
        line.push_str(", abstract");
    }
    if let Some(family) = &def.family_name {
        line.push_str(&format!(
            ". Fields of this type hold [`{family}`], which takes any of its {} subtypes",
            def.descendants.len()
        ));
    }
    line.push('.');
    line
}

fn emit_field(ir: &Ir, owner: TypeId, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let ty = field_type(ir, field);
    let mut line = match &field.ty {
        FieldType::Choice(_) => "XML: a choice of elements".to_owned(),
        _ => format!("XML: element `{}`", field.xml_name),
    };
    if field.declared_in != owner {
        line.push_str(&format!(
            ", inherited from `{}`",
            ir.get(field.declared_in).xml_name
        ));
    }
    if field.nillable {
        line.push_str(", nillable");
    }
    line.push('.');
    let doc = docs(field.documentation.as_deref(), &line);
    quote! {
        #doc
        pub #name: #ty,
    }
}

fn emit_complex_impl(ir: &Ir, id: TypeId, def: &StructDef) -> TokenStream {
    let ty = ir.get(id);
    let name = ident(&ty.rust_name);
    let namespace = &ty.namespace;
    let required: Vec<&str> = required_names(ir, def);
    let arms = read_arms(ir, def);
    let writes = def.fields.iter().map(|field| write_field(ir, field));
    let [
        complex,
        child,
        reader,
        writer,
        slot,
        read_error,
        write_error,
        extra,
        read_xml,
        write_xml,
        read_complex,
    ] = [
        "ComplexType",
        "Child",
        "XmlReader",
        "XmlWriter",
        "Slot",
        "ReadError",
        "WriteError",
        "Extra",
        "ReadXml",
        "WriteXml",
        "read_complex",
    ]
    .map(runtime);
    let read_child = if arms.is_empty() {
        quote! {
            fn read_child<'a>(
                &mut self,
                _name: &str,
                _reader: &mut #reader<'a>,
                _child: &#child<'a>,
            ) -> ::core::result::Result<#slot, #read_error> {
                ::core::result::Result::Ok(#slot::Unknown)
            }
        }
    } else {
        quote! {
            fn read_child<'a>(
                &mut self,
                name: &str,
                reader: &mut #reader<'a>,
                child: &#child<'a>,
            ) -> ::core::result::Result<#slot, #read_error> {
                ::core::result::Result::Ok(match name {
                    #(#arms)*
                    _ => #slot::Unknown,
                })
            }
        }
    };
    quote! {
        impl #complex for #name {
            const NAMESPACE: &'static str = #namespace;
            const REQUIRED: &'static [&'static str] = &[#(#required),*];

            #read_child

            fn write_children(&self, writer: &mut #writer) -> ::core::result::Result<(), #write_error> {
                #(#writes)*
                writer.extra(&self.extra)
            }

            fn extra(&self) -> &#extra {
                &self.extra
            }

            fn extra_mut(&mut self) -> &mut #extra {
                &mut self.extra
            }
        }

        impl #read_xml for #name {
            fn read_xml<'a>(reader: &mut #reader<'a>, child: &#child<'a>) -> ::core::result::Result<Self, #read_error> {
                #read_complex(reader, child)
            }
        }

        impl #write_xml for #name {
            fn write_xml(&self, writer: &mut #writer, name: &str) -> ::core::result::Result<(), #write_error> {
                writer.complex(name, ::core::option::Option::None, self)
            }
        }
    }
}

/// Returns the XML names of required fields in field order; a required choice is listed by
/// its first alternative.
fn required_names<'i>(ir: &'i Ir, def: &'i StructDef) -> Vec<&'i str> {
    def.fields
        .iter()
        .filter(|field| field.cardinality == Cardinality::Required)
        .map(|field| match &field.ty {
            FieldType::Choice(id) => match &ir.get(*id).kind {
                TypeKind::Choice(choice) => {
                    choice.variants.first().map_or("", |v| v.xml_name.as_str())
                }
                _ => "",
            },
            _ => field.xml_name.as_str(),
        })
        .collect()
}

fn read_arms(ir: &Ir, def: &StructDef) -> Vec<TokenStream> {
    let slot = runtime("Slot");
    let mut arms = Vec::new();
    let mut required_index = 0u8;
    for field in &def.fields {
        let name = ident(&field.rust_name);
        let required = field.cardinality == Cardinality::Required;
        let finish = if required {
            let index = Literal::u8_unsuffixed(required_index);
            required_index += 1;
            quote!(#slot::Required(#index))
        } else {
            quote!(#slot::Read)
        };
        if let FieldType::Choice(id) = &field.ty {
            let TypeKind::Choice(choice) = &ir.get(*id).kind else {
                continue;
            };
            let choice_name = ident(&ir.get(*id).rust_name);
            for variant in &choice.variants {
                let xml = &variant.xml_name;
                let variant_name = ident(&variant.rust_name);
                let value = quote!(#choice_name::#variant_name(reader.read(child)?));
                let assign = if required {
                    value
                } else {
                    quote!(::core::option::Option::Some(#value))
                };
                arms.push(quote!(#xml => { self.#name = #assign; #finish }));
            }
            continue;
        }
        let xml = &field.xml_name;
        let read = match field.cardinality {
            Cardinality::Required => quote!(self.#name = reader.read(child)?;),
            Cardinality::Optional if field.nillable => {
                quote!(self.#name = ::core::option::Option::Some(reader.read(child)?);)
            }
            Cardinality::Optional => quote!(self.#name = reader.read_optional(child)?;),
            Cardinality::Repeated => quote!(self.#name.push(reader.read(child)?);),
        };
        arms.push(quote!(#xml => { #read #finish }));
    }
    arms
}

fn write_field(ir: &Ir, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    if let FieldType::Choice(id) = &field.ty {
        return write_choice_field(ir, field, *id);
    }
    let xml = &field.xml_name;
    match field.cardinality {
        Cardinality::Required => quote!(writer.required(#xml, &self.#name, &self.extra)?;),
        Cardinality::Optional => quote!(writer.optional(#xml, &self.#name)?;),
        Cardinality::Repeated => quote!(writer.repeated(#xml, &self.#name)?;),
    }
}

fn write_choice_field(ir: &Ir, field: &Field, id: TypeId) -> TokenStream {
    let name = ident(&field.rust_name);
    let TypeKind::Choice(choice) = &ir.get(id).kind else {
        return quote!();
    };
    let first = choice.variants.first().map_or("", |v| v.xml_name.as_str());
    match field.cardinality {
        Cardinality::Required => quote! {
            if !self.extra.is_missing(#first) {
                self.#name.write_choice(writer)?;
            }
        },
        _ => quote! {
            if let ::core::option::Option::Some(choice) = &self.#name {
                choice.write_choice(writer)?;
            }
        },
    }
}
