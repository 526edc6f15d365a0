//! SOAP requests: the action, the credentials, the typed body, and the dispatch to the
//! object handlers.

use hyper::{HeaderMap, StatusCode};
use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyFilterPart, AsyncResponse, ConfigureRequestMsg, CreateRequest,
    DefinitionRequestMsg, DeleteRequest, OptionsSaveOptions, RetrieveRequestMsg, Subscriber,
    SystemStatusRequestMsg, UpdateRequest, VersionInfoRequestMsg,
};
use sfmc_runtime::xml::{ComplexType, Message};

use crate::envelope::{self, Fault, ResponseAddressing, Version};
use crate::faults::{self, FaultKind, TIMEOUT_STATUS, UNAVAILABLE_PAGE};
use crate::server::{DroppedConnection, Reply};
use crate::state::State;
use crate::{Shared, auth, describe, objects, persist, retrieve, rows};

/// The operations the WSDL lists that the emulator does not serve yet.
const UNSERVED_OPERATIONS: &[&str] = &["Query", "Execute", "Perform", "Schedule", "Extract"];

/// Serves `POST /Service.asmx`.
///
/// # Errors
/// Returns [`DroppedConnection`] when an injected fault drops the connection.
pub(crate) async fn handle_soap(
    shared: &Shared,
    http_headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply, DroppedConnection> {
    let message_id = {
        let mut state = shared.state.lock().await;
        format!("urn:uuid:{}", state.ids.guid())
    };
    let endpoint = format!("{}/Service.asmx", shared.base_url);
    let headers = match envelope::read_headers(body) {
        Ok(headers) => headers,
        Err(error) => {
            tracing::info!(%error, "unreadable SOAP envelope");
            let addressing = ResponseAddressing {
                action: "",
                message_id,
                relates_to: None,
            };
            let fault = Fault::unreadable(error);
            return Ok(fault_reply(Version::Soap11, &fault, &endpoint, &addressing));
        }
    };
    let version = headers.version;
    let action = http_action(http_headers)
        .or_else(|| headers.action.clone())
        .unwrap_or_default();
    let response_action = format!("{action}Response");
    let addressing = ResponseAddressing {
        action: &response_action,
        message_id,
        relates_to: headers.message_id.as_deref(),
    };

    if let Err(fault) = auth::authenticate(shared, &headers.credentials).await {
        return Ok(fault_reply(version, &fault, &endpoint, &addressing));
    }
    let request = SoapRequest {
        action: &action,
        body,
        version,
    };
    if let Some(reply) = inject_fault(shared, &request, &endpoint, &addressing).await? {
        return Ok(reply);
    }
    let result = dispatch(shared, &action, body, version).await;
    Ok(match result {
        Ok(xml) => Reply {
            status: StatusCode::OK,
            content_type: version.content_type(),
            body: xml(&addressing),
        },
        Err(fault) => {
            tracing::info!(%action, ?fault, "request failed with a fault");
            fault_reply(version, &fault, &endpoint, &addressing)
        }
    })
}

/// The parts of a SOAP request that decide its injected fault.
struct SoapRequest<'a> {
    action: &'a str,
    body: &'a [u8],
    version: Version,
}

