//! Retrieve: the retrievable properties of each object type, filters, and paging.

use std::collections::BTreeMap;

use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, ApiProperty, BounceEvent, ClickEvent, DataExtension,
    DataExtensionField, DataExtensionFieldType, DataExtensionObject, DataExtensionTemplate,
    DeliveredEvent, Email, EventType, NotSentEvent, ObjectExtensionProperties, OpenEvent,
    RetrieveRequestMsg, RetrieveResponseMsg, SendClassification, SentEvent, Subscriber,
    TriggeredSendDefinition, TriggeredSendStatusEnum, UnsubEvent,
};
use sfmc_runtime::values::DateTime;
use sfmc_runtime::xml::{Extra, Nillable, QualifiedName, RawElement};

use crate::clock;
use crate::config::{Config, SEND_LOG_TEMPLATE_OBJECT_ID, TRIGGERED_SEND_TEMPLATE_OBJECT_ID};
use crate::envelope::{Fault, escape};
use crate::filter::{self, Kind, Property};
use crate::objects::PARTNER_NAMESPACE;
use crate::state::{Continuation, State};

/// The maximum number of results in one page.
const MAX_PAGE: usize = 2500;

/// The rows of one object type, as property name → value text.
struct Table {
    properties: Vec<Property>,
    rows: Vec<BTreeMap<String, String>>,
    /// When each row became retrievable, in milliseconds since the epoch, for
    /// `RetrieveAllSinceLastBatch`; empty for object types that do not record it.
    visible_at: Vec<i64>,
}

fn property(name: &str, kind: Kind, filterable: bool) -> Property {
    Property {
        name: name.to_owned(),
        kind,
        filterable,
    }
}

/// Serves Retrieve.
pub(crate) fn retrieve(
    config: &Config,
    state: &mut State,
    request: RetrieveRequestMsg,
) -> Result<RetrieveResponseMsg, Fault> {
    let request = request.retrieve_request;
    if let Some(request_id) = request.continue_request.as_deref().map(str::trim) {
        return Ok(continue_retrieve(state, request_id));
    }

    if request.extra.missing.contains(&"ObjectType") {
        return Err(Fault::unreadable(
            "The element ObjectType of RetrieveRequest is missing.",
        ));
    }
    if let Some(filter) = &request.filter {
        filter::check_schema(filter, "Filter")?;
    }

    let object_type = request.object_type.trim().to_owned();
    let Some(table) = table(state, &object_type) else {
        let status = match object_type.strip_prefix("DataExtensionObject[") {
            // NOTE: the service's wording for an unknown data extension is not published.
            Some(rest) => format!(
                "Error: The data extension '{}' does not exist.",
                rest.trim_end_matches(']')
            ),
            None => format!(
                "Error: Unable to find a handler for object type: {object_type}. Object types are case-sensitive, check spelling."
            ),
        };
        return Ok(error_response(state, status));
    };

    let family = if object_type.starts_with("DataExtensionObject[") {
        "DataExtensionObject"
    } else {
        object_type.as_str()
    };

    let requested: Vec<String> = request
        .properties
        .iter()
        .map(|name| name.trim().to_owned())
        .collect();
    let unknown: Vec<&str> = requested
        .iter()
        .filter(|name| {
            !table
                .properties
                .iter()
                .any(|property| property.name.eq_ignore_ascii_case(name))
        })
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() || requested.is_empty() {
        let status = format!(
            "Error: The Request Property(s) {} do not match with the fields of {family} retrieve",
            unknown.join(", ")
        );
        return Ok(error_response(state, status));
    }
    if let Some(filter) = &request.filter {
        if let Err(status) = filter::check_properties(filter, &table.properties) {
            return Ok(error_response(state, status));
        }
    }

    // Limitation: RepeatLastResult, QueryAllAccounts and ClientIDs are read but have no
    // effect.
    let since = since_last_batch(state, &request, &object_type, &requested);
    let tolerance_check = config.tolerance_check;
    let results: Vec<AnyApiObject> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(index, _)| {
            let visible_at = table.visible_at.get(*index).copied();
            since.is_none_or(|(last, cutoff)| {
                visible_at.is_none_or(|time| time > last && time <= cutoff)
            })
        })
        .map(|(_, row)| row)
        .filter(|row| {
            request
                .filter
                .as_ref()
                .is_none_or(|filter| filter::matches(filter, row, &table.properties))
        })
        .map(|row| {
            let mut object = build(family, &object_type, row, &requested, &table.properties);
            if tolerance_check {
                add_unknown_element(&mut object);
            }
            object
        })
        .collect();

    let batch_size = request
        .options
        .as_ref()
        .and_then(|options| options.batch_size)
        .and_then(|size| usize::try_from(size).ok())
        .filter(|size| *size > 0)
        .unwrap_or(MAX_PAGE);
    Ok(page(state, results, batch_size.min(MAX_PAGE)))
}

