//! Typed bindings for the Salesforce Marketing Cloud partnerAPI (the SOAP API), generated
//! from its WSDL at build time by `sfmc-codegen`.
//!
//! Every complex type is a struct with its inherited fields first; polymorphic types travel
//! in `Any…` enums chosen by `xsi:type`; every struct keeps the elements its schema type does
//! not declare in `extra`. See [`operations`] for the operation table.
//!
//! # Example
//!
//! ```
//! use sfmc_partner_api::runtime::xml::Message as _;
//! use sfmc_partner_api::{filter, rows, RetrieveRequest, RetrieveRequestMsg};
//!
//! let request = RetrieveRequestMsg {
//!     retrieve_request: RetrieveRequest {
//!         object_type: rows::object_type("SendLog"),
//!         properties: vec!["JobID".into(), "BatchID".into(), "SubscriberID".into()],
//!         filter: Some(filter::equals("UniqueID", "111-111-2323123")),
//!         ..Default::default()
//!     },
//!     ..Default::default()
//! };
//! let xml = request.to_xml()?;
//! assert!(xml.contains(r#"<Filter xsi:type="SimpleFilterPart">"#));
//! let parsed = RetrieveRequestMsg::from_xml(xml.as_bytes())?;
//! assert_eq!(parsed, request);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod generated {
    include!(concat!(env!("OUT_DIR"), "/partner_api.rs"));
}

pub use generated::*;

/// The runtime the bindings are built on, re-exported whole: flat re-exports could shadow a
/// schema type of the same name (the WSDL has a type called `Message`).
pub use sfmc_runtime as runtime;

pub mod filter;
pub mod outcome;
pub mod paging;
pub mod rows;
