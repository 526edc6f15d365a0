//! `setup`: the profile attribute, the send log with its UniqueID column, and an active
//! triggered send definition with send logging on. Each object is retrieved first, so a
//! second run changes nothing.

use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::{
    AnyApiObject, AnyPropertyDefinition, ArrayOfObjectDefinitionRequest, ConfigureRequestMsg,
    ConfigureRequestMsgConfigurations, CreateRequest, DataExtension, DataExtensionField,
    DataExtensionFieldType, DataExtensionFields, DataExtensionTemplate, DefinitionRequestMsg,
    Email, ObjectDefinitionRequest, PartnerApi as _, PropertyDefinition, PropertyType,
    SendClassification, TriggeredSendDefinition, TriggeredSendStatusEnum, UpdateRequest, filter,
};
use sfmc_runtime::client::{Client, Error as ClientError};
use sfmc_runtime::xml::Nillable;

use crate::error::Failure;
use crate::{Objects, retrieve};

/// The service's ErrorCode for a name that already exists.
const NAME_EXISTS: i32 = 1;

/// The change setup made to one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The object was there as required.
    Found,
    /// The object was created.
    Created,
    /// The object was changed as the text describes.
    Changed(String),
}

/// The result of a setup run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// One line per object, as printed.
    pub lines: Vec<String>,
    /// True when any object was created or changed.
    pub changed: bool,
    /// The send log's subscriber column, `SubscriberID` or `SubID`.
    pub subscriber_column: String,
}

/// Runs setup and calls `print` with each line as its step finishes. With `publish`, the
/// definition's content is refreshed: pause, refresh, start.
///
/// # Errors
/// The failure of the first step that fails, naming the object.
pub async fn run(
    client: &Client,
    objects: &Objects,
    publish: bool,
    print: &mut dyn FnMut(&str),
) -> Result<Report, Failure> {
    let mut lines = Vec::new();
    let mut changed = false;
    let mut note = |line: String, outcome: &Outcome| {
        changed |= *outcome != Outcome::Found;
        print(&line);
        lines.push(line);
    };

    let outcome = ensure_attribute(client, objects).await?;
    note(
        format!(
            "profile attribute {}: {}",
            objects.attribute,
            describe(&outcome)
        ),
        &outcome,
    );

    let (outcome, subscriber_column) = ensure_send_log(client, objects).await?;
    note(
        format!(
            "send log {} (key {}): {}, subscriber column {subscriber_column}",
            objects.send_log_name,
            objects.send_log_key,
            describe(&outcome)
        ),
        &outcome,
    );

    let outcome = ensure_definition(client, objects).await?;
    note(
        format!(
            "triggered send definition {}: {}",
            objects.definition_key,
            describe(&outcome)
        ),
        &outcome,
    );

    let outcome = ensure_active(client, objects, publish).await?;
    note(
        format!(
            "triggered send definition {} status: {}",
            objects.definition_key,
            describe(&outcome)
        ),
        &outcome,
    );

    let summary = if changed {
        "setup complete"
    } else {
        "setup complete: nothing changed"
    };
    print(summary);
    lines.push(summary.to_owned());
    Ok(Report {
        lines,
        changed,
        subscriber_column,
    })
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Found => "found".to_owned(),
        Outcome::Created => "created".to_owned(),
        Outcome::Changed(how) => format!("changed ({how})"),
    }
}

/// Makes sure the profile attribute exists: Describe of Subscriber lists the account's
/// profile attributes, and an attribute it does not list is created. A Create that fails
/// because the name exists counts as found too, since Describe may lag behind a Create.
async fn ensure_attribute(client: &Client, objects: &Objects) -> Result<Outcome, Failure> {
    match profile_attributes(client).await {
        Ok(names)
            if names
                .iter()
                .any(|name| name.eq_ignore_ascii_case(&objects.attribute)) =>
        {
            return Ok(Outcome::Found);
        }
        // Describe is only a shortcut here. When it fails, or does not list the attribute,
        // the Create below settles it, and reports its own error if it fails too.
        Ok(_) | Err(_) => {}
    }
    let definition = PropertyDefinition {
        name: Some(objects.attribute.clone()),
        property_type: Some(PropertyType::String),
        ..Default::default()
    };
    let request = ConfigureRequestMsg {
        action: Some("Create".to_owned()),
        configurations: Some(ConfigureRequestMsgConfigurations {
            configuration: vec![AnyApiObject::from(definition)],
            ..Default::default()
        }),
        ..Default::default()
    };
    match client.configure_checked(&request).await {
        Ok(_) => Ok(Outcome::Created),
        Err(error) if error.error_code() == Some(i64::from(NAME_EXISTS)) => Ok(Outcome::Found),
        Err(error) => Err(Failure::service(
            "setup: profile attribute",
            format!("cannot create the profile attribute {}", objects.attribute),
            error,
        )
        .hint("the API user needs permission to manage profile attributes")),
    }
}

