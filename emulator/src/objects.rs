//! Create, Update and Configure of the objects the one-to-one tracking procedure uses.

use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyCreateResult, AnyUpdateResult, ConfigureRequestMsg,
    ConfigureResponseMsg, ConfigureResponseMsgResults, ConfigureResult, CreateRequest,
    CreateResponse, CreateResult, DataExtension, DataExtensionObject, PropertyDefinition,
    SubscriberResult, TriggeredSend, TriggeredSendCreateResult, TriggeredSendDefinition,
    TriggeredSendStatusEnum, UpdateRequest, UpdateResponse, UpdateResult,
};
use sfmc_runtime::xml::{Nillable, XSI_NAMESPACE};

use crate::clock;
use crate::config::{Config, SEND_LOG_TEMPLATE_OBJECT_ID, TRIGGERED_SEND_TEMPLATE_OBJECT_ID};
use crate::envelope::Fault;
use crate::state::{
    Column, DataExtensionRecord, DefinitionRecord, DefinitionStatus, EventRecord, PendingSend,
    ProfileAttribute, Row, State, SubscriberRecord,
};

pub(crate) const PARTNER_NAMESPACE: &str = "http://exacttarget.com/wsdl/partnerAPI";

/// A per-object failure: the ErrorCode and StatusMessage of its result.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: i32,
    pub(crate) message: String,
    /// The subscribers of a failed triggered send that could not be sent to, and why.
    pub(crate) subscriber_failures: Vec<SubscriberResult>,
}

pub(crate) fn fail<T>(code: i32, message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure {
        code,
        message: message.into(),
        subscriber_failures: Vec::new(),
    })
}

/// Checks that a polymorphic element named `element` carried a concrete `xsi:type` the
/// schema declares, as the service's deserializer requires.
pub(crate) fn check_object_type(object: &AnyApiObject, element: &str) -> Result<(), Fault> {
    match object {
        AnyApiObject::Unknown(unknown) => {
            let (name, namespace) = match &unknown.type_name {
                Some(name) => (
                    name.name.clone(),
                    name.namespace.clone().unwrap_or_default(),
                ),
                None => (String::new(), String::new()),
            };
            Err(Fault::unreadable(format!(
                "The specified type was not recognized: name='{name}', namespace='{namespace}', at <{element} xmlns='{PARTNER_NAMESPACE}'>."
            )))
        }
        AnyApiObject::ApiObject(base) => {
            let type_as_child = base.extra.elements.iter().any(|raw| {
                raw.name.name == "type" && raw.name.namespace.as_deref() == Some(XSI_NAMESPACE)
            });
            if type_as_child {
                return Err(Fault::Client(
                    "Requested value 'APIObject' was not found.".to_owned(),
                ));
            }
            Err(Fault::unreadable(format!(
                "The specified type is abstract: name='APIObject', namespace='{PARTNER_NAMESPACE}', at <{element} xmlns='{PARTNER_NAMESPACE}'>."
            )))
        }
        _ => Ok(()),
    }
}

/// Returns `OK` when every result succeeded, `Error` when all failed, and `Has Errors`
/// otherwise.
// NOTE: the partial-failure spelling is not confirmed by any captured response.
pub(crate) fn overall_status(failures: usize, total: usize) -> String {
    match failures {
        0 => "OK",
        n if n == total => "Error",
        _ => "Has Errors",
    }
    .to_owned()
}

pub(crate) fn ordinal(index: usize) -> Option<i32> {
    i32::try_from(index).ok()
}

