//! SOAP requests: the action, the credentials, the typed body, and the dispatch to the
//! object handlers.

use hyper::{HeaderMap, StatusCode};
use sfmc_partner_api::{
    ConfigureRequestMsg, CreateRequest, DefinitionRequestMsg, DeleteRequest, RetrieveRequestMsg,
    SystemStatusRequestMsg, UpdateRequest, VersionInfoRequestMsg,
};
use sfmc_runtime::xml::Message;

use crate::envelope::{self, Fault, ResponseAddressing, Version};
use crate::faults::{self, FaultKind, TIMEOUT_STATUS, UNAVAILABLE_PAGE};
use crate::required::read;
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