/// Returns the names of the account's profile attributes, from the extended properties
/// of Describe of Subscriber.
async fn profile_attributes(client: &Client) -> Result<Vec<String>, ClientError> {
    let request = DefinitionRequestMsg {
        describe_requests: Some(ArrayOfObjectDefinitionRequest {
            object_definition_request: vec![Nillable::Value(ObjectDefinitionRequest {
                object_type: Some("Subscriber".to_owned()),
                ..Default::default()
            })],
            ..Default::default()
        }),
        ..Default::default()
    };
    let response = client.describe(&request).await?;
    let names = response
        .object_definition
        .iter()
        .filter_map(|definition| definition.extended_properties.as_ref())
        .flat_map(|extended| &extended.extended_property)
        .filter_map(|property| match property {
            AnyPropertyDefinition::PropertyDefinition(property) => property.name.clone(),
            _ => None,
        })
        .collect();
    Ok(names)
}

/// Makes sure the send log exists with the UniqueID column, and returns its subscriber
/// column.
async fn ensure_send_log(client: &Client, objects: &Objects) -> Result<(Outcome, String), Failure> {
    let step = "setup: send log";
    let found = retrieve::all(
        client,
        "DataExtension",
        &["ObjectID", "CustomerKey", "Name"],
        Some(filter::equals("CustomerKey", &objects.send_log_key)),
    )
    .await
    .map_err(|error| Failure::service(step, "cannot retrieve the send log", error))?;
    if found.is_empty() {
        create_send_log(client, objects).await?;
        let columns = send_log_columns(client, objects).await?;
        let column = subscriber_column(&columns).unwrap_or_default();
        return Ok((Outcome::Created, column));
    }

    let columns = send_log_columns(client, objects).await?;
    let Some(column) = subscriber_column(&columns) else {
        return Err(Failure::rejected(
            step,
            format!(
                "the send log {} has neither a SubscriberID nor a SubID column",
                objects.send_log_key
            ),
        )
        .hint("point --send-log-key at a data extension made from a send log template"));
    };
    let has_attribute = columns
        .iter()
        .any(|name| name.eq_ignore_ascii_case(&objects.attribute));
    if has_attribute {
        return Ok((Outcome::Found, column));
    }

    let field = DataExtensionField {
        name: Some(objects.attribute.clone()),
        field_type: Some(DataExtensionFieldType::Text),
        max_length: Some(200),
        is_required: Some(false),
        ..Default::default()
    };
    let update = UpdateRequest {
        objects: vec![AnyApiObject::from(DataExtension {
            customer_key: Some(objects.send_log_key.clone()),
            fields: Some(DataExtensionFields {
                field: vec![field],
                ..Default::default()
            }),
            ..Default::default()
        })],
        ..Default::default()
    };
    client.update_checked(&update).await.map_err(|error| {
        Failure::service(
            step,
            format!(
                "cannot add the column {} to the send log",
                objects.attribute
            ),
            error,
        )
    })?;
    let how = format!("added column {}", objects.attribute);
    Ok((Outcome::Changed(how), column))
}

/// Returns the column names of the send log.
async fn send_log_columns(client: &Client, objects: &Objects) -> Result<Vec<String>, Failure> {
    let fields = retrieve::all(
        client,
        "DataExtensionField",
        &["Name", "ObjectID"],
        Some(filter::equals(
            "DataExtension.CustomerKey",
            &objects.send_log_key,
        )),
    )
    .await
    .map_err(|error| {
        Failure::service(
            "setup: send log",
            "cannot retrieve the send log's columns",
            error,
        )
    })?;
    Ok(fields
        .iter()
        .filter_map(|field| match field {
            AnyApiObject::DataExtensionField(field) => field.name.clone(),
            _ => None,
        })
        .collect())
}

