//! Reading a request message, and rejecting one that lacks an element the schema requires.

use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyFilterPart, AsyncResponse, ConfigureRequestMsg, CreateRequest,
    DefinitionRequestMsg, DeleteRequest, OptionsSaveOptions, RetrieveRequestMsg, Subscriber,
    SystemStatusRequestMsg, UpdateRequest, VersionInfoRequestMsg,
};
use sfmc_runtime::xml::{ComplexType, Message};

use crate::envelope::{self, Fault, Version};

/// Reads the request message `M`, rejecting one that lacks an element the schema requires,
/// in the message itself or in the objects inside it that the emulator serves.
pub(crate) fn read<M: Message + ComplexType + Required>(
    body: &[u8],
    version: Version,
) -> Result<M, Fault> {
    let message = envelope::read_body::<M>(body, version).map_err(Fault::unreadable)?;
    let missing = message
        .extra()
        .missing
        .iter()
        .find(|name| !M::ACCEPTED_MISSING.contains(*name));
    if let Some(missing) = missing {
        return Err(Fault::unreadable(format!(
            "The element {missing} of {} is missing.",
            M::ELEMENT
        )));
    }
    message.require_nested()?;
    Ok(message)
}

/// Rejects `value` when a child element its schema type requires was absent, naming the
/// element with the missing child by `path`.
///
/// A path runs from the message's child element down, with the 1-based position of each
/// repeated element, such as `Objects[1]/Subscribers[2]/Attributes[1]`. The message's own
/// children are reported against the message's name, such as `CreateRequest`.
// NOTE: the service's deserializer wording for an absent required element is not
// published; the message follows the form of its other "error in the XML document" faults.
fn require<T: ComplexType>(value: &T, path: &str) -> Result<(), Fault> {
    match value.extra().missing.first() {
        Some(missing) => Err(Fault::unreadable(format!(
            "The element {missing} of {path} is missing."
        ))),
        None => Ok(()),
    }
}

/// Applies [`require`] to each of the repeated elements `items`, named `path`.
fn require_each<T: ComplexType>(items: &[T], path: &str) -> Result<(), Fault> {
    for (index, item) in items.iter().enumerate() {
        require(item, &format!("{path}[{}]", index + 1))?;
    }
    Ok(())
}

/// The check for absent required elements below a request message's own children.
// Limitation: the generated types offer no walk over their children, so only the nested
// objects that the one-to-one tracking procedure sends are checked, by hand. These are the
// Options' SaveOptions and SendResponseTo, the Objects and Configurations the emulator
// serves with their attributes, fields, properties and keys, and Retrieve filters. A
// required element missing inside any other nested object is not reported.
pub(crate) trait Required {
    /// The message's own children that the schema requires but the service accepts
    /// without.
    const ACCEPTED_MISSING: &'static [&'static str] = &[];

    fn require_nested(&self) -> Result<(), Fault> {
        Ok(())
    }
}

/// `Options`, which the WSDL requires in Create, Update and Delete requests. Salesforce's
/// Node.js SDK (SFMCSDK) leaves it out when it has no options, and its requests work
/// against the live service.
const OPTIONS: &[&str] = &["Options"];

impl Required for CreateRequest {
    const ACCEPTED_MISSING: &'static [&'static str] = OPTIONS;

    fn require_nested(&self) -> Result<(), Fault> {
        require_options(&self.options.save_options, &self.options.send_response_to)?;
        require_objects(&self.objects, "Objects")
    }
}

impl Required for UpdateRequest {
    const ACCEPTED_MISSING: &'static [&'static str] = OPTIONS;

    fn require_nested(&self) -> Result<(), Fault> {
        require_options(&self.options.save_options, &self.options.send_response_to)?;
        require_objects(&self.objects, "Objects")
    }
}

impl Required for DeleteRequest {
    const ACCEPTED_MISSING: &'static [&'static str] = OPTIONS;

    fn require_nested(&self) -> Result<(), Fault> {
        require_options(&self.options.save_options, &self.options.send_response_to)?;
        require_objects(&self.objects, "Objects")
    }
}

impl Required for ConfigureRequestMsg {
    fn require_nested(&self) -> Result<(), Fault> {
        let Some(configurations) = &self.configurations else {
            return Ok(());
        };
        require_objects(
            &configurations.configuration,
            "Configurations/Configuration",
        )
    }
}