/// Serves Create for TriggeredSendDefinition, TriggeredSend, DataExtension,
/// DataExtensionObject and Subscriber.
pub(crate) fn create(
    config: &Config,
    state: &mut State,
    request: CreateRequest,
) -> Result<CreateResponse, Fault> {
    for object in &request.objects {
        check_object_type(object, "Objects")?;
    }
    let total = request.objects.len();
    let mut failures = 0;
    let mut results = Vec::with_capacity(total);
    for (index, object) in request.objects.into_iter().enumerate() {
        let result = create_one(config, state, object);
        let mut base = CreateResult {
            ordinal_id: ordinal(index),
            ..CreateResult::default()
        };
        let subscriber_failures;
        let triggered;
        match result {
            Ok(created) => {
                base.status_code = "OK".to_owned();
                base.status_message = created.message;
                base.new_id = created.new_id;
                base.new_object_id = created.new_object_id;
                base.object = created.object;
                subscriber_failures = created.subscriber_failures;
                triggered = created.triggered_send;
            }
            Err((failure, is_send)) => {
                failures += 1;
                base.status_code = "Error".to_owned();
                base.status_message = failure.message;
                base.error_code = Some(failure.code);
                subscriber_failures = failure.subscriber_failures;
                triggered = is_send;
            }
        }
        results.push(if triggered {
            AnyCreateResult::from(TriggeredSendCreateResult {
                status_code: base.status_code,
                status_message: base.status_message,
                ordinal_id: base.ordinal_id,
                error_code: base.error_code,
                new_id: base.new_id,
                new_object_id: base.new_object_id,
                object: base.object,
                subscriber_failures,
                ..TriggeredSendCreateResult::default()
            })
        } else {
            AnyCreateResult::from(base)
        });
    }
    Ok(CreateResponse {
        results,
        request_id: Some(state.ids.guid()),
        overall_status: overall_status(failures, total),
        ..CreateResponse::default()
    })
}

/// The result fields of a successful create.
#[derive(Default)]
struct Created {
    message: String,
    new_id: i32,
    new_object_id: Option<String>,
    object: Option<AnyApiObject>,
    subscriber_failures: Vec<SubscriberResult>,
    triggered_send: bool,
}

fn create_one(
    config: &Config,
    state: &mut State,
    object: AnyApiObject,
) -> Result<Created, (Failure, bool)> {
    match object {
        AnyApiObject::TriggeredSendDefinition(definition) => {
            create_definition(config, state, *definition).map_err(|failure| (failure, false))
        }
        AnyApiObject::TriggeredSend(send) => {
            trigger_send(state, *send, config).map_err(|failure| (failure, true))
        }
        AnyApiObject::DataExtension(data_extension) => {
            create_data_extension(state, *data_extension).map_err(|failure| (failure, false))
        }
        AnyApiObject::DataExtensionObject(row) => {
            create_row(state, *row).map_err(|failure| (failure, false))
        }
        AnyApiObject::Subscriber(subscriber) => {
            match crate::rows::create_subscriber(state, &subscriber) {
                Ok(id) => Ok(Created {
                    message: "Created Subscriber.".to_owned(),
                    new_id: id,
                    object: Some(AnyApiObject::Subscriber(subscriber)),
                    ..Created::default()
                }),
                Err(failure) => Err((failure, false)),
            }
        }
        other => Err((
            Failure {
                code: 5,
                message: format!(
                    "Cannot perform Create on objects of type {}",
                    other.type_name()
                ),
                subscriber_failures: Vec::new(),
            },
            false,
        )),
    }
}

pub(crate) fn nillable_text(value: &Option<Nillable<String>>) -> Option<&str> {
    match value {
        Some(Nillable::Value(text)) if !text.trim().is_empty() => Some(text.trim()),
        _ => None,
    }
}

fn check_references(
    config: &Config,
    definition: &TriggeredSendDefinition,
) -> Result<(Option<i32>, Option<String>), Failure> {
    let mut email_id = None;
    if let Some(email) = &definition.email {
        let Some(id) = email.id else {
            return fail(17016, "Email not found: the Email reference has no ID.");
        };
        if !config.emails.contains(&id) {
            return fail(17016, format!("Email with ID {id} not found."));
        }
        email_id = Some(id);
    }
    let mut classification = None;
    if let Some(reference) = &definition.send_classification {
        let key = reference.customer_key.clone().unwrap_or_default();
        if !config.send_classifications.contains(&key) {
            return fail(
                17014,
                format!("Send Classification with CustomerKey '{key}' not found."),
            );
        }
        classification = Some(key);
    }
    Ok((email_id, classification))
}

