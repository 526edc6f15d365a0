//! Typed bindings for the Salesforce Marketing Cloud partnerAPI (the SOAP API), generated
//! from its WSDL at build time by `sfmc-codegen`.
//!
//! Every complex type is a struct with its inherited fields first; polymorphic types travel
//! in `Any…` enums chosen by `xsi:type`; every struct keeps the elements its schema type does
//! not declare in `extra`. See [`operations`] for the operation table.

#[allow(
    // The schema documents some types with text rustdoc reads as Markdown; it is kept as is.
    rustdoc::all,
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/partner_api.rs"));
}

pub use generated::*;

pub mod filter;
pub mod rows;
