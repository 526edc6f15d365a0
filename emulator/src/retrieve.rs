//! Retrieve: the retrievable properties of each object type, filters, and paging.

use std::borrow::Cow;
use std::collections::BTreeMap;

use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, ApiProperty, BounceEvent, ClickEvent, DataExtension,
    DataExtensionField, DataExtensionFieldType, DataExtensionObject, DataExtensionTemplate,
    DeliveredEvent, Email, EventType, NotSentEvent, ObjectExtensionProperties, OpenEvent,
    RetrieveRequest, RetrieveRequestMsg, RetrieveResponseMsg, SendClassification, SentEvent,
    Subscriber, TriggeredSendDefinition, TriggeredSendStatusEnum, UnsubEvent,
};
use sfmc_runtime::values::DateTime;
use sfmc_runtime::xml::{Extra, Nillable, QualifiedName, RawElement};

use crate::clock;
use crate::config::{Config, SEND_LOG_TEMPLATE_OBJECT_ID, TRIGGERED_SEND_TEMPLATE_OBJECT_ID};
use crate::envelope::{Fault, escape};
use crate::filter::{self, CompiledFilter, Kind, Property};
use crate::objects::PARTNER_NAMESPACE;
use crate::state::{Continuation, State};

/// The maximum number of results in one page.
const MAX_PAGE: usize = 2500;

/// The change time of objects that never change, such as the data extension templates:
/// before any since-last-batch window ends, so that only the first such retrieve returns
/// them.
const NEVER_CHANGED: i64 = 0;

/// One row of an object type, as property name → value text, borrowed from the state
/// where the state stores it in that form.
struct TableRow<'a> {
    values: Cow<'a, BTreeMap<String, String>>,
    /// When the row was added or last changed, in milliseconds since the epoch, for
    /// `RetrieveAllSinceLastBatch`.
    changed_at: i64,
}

/// The rows of one object type, in the state's order.
type Rows<'a> = Box<dyn Iterator<Item = TableRow<'a>> + 'a>;

fn property(name: &str, kind: Kind, filterable: bool) -> Property {
    Property {
        name: name.to_owned(),
        kind,
        filterable,
    }
}

/// Serves Retrieve.
///
/// The emulator serves one account without child accounts, so `QueryAllAccounts` returns
/// the same rows as a retrieve without it.
// NOTE: `ClientIDs` are ignored, because the service's response to a ClientID that names
// no account is not published.
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
    let Some(properties) = properties_of(state, &object_type) else {
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

    let requested: Vec<String> = request
        .properties
        .iter()
        .map(|name| name.trim().to_owned())
        .collect();
    if let Err(status) = check_requested(&object_type, &requested, &properties) {
        return Ok(error_response(state, status));
    }
    if let Some(filter) = &request.filter {
        if let Err(status) = filter::check_properties(filter, &properties) {
            return Ok(error_response(state, status));
        }
    }

    let filter = request
        .filter
        .as_ref()
        .map(|filter| filter::compile(filter, &properties));
    let window = since_last_batch(state, &request, &object_type, &requested);
    let projection = Projection::new(&object_type, &requested, &properties);
    let results = select(
        state,
        &projection,
        filter.as_ref(),
        window,
        config.tolerance_check,
    );

    let batch_size = request
        .options
        .as_ref()
        .and_then(|options| options.batch_size)
        .and_then(|size| usize::try_from(size).ok())
        .filter(|size| *size > 0)
        .unwrap_or(MAX_PAGE);
    Ok(page(state, results, batch_size.min(MAX_PAGE)))
}

/// Checks that the request names at least one property and only retrievable ones,
/// returning the retrieve's `Error: …` status text on failure.
fn check_requested(
    object_type: &str,
    requested: &[String],
    properties: &[Property],
) -> Result<(), String> {
    let unknown: Vec<&str> = requested
        .iter()
        .filter(|name| {
            !properties
                .iter()
                .any(|property| property.name.eq_ignore_ascii_case(name))
        })
        .map(String::as_str)
        .collect();
    if unknown.is_empty() && !requested.is_empty() {
        return Ok(());
    }
    let family = if object_type.starts_with("DataExtensionObject[") {
        "DataExtensionObject"
    } else {
        object_type
    };
    Err(format!(
        "Error: The Request Property(s) {} do not match with the fields of {family} retrieve",
        unknown.join(", ")
    ))
}