fn create_definition(
    config: &Config,
    state: &mut State,
    definition: TriggeredSendDefinition,
) -> Result<Created, Failure> {
    let (email_id, send_classification_key) = check_references(config, &definition)?;
    let customer_key = match definition.customer_key.as_deref().map(str::trim) {
        Some(key) if !key.is_empty() => key.to_owned(),
        _ => state.ids.guid().to_uppercase(),
    };
    if state
        .definitions
        .iter()
        .any(|existing| existing.customer_key.eq_ignore_ascii_case(&customer_key))
    {
        return fail(
            1,
            format!("A TriggeredSendDefinition with CustomerKey '{customer_key}' already exists."),
        );
    }
    let status = match &definition.triggered_send_status {
        None | Some(TriggeredSendStatusEnum::New) => DefinitionStatus::New,
        Some(other) => {
            return fail(
                17100,
                format!(
                    "A new TriggeredSendDefinition must have the status New, not {}.",
                    other.as_str()
                ),
            );
        }
    };
    let now = clock::now_millis();
    let record = DefinitionRecord {
        object_id: state.ids.guid(),
        id: state.ids.int_id(10_000),
        customer_key,
        name: definition.name.clone(),
        description: definition.description.clone(),
        status,
        is_send_logging: definition.is_send_logging.unwrap_or(false),
        email_id,
        send_classification_key,
        job_id: state.ids.int_id(10_000_000),
        next_batch_id: 1,
        queue: Vec::new(),
        created: now,
        modified: now,
    };
    let mut echo = definition;
    echo.object_id = Some(Nillable::Value(record.object_id.clone()));
    echo.customer_key = Some(record.customer_key.clone());
    let created = Created {
        message: "TriggeredSendDefinition created".to_owned(),
        new_id: record.id,
        new_object_id: Some(record.object_id.clone()),
        object: Some(AnyApiObject::from(echo)),
        ..Created::default()
    };
    state.definitions.push(record);
    Ok(created)
}

fn find_definition(
    state: &State,
    customer_key: Option<&str>,
    object_id: Option<&str>,
) -> Option<usize> {
    state.definitions.iter().position(|definition| {
        customer_key.is_some_and(|key| definition.customer_key == key)
            || object_id.is_some_and(|id| definition.object_id.eq_ignore_ascii_case(id))
    })
}

/// Applies a status change, releasing the queue when the definition becomes Active.
fn change_status(
    state: &mut State,
    index: usize,
    requested: &TriggeredSendStatusEnum,
    config: &Config,
) -> Result<(), Failure> {
    let current = state.definitions[index].status;
    let target = match requested {
        TriggeredSendStatusEnum::New => DefinitionStatus::New,
        TriggeredSendStatusEnum::Active => DefinitionStatus::Active,
        TriggeredSendStatusEnum::Inactive => DefinitionStatus::Inactive,
        TriggeredSendStatusEnum::Canceled => DefinitionStatus::Canceled,
        TriggeredSendStatusEnum::Deleted => DefinitionStatus::Deleted,
        other => {
            return fail(
                17100,
                format!(
                    "The TriggeredSendStatus {} is not valid here.",
                    other.as_str()
                ),
            );
        }
    };
    if current == target {
        return Ok(());
    }
    let blocked = matches!(
        current,
        DefinitionStatus::Canceled | DefinitionStatus::Deleted
    ) || target == DefinitionStatus::New;
    if blocked {
        let (code, verb) = match target {
            DefinitionStatus::Active => (17000, "activated"),
            DefinitionStatus::Canceled => (17001, "canceled"),
            DefinitionStatus::Inactive => (17002, "deactivated"),
            DefinitionStatus::Deleted => (17004, "deleted"),
            DefinitionStatus::New => (17003, "updated"),
        };
        return fail(
            code,
            format!(
                "The TriggeredSendDefinition cannot be {verb}: its status is {}.",
                current.as_str()
            ),
        );
    }
    state.definitions[index].status = target;
    if target == DefinitionStatus::Active {
        let queued = std::mem::take(&mut state.definitions[index].queue);
        let now = clock::now_millis();
        for pending in queued {
            deliver(config, state, index, pending, now);
        }
    }
    Ok(())
}

fn update_definition(
    config: &Config,
    state: &mut State,
    definition: TriggeredSendDefinition,
) -> Result<AnyApiObject, Failure> {
    let key = definition.customer_key.as_deref().map(str::trim);
    let object_id = nillable_text(&definition.object_id);
    let Some(index) = find_definition(state, key, object_id) else {
        return fail(
            17010,
            format!(
                "No TriggeredSendDefinition has the CustomerKey '{}' or the ObjectID '{}'.",
                key.unwrap_or_default(),
                object_id.unwrap_or_default()
            ),
        );
    };
    let (email_id, classification) = check_references(config, &definition)?;
    let status = state.definitions[index].status;
    let terminal = matches!(
        status,
        DefinitionStatus::Canceled | DefinitionStatus::Deleted
    );
    if definition.refresh_content == Some(true) && terminal {
        return fail(
            17005,
            format!(
                "The TriggeredSendDefinition cannot be refreshed: its status is {}.",
                status.as_str()
            ),
        );
    }
    if let Some(requested) = &definition.triggered_send_status {
        change_status(state, index, requested, config)?;
    }
    let record = &mut state.definitions[index];
    if let Some(name) = &definition.name {
        record.name = Some(name.clone());
    }
    if let Some(description) = &definition.description {
        record.description = Some(description.clone());
    }
    if let Some(logging) = definition.is_send_logging {
        record.is_send_logging = logging;
    }
    if email_id.is_some() {
        record.email_id = email_id;
    }
    if classification.is_some() {
        record.send_classification_key = classification;
    }
    record.modified = clock::now_millis();
    Ok(AnyApiObject::from(definition))
}

