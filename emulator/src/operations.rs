//! SOAP requests: the action, the credentials, the typed body, and the dispatch to the
//! object handlers.

use hyper::{HeaderMap, StatusCode};
use sfmc_partner_api::{ConfigureRequestMsg, CreateRequest, RetrieveRequestMsg, UpdateRequest};
use sfmc_runtime::xml::Message;

use crate::envelope::{self, Fault, ResponseAddressing, Version};
use crate::server::Reply;
use crate::{Shared, auth, objects, retrieve};

/// The operations the WSDL lists that the emulator does not serve yet.
const UNSERVED_OPERATIONS: &[&str] = &[
    "Delete",
    "Query",
    "Describe",
    "Execute",
    "Perform",
    "Schedule",
    "VersionInfo",
    "Extract",
    "GetSystemStatus",
];

/// Serves `POST /Service.asmx`.
pub(crate) async fn handle_soap(shared: &Shared, http_headers: &HeaderMap, body: &[u8]) -> Reply {
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
            return fault_reply(Version::Soap11, &fault, &endpoint, &addressing);
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
        return fault_reply(version, &fault, &endpoint, &addressing);
    }
    let result = dispatch(shared, &action, body, version).await;
    match result {
        Ok(xml) => Reply {
            status: StatusCode::OK,
            content_type: version.content_type(),
            body: xml(&addressing),
        },
        Err(fault) => {
            tracing::info!(%action, ?fault, "request failed with a fault");
            fault_reply(version, &fault, &endpoint, &addressing)
        }
    }
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
            Ok(respond(version, response))
        }
        "Update" => {
            let request: UpdateRequest = read(body, version)?;
            let mut state = shared.state.lock().await;
            let response = objects::update(&shared.config, &mut state, request)?;
            Ok(respond(version, response))
        }
        "Configure" => {
            let request: ConfigureRequestMsg = read(body, version)?;
            let mut state = shared.state.lock().await;
            let response = objects::configure(&mut state, request)?;
            Ok(respond(version, response))
        }
        "Retrieve" => {
            let request: RetrieveRequestMsg = read(body, version)?;
            let mut state = shared.state.lock().await;
            let response = retrieve::retrieve(&mut state, request)?;
            Ok(respond(version, response))
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

fn read<M: Message>(body: &[u8], version: Version) -> Result<M, Fault> {
    envelope::read_body::<M>(body, version).map_err(Fault::unreadable)
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