/// Builds the results of every row that is in `window` and passes `filter`. Only those
/// rows are copied, and only their requested properties.
fn select(
    state: &State,
    projection: &Projection<'_>,
    filter: Option<&CompiledFilter>,
    window: Option<Window>,
    tolerance_check: bool,
) -> Vec<AnyApiObject> {
    rows(state, projection.object_type, clock::now_millis())
        .filter(|row| window.is_none_or(|window| window.contains(row.changed_at)))
        .filter(|row| filter.is_none_or(|filter| filter.matches(&row.values)))
        .map(|row| {
            let mut object = build(projection, &row.values);
            if tolerance_check {
                add_unknown_element(&mut object);
            }
            object
        })
        .collect()
}

/// The change times a retrieve with `RetrieveAllSinceLastBatch` covers: after `start`, up
/// to and including `end`, in milliseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    start: i64,
    end: i64,
}

impl Window {
    fn contains(self, time: i64) -> bool {
        time > self.start && time <= self.end
    }
}

/// Returns the window of change times a request with `RetrieveAllSinceLastBatch` covers,
/// and records it. Other requests get `None`.
///
/// Identical means the same object type, properties and filter. The window starts at the
/// end of the previous identical retrieve, or before every change for the first. It ends
/// one millisecond before now, so that a change later within the current millisecond falls
/// into the next window rather than between two.
///
/// With `RepeatLastResult` as well, the request gets the window of the previous identical
/// retrieve again and records nothing. So it returns the same rows, less any changed since,
/// which the next since-last-batch retrieve returns. Without a previous identical retrieve
/// it counts as the first.
// NOTE: the service documents RepeatLastResult only as repeating a date-based request
// together with RetrieveAllSinceLastBatch. The reading above, and ignoring the option
// without RetrieveAllSinceLastBatch, are the emulator's choices.
fn since_last_batch(
    state: &mut State,
    request: &RetrieveRequest,
    object_type: &str,
    requested: &[String],
) -> Option<Window> {
    if request.retrieve_all_since_last_batch != Some(true) {
        return None;
    }
    let key = format!("{object_type}|{}|{:?}", requested.join(","), request.filter);
    if request.repeat_last_result == Some(true) {
        if let Some(&end) = state.last_batches.get(&key) {
            let start = state.batch_starts.get(&key).copied().unwrap_or(i64::MIN);
            return Some(Window { start, end });
        }
    }
    let start = state.last_batches.get(&key).copied().unwrap_or(i64::MIN);
    // A clock set back must not move the mark back, which would return rows twice.
    let end = (clock::now_millis() - 1).max(start);
    state.last_batches.insert(key.clone(), end);
    state.batch_starts.insert(key, start);
    Some(Window { start, end })
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

/// Returns the data extension that the object type `DataExtensionObject[Name]` names.
fn named_data_extension<'a>(
    state: &'a State,
    object_type: &str,
) -> Option<&'a crate::state::DataExtensionRecord> {
    let name = object_type
        .strip_prefix("DataExtensionObject[")?
        .strip_suffix(']')?;
    state
        .data_extensions
        .iter()
        .find(|record| record.name.eq_ignore_ascii_case(name.trim()))
}