/// Returns the window of visibility times a request with `RetrieveAllSinceLastBatch`
/// covers, and records its end. The window starts after the end of the previous identical
/// retrieve (0 for the first) and ends at this one's cutoff. Identical means the same
/// object type, properties and filter. Other requests get `None`.
///
/// The cutoff is one millisecond before now, so that a row becoming visible later within
/// the current millisecond falls into the next window rather than between two.
// Limitation: only tracking events and data extension rows record when they appeared, so
// for other object types the option returns every row.
fn since_last_batch(
    state: &mut State,
    request: &sfmc_partner_api::RetrieveRequest,
    object_type: &str,
    requested: &[String],
) -> Option<(i64, i64)> {
    if request.retrieve_all_since_last_batch != Some(true) {
        return None;
    }
    let key = format!("{object_type}|{}|{:?}", requested.join(","), request.filter);
    let cutoff = clock::now_millis() - 1;
    let last = state.last_batches.insert(key, cutoff).unwrap_or(0);
    Some((last, cutoff))
}

/// Adds an element the schema does not declare after the result's own elements, as the
/// service's responses gain new elements over time.
fn add_unknown_element(object: &mut AnyApiObject) {
    let element = RawElement {
        name: QualifiedName {
            namespace: Some(PARTNER_NAMESPACE.to_owned()),
            name: TOLERANCE_CHECK_ELEMENT.to_owned(),
        },
        xml: format!("<{TOLERANCE_CHECK_ELEMENT}>true</{TOLERANCE_CHECK_ELEMENT}>"),
    };
    if let Some(extra) = extra_of(object) {
        extra.elements.push(element);
    }
}

/// The name of the element, in the partnerAPI namespace, that [`Config::tolerance_check`]
/// adds to every retrieve result.
pub const TOLERANCE_CHECK_ELEMENT: &str = "EmulatorToleranceCheck";

fn error_response(state: &mut State, status: String) -> RetrieveResponseMsg {
    RetrieveResponseMsg {
        overall_status: status,
        request_id: Some(state.ids.guid()),
        ..RetrieveResponseMsg::default()
    }
}

/// Returns the first `page_size` results and keeps the rest under the page's RequestID.
fn page(
    state: &mut State,
    mut results: Vec<AnyApiObject>,
    page_size: usize,
) -> RetrieveResponseMsg {
    let request_id = state.ids.guid();
    let overall_status = if results.len() > page_size {
        let remaining = results.split_off(page_size);
        state.continuations.insert(
            request_id.clone(),
            Continuation {
                remaining,
                page_size,
            },
        );
        "MoreDataAvailable"
    } else {
        "OK"
    };
    RetrieveResponseMsg {
        overall_status: overall_status.to_owned(),
        request_id: Some(request_id),
        results,
        ..RetrieveResponseMsg::default()
    }
}

fn continue_retrieve(state: &mut State, request_id: &str) -> RetrieveResponseMsg {
    match state.continuations.remove(request_id) {
        Some(continuation) => page(state, continuation.remaining, continuation.page_size),
        // NOTE: the service's wording for an unknown or used continuation is not published.
        None => error_response(
            state,
            format!(
                "Error: The ContinueRequest '{request_id}' does not name a retrieve with more data."
            ),
        ),
    }
}