fn trigger_send(
    state: &mut State,
    send: TriggeredSend,
    config: &Config,
) -> Result<Created, Failure> {
    let reference = &send.triggered_send_definition;
    let key = reference
        .customer_key
        .as_deref()
        .map(str::trim)
        .filter(|key| !key.is_empty());
    let object_id = nillable_text(&reference.object_id);
    if key.is_none() && object_id.is_none() {
        return fail(
            18002,
            "The Triggered Send Object must contain the Triggered Send ID or the Customer Key",
        );
    }
    let Some(index) = find_definition(state, key, object_id) else {
        return fail(18002, "Invalid Customer Key");
    };
    match state.definitions[index].status {
        DefinitionStatus::New => {
            return fail(
                18001,
                "The Triggered Send Definition is not completely configured or in a new status",
            );
        }
        DefinitionStatus::Canceled | DefinitionStatus::Deleted => {
            return fail(
                18002,
                "Triggered Send must be in an Active or Inactive status",
            );
        }
        DefinitionStatus::Active | DefinitionStatus::Inactive => {}
    }
    if send.subscribers.is_empty() {
        return fail(
            180007,
            "The Triggered Send Object must contain at least one subscriber",
        );
    }

    let batch_id = state.definitions[index].next_batch_id;
    state.definitions[index].next_batch_id += 1;
    let mut subscriber_failures = Vec::new();
    let mut pending = Vec::new();
    for (position, subscriber) in send.subscribers.iter().enumerate() {
        let email = subscriber
            .email_address
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        let problem = if email.is_empty() {
            Some(("4", "Missing Email"))
        } else if !is_plausible_email(email) {
            Some(("5", "Invalid Email"))
        } else {
            None
        };
        if let Some((code, description)) = problem {
            subscriber_failures.push(SubscriberResult {
                subscriber: subscriber.clone(),
                error_code: code.to_owned(),
                error_description: Some(description.to_owned()),
                ordinal: ordinal(position),
                ..SubscriberResult::default()
            });
            continue;
        }
        let mut attributes: Vec<(String, String)> = subscriber
            .attributes
            .iter()
            .map(|attribute| (attribute.name.trim().to_owned(), attribute.value.clone()))
            .collect();
        attributes.extend(
            send.attributes
                .iter()
                .map(|attribute| (attribute.name.trim().to_owned(), attribute.value.clone())),
        );
        pending.push(PendingSend {
            email_address: email.to_owned(),
            subscriber_key: subscriber
                .subscriber_key
                .clone()
                .unwrap_or_else(|| email.to_owned()),
            attributes,
            batch_id,
        });
    }
    if pending.is_empty() {
        // The service's message for this code directs the client to SubscriberFailures,
        // so the failed result lists why each subscriber failed.
        return Err(Failure {
            code: 180008,
            message: "Unable to queue Triggered Send request. There are no valid subscribers."
                .to_owned(),
            subscriber_failures,
        });
    }
    if state.definitions[index].status == DefinitionStatus::Active {
        let now = clock::now_millis();
        for one in pending {
            deliver(config, state, index, one, now);
        }
    } else {
        state.definitions[index].queue.extend(pending);
    }
    Ok(Created {
        message: "Created TriggeredSend".to_owned(),
        new_id: 0,
        subscriber_failures,
        triggered_send: true,
        ..Created::default()
    })
}

pub(crate) fn is_plausible_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !domain.contains('@'),
        None => false,
    }
}