/// Returns the retrievable properties of `object_type` with their filter flags, or `None`
/// for a type the emulator does not serve.
pub(crate) fn properties_of(state: &State, object_type: &str) -> Option<Vec<Property>> {
    if object_type.starts_with("DataExtensionObject[") {
        let record = named_data_extension(state, object_type)?;
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
        return Some(properties);
    }
    let properties = match object_type {
        "DataExtensionTemplate" => vec![
            property("ObjectID", Kind::Text, true),
            property("CustomerKey", Kind::Text, true),
            property("Name", Kind::Text, true),
            property("Description", Kind::Text, false),
        ],
        "DataExtension" => vec![
            property("ObjectID", Kind::Text, true),
            property("CustomerKey", Kind::Text, true),
            property("Name", Kind::Text, true),
            property("Description", Kind::Text, false),
            property("CreatedDate", Kind::Date, false),
        ],
        "DataExtensionField" => vec![
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
        "TriggeredSendDefinition" => vec![
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
        "Subscriber" => vec![
            property("ID", Kind::Integer, true),
            property("SubscriberKey", Kind::Text, true),
            property("EmailAddress", Kind::Text, true),
            property("CreatedDate", Kind::Date, true),
        ],
        "SentEvent" | "OpenEvent" | "ClickEvent" | "BounceEvent" | "UnsubEvent"
        | "NotSentEvent" | "DeliveredEvent" => event_properties(object_type),
        _ => return None,
    };
    Some(properties)
}

/// Returns the rows of `object_type` that are retrievable at `now`, or none for a type
/// [`properties_of`] does not serve. Data extension rows and tracking events are borrowed;
/// the rows of other types are built from their records.
fn rows<'a>(state: &'a State, object_type: &'a str, now: i64) -> Rows<'a> {
    if object_type.starts_with("DataExtensionObject[") {
        let Some(record) = named_data_extension(state, object_type) else {
            return Box::new(std::iter::empty());
        };
        return Box::new(
            record
                .rows
                .iter()
                .filter(move |row| row.visible_at <= now)
                .map(|row| TableRow {
                    values: Cow::Borrowed(&row.values),
                    changed_at: row.visible_at,
                }),
        );
    }
    match object_type {
        "DataExtensionTemplate" => Box::new(template_rows()),
        "DataExtension" => Box::new(state.data_extensions.iter().map(data_extension_row)),
        "DataExtensionField" => Box::new(state.data_extensions.iter().flat_map(|record| {
            record
                .columns
                .iter()
                .enumerate()
                .map(move |(ordinal, column)| field_row(record, ordinal, column))
        })),
        "TriggeredSendDefinition" => Box::new(state.definitions.iter().map(definition_row)),
        "Subscriber" => Box::new(state.subscribers.iter().map(|record| TableRow {
            values: Cow::Owned(BTreeMap::from([
                ("ID".to_owned(), record.id.to_string()),
                ("SubscriberKey".to_owned(), record.subscriber_key.clone()),
                ("EmailAddress".to_owned(), record.email_address.clone()),
                (
                    "CreatedDate".to_owned(),
                    clock::service_date(record.created),
                ),
            ])),
            changed_at: record.created.max(record.modified),
        })),
        "SentEvent" | "OpenEvent" | "ClickEvent" | "BounceEvent" | "UnsubEvent"
        | "NotSentEvent" | "DeliveredEvent" => Box::new(
            state
                .events
                .iter()
                .filter(move |event| event.kind == object_type && event.visible_at <= now)
                .map(|event| TableRow {
                    values: Cow::Borrowed(&event.values),
                    changed_at: event.visible_at,
                }),
        ),
        _ => Box::new(std::iter::empty()),
    }
}

/// Returns the rows of the two data extension templates the emulator offers, which never
/// change.
fn template_rows<'a>() -> impl Iterator<Item = TableRow<'a>> {
    let templates = [
        (
            TRIGGERED_SEND_TEMPLATE_OBJECT_ID,
            "TriggeredSendDataExtension",
            "Send log columns: JobID, ListID, BatchID, SubscriberID, TriggeredSendID, ErrorCode",
        ),
        (
            SEND_LOG_TEMPLATE_OBJECT_ID,
            "SendLog",
            "Send log columns: JobID, ListID, BatchID, SubID, TriggeredSendID, ErrorCode",
        ),
    ];
    templates
        .into_iter()
        .map(|(object_id, name, description)| TableRow {
            values: Cow::Owned(BTreeMap::from([
                ("ObjectID".to_owned(), object_id.to_owned()),
                ("CustomerKey".to_owned(), name.to_owned()),
                ("Name".to_owned(), name.to_owned()),
                ("Description".to_owned(), description.to_owned()),
            ])),
            changed_at: NEVER_CHANGED,
        })
}

fn data_extension_row<'a>(record: &crate::state::DataExtensionRecord) -> TableRow<'a> {
    let mut row = BTreeMap::from([
        ("ObjectID".to_owned(), record.object_id.clone()),
        ("CustomerKey".to_owned(), record.customer_key.clone()),
        ("Name".to_owned(), record.name.clone()),
        (
            "CreatedDate".to_owned(),
            clock::service_date(record.created),
        ),
    ]);
    if let Some(description) = &record.description {
        row.insert("Description".to_owned(), description.clone());
    }
    TableRow {
        values: Cow::Owned(row),
        changed_at: record.created.max(record.modified),
    }
}

fn field_row<'a>(
    record: &crate::state::DataExtensionRecord,
    ordinal: usize,
    column: &crate::state::Column,
) -> TableRow<'a> {
    let mut row = BTreeMap::from([
        ("ObjectID".to_owned(), column.object_id.clone()),
        (
            "CustomerKey".to_owned(),
            format!("[{}].[{}]", record.customer_key, column.name),
        ),
        ("Name".to_owned(), column.name.clone()),
        ("FieldType".to_owned(), column.field_type.clone()),
        ("IsRequired".to_owned(), column.is_required.to_string()),
        ("IsPrimaryKey".to_owned(), column.is_primary_key.to_string()),
        ("Ordinal".to_owned(), ordinal.to_string()),
        (
            "DataExtension.CustomerKey".to_owned(),
            record.customer_key.clone(),
        ),
    ]);
    if let Some(length) = column.max_length {
        row.insert("MaxLength".to_owned(), length.to_string());
    }
    if let Some(default) = &column.default_value {
        row.insert("DefaultValue".to_owned(), default.clone());
    }
    // A column's CustomerKey contains its data extension's, which cannot change, so the
    // column's own time is its change time. State files written before columns recorded
    // it have 0 there, so the data extension's creation time is the fallback.
    TableRow {
        values: Cow::Owned(row),
        changed_at: record.created.max(column.modified),
    }
}