/// Returns the retrievable properties of the tracking event type `object_type`: those of
/// every event, then the type's own.
fn event_properties(object_type: &str) -> Vec<Property> {
    let mut properties = vec![
        property("SendID", Kind::Integer, true),
        property("SubscriberKey", Kind::Text, true),
        property("EventDate", Kind::Date, true),
        property("EventType", Kind::Text, true),
        property("TriggeredSendDefinitionObjectID", Kind::Text, true),
        property("BatchID", Kind::Integer, true),
        property("SubscriberID", Kind::Integer, true),
        property("ListID", Kind::Integer, true),
    ];
    // NOTE: which of these the service lets a filter name is not published; the emulator
    // lets every one be filtered.
    let own: &[(&str, Kind)] = match object_type {
        "ClickEvent" => &[("URL", Kind::Text), ("URLID", Kind::Integer)],
        "BounceEvent" => &[
            ("SMTPCode", Kind::Text),
            ("BounceCategory", Kind::Text),
            ("BounceType", Kind::Text),
            ("SMTPReason", Kind::Text),
        ],
        "UnsubEvent" => &[("IsMasterUnsubscribed", Kind::Boolean)],
        _ => &[],
    };
    properties.extend(own.iter().map(|(name, kind)| property(name, *kind, true)));
    properties
}