/// Sends one message of definition `index` at `now`: updates the subscriber, and writes the
/// send log rows and the SentEvent, retrievable after the send log delay, and the tracking
/// events of the address's scenario.
fn deliver(config: &Config, state: &mut State, index: usize, pending: PendingSend, now: i64) {
    let delay_ms = crate::tracking::millis(config.send_log_delay);
    let defined: Vec<String> = state
        .profile_attributes
        .iter()
        .map(|attribute| attribute.name.to_ascii_lowercase())
        .collect();
    // Attributes that are not profile attributes are dropped without an error, as the
    // service drops them.
    let attributes: Vec<(String, String)> = pending
        .attributes
        .into_iter()
        .filter(|(name, _)| defined.contains(&name.to_ascii_lowercase()))
        .collect();

    let subscriber_id = upsert_subscriber(
        state,
        &pending.subscriber_key,
        &pending.email_address,
        &attributes,
        now,
    );
    let definition = &state.definitions[index];
    let job_id = definition.job_id;
    let definition_object_id = definition.object_id.clone();
    let send_logging = definition.is_send_logging;
    let list_id = state.all_subscribers_list_id;
    let visible_at = now.saturating_add(delay_ms);

    if send_logging {
        for data_extension in &mut state.data_extensions {
            let Some(template) = &data_extension.template_object_id else {
                continue;
            };
            let subscriber_column = if template == TRIGGERED_SEND_TEMPLATE_OBJECT_ID {
                "SubscriberID"
            } else if template == SEND_LOG_TEMPLATE_OBJECT_ID {
                "SubID"
            } else {
                continue;
            };
            let mut values = std::collections::BTreeMap::new();
            values.insert("JobID".to_owned(), job_id.to_string());
            values.insert("ListID".to_owned(), list_id.to_string());
            values.insert("BatchID".to_owned(), pending.batch_id.to_string());
            values.insert(subscriber_column.to_owned(), subscriber_id.to_string());
            values.insert("TriggeredSendID".to_owned(), definition_object_id.clone());
            for column in &data_extension.columns {
                if let Some((_, value)) = attributes
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&column.name))
                {
                    values.insert(column.name.clone(), value.clone());
                }
            }
            data_extension.rows.push(Row { values, visible_at });
        }
    }

    let mut values = std::collections::BTreeMap::new();
    values.insert("SendID".to_owned(), job_id.to_string());
    values.insert("SubscriberKey".to_owned(), pending.subscriber_key.clone());
    values.insert("EventDate".to_owned(), clock::service_date(now));
    values.insert("EventType".to_owned(), "Sent".to_owned());
    values.insert(
        "TriggeredSendDefinitionObjectID".to_owned(),
        definition_object_id,
    );
    values.insert("BatchID".to_owned(), pending.batch_id.to_string());
    values.insert("SubscriberID".to_owned(), subscriber_id.to_string());
    values.insert("ListID".to_owned(), list_id.to_string());
    state.events.push(EventRecord {
        kind: "SentEvent".to_owned(),
        values: values.clone(),
        visible_at,
    });
    crate::tracking::record_events(config, state, &pending.email_address, &values, now);
    tracing::debug!(
        job_id,
        batch_id = pending.batch_id,
        subscriber_id,
        "triggered send delivered"
    );
}

/// Adds the subscriber with `subscriber_key`, or updates the address and attributes of the
/// existing one, and returns its SubscriberID.
pub(crate) fn upsert_subscriber(
    state: &mut State,
    subscriber_key: &str,
    email_address: &str,
    attributes: &[(String, String)],
    now: i64,
) -> i32 {
    if let Some(position) = state.subscriber_position(subscriber_key) {
        let existing = &mut state.subscribers[position];
        let mut changed = existing.email_address != email_address;
        existing.email_address = email_address.to_owned();
        for (name, value) in attributes {
            let previous = existing.attributes.insert(name.clone(), value.clone());
            changed |= previous.as_ref() != Some(value);
        }
        if changed {
            existing.modified = now;
        }
        return existing.id;
    }
    // SubscriberIDs identify a subscriber on the service, so a drawn ID already in use is
    // drawn again.
    let mut id = state.ids.int_id(100_000_000);
    while state.subscriber_id_in_use(id) {
        id = state.ids.int_id(100_000_000);
    }
    state.add_subscriber(SubscriberRecord {
        id,
        subscriber_key: subscriber_key.to_owned(),
        email_address: email_address.to_owned(),
        attributes: attributes.iter().cloned().collect(),
        created: now,
        modified: now,
    });
    id
}

