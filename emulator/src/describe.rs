//! Describe, VersionInfo and GetSystemStatus: what the emulator serves, and its health.

use sfmc_partner_api::{
    AnyPropertyDefinition, DefinitionRequestMsg, DefinitionResponseMsg, ObjectDefinition,
    PropertyDefinition, SystemStatusRequestMsg, SystemStatusResponseMsg,
    SystemStatusResponseMsgResults, SystemStatusResult, SystemStatusType, VersionInfoRequestMsg,
    VersionInfoResponse, VersionInfoResponseMsg,
};
use sfmc_runtime::values::{DateTime, Offset};
use sfmc_runtime::xml::Nillable;

use crate::envelope::Fault;
use crate::filter::Kind;
use crate::retrieve;
use crate::state::State;

/// Returns whether the emulator serves Create and Update of `object_type`.
fn changeable(object_type: &str) -> (bool, bool) {
    match object_type {
        "DataExtension" | "TriggeredSendDefinition" => (true, true),
        "Subscriber" => (true, false),
        _ => (false, false),
    }
}

/// Returns the .NET type name that Describe writes as a property's `DataType`.
fn data_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "String",
        Kind::Integer => "Int32",
        Kind::Date => "DateTime",
        Kind::Boolean => "Boolean",
    }
}

fn describe_one(state: &State, object_type: &str) -> Result<ObjectDefinition, Fault> {
    let Some(properties) = retrieve::properties_of(state, object_type) else {
        // NOTE: the service's fault for a Describe of an unknown type is not published, so
        // the emulator uses the wording of a Retrieve of one.
        return Err(Fault::Server {
            code: 2,
            message: format!(
                "Unable to find a handler for object type: {object_type}. Object types are case-sensitive, check spelling."
            ),
        });
    };
    let (is_creatable, is_updatable) = changeable(object_type);
    let properties = properties
        .into_iter()
        .map(|property| {
            AnyPropertyDefinition::from(PropertyDefinition {
                name: Some(property.name),
                data_type: Some(data_type(property.kind).to_owned()),
                is_retrievable: Some(true),
                is_filterable: Some(property.filterable),
                ..PropertyDefinition::default()
            })
        })
        .collect();
    Ok(ObjectDefinition {
        object_type: Some(object_type.to_owned()),
        name: Some(object_type.to_owned()),
        is_creatable: Some(is_creatable),
        is_updatable: Some(is_updatable),
        is_retrievable: Some(true),
        properties,
        ..ObjectDefinition::default()
    })
}

/// Serves Describe for every object type Retrieve serves, except the rows of a data
/// extension.
pub(crate) fn describe(
    state: &mut State,
    request: DefinitionRequestMsg,
) -> Result<DefinitionResponseMsg, Fault> {
    let requests = request
        .describe_requests
        .map(|list| list.object_definition_request)
        .unwrap_or_default();
    let mut object_definition = Vec::with_capacity(requests.len());
    for entry in requests {
        let Nillable::Value(entry) = entry else {
            continue;
        };
        let object_type = entry
            .object_type
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        object_definition.push(describe_one(state, object_type)?);
    }
    Ok(DefinitionResponseMsg {
        object_definition,
        request_id: Some(state.ids.guid()),
        ..DefinitionResponseMsg::default()
    })
}

/// Serves VersionInfo with the emulator's own version.
// Limitation: the version history is always empty, even when the request sets
// IncludeVersionHistory.
pub(crate) fn version_info(
    state: &mut State,
    _request: VersionInfoRequestMsg,
) -> VersionInfoResponseMsg {
    VersionInfoResponseMsg {
        version_info: VersionInfoResponse {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            // The emulator has no release date, so it reports the start of 2026.
            version_date: DateTime::from_unix_seconds(1_767_225_600, Offset::Unspecified),
            notes: "sfmc-emulator, a local emulator of the partnerAPI".to_owned(),
            ..VersionInfoResponse::default()
        },
        request_id: Some(state.ids.guid()),
        ..VersionInfoResponseMsg::default()
    }
}

/// Serves GetSystemStatus, which always reports the system as available.
pub(crate) fn system_status(
    state: &mut State,
    _request: SystemStatusRequestMsg,
) -> SystemStatusResponseMsg {
    SystemStatusResponseMsg {
        results: Some(SystemStatusResponseMsgResults {
            result: vec![SystemStatusResult {
                status_code: "OK".to_owned(),
                status_message: "System Status Retrieved".to_owned(),
                system_status: SystemStatusType::Ok,
                ..SystemStatusResult::default()
            }],
            ..SystemStatusResponseMsgResults::default()
        }),
        overall_status: "OK".to_owned(),
        overall_status_message: String::new(),
        request_id: state.ids.guid(),
        ..SystemStatusResponseMsg::default()
    }
}