impl Required for RetrieveRequestMsg {
    fn require_nested(&self) -> Result<(), Fault> {
        let request = &self.retrieve_request;
        // A continuation carries only its ContinueRequest, so its ObjectType may be absent.
        let missing = request
            .extra
            .missing
            .iter()
            .find(|name| request.continue_request.is_none() || **name != "ObjectType");
        if let Some(missing) = missing {
            return Err(Fault::unreadable(format!(
                "The element {missing} of RetrieveRequest is missing."
            )));
        }
        match &request.filter {
            Some(filter) => require_filter(filter, "RetrieveRequest/Filter"),
            None => Ok(()),
        }
    }
}

impl Required for DefinitionRequestMsg {}
impl Required for VersionInfoRequestMsg {}
impl Required for SystemStatusRequestMsg {}

fn require_options(
    save_options: &Option<OptionsSaveOptions>,
    send_response_to: &[AsyncResponse],
) -> Result<(), Fault> {
    if let Some(save_options) = save_options {
        require_each(&save_options.save_option, "Options/SaveOptions/SaveOption")?;
    }
    require_each(send_response_to, "Options/SendResponseTo")
}

/// Checks the repeated objects `objects`, named `path`.
fn require_objects(objects: &[AnyApiObject], path: &str) -> Result<(), Fault> {
    for (index, object) in objects.iter().enumerate() {
        require_object(object, &format!("{path}[{}]", index + 1))?;
    }
    Ok(())
}

fn require_object(object: &AnyApiObject, path: &str) -> Result<(), Fault> {
    match object {
        AnyApiObject::TriggeredSend(send) => {
            require(&**send, path)?;
            require(
                &send.triggered_send_definition,
                &format!("{path}/TriggeredSendDefinition"),
            )?;
            for (index, subscriber) in send.subscribers.iter().enumerate() {
                require_subscriber(subscriber, &format!("{path}/Subscribers[{}]", index + 1))?;
            }
            require_each(&send.attributes, &format!("{path}/Attributes"))
        }
        AnyApiObject::Subscriber(subscriber) => require_subscriber(subscriber, path),
        AnyApiObject::DataExtension(data_extension) => {
            require(&**data_extension, path)?;
            match &data_extension.fields {
                Some(fields) => require_each(&fields.field, &format!("{path}/Fields/Field")),
                None => Ok(()),
            }
        }
        AnyApiObject::DataExtensionObject(row) => {
            require(&**row, path)?;
            if let Some(properties) = &row.properties {
                require_properties(&properties.property, &format!("{path}/Properties/Property"))?;
            }
            match &row.keys {
                Some(keys) => require_properties(&keys.key, &format!("{path}/Keys/Key")),
                None => Ok(()),
            }
        }
        AnyApiObject::TriggeredSendDefinition(definition) => require(&**definition, path),
        AnyApiObject::PropertyDefinition(definition) => require(&**definition, path),
        _ => Ok(()),
    }
}

fn require_subscriber(subscriber: &Subscriber, path: &str) -> Result<(), Fault> {
    require(subscriber, path)?;
    require_each(&subscriber.attributes, &format!("{path}/Attributes"))
}

/// Checks the repeated name and value pairs `properties`, named `path`.
fn require_properties(properties: &[AnyApiProperty], path: &str) -> Result<(), Fault> {
    for (index, property) in properties.iter().enumerate() {
        let path = format!("{path}[{}]", index + 1);
        match property {
            AnyApiProperty::ApiProperty(property) => require(&**property, &path)?,
            AnyApiProperty::NullApiProperty(property) => require(&**property, &path)?,
            AnyApiProperty::AttributeMap(property) => require(&**property, &path)?,
            AnyApiProperty::ExtractParameter(property) => require(&**property, &path)?,
            AnyApiProperty::UserMap(property) => require(&**property, &path)?,
            AnyApiProperty::Folder(property) => require(&**property, &path)?,
            AnyApiProperty::Unknown(_) => {}
        }
    }
    Ok(())
}

fn require_filter(filter: &AnyFilterPart, path: &str) -> Result<(), Fault> {
    match filter {
        AnyFilterPart::SimpleFilterPart(simple) => require(&**simple, path),
        AnyFilterPart::ComplexFilterPart(complex) => {
            // An absent LeftOperand is reported here, before the default value that
            // replaces it is checked.
            require(&**complex, path)?;
            require_filter(&complex.left_operand, &format!("{path}/LeftOperand"))?;
            if let Some(right) = &complex.right_operand {
                require_filter(right, &format!("{path}/RightOperand"))?;
            }
            let operands = complex
                .additional_operands
                .iter()
                .flat_map(|list| &list.operand);
            for (index, operand) in operands.enumerate() {
                require_filter(
                    operand,
                    &format!("{path}/AdditionalOperands/Operand[{}]", index + 1),
                )?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