/// Returns `SubscriberID` or `SubID`, whichever of them `columns` has.
pub fn subscriber_column(columns: &[String]) -> Option<String> {
    ["SubscriberID", "SubID"]
        .into_iter()
        .find(|wanted| columns.iter().any(|name| name.eq_ignore_ascii_case(wanted)))
        .map(str::to_owned)
}

/// Creates the send log from the template found by Name, with the UniqueID column.
async fn create_send_log(client: &Client, objects: &Objects) -> Result<(), Failure> {
    let step = "setup: send log";
    let templates = retrieve::all(
        client,
        "DataExtensionTemplate",
        &["ObjectID", "CustomerKey", "Name"],
        Some(filter::equals("Name", &objects.send_log_template)),
    )
    .await
    .map_err(|error| {
        Failure::service(step, "cannot retrieve the data extension templates", error)
    })?;
    let template_id = templates.iter().find_map(|template| match template {
        AnyApiObject::DataExtensionTemplate(template) => match &template.object_id {
            Some(Nillable::Value(id)) => Some(id.clone()),
            _ => None,
        },
        _ => None,
    });
    let Some(template_id) = template_id else {
        return Err(Failure::rejected(
            step,
            format!(
                "no data extension template is named {}",
                objects.send_log_template
            ),
        )
        .hint("set --send-log-template to TriggeredSendDataExtension or SendLog"));
    };
    let data_extension = DataExtension {
        name: Some(objects.send_log_name.clone()),
        customer_key: Some(objects.send_log_key.clone()),
        template: Some(Box::new(DataExtensionTemplate {
            object_id: Some(Nillable::Value(template_id)),
            ..Default::default()
        })),
        fields: Some(DataExtensionFields {
            field: vec![DataExtensionField {
                name: Some(objects.attribute.clone()),
                field_type: Some(DataExtensionFieldType::Text),
                max_length: Some(200),
                is_required: Some(false),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let request = CreateRequest {
        objects: vec![AnyApiObject::from(data_extension)],
        ..Default::default()
    };
    client
        .create_checked(&request)
        .await
        .map_err(|error| Failure::service(step, "cannot create the send log", error))?;
    Ok(())
}

/// The definition's fields that setup compares and sets.
#[derive(Debug, PartialEq, Eq)]
struct DefinitionState {
    name: Option<String>,
    status: Option<TriggeredSendStatusEnum>,
    is_send_logging: Option<bool>,
    email_id: Option<i32>,
    send_classification_key: Option<String>,
}

async fn retrieve_definition(
    client: &Client,
    objects: &Objects,
    step: &str,
) -> Result<Option<DefinitionState>, Failure> {
    let found = retrieve::all(
        client,
        "TriggeredSendDefinition",
        &[
            "CustomerKey",
            "Name",
            "TriggeredSendStatus",
            "IsSendLogging",
            "Email.ID",
            "SendClassification.CustomerKey",
        ],
        Some(filter::equals("CustomerKey", &objects.definition_key)),
    )
    .await
    .map_err(|error| {
        Failure::service(
            step.to_owned(),
            "cannot retrieve the triggered send definition",
            error,
        )
    })?;
    Ok(found.into_iter().find_map(|object| match object {
        AnyApiObject::TriggeredSendDefinition(definition) => Some(DefinitionState {
            name: definition.name,
            status: definition.triggered_send_status,
            is_send_logging: definition.is_send_logging,
            email_id: definition.email.and_then(|email| email.id),
            send_classification_key: definition
                .send_classification
                .and_then(|classification| classification.customer_key),
        }),
        _ => None,
    }))
}

/// Creates the definition, or updates the fields that differ from the settings.
async fn ensure_definition(client: &Client, objects: &Objects) -> Result<Outcome, Failure> {
    let step = "setup: triggered send definition";
    let existing = retrieve_definition(client, objects, step).await?;
    let mut wanted = TriggeredSendDefinition {
        customer_key: Some(objects.definition_key.clone()),
        ..Default::default()
    };
    let mut changes = Vec::new();
    let current = existing.as_ref();
    if current.and_then(|state| state.name.as_deref()) != Some(objects.definition_name.as_str()) {
        wanted.name = Some(objects.definition_name.clone());
        changes.push("Name");
    }
    if current.and_then(|state| state.is_send_logging) != Some(true) {
        wanted.is_send_logging = Some(true);
        changes.push("IsSendLogging");
    }
    if let Some(email_id) = objects.email_id {
        if current.and_then(|state| state.email_id) != Some(email_id) {
            wanted.email = Some(Box::new(Email {
                id: Some(email_id),
                ..Default::default()
            }));
            changes.push("Email.ID");
        }
    }
    let classification = current.and_then(|state| state.send_classification_key.as_deref());
    if classification != Some(objects.send_classification_key.as_str()) {
        wanted.send_classification = Some(Box::new(SendClassification {
            customer_key: Some(objects.send_classification_key.clone()),
            ..Default::default()
        }));
        changes.push("SendClassification.CustomerKey");
    }
    if changes.is_empty() {
        return Ok(Outcome::Found);
    }
    let missing_email = |message: &str| {
        Failure::usage(step, message.to_owned())
            .hint("set --email-id, or email_id in the config file, to the ID of the email to send")
    };

    if existing.is_none() {
        if objects.email_id.is_none() {
            return Err(missing_email(
                "the triggered send definition does not exist and no email ID is configured",
            ));
        }
        let request = CreateRequest {
            objects: vec![AnyApiObject::from(wanted)],
            ..Default::default()
        };
        client.create_checked(&request).await.map_err(|error| {
            Failure::service(step, "cannot create the triggered send definition", error)
                .hint("check that the email ID and the send classification key exist")
        })?;
        return Ok(Outcome::Created);
    }

    let request = UpdateRequest {
        objects: vec![AnyApiObject::from(wanted)],
        ..Default::default()
    };
    client.update_checked(&request).await.map_err(|error| {
        Failure::service(step, "cannot update the triggered send definition", error)
            .hint("check that the email ID and the send classification key exist")
    })?;
    Ok(Outcome::Changed(format!("set {}", changes.join(", "))))
}

async fn set_status(
    client: &Client,
    objects: &Objects,
    status: Option<TriggeredSendStatusEnum>,
    refresh: bool,
    step: &str,
) -> Result<(), Failure> {
    let definition = TriggeredSendDefinition {
        customer_key: Some(objects.definition_key.clone()),
        triggered_send_status: status.clone(),
        refresh_content: refresh.then_some(true),
        ..Default::default()
    };
    let request = UpdateRequest {
        objects: vec![AnyApiObject::from(definition)],
        ..Default::default()
    };
    let action = match (&status, refresh) {
        (_, true) => "refresh the content of".to_owned(),
        (Some(status), false) => format!("set the status {} on", status.as_str()),
        (None, false) => "update".to_owned(),
    };
    client
        .update_checked(&request)
        .await
        .map(|_| ())
        .map_err(|error| {
            Failure::service(
                step.to_owned(),
                format!("cannot {action} the triggered send definition"),
                error,
            )
        })
}

/// Starts the definition unless it is Active, and confirms the status by retrieving it.
async fn ensure_active(
    client: &Client,
    objects: &Objects,
    publish: bool,
) -> Result<Outcome, Failure> {
    let step = "setup: start the triggered send definition";
    let before = retrieve_definition(client, objects, step)
        .await?
        .and_then(|state| state.status);
    let active = before == Some(TriggeredSendStatusEnum::Active);
    if active && !publish {
        return Ok(Outcome::Found);
    }
    let mut how = Vec::new();
    if publish {
        if active {
            set_status(
                client,
                objects,
                Some(TriggeredSendStatusEnum::Inactive),
                false,
                step,
            )
            .await?;
            how.push("paused");
        }
        set_status(client, objects, None, true, step).await?;
        how.push("refreshed the content");
    }
    set_status(
        client,
        objects,
        Some(TriggeredSendStatusEnum::Active),
        false,
        step,
    )
    .await?;
    how.push("started");

    let after = retrieve_definition(client, objects, step)
        .await?
        .and_then(|state| state.status);
    if after != Some(TriggeredSendStatusEnum::Active) {
        let status = after.map_or("none".to_owned(), |status| status.as_str().to_owned());
        return Err(Failure::rejected(
            step,
            format!(
                "the triggered send definition {} is not active after the Update: its status is {status}",
                objects.definition_key
            ),
        )
        .hint("check the definition in Email Studio; the API user needs the Start permission"));
    }
    Ok(Outcome::Changed(format!(
        "{}, status Active confirmed",
        how.join(", ")
    )))
}