/// Returns the columns a template gives a new data extension.
fn template_columns(template_object_id: &str) -> Option<&'static [&'static str]> {
    if template_object_id.eq_ignore_ascii_case(TRIGGERED_SEND_TEMPLATE_OBJECT_ID) {
        Some(&[
            "JobID",
            "ListID",
            "BatchID",
            "SubscriberID",
            "TriggeredSendID",
            "ErrorCode",
        ])
    } else if template_object_id.eq_ignore_ascii_case(SEND_LOG_TEMPLATE_OBJECT_ID) {
        Some(&[
            "JobID",
            "ListID",
            "BatchID",
            "SubID",
            "TriggeredSendID",
            "ErrorCode",
        ])
    } else {
        None
    }
}

fn new_column(
    state: &mut State,
    field: &sfmc_partner_api::DataExtensionField,
) -> Result<Column, Failure> {
    let Some(name) = field
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
    else {
        return fail(310006, "Every field needs a Name.");
    };
    Ok(Column {
        object_id: state.ids.guid(),
        name: name.to_owned(),
        // NOTE: the service's default type for a field sent without FieldType is not
        // published; the emulator uses Text.
        field_type: field
            .field_type
            .as_ref()
            .map_or_else(|| "Text".to_owned(), |kind| kind.as_str().to_owned()),
        max_length: field.max_length,
        is_required: field.is_required.unwrap_or(false),
        is_primary_key: field.is_primary_key.unwrap_or(false),
        default_value: field.default_value.clone(),
        modified: clock::now_millis(),
    })
}

fn create_data_extension(
    state: &mut State,
    data_extension: DataExtension,
) -> Result<Created, Failure> {
    let Some(name) = data_extension
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
    else {
        return fail(310001, "The data extension needs a Name.");
    };
    let customer_key = match data_extension.customer_key.as_deref().map(str::trim) {
        Some(key) if !key.is_empty() => key.to_owned(),
        _ => state.ids.guid().to_uppercase(),
    };
    let taken = state.data_extensions.iter().any(|existing| {
        existing.name.eq_ignore_ascii_case(name)
            || existing.customer_key.eq_ignore_ascii_case(&customer_key)
    });
    if taken {
        // NOTE: the service's wording for a duplicate data extension is not published.
        return fail(
            310007,
            format!(
                "A data extension named '{name}' or with the CustomerKey '{customer_key}' already exists."
            ),
        );
    }
    let mut columns = Vec::new();
    let template_object_id = match data_extension
        .template
        .as_ref()
        .map(|template| nillable_text(&template.object_id))
    {
        Some(Some(id)) => {
            let Some(names) = template_columns(id) else {
                return fail(
                    310006,
                    format!("No data extension template has the ObjectID '{id}'."),
                );
            };
            for column_name in names {
                let object_id = state.ids.guid();
                columns.push(Column {
                    object_id,
                    name: (*column_name).to_owned(),
                    field_type: "Text".to_owned(),
                    max_length: Some(100),
                    is_required: false,
                    is_primary_key: false,
                    default_value: None,
                    modified: clock::now_millis(),
                });
            }
            Some(id.to_ascii_lowercase())
        }
        _ => None,
    };
    for field in data_extension
        .fields
        .iter()
        .flat_map(|fields| &fields.field)
    {
        let column = new_column(state, field)?;
        if columns
            .iter()
            .any(|existing| existing.name.eq_ignore_ascii_case(&column.name))
        {
            return fail(
                310007,
                format!("The field name '{}' is used twice.", column.name),
            );
        }
        columns.push(column);
    }
    let object_id = state.ids.guid();
    let now = clock::now_millis();
    state.data_extensions.push(DataExtensionRecord {
        object_id: object_id.clone(),
        customer_key: customer_key.clone(),
        name: name.to_owned(),
        description: data_extension.description.clone(),
        template_object_id,
        created: now,
        modified: now,
        columns,
        rows: Vec::new(),
    });
    let mut echo = data_extension;
    echo.object_id = Some(Nillable::Value(object_id.clone()));
    echo.customer_key = Some(customer_key);
    Ok(Created {
        message: "Data Extension created.".to_owned(),
        new_object_id: Some(object_id),
        object: Some(AnyApiObject::from(echo)),
        ..Created::default()
    })
}

pub(crate) fn find_data_extension(
    state: &State,
    customer_key: Option<&str>,
    name: Option<&str>,
) -> Option<usize> {
    state.data_extensions.iter().position(|existing| {
        customer_key.is_some_and(|key| existing.customer_key.eq_ignore_ascii_case(key.trim()))
            || name.is_some_and(|name| existing.name.eq_ignore_ascii_case(name.trim()))
    })
}