fn table(state: &State, object_type: &str) -> Option<Table> {
    let now = clock::now_millis();
    if let Some(rest) = object_type.strip_prefix("DataExtensionObject[") {
        let name = rest.strip_suffix(']')?;
        let record = state
            .data_extensions
            .iter()
            .find(|record| record.name.eq_ignore_ascii_case(name.trim()))?;
        let properties = record
            .columns
            .iter()
            .map(|column| {
                let kind = match column.field_type.as_str() {
                    "Number" => Kind::Integer,
                    "Date" => Kind::Date,
                    "Boolean" => Kind::Boolean,
                    _ => Kind::Text,
                };
                property(&column.name, kind, true)
            })
            .collect();
        let (rows, visible_at) = record
            .rows
            .iter()
            .filter(|row| row.visible_at <= now)
            .map(|row| (row.values.clone(), row.visible_at))
            .unzip();
        return Some(Table {
            properties,
            rows,
            visible_at,
        });
    }
    let table = match object_type {
        "DataExtensionTemplate" => Table {
            properties: vec![
                property("ObjectID", Kind::Text, true),
                property("CustomerKey", Kind::Text, true),
                property("Name", Kind::Text, true),
                property("Description", Kind::Text, false),
            ],
            rows: vec![
                BTreeMap::from([
                    ("ObjectID".to_owned(), TRIGGERED_SEND_TEMPLATE_OBJECT_ID.to_owned()),
                    ("CustomerKey".to_owned(), "TriggeredSendDataExtension".to_owned()),
                    ("Name".to_owned(), "TriggeredSendDataExtension".to_owned()),
                    ("Description".to_owned(), "Send log columns: JobID, ListID, BatchID, SubscriberID, TriggeredSendID, ErrorCode".to_owned()),
                ]),
                BTreeMap::from([
                    ("ObjectID".to_owned(), SEND_LOG_TEMPLATE_OBJECT_ID.to_owned()),
                    ("CustomerKey".to_owned(), "SendLog".to_owned()),
                    ("Name".to_owned(), "SendLog".to_owned()),
                    ("Description".to_owned(), "Send log columns: JobID, ListID, BatchID, SubID, TriggeredSendID, ErrorCode".to_owned()),
                ]),
            ],
            visible_at: Vec::new(),
        },
        "DataExtension" => Table {
            properties: vec![
                property("ObjectID", Kind::Text, true),
                property("CustomerKey", Kind::Text, true),
                property("Name", Kind::Text, true),
                property("Description", Kind::Text, false),
                property("CreatedDate", Kind::Date, false),
            ],
            rows: state
                .data_extensions
                .iter()
                .map(|record| {
                    let mut row = BTreeMap::from([
                        ("ObjectID".to_owned(), record.object_id.clone()),
                        ("CustomerKey".to_owned(), record.customer_key.clone()),
                        ("Name".to_owned(), record.name.clone()),
                        ("CreatedDate".to_owned(), clock::service_date(record.created)),
                    ]);
                    if let Some(description) = &record.description {
                        row.insert("Description".to_owned(), description.clone());
                    }
                    row
                })
                .collect(),
            visible_at: Vec::new(),
        },
        "DataExtensionField" => Table {
            properties: vec![
                property("ObjectID", Kind::Text, true),
                property("CustomerKey", Kind::Text, true),
                property("Name", Kind::Text, true),
                property("FieldType", Kind::Text, true),
                property("MaxLength", Kind::Integer, false),
                property("IsRequired", Kind::Boolean, false),
                property("IsPrimaryKey", Kind::Boolean, false),
                property("Ordinal", Kind::Integer, false),
                property("DefaultValue", Kind::Text, false),
                property("DataExtension.CustomerKey", Kind::Text, true),
            ],
            rows: state
                .data_extensions
                .iter()
                .flat_map(|record| {
                    record.columns.iter().enumerate().map(|(ordinal, column)| {
                        let mut row = BTreeMap::from([
                            ("ObjectID".to_owned(), column.object_id.clone()),
                            ("CustomerKey".to_owned(), format!("[{}].[{}]", record.customer_key, column.name)),
                            ("Name".to_owned(), column.name.clone()),
                            ("FieldType".to_owned(), column.field_type.clone()),
                            ("IsRequired".to_owned(), column.is_required.to_string()),
                            ("IsPrimaryKey".to_owned(), column.is_primary_key.to_string()),
                            ("Ordinal".to_owned(), ordinal.to_string()),
                            ("DataExtension.CustomerKey".to_owned(), record.customer_key.clone()),
                        ]);
                        if let Some(length) = column.max_length {
                            row.insert("MaxLength".to_owned(), length.to_string());
                        }
                        if let Some(default) = &column.default_value {
                            row.insert("DefaultValue".to_owned(), default.clone());
                        }
                        row
                    })
                })
                .collect(),
            visible_at: Vec::new(),
        },
        "TriggeredSendDefinition" => Table {
            properties: vec![
                property("ObjectID", Kind::Text, true),
                property("ID", Kind::Integer, true),
                property("CustomerKey", Kind::Text, true),
                property("Name", Kind::Text, true),
                property("Description", Kind::Text, false),
                property("TriggeredSendStatus", Kind::Text, true),
                property("IsSendLogging", Kind::Boolean, false),
                property("Email.ID", Kind::Integer, false),
                property("SendClassification.CustomerKey", Kind::Text, false),
                property("CreatedDate", Kind::Date, false),
                property("ModifiedDate", Kind::Date, false),
            ],
            rows: state
                .definitions
                .iter()
                .map(|record| {
                    let mut row = BTreeMap::from([
                        ("ObjectID".to_owned(), record.object_id.clone()),
                        ("ID".to_owned(), record.id.to_string()),
                        ("CustomerKey".to_owned(), record.customer_key.clone()),
                        ("TriggeredSendStatus".to_owned(), record.status.as_str().to_owned()),
                        ("IsSendLogging".to_owned(), record.is_send_logging.to_string()),
                        ("CreatedDate".to_owned(), clock::service_date(record.created)),
                        ("ModifiedDate".to_owned(), clock::service_date(record.modified)),
                    ]);
                    if let Some(name) = &record.name {
                        row.insert("Name".to_owned(), name.clone());
                    }
                    if let Some(description) = &record.description {
                        row.insert("Description".to_owned(), description.clone());
                    }
                    if let Some(id) = record.email_id {
                        row.insert("Email.ID".to_owned(), id.to_string());
                    }
                    if let Some(key) = &record.send_classification_key {
                        row.insert("SendClassification.CustomerKey".to_owned(), key.clone());
                    }
                    row
                })
                .collect(),
            visible_at: Vec::new(),
        },
        "Subscriber" => Table {
            properties: vec![
                property("ID", Kind::Integer, true),
                property("SubscriberKey", Kind::Text, true),
                property("EmailAddress", Kind::Text, true),
                property("CreatedDate", Kind::Date, true),
            ],
            rows: state
                .subscribers
                .iter()
                .map(|record| {
                    BTreeMap::from([
                        ("ID".to_owned(), record.id.to_string()),
                        ("SubscriberKey".to_owned(), record.subscriber_key.clone()),
                        ("EmailAddress".to_owned(), record.email_address.clone()),
                        ("CreatedDate".to_owned(), clock::service_date(record.created)),
                    ])
                })
                .collect(),
            visible_at: Vec::new(),
        },
        "SentEvent" | "OpenEvent" | "ClickEvent" | "BounceEvent" | "UnsubEvent" | "NotSentEvent"
        | "DeliveredEvent" => {
            let (rows, visible_at) = state
                .events
                .iter()
                .filter(|event| event.kind == object_type && event.visible_at <= now)
                .map(|event| (event.values.clone(), event.visible_at))
                .unzip();
            Table {
                properties: event_properties(object_type),
                rows,
                visible_at,
            }
        }
        _ => return None,
    };
    Some(table)
}