/// Waits for the operation's configured latency, then returns the response of a fault rule
/// that fires, if one does.
async fn inject_fault(
    shared: &Shared,
    request: &SoapRequest<'_>,
    endpoint: &str,
    addressing: &ResponseAddressing<'_>,
) -> Result<Option<Reply>, DroppedConnection> {
    let SoapRequest {
        action,
        body,
        version,
    } = *request;
    let (latency, kind) = {
        // A panic while the lock was held cannot leave the counters inconsistent, so a
        // poisoned lock is used as it is.
        let mut fault_state = shared
            .faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        fault_state.decide(&shared.config, action, || {
            faults::object_types(action, body, version)
        })
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let Some(kind) = kind else {
        return Ok(None);
    };
    tracing::info!(%action, ?kind, "responding with an injected fault");
    let overall_status = match &kind {
        FaultKind::RateLimited => {
            let fault = Fault::Server {
                code: 17,
                message: "Rate Limited".to_owned(),
            };
            return Ok(Some(fault_reply(version, &fault, endpoint, addressing)));
        }
        FaultKind::Unavailable => {
            return Ok(Some(Reply {
                status: StatusCode::SERVICE_UNAVAILABLE,
                content_type: "text/html",
                body: UNAVAILABLE_PAGE.as_bytes().to_vec(),
            }));
        }
        FaultKind::DropConnection => return Err(DroppedConnection),
        FaultKind::TimeoutStatus => TIMEOUT_STATUS,
        FaultKind::OverallStatus(text) => text.as_str(),
    };
    let request_id = shared.state.lock().await.ids.guid();
    // Rules of these two kinds fire only for operations whose response has an
    // OverallStatus, so `status_response` returns a body here.
    let body = faults::status_response(action, overall_status, request_id, version, addressing);
    Ok(body.map(|body| Reply {
        status: StatusCode::OK,
        content_type: version.content_type(),
        body,
    }))
}

/// Writes the state file after a request that changed the account, when one is configured.
///
/// The caller holds the state lock during the write, which blocks other requests until the
/// file is on disk but keeps the file's order of changes that of the responses.
fn save_state(shared: &Shared, state: &State) -> Result<(), Fault> {
    let Some(path) = &shared.config.state_file else {
        return Ok(());
    };
    persist::save(path, state).map_err(|error| {
        tracing::error!(path = %path.display(), %error, "writing the state file failed");
        Fault::Server {
            code: 2,
            message: format!(
                "The emulator applied the request but could not write its state file {}: {error}",
                path.display()
            ),
        }
    })
}

type ResponseWriter = Box<dyn FnOnce(&ResponseAddressing<'_>) -> Vec<u8> + Send>;

fn respond<M: Message + Send + 'static>(version: Version, message: M) -> ResponseWriter {
    Box::new(move |addressing| envelope::write_response(version, addressing, &message))
}

async fn dispatch(
    shared: &Shared,
    action: &str,
    body: &[u8],
    version: Version,
) -> Result<ResponseWriter, Fault> {
    match action {
        "Create" => {
            let request: CreateRequest = read(body, version)?;
            let mut state = shared.state.lock().await;
            let response = objects::create(&shared.config, &mut state, request)?;
            save_state(shared, &state)?;
            Ok(respond(version, response))
        }
        "Update" => {
            let request: UpdateRequest = read(body, version)?;
            let mut state = shared.state.lock().await;
            let response = objects::update(&shared.config, &mut state, request)?;
            save_state(shared, &state)?;
            Ok(respond(version, response))
        }
        "Configure" => {
            let request: ConfigureRequestMsg = read(body, version)?;
            let mut state = shared.state.lock().await;
            let response = objects::configure(&mut state, request)?;
            save_state(shared, &state)?;
            Ok(respond(version, response))
        }
        "Retrieve" => {
            let request: RetrieveRequestMsg = read(body, version)?;
            let request_since_last_batch = request
                .retrieve_request
                .retrieve_all_since_last_batch
                .unwrap_or(false);
            let mut state = shared.state.lock().await;
            let response = retrieve::retrieve(&shared.config, &mut state, request)?;
            if request_since_last_batch {
                save_state(shared, &state)?;
            }
            Ok(respond(version, response))
        }
        "Delete" => {
            let request: DeleteRequest = read(body, version)?;
            let mut state = shared.state.lock().await;
            let response = rows::delete(&mut state, request)?;
            save_state(shared, &state)?;
            Ok(respond(version, response))
        }
        "Describe" => {
            let request: DefinitionRequestMsg = read(body, version)?;
            let mut state = shared.state.lock().await;
            let response = describe::describe(&mut state, request)?;
            Ok(respond(version, response))
        }
        "VersionInfo" => {
            let request: VersionInfoRequestMsg = read(body, version)?;
            let mut state = shared.state.lock().await;
            Ok(respond(
                version,
                describe::version_info(&mut state, request),
            ))
        }
        "GetSystemStatus" => {
            let request: SystemStatusRequestMsg = read(body, version)?;
            let mut state = shared.state.lock().await;
            Ok(respond(
                version,
                describe::system_status(&mut state, request),
            ))
        }
        // Limitation: these operations are in the WSDL but the emulator does not serve
        // them yet, so it returns a server fault rather than a made-up result.
        other if UNSERVED_OPERATIONS.contains(&other) => Err(Fault::Server {
            code: 2,
            message: format!("The emulator does not implement the {other} operation."),
        }),
        other => Err(Fault::Client(format!(
            "Server did not recognize the value of HTTP Header SOAPAction: {other}."
        ))),
    }
}

/// Reads the request message `M`, rejecting one that lacks an element the schema requires,
/// in the message itself or in the objects inside it that the emulator serves.
fn read<M: Message + ComplexType + Required>(body: &[u8], version: Version) -> Result<M, Fault> {
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
trait Required {
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

fn fault_reply(
    version: Version,
    fault: &Fault,
    endpoint: &str,
    addressing: &ResponseAddressing<'_>,
) -> Reply {
    Reply {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        content_type: version.content_type(),
        body: envelope::write_fault(version, fault, endpoint, addressing),
    }
}

/// Returns the action from the `SOAPAction` header (SOAP 1.1), without quotes, or from the
/// `action` parameter of a SOAP 1.2 content type.
fn http_action(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers
        .get("soapaction")
        .and_then(|value| value.to_str().ok())
    {
        let action = value.trim().trim_matches('"').trim();
        if !action.is_empty() {
            return Some(action.to_owned());
        }
    }
    let content_type = headers.get("content-type")?.to_str().ok()?;
    content_type.split(';').find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        let action = value.trim().trim_matches('"');
        (name.trim().eq_ignore_ascii_case("action") && !action.is_empty())
            .then(|| action.to_owned())
    })
}
