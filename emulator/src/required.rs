//! Reading a request message, and rejecting one that lacks an element the schema requires.

use sfmc_partner_api::{
    ConfigureRequestMsg, CreateRequest, DefinitionRequestMsg, DeleteRequest, RetrieveRequestMsg,
    SystemStatusRequestMsg, UpdateRequest, VersionInfoRequestMsg,
};
use sfmc_runtime::xml::{Message, MissingElement};

use crate::envelope::{self, Fault, Version};

/// Reads the request message `M`, rejecting one that lacks an element the schema requires
/// anywhere inside it, except where the service is known to accept the gap.
///
/// The fault names the first absent element by the path of its parent from the message
/// down, with the 1-based position of an element that has siblings of the same name, as in
/// `CreateRequest/Objects/Subscribers[2]/Attributes[2]`, and that parent's line and column.
// NOTE: the service's deserializer wording for an absent required element is not
// published; the message follows the form of its other "error in the XML document" faults.
pub(crate) fn read<M: Message + Required>(body: &[u8], version: Version) -> Result<M, Fault> {
    let (message, missing) =
        envelope::read_body_with_missing::<M>(body, version).map_err(Fault::unreadable)?;
    let first = missing
        .iter()
        .find(|element| !message.accepts_missing(element));
    if let Some(element) = first {
        return Err(Fault::unreadable(format!(
            "The element {} of {} is missing (line {}, column {}).",
            element.name, element.path, element.line, element.column
        )));
    }
    Ok(message)
}

/// The gaps in a request message that the service accepts although the schema requires
/// the element.
pub(crate) trait Required: Sized {
    /// Returns whether the service accepts the request without `missing`.
    fn accepts_missing(&self, missing: &MissingElement) -> bool {
        let _ = missing;
        false
    }
}

/// Returns whether `missing` is the `Options` of the message `element` itself. The WSDL
/// requires it in Create, Update and Delete requests, but Salesforce's Node.js SDK
/// (SFMCSDK) leaves it out when it has no options, and its requests work against the live
/// service.
fn is_options_of(missing: &MissingElement, element: &str) -> bool {
    missing.name == "Options" && missing.path == element
}

impl Required for CreateRequest {
    fn accepts_missing(&self, missing: &MissingElement) -> bool {
        is_options_of(missing, Self::ELEMENT)
    }
}

impl Required for UpdateRequest {
    fn accepts_missing(&self, missing: &MissingElement) -> bool {
        is_options_of(missing, Self::ELEMENT)
    }
}

impl Required for DeleteRequest {
    fn accepts_missing(&self, missing: &MissingElement) -> bool {
        is_options_of(missing, Self::ELEMENT)
    }
}

impl Required for RetrieveRequestMsg {
    /// Accepts a continuation without ObjectType, because it carries only its ContinueRequest.
    fn accepts_missing(&self, missing: &MissingElement) -> bool {
        self.retrieve_request.continue_request.is_some()
            && missing.name == "ObjectType"
            && missing.path == "RetrieveRequestMsg/RetrieveRequest"
    }
}

impl Required for ConfigureRequestMsg {}
impl Required for DefinitionRequestMsg {}
impl Required for VersionInfoRequestMsg {}
impl Required for SystemStatusRequestMsg {}