fn update_data_extension(
    state: &mut State,
    data_extension: DataExtension,
) -> Result<AnyApiObject, Failure> {
    let Some(index) = find_data_extension(state, data_extension.customer_key.as_deref(), None)
    else {
        return fail(
            310002,
            format!(
                "No data extension has the CustomerKey '{}'.",
                data_extension.customer_key.as_deref().unwrap_or_default()
            ),
        );
    };
    let mut added = Vec::new();
    for field in data_extension
        .fields
        .iter()
        .flat_map(|fields| &fields.field)
    {
        match nillable_text(&field.object_id) {
            Some(field_object_id) => {
                let record = &mut state.data_extensions[index];
                let Some(column) = record
                    .columns
                    .iter_mut()
                    .find(|column| column.object_id.eq_ignore_ascii_case(field_object_id))
                else {
                    return fail(
                        310007,
                        format!("No field has the ObjectID '{field_object_id}'."),
                    );
                };
                if let Some(name) = &field.name {
                    column.name = name.trim().to_owned();
                }
                if field.max_length.is_some() {
                    column.max_length = field.max_length;
                }
                if let Some(required) = field.is_required {
                    column.is_required = required;
                }
                column.modified = clock::now_millis();
            }
            None => {
                let column = new_column(state, field)?;
                let record = &state.data_extensions[index];
                let exists = record
                    .columns
                    .iter()
                    .chain(&added)
                    .any(|existing: &Column| existing.name.eq_ignore_ascii_case(&column.name));
                if exists {
                    // A field without ObjectID is a new field, so naming an existing one
                    // requests a duplicate, which the service rejects.
                    // NOTE: the service's exact wording is not published.
                    return fail(
                        310007,
                        format!(
                            "Unable to add the field '{}': the data extension already has a field with that name. Send the field's ObjectID to change it.",
                            column.name
                        ),
                    );
                }
                added.push(column);
            }
        }
    }
    let record = &mut state.data_extensions[index];
    record.columns.extend(added);
    if let Some(description) = &data_extension.description {
        record.description = Some(description.clone());
    }
    record.modified = clock::now_millis();
    Ok(AnyApiObject::from(data_extension))
}

fn create_row(state: &mut State, row: DataExtensionObject) -> Result<Created, Failure> {
    let Some(index) = find_data_extension(state, row.customer_key.as_deref(), row.name.as_deref())
    else {
        return fail(310002, "No data extension has that Name or CustomerKey.");
    };
    let mut values = std::collections::BTreeMap::new();
    let record = &state.data_extensions[index];
    for property in row
        .properties
        .iter()
        .flat_map(|properties| &properties.property)
    {
        let AnyApiProperty::ApiProperty(property) = property else {
            return fail(
                310006,
                "Every property must be an APIProperty with Name and Value.",
            );
        };
        let Some(column) = record
            .columns
            .iter()
            .find(|column| column.name.eq_ignore_ascii_case(property.name.trim()))
        else {
            return fail(
                310006,
                format!("The data extension has no field named '{}'.", property.name),
            );
        };
        values.insert(column.name.clone(), property.value.clone());
    }
    for column in &record.columns {
        if column.is_required && !values.contains_key(&column.name) {
            return fail(310006, format!("The field '{}' is required.", column.name));
        }
    }
    state.data_extensions[index].rows.push(Row {
        values,
        visible_at: clock::now_millis(),
    });
    Ok(Created {
        message: "Created DataExtensionObject".to_owned(),
        object: Some(AnyApiObject::from(row)),
        ..Created::default()
    })
}

