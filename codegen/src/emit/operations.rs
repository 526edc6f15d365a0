//! Emits the message impls, the operation table and the list of renames.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, runtime};
use crate::ir::Ir;

/// Emits a `Message` impl for every top-level element with an anonymous type.
pub fn emit_messages(ir: &Ir) -> TokenStream {
    let message = runtime("Message");
    let impls = ir.messages.iter().map(|id| {
        let ty = ir.get(*id);
        let name = ident(&ty.rust_name);
        let element = &ty.xml_name;
        let namespace = &ty.namespace;
        quote! {
            impl #message for #name {
                const ELEMENT: &'static str = #element;
                const NAMESPACE: &'static str = #namespace;
            }
        }
    });
    quote!(#(#impls)*)
}

/// Emits the `operations` module: a marker type per operation and the table of all of them.
pub fn emit_operations(ir: &Ir) -> TokenStream {
    if ir.operations.is_empty() {
        return quote!();
    }
    let [operation, info] = ["Operation", "OperationInfo"].map(runtime);
    let import = super::runtime_import();
    let markers = ir.operations.iter().map(|op| {
        let name = ident(&op.rust_name);
        let request = ident(&ir.get(op.request).rust_name);
        let response = ident(&ir.get(op.response).rust_name);
        let (xml_name, action) = (&op.name, &op.soap_action);
        let mut lines = Vec::new();
        if let Some(text) = &op.documentation {
            lines.push(format!(" {text}"));
            lines.push(String::new());
        }
        lines.push(format!(
            " XML: operation `{xml_name}`, soapAction `{action}`, sending [`{request}`](super::{request}) and receiving [`{response}`](super::{response})."
        ));
        quote! {
            #(#[doc = #lines])*
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct #name;

            impl #operation for #name {
                type Request = super::#request;
                type Response = super::#response;
                const NAME: &'static str = #xml_name;
                const SOAP_ACTION: &'static str = #action;
            }
        }
    });
    let rows = ir.operations.iter().map(|op| {
        let (name, action, method) = (&op.name, &op.soap_action, &op.method_name);
        let request = &ir.get(op.request).xml_name;
        let response = &ir.get(op.response).xml_name;
        quote! {
            #info {
                name: #name,
                method: #method,
                soap_action: #action,
                request_element: #request,
                response_element: #response,
            },
        }
    });
    let methods = emit_methods(ir);
    quote! {
        #methods

        /// The WSDL's operations: a marker type per operation, implementing `Operation`, and a
        /// table of all of them in WSDL order.
        pub mod operations {
            #import

            #(#markers)*

            /// Every operation in WSDL order.
            pub const ALL: &[#info] = &[#(#rows)*];
        }
    }
}

/// Emits the `PartnerApi` trait, one typed async method per operation, implemented on the
/// runtime's SOAP client through its generic `call`.
fn emit_methods(ir: &Ir) -> TokenStream {
    let [client, client_error] = ["Client", "ClientError"].map(runtime);
    let mut declarations = Vec::new();
    let mut definitions = Vec::new();
    for op in &ir.operations {
        let method = ident(&op.method_name);
        let marker = ident(&op.rust_name);
        let request = ident(&ir.get(op.request).rust_name);
        let response = ident(&ir.get(op.response).rust_name);
        let doc = format!(
            " Calls `{}` (soapAction `{}`), sending [`{request}`] and returning [`{response}`].",
            op.name, op.soap_action
        );
        let signature = quote! {
            fn #method(
                &self,
                request: &#request,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<#response, #client_error>,
            > + ::core::marker::Send
        };
        declarations.push(quote! {
            #[doc = #doc]
            ///
            /// # Errors
            /// Fails with the client's error: transport, HTTP status, SOAP fault or unreadable XML.
            #signature;
        });
        definitions.push(quote! {
            #signature {
                self.call::<operations::#marker>(request)
            }
        });
    }
    quote! {
        /// Typed methods for the WSDL's operations, one per operation, implemented on the
        /// runtime's SOAP client.
        pub trait PartnerApi {
            #(#declarations)*
        }

        impl PartnerApi for #client {
            #(#definitions)*
        }
    }
}

/// Emits `RENAMES`, the one place listing every Rust name that is not the plain conversion
/// of its XML name.
pub fn emit_renames(ir: &Ir) -> TokenStream {
    let rows = ir.renames.iter().map(|rename| {
        let (item, chosen, reason) = (&rename.item, &rename.chosen, &rename.reason);
        quote!((#item, #chosen, #reason),)
    });
    quote! {
        /// Every Rust name that differs from the plain conversion of its XML name, as
        /// (XML item, Rust name, reason). Clashes are resolved in schema order: the first item
        /// keeps the plain name.
        pub const RENAMES: &[(&str, &str, &str)] = &[#(#rows)*];
    }
}