/// Builds one result holding the requested properties that have values, with the
/// `PartnerKey` and `ObjectID` the service always writes (nil when not requested).
fn build(
    family: &str,
    object_type: &str,
    row: &BTreeMap<String, String>,
    requested: &[String],
    properties: &[Property],
) -> AnyApiObject {
    let get = |name: &str| -> Option<String> {
        let wanted = requested
            .iter()
            .any(|requested| requested.eq_ignore_ascii_case(name));
        let canonical = properties
            .iter()
            .find(|property| property.name.eq_ignore_ascii_case(name))?;
        row.get(&canonical.name).filter(|_| wanted).cloned()
    };
    let int = |name: &str| get(name).and_then(|text| text.parse::<i32>().ok());
    let boolean = |name: &str| get(name).map(|text| text == "true");
    let date = |name: &str| get(name).and_then(|text| text.parse::<DateTime>().ok());
    let partner_key = Some(Nillable::Nil);
    let object_id = Some(get("ObjectID").map_or(Nillable::Nil, Nillable::Value));
    match family {
        "DataExtensionObject" => {
            let property = requested
                .iter()
                .filter_map(|name| {
                    let column = properties
                        .iter()
                        .find(|property| property.name.eq_ignore_ascii_case(name))?;
                    let value = row.get(&column.name)?;
                    Some(AnyApiProperty::from(ApiProperty {
                        name: column.name.clone(),
                        value: value.clone(),
                        ..ApiProperty::default()
                    }))
                })
                .collect();
            AnyApiObject::from(DataExtensionObject {
                partner_key,
                object_id: Some(Nillable::Nil),
                r#type: Some("DataExtensionObject".to_owned()),
                properties: Some(ObjectExtensionProperties {
                    property,
                    ..ObjectExtensionProperties::default()
                }),
                ..DataExtensionObject::default()
            })
        }
        "DataExtensionTemplate" => AnyApiObject::from(DataExtensionTemplate {
            partner_key,
            object_id,
            customer_key: get("CustomerKey"),
            name: get("Name"),
            description: get("Description"),
            ..DataExtensionTemplate::default()
        }),
        "DataExtension" => AnyApiObject::from(DataExtension {
            partner_key,
            object_id,
            customer_key: get("CustomerKey"),
            name: get("Name"),
            description: get("Description"),
            created_date: date("CreatedDate"),
            ..DataExtension::default()
        }),
        "DataExtensionField" => AnyApiObject::from(DataExtensionField {
            partner_key,
            object_id,
            customer_key: get("CustomerKey"),
            name: get("Name"),
            field_type: get("FieldType").map(|kind| DataExtensionFieldType::from(kind.as_str())),
            max_length: int("MaxLength"),
            is_required: boolean("IsRequired"),
            is_primary_key: boolean("IsPrimaryKey"),
            ordinal: int("Ordinal"),
            default_value: get("DefaultValue"),
            data_extension: get("DataExtension.CustomerKey").map(|key| {
                Box::new(DataExtension {
                    customer_key: Some(key),
                    ..DataExtension::default()
                })
            }),
            ..DataExtensionField::default()
        }),
        "TriggeredSendDefinition" => AnyApiObject::from(TriggeredSendDefinition {
            partner_key,
            object_id,
            id: int("ID"),
            customer_key: get("CustomerKey"),
            name: get("Name"),
            description: get("Description"),
            triggered_send_status: get("TriggeredSendStatus")
                .map(|status| TriggeredSendStatusEnum::from(status.as_str())),
            is_send_logging: boolean("IsSendLogging"),
            email: int("Email.ID").map(|id| {
                Box::new(Email {
                    id: Some(id),
                    ..Email::default()
                })
            }),
            send_classification: get("SendClassification.CustomerKey").map(|key| {
                Box::new(SendClassification {
                    customer_key: Some(key),
                    ..SendClassification::default()
                })
            }),
            created_date: date("CreatedDate"),
            modified_date: date("ModifiedDate").map(Nillable::Value),
            ..TriggeredSendDefinition::default()
        }),
        "Subscriber" => AnyApiObject::from(Subscriber {
            partner_key,
            object_id,
            id: int("ID"),
            subscriber_key: get("SubscriberKey"),
            email_address: get("EmailAddress"),
            created_date: date("CreatedDate"),
            ..Subscriber::default()
        }),
        _ => build_event(object_type, partner_key, object_id, &get),
    }
}