/// Serves Update for TriggeredSendDefinition, DataExtension and DataExtensionObject.
pub(crate) fn update(
    config: &Config,
    state: &mut State,
    request: UpdateRequest,
) -> Result<UpdateResponse, Fault> {
    for object in &request.objects {
        check_object_type(object, "Objects")?;
    }
    let total = request.objects.len();
    let mut failures = 0;
    let mut results = Vec::with_capacity(total);
    for (index, object) in request.objects.into_iter().enumerate() {
        let echo = object.clone();
        let (success, result) = match object {
            AnyApiObject::TriggeredSendDefinition(definition) => (
                "TriggeredSendDefinition updated",
                update_definition(config, state, *definition),
            ),
            AnyApiObject::DataExtension(data_extension) => (
                "Data Extension updated.",
                update_data_extension(state, *data_extension),
            ),
            // NOTE: the service's success message for a row update is not published.
            AnyApiObject::DataExtensionObject(row) => (
                "Updated DataExtensionObject",
                crate::rows::update_row(state, *row),
            ),
            other => (
                "",
                fail(
                    5,
                    format!(
                        "Cannot perform Update on objects of type {}",
                        other.type_name()
                    ),
                ),
            ),
        };
        let mut base = UpdateResult {
            ordinal_id: ordinal(index),
            object: echo,
            ..UpdateResult::default()
        };
        match result {
            Ok(object) => {
                base.status_code = "OK".to_owned();
                base.status_message = success.to_owned();
                base.object = object;
            }
            Err(failure) => {
                failures += 1;
                base.status_code = "Error".to_owned();
                base.status_message = failure.message;
                base.error_code = Some(failure.code);
            }
        }
        results.push(AnyUpdateResult::from(base));
    }
    Ok(UpdateResponse {
        results,
        request_id: Some(state.ids.guid()),
        overall_status: overall_status(failures, total),
        ..UpdateResponse::default()
    })
}

/// Serves Configure of PropertyDefinition (profile attributes) with the actions Create,
/// Update and Delete.
pub(crate) fn configure(
    state: &mut State,
    request: ConfigureRequestMsg,
) -> Result<ConfigureResponseMsg, Fault> {
    let configurations = request
        .configurations
        .map(|list| list.configuration)
        .unwrap_or_default();
    for object in &configurations {
        check_object_type(object, "Configuration")?;
    }
    let action = request
        .action
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    let total = configurations.len();
    let mut failures = 0;
    let mut results = Vec::with_capacity(total);
    for (index, object) in configurations.into_iter().enumerate() {
        let echo = object.clone();
        let outcome = match object {
            AnyApiObject::PropertyDefinition(definition) => {
                configure_attribute(state, &action, *definition)
            }
            other => fail(
                5,
                format!(
                    "Cannot perform Configure on objects of type {}",
                    other.type_name()
                ),
            ),
        };
        let mut result = ConfigureResult {
            ordinal_id: ordinal(index),
            object: echo,
            ..ConfigureResult::default()
        };
        match outcome {
            Ok(message) => {
                result.status_code = "OK".to_owned();
                result.status_message = message;
            }
            Err(failure) => {
                failures += 1;
                result.status_code = "Error".to_owned();
                result.status_message = failure.message;
                result.error_code = Some(failure.code);
            }
        }
        results.push(result);
    }
    Ok(ConfigureResponseMsg {
        results: Some(ConfigureResponseMsgResults {
            result: results,
            ..ConfigureResponseMsgResults::default()
        }),
        overall_status: overall_status(failures, total),
        overall_status_message: String::new(),
        request_id: Some(state.ids.guid()),
        ..ConfigureResponseMsg::default()
    })
}

fn configure_attribute(
    state: &mut State,
    action: &str,
    definition: PropertyDefinition,
) -> Result<String, Failure> {
    let Some(name) = definition
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
    else {
        return fail(6, "The PropertyDefinition needs a Name.");
    };
    let property_type = definition
        .property_type
        .as_ref()
        .map_or_else(|| "string".to_owned(), |kind| kind.as_str().to_owned());
    let existing = state
        .profile_attributes
        .iter()
        .position(|attribute| attribute.name.eq_ignore_ascii_case(name));
    match (action, existing) {
        ("Create", Some(_)) => {
            // NOTE: the service's wording for a duplicate attribute is not published.
            fail(
                1,
                format!("A profile attribute named '{name}' already exists."),
            )
        }
        ("Create", None) => {
            let object_id = state.ids.guid();
            let id = state.draw_attribute_id();
            state.profile_attributes.push(ProfileAttribute {
                id,
                object_id,
                name: name.to_owned(),
                property_type,
            });
            Ok("Success".to_owned())
        }
        ("Update", Some(index)) => {
            state.profile_attributes[index].property_type = property_type;
            Ok("Success".to_owned())
        }
        ("Delete", Some(index)) => {
            state.profile_attributes.remove(index);
            Ok("Success".to_owned())
        }
        ("Update" | "Delete", None) => fail(3, format!("No profile attribute is named '{name}'.")),
        _ => fail(
            3,
            format!("The Action must be Create, Update or Delete, not '{action}'."),
        ),
    }
}
