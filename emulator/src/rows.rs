//! Delete of data extensions, Update and Delete of their rows, and Create of subscribers.

use std::collections::BTreeMap;

use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, AnyDeleteResult, DataExtension, DataExtensionObject,
    DeleteRequest, DeleteResponse, DeleteResult, Subscriber,
};

use crate::clock;
use crate::envelope::Fault;
use crate::objects::{
    Failure, check_object_type, fail, find_data_extension, is_plausible_email, nillable_text,
    ordinal, overall_status, upsert_subscriber,
};
use crate::state::{DataExtensionRecord, State};

/// Name/Value pairs of a row's properties or keys.
type Pairs = Vec<(String, String)>;

/// Returns the Name/Value pairs of a row's `Properties` and `Keys`, keys last.
fn row_pairs(row: &DataExtensionObject) -> Result<(Pairs, Pairs), Failure> {
    let pair = |property: &AnyApiProperty| match property {
        AnyApiProperty::ApiProperty(property) => {
            Ok((property.name.trim().to_owned(), property.value.clone()))
        }
        _ => fail(
            310006,
            "Every property must be an APIProperty with Name and Value.",
        ),
    };
    let properties = row
        .properties
        .iter()
        .flat_map(|properties| &properties.property)
        .map(pair)
        .collect::<Result<Vec<_>, _>>()?;
    let keys = row
        .keys
        .iter()
        .flat_map(|keys| &keys.key)
        .map(pair)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((properties, keys))
}

/// Finds the row whose primary key columns hold the values `pairs` give, returning its
/// index. Every primary key column must have a value among `pairs`.
fn find_row(record: &DataExtensionRecord, pairs: &[(String, String)]) -> Result<usize, Failure> {
    let key_columns: Vec<&str> = record
        .columns
        .iter()
        .filter(|column| column.is_primary_key)
        .map(|column| column.name.as_str())
        .collect();
    if key_columns.is_empty() {
        // NOTE: the service's wording for a row change on a data extension without a
        // primary key is not published.
        return fail(
            310001,
            format!(
                "The data extension '{}' has no primary key, so its rows cannot be updated or deleted one by one.",
                record.name
            ),
        );
    }
    let mut wanted = BTreeMap::new();
    for column in &key_columns {
        let Some((_, value)) = pairs
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(column))
        else {
            return fail(
                310001,
                format!("The primary key field '{column}' has no value."),
            );
        };
        wanted.insert(*column, value.as_str());
    }
    let position = record.rows.iter().position(|row| {
        wanted
            .iter()
            .all(|(column, value)| row.values.get(*column).map(String::as_str) == Some(*value))
    });
    match position {
        Some(index) => Ok(index),
        // NOTE: the service's wording for a missing row is not published.
        None => fail(
            310002,
            format!("No row of '{}' has the primary key given.", record.name),
        ),
    }
}

fn find_row_data_extension(state: &State, row: &DataExtensionObject) -> Result<usize, Failure> {
    let customer_key = row.customer_key.as_deref();
    find_data_extension(state, customer_key, row.name.as_deref()).map_or_else(
        || fail(310002, "No data extension has that Name or CustomerKey."),
        Ok,
    )
}

/// Updates one row, found by its primary key, with the other properties given.
pub(crate) fn update_row(
    state: &mut State,
    row: DataExtensionObject,
) -> Result<AnyApiObject, Failure> {
    let index = find_row_data_extension(state, &row)?;
    let (properties, keys) = row_pairs(&row)?;
    let all: Vec<(String, String)> = properties.iter().chain(&keys).cloned().collect();
    let record = &mut state.data_extensions[index];
    let row_index = find_row(record, &all)?;
    let mut updates = Vec::new();
    for (name, value) in &properties {
        let Some(column) = record
            .columns
            .iter()
            .find(|column| column.name.eq_ignore_ascii_case(name))
        else {
            return fail(
                310006,
                format!("The data extension has no field named '{name}'."),
            );
        };
        updates.push((column.name.clone(), value.clone()));
    }
    let stored = &mut record.rows[row_index];
    for (name, value) in updates {
        stored.values.insert(name, value);
    }
    // A row still waiting for the send log delay stays hidden until its time, and a
    // retrievable one counts as changed now.
    stored.visible_at = stored.visible_at.max(clock::now_millis());
    Ok(AnyApiObject::from(row))
}

