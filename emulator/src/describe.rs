//! Describe, VersionInfo and GetSystemStatus: what the emulator serves, and its health.

use sfmc_partner_api::{
    AnyApiProperty, AnyPropertyDefinition, ApiProperty, DefinitionRequestMsg,
    DefinitionResponseMsg, ObjectDefinition, ObjectDefinitionExtendedProperties,
    PropertyDefinition, PropertyType, SystemStatusRequestMsg, SystemStatusResponseMsg,
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
        "DataExtension" | "TriggeredSendDefinition" | "DataExtensionObject" => (true, true),
        "Subscriber" => (true, false),
        _ if object_type.starts_with("DataExtensionObject[") => (true, true),
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

/// Returns the `DataType` Describe writes for a profile attribute of `property_type`.
// NOTE: only `text`, for the PropertyType `string`, appears in a captured Describe
// response; the other three are the emulator's guesses.
fn attribute_data_type(property_type: &PropertyType) -> &'static str {
    match property_type {
        PropertyType::Boolean => "boolean",
        PropertyType::Double => "decimal",
        PropertyType::Datetime => "date",
        _ => "text",
    }
}

fn describe_one(state: &State, object_type: &str) -> Result<ObjectDefinition, Fault> {
    let properties = match object_type {
        "DataExtensionObject" => row_properties(),
        _ if object_type.starts_with("DataExtensionObject[") => {
            column_properties(state, object_type)?
        }
        _ => retrievable_properties(state, object_type)?,
    };
    let (is_creatable, is_updatable) = changeable(object_type);
    let mut definition = ObjectDefinition {
        object_type: Some(object_type.to_owned()),
        name: Some(object_type.to_owned()),
        is_creatable: Some(is_creatable),
        is_updatable: Some(is_updatable),
        // The rows of a data extension are retrieved by its name only.
        is_retrievable: Some(object_type != "DataExtensionObject"),
        properties,
        ..ObjectDefinition::default()
    };
    if object_type == "Subscriber" {
        add_profile_attributes(state, &mut definition);
    }
    Ok(definition)
}

/// Returns the properties Retrieve serves for `object_type`.
fn retrievable_properties(
    state: &State,
    object_type: &str,
) -> Result<Vec<AnyPropertyDefinition>, Fault> {
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
    Ok(properties
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
        .collect())
}

/// Returns the properties of `DataExtensionObject` itself: the elements the WSDL gives a
/// row, none of them retrievable, because a row's retrievable properties are its data
/// extension's columns.
// NOTE: the service's Describe of DataExtensionObject is not published; these are the
// WSDL's elements of the type that the emulator reads.
fn row_properties() -> Vec<AnyPropertyDefinition> {
    [
        ("ObjectID", "String"),
        ("CustomerKey", "String"),
        ("Name", "String"),
        ("Properties", "APIProperty[]"),
        ("Keys", "APIProperty[]"),
    ]
    .into_iter()
    .map(|(name, data_type)| {
        AnyPropertyDefinition::from(PropertyDefinition {
            name: Some(name.to_owned()),
            data_type: Some(data_type.to_owned()),
            is_updatable: Some(true),
            is_retrievable: Some(false),
            ..PropertyDefinition::default()
        })
    })
    .collect()
}

/// Returns the columns of the data extension that `object_type`, written
/// `DataExtensionObject[NAME]`, names, in column order.
// NOTE: whether the service's Describe lists a data extension's columns for
// `DataExtensionObject[NAME]` is not published. The emulator does, with each column's
// FieldType as DataType, so that a client can check for a column without a retrieve of
// DataExtensionField.
fn column_properties(
    state: &State,
    object_type: &str,
) -> Result<Vec<AnyPropertyDefinition>, Fault> {
    let name = object_type
        .strip_prefix("DataExtensionObject[")
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or_default()
        .trim();
    let Some(record) = state
        .data_extensions
        .iter()
        .find(|record| record.name.eq_ignore_ascii_case(name))
    else {
        // NOTE: the service's wording for an unknown data extension is not published; the
        // emulator uses the text of its Retrieve of one.
        return Err(Fault::Server {
            code: 2,
            message: format!("The data extension '{name}' does not exist."),
        });
    };
    Ok(record
        .columns
        .iter()
        .map(|column| {
            AnyPropertyDefinition::from(PropertyDefinition {
                name: Some(column.name.clone()),
                data_type: Some(column.field_type.clone()),
                is_updatable: Some(true),
                is_retrievable: Some(true),
                is_filterable: Some(true),
                is_required: Some(column.is_required),
                max_length: column.max_length,
                default_value: column.default_value.clone(),
                ..PropertyDefinition::default()
            })
        })
        .collect())
}

/// Adds the account's profile attributes to the definition of Subscriber, as the service
/// does: each as an `ExtendedProperty`, and as a child object `Attributes` with its
/// substitution string, both with the attribute's ID.
// Limitation: the service also gives each attribute its Label, Description and MaxLength,
// which the emulator's Configure does not store.
fn add_profile_attributes(state: &State, definition: &mut ObjectDefinition) {
    if state.profile_attributes.is_empty() {
        return;
    }
    let mut extended = Vec::with_capacity(state.profile_attributes.len());
    for (index, attribute) in state.profile_attributes.iter().enumerate() {
        let property_type = PropertyType::from(attribute.property_type.as_str());
        let data_type = attribute_data_type(&property_type).to_owned();
        extended.push(AnyPropertyDefinition::from(PropertyDefinition {
            partner_key: Some(Nillable::Nil),
            id: Some(attribute.id),
            object_id: Some(Nillable::Nil),
            name: Some(attribute.name.clone()),
            data_type: Some(data_type.clone()),
            property_type: Some(property_type),
            is_account_property: Some(false),
            is_required: Some(false),
            is_viewable: Some(true),
            is_editable: Some(true),
            is_restricted_picklist: Some(false),
            is_send_time: Some(false),
            display_order: i32::try_from(index + 1).ok(),
            ..PropertyDefinition::default()
        }));
        let substitution = AnyApiProperty::from(ApiProperty {
            name: "SubstitutionString".to_owned(),
            value: format!("%%{}%%", attribute.name),
            ..ApiProperty::default()
        });
        definition.child_objects.push(ObjectDefinition {
            name: Some("Attributes".to_owned()),
            properties: vec![AnyPropertyDefinition::from(PropertyDefinition {
                partner_key: Some(Nillable::Nil),
                id: Some(attribute.id),
                object_id: Some(Nillable::Nil),
                name: Some(attribute.name.clone()),
                data_type: Some(data_type),
                markups: vec![substitution],
                ..PropertyDefinition::default()
            })],
            ..ObjectDefinition::default()
        });
    }
    definition.extended_properties = Some(ObjectDefinitionExtendedProperties {
        extended_property: extended,
        ..ObjectDefinitionExtendedProperties::default()
    });
}

/// Serves Describe for every object type Retrieve serves, for `DataExtensionObject`, and
/// for the rows of each data extension as `DataExtensionObject[NAME]`.
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
