//! `send`: one triggered send carrying a UniqueID attribute.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use sfmc_partner_api::PartnerApi as _;
use sfmc_partner_api::outcome::Outcome as _;
use sfmc_partner_api::{
    AnyApiObject, AnyCreateResult, Attribute, CreateRequest, Subscriber, TriggeredSend,
    TriggeredSendDefinition, TriggeredSendStatusEnum, filter,
};
use sfmc_runtime::client::{Client, Error as ClientError};

use crate::error::Failure;
use crate::{Objects, retrieve};

/// The recipient and attributes of one send.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// The recipient's email address.
    pub to: String,
    /// The subscriber key; the email address when `None`.
    pub subscriber_key: Option<String>,
    /// The UniqueID; a new random UUID when `None`.
    pub unique_id: Option<String>,
    /// Further subscriber attributes, as name and value.
    pub attributes: Vec<(String, String)>,
}

/// A queued send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The UniqueID the send carries, which `track` looks up.
    pub unique_id: String,
    /// The subscriber key used.
    pub subscriber_key: String,
    /// The RequestID of the Create.
    pub request_id: Option<String>,
    /// The definition's status, read back after the Create.
    pub definition_status: DefinitionStatus,
}

/// The status of the triggered send definition right after a send, which decides when the
/// service sends the email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefinitionStatus {
    /// `Active`: the service sends the email now.
    Active,
    /// `Inactive`, shown as Paused in Email Studio: the service queues the send and sends
    /// it when the definition is started again.
    Paused,
    /// Another status, as the service wrote it.
    Other(String),
    /// The status could not be read, for the reason given.
    Unknown(String),
}

impl Receipt {
    /// Returns the sentence explaining why the email may not go out now, or `None` when
    /// the definition is Active.
    pub fn status_note(&self, definition_key: &str) -> Option<String> {
        match &self.definition_status {
            DefinitionStatus::Active => None,
            DefinitionStatus::Paused => Some(format!(
                "the triggered send definition {definition_key} is paused (status Inactive), \
                 so the service keeps the send in a queue and sends it when the definition is \
                 started again: run `sfmc-track setup` to start it"
            )),
            DefinitionStatus::Other(status) => Some(format!(
                "the triggered send definition {definition_key} has the status {status}, so \
                 the service may not send the email: run `sfmc-track setup` to start it"
            )),
            DefinitionStatus::Unknown(reason) => Some(format!(
                "the service accepted the send, but the status of the triggered send \
                 definition {definition_key} could not be read: {reason}"
            )),
        }
    }
}

/// Retrieves the status of the triggered send definition `objects.definition_key`. Returns
/// `None` when no definition has that CustomerKey.
///
/// # Errors
/// The client error of the Retrieve.
pub async fn definition_status(
    client: &Client,
    objects: &Objects,
) -> Result<Option<TriggeredSendStatusEnum>, ClientError> {
    let found = retrieve::all(
        client,
        "TriggeredSendDefinition",
        &["CustomerKey", "TriggeredSendStatus"],
        Some(filter::equals("CustomerKey", &objects.definition_key)),
    )
    .await?;
    Ok(found.into_iter().find_map(|object| match object {
        AnyApiObject::TriggeredSendDefinition(definition) => definition.triggered_send_status,
        _ => None,
    }))
}

/// Reads the definition's status after a send. A failed Retrieve is reported in the
/// result, not as an error, because the send itself has been accepted.
async fn status_after_send(client: &Client, objects: &Objects) -> DefinitionStatus {
    match definition_status(client, objects).await {
        Ok(Some(TriggeredSendStatusEnum::Active)) => DefinitionStatus::Active,
        Ok(Some(TriggeredSendStatusEnum::Inactive)) => DefinitionStatus::Paused,
        Ok(Some(other)) => DefinitionStatus::Other(other.as_str().to_owned()),
        Ok(None) => DefinitionStatus::Unknown(format!(
            "no definition has the CustomerKey {}",
            objects.definition_key
        )),
        Err(error) => DefinitionStatus::Unknown(error.to_string()),
    }
}

/// Triggers the send, then reads the definition's status back, because the service
/// accepts a send to a paused definition and only queues it.
///
/// # Errors
/// A service failure with the service's message and error code when the Create fails or
/// reports a subscriber failure.
pub async fn run(
    client: &Client,
    objects: &Objects,
    request: &Request,
) -> Result<Receipt, Failure> {
    let step = "send";
    let unique_id = request.unique_id.clone().unwrap_or_else(new_unique_id);
    let subscriber_key = request
        .subscriber_key
        .clone()
        .unwrap_or_else(|| request.to.clone());
    let mut attributes = vec![Attribute {
        name: objects.attribute.clone(),
        value: unique_id.clone(),
        ..Default::default()
    }];
    attributes.extend(request.attributes.iter().map(|(name, value)| Attribute {
        name: name.clone(),
        value: value.clone(),
        ..Default::default()
    }));
    let send = TriggeredSend {
        triggered_send_definition: TriggeredSendDefinition {
            customer_key: Some(objects.definition_key.clone()),
            ..Default::default()
        },
        subscribers: vec![Subscriber {
            email_address: Some(request.to.clone()),
            subscriber_key: Some(subscriber_key.clone()),
            attributes,
            ..Default::default()
        }],
        ..Default::default()
    };
    let create = CreateRequest {
        objects: vec![AnyApiObject::from(send)],
        ..Default::default()
    };
    let rejected = |error: ClientError| {
        let hint = match error.error_code() {
            Some(18001 | 18002) => {
                "the triggered send definition is missing or not active: run `sfmc-track setup`"
            }
            _ => "check the address and the definition key",
        };
        Failure::service(
            step,
            format!("the service rejected the send to {}", request.to),
            error,
        )
        .hint(hint)
    };
    // The subscriber failures are read before the overall status is checked, because they
    // carry the reason. The service fails a send none of whose subscribers is valid with
    // ErrorCode 180008, and only SubscriberFailures gives each subscriber's error.
    let response = client.create(&create).await.map_err(rejected)?;
    for result in &response.results {
        let AnyCreateResult::TriggeredSendCreateResult(result) = result else {
            continue;
        };
        if let Some(failure) = result.subscriber_failures.first() {
            let description = failure.error_description.as_deref().unwrap_or_default();
            return Err(Failure::rejected(
                step,
                format!(
                    "the service did not send to {}: {description} (subscriber error code {}, RequestID {})",
                    request.to,
                    failure.error_code,
                    response.request_id.as_deref().unwrap_or("none")
                ),
            )
            .hint("check the email address and the subscriber's status"));
        }
    }
    let response = response.check().map_err(rejected)?;
    Ok(Receipt {
        unique_id,
        subscriber_key,
        request_id: response.request_id,
        definition_status: status_after_send(client, objects).await,
    })
}

/// Returns a random version 4 UUID in lowercase 8-4-4-4-12 form.
///
/// The random bits come from the standard library's randomly seeded hasher mixed with the
/// clock, which is unpredictable enough for an ID that only has to be unique.
pub fn new_unique_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let mut bytes = [0u8; 16];
    for (index, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u128(nanos);
        hasher.write_usize(index);
        chunk.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_id_is_uuid_v4() {
        let id = new_unique_id();
        assert_eq!(id.len(), 36);
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(
            groups.iter().map(|group| group.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'), "{id}");
        assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{id}");
        assert_ne!(new_unique_id(), id);
    }
}