fn delete_row(state: &mut State, row: &DataExtensionObject) -> Result<&'static str, Failure> {
    let index = find_row_data_extension(state, row)?;
    let (properties, keys) = row_pairs(row)?;
    let all: Vec<(String, String)> = keys.into_iter().chain(properties).collect();
    let record = &mut state.data_extensions[index];
    let row_index = find_row(record, &all)?;
    record.rows.remove(row_index);
    // NOTE: the service's success message for a row delete is not published.
    Ok("Deleted DataExtensionObject")
}

fn delete_data_extension(
    state: &mut State,
    data_extension: &DataExtension,
) -> Result<&'static str, Failure> {
    let object_id = nillable_text(&data_extension.object_id);
    let by_key = find_data_extension(
        state,
        data_extension.customer_key.as_deref(),
        data_extension.name.as_deref(),
    );
    let by_object_id = object_id.and_then(|id| {
        state
            .data_extensions
            .iter()
            .position(|record| record.object_id.eq_ignore_ascii_case(id))
    });
    let Some(index) = by_key.or(by_object_id) else {
        let nothing_named = data_extension.customer_key.is_none()
            && data_extension.name.is_none()
            && object_id.is_none();
        if nothing_named {
            return fail(
                310001,
                "The data extension to delete needs an ObjectID, a CustomerKey or a Name.",
            );
        }
        return fail(310002, "No data extension matches the one to delete.");
    };
    state.data_extensions.remove(index);
    // NOTE: the success message follows the service's "Data Extension created." and
    // "Data Extension updated."; no captured delete response confirms it.
    Ok("Data Extension deleted.")
}

/// Serves Delete for DataExtension and DataExtensionObject.
pub(crate) fn delete(state: &mut State, request: DeleteRequest) -> Result<DeleteResponse, Fault> {
    for object in &request.objects {
        check_object_type(object, "Objects")?;
    }
    let total = request.objects.len();
    let mut failures = 0;
    let mut results = Vec::with_capacity(total);
    for (index, object) in request.objects.into_iter().enumerate() {
        let outcome = match &object {
            AnyApiObject::DataExtension(data_extension) => {
                delete_data_extension(state, data_extension)
            }
            AnyApiObject::DataExtensionObject(row) => delete_row(state, row),
            other => fail(
                5,
                format!(
                    "Cannot perform Delete on objects of type {}",
                    other.type_name()
                ),
            ),
        };
        let mut result = DeleteResult {
            ordinal_id: ordinal(index),
            object,
            ..DeleteResult::default()
        };
        match outcome {
            Ok(message) => {
                result.status_code = "OK".to_owned();
                result.status_message = message.to_owned();
            }
            Err(failure) => {
                failures += 1;
                result.status_code = "Error".to_owned();
                result.status_message = failure.message;
                result.error_code = Some(failure.code);
            }
        }
        results.push(AnyDeleteResult::from(result));
    }
    Ok(DeleteResponse {
        results,
        request_id: Some(state.ids.guid()),
        overall_status: overall_status(failures, total),
        ..DeleteResponse::default()
    })
}

/// Creates a subscriber, returning its ID. Attributes that are not profile attributes are
/// dropped, as a send drops them.
pub(crate) fn create_subscriber(
    state: &mut State,
    subscriber: &Subscriber,
) -> Result<i32, Failure> {
    let email = subscriber
        .email_address
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if email.is_empty() || !is_plausible_email(email) {
        // NOTE: the service's code and wording for an invalid address on Create are not
        // published; these are those of a triggered send's subscriber failure.
        return fail(5, format!("Invalid Email '{email}'."));
    }
    let key = subscriber
        .subscriber_key
        .as_deref()
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .unwrap_or(email)
        .to_owned();
    if state.subscriber_position(&key).is_some() {
        return fail(12014, "The subscriber is already on the list");
    }
    let attributes: Vec<(String, String)> = subscriber
        .attributes
        .iter()
        .filter(|attribute| {
            state
                .profile_attributes
                .iter()
                .any(|defined| defined.name.eq_ignore_ascii_case(attribute.name.trim()))
        })
        .map(|attribute| (attribute.name.trim().to_owned(), attribute.value.clone()))
        .collect();
    Ok(upsert_subscriber(
        state,
        &key,
        email,
        &attributes,
        clock::now_millis(),
    ))
}