/// Builds a tracking event of type `object_type` from the values `get` returns.
fn build_event(
    object_type: &str,
    partner_key: Option<Nillable<String>>,
    object_id: Option<Nillable<String>>,
    get: &dyn Fn(&str) -> Option<String>,
) -> AnyApiObject {
    let int = |name: &str| get(name).and_then(|text| text.parse::<i32>().ok());
    // Every event type has the fields of TrackingEvent, and SubscriberID and ListID, which
    // are retrievable on the service but absent from the WSDL's TrackingEvent, so they
    // travel as extra elements after the schema's.
    macro_rules! event {
        ($kind:ident { $($field:ident: $value:expr),* $(,)? }) => {{
            let mut event = $kind {
                partner_key,
                object_id,
                send_id: int("SendID"),
                subscriber_key: get("SubscriberKey"),
                event_date: get("EventDate").and_then(|text| text.parse::<DateTime>().ok()),
                event_type: get("EventType").map(|kind| EventType::from(kind.as_str())),
                triggered_send_definition_object_id: get("TriggeredSendDefinitionObjectID"),
                batch_id: int("BatchID"),
                $($field: $value,)*
                ..$kind::default()
            };
            push_untyped(&mut event.extra, get, &["SubscriberID", "ListID"]);
            AnyApiObject::from(event)
        }};
    }
    match object_type {
        "OpenEvent" => event!(OpenEvent {}),
        "ClickEvent" => event!(ClickEvent {
            url: get("URL"),
            urlid: int("URLID"),
        }),
        "BounceEvent" => event!(BounceEvent {
            smtp_code: get("SMTPCode"),
            bounce_category: get("BounceCategory"),
            smtp_reason: get("SMTPReason"),
            bounce_type: get("BounceType"),
        }),
        "UnsubEvent" => event!(UnsubEvent {
            is_master_unsubscribed: get("IsMasterUnsubscribed").map(|text| text == "true"),
        }),
        "NotSentEvent" => event!(NotSentEvent {}),
        "DeliveredEvent" => event!(DeliveredEvent {}),
        _ => event!(SentEvent {}),
    }
}

/// Appends the values of `names` that `get` returns as elements in the partnerAPI
/// namespace.
fn push_untyped(extra: &mut Extra, get: &dyn Fn(&str) -> Option<String>, names: &[&str]) {
    for name in names {
        if let Some(value) = get(name) {
            extra.elements.push(RawElement {
                name: QualifiedName {
                    namespace: Some(PARTNER_NAMESPACE.to_owned()),
                    name: (*name).to_owned(),
                },
                xml: format!("<{name}>{}</{name}>", escape(&value)),
            });
        }
    }
}

/// Returns the unknown-element store of the result types a retrieve builds.
fn extra_of(object: &mut AnyApiObject) -> Option<&mut Extra> {
    Some(match object {
        AnyApiObject::DataExtensionObject(value) => &mut value.extra,
        AnyApiObject::DataExtensionTemplate(value) => &mut value.extra,
        AnyApiObject::DataExtension(value) => &mut value.extra,
        AnyApiObject::DataExtensionField(value) => &mut value.extra,
        AnyApiObject::TriggeredSendDefinition(value) => &mut value.extra,
        AnyApiObject::Subscriber(value) => &mut value.extra,
        AnyApiObject::SentEvent(value) => &mut value.extra,
        AnyApiObject::OpenEvent(value) => &mut value.extra,
        AnyApiObject::ClickEvent(value) => &mut value.extra,
        AnyApiObject::BounceEvent(value) => &mut value.extra,
        AnyApiObject::UnsubEvent(value) => &mut value.extra,
        AnyApiObject::NotSentEvent(value) => &mut value.extra,
        AnyApiObject::DeliveredEvent(value) => &mut value.extra,
        _ => return None,
    })
}

/// Returns the retrievable properties of `object_type` with their filter flags, or `None`
/// for a type the emulator does not serve.
pub(crate) fn properties_of(state: &State, object_type: &str) -> Option<Vec<Property>> {
    table(state, object_type).map(|table| table.properties)
}
