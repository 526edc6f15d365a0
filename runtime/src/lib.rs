//! Runtime support for the generated Salesforce Marketing Cloud partnerAPI bindings.
//!
//! The bindings in `sfmc-partner-api` are generated from the WSDL and implement the traits
//! in [`xml`]; this crate contains everything they share, so the generated code stays thin.

pub mod client;
pub mod values;
pub mod xml;

/// The items generated code imports, through one path the generator targets, so the runtime can move
/// things inside without regenerating.
#[doc(hidden)]
pub mod codegen {
    pub use crate::client::{Client, Error as ClientError};
    pub use crate::values::{Date, DateTime, Time};
    pub use crate::xml::{
        Child, ComplexType, Extra, Message, Nillable, Operation, OperationInfo, RawElement,
        ReadError, ReadXml, Slot, UnknownType, WriteError, WriteXml, XmlReader, XmlWriter, XsiType,
        read_complex, read_unknown, xsi_type_name,
    };
}