fn definition_row<'a>(record: &crate::state::DefinitionRecord) -> TableRow<'a> {
    let mut row = BTreeMap::from([
        ("ObjectID".to_owned(), record.object_id.clone()),
        ("ID".to_owned(), record.id.to_string()),
        ("CustomerKey".to_owned(), record.customer_key.clone()),
        (
            "TriggeredSendStatus".to_owned(),
            record.status.as_str().to_owned(),
        ),
        (
            "IsSendLogging".to_owned(),
            record.is_send_logging.to_string(),
        ),
        (
            "CreatedDate".to_owned(),
            clock::service_date(record.created),
        ),
        (
            "ModifiedDate".to_owned(),
            clock::service_date(record.modified),
        ),
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
    TableRow {
        values: Cow::Owned(row),
        changed_at: record.created.max(record.modified),
    }
}

/// The requested properties of a retrieve, resolved once against the object type's
/// properties.
struct Projection<'a> {
    object_type: &'a str,
    /// The requested properties, in the object type's order and spelling.
    selected: Vec<&'a Property>,
    /// For data extension rows: the requested columns, in the request's order.
    columns: Vec<&'a Property>,
}

impl<'a> Projection<'a> {
    fn new(object_type: &'a str, requested: &[String], properties: &'a [Property]) -> Self {
        let find = |name: &str| {
            properties
                .iter()
                .find(|property| property.name.eq_ignore_ascii_case(name))
        };
        Projection {
            object_type,
            selected: properties
                .iter()
                .filter(|property| {
                    requested
                        .iter()
                        .any(|name| name.eq_ignore_ascii_case(&property.name))
                })
                .collect(),
            columns: requested.iter().filter_map(|name| find(name)).collect(),
        }
    }
}

/// Builds one result holding the requested properties that have values, with the
/// `PartnerKey` and `ObjectID` the service always writes (nil when not requested).
fn build(projection: &Projection<'_>, row: &BTreeMap<String, String>) -> AnyApiObject {
    let get = |name: &str| -> Option<String> {
        let property = projection
            .selected
            .iter()
            .find(|property| property.name.eq_ignore_ascii_case(name))?;
        row.get(&property.name).cloned()
    };
    let int = |name: &str| get(name).and_then(|text| text.parse::<i32>().ok());
    let boolean = |name: &str| get(name).map(|text| text == "true");
    let date = |name: &str| get(name).and_then(|text| text.parse::<DateTime>().ok());
    let partner_key = Some(Nillable::Nil);
    let object_id = Some(get("ObjectID").map_or(Nillable::Nil, Nillable::Value));
    let object_type = projection.object_type;
    if object_type.starts_with("DataExtensionObject[") {
        let property = projection
            .columns
            .iter()
            .filter_map(|column| {
                let value = row.get(&column.name)?;
                Some(AnyApiProperty::from(ApiProperty {
                    name: column.name.clone(),
                    value: value.clone(),
                    ..ApiProperty::default()
                }))
            })
            .collect();
        return AnyApiObject::from(DataExtensionObject {
            partner_key,
            object_id: Some(Nillable::Nil),
            r#type: Some("DataExtensionObject".to_owned()),
            properties: Some(ObjectExtensionProperties {
                property,
                ..ObjectExtensionProperties::default()
            }),
            ..DataExtensionObject::default()
        });
    }
    match object_type {
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
