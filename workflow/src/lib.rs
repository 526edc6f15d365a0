//! The one-to-one triggered send tracking procedure, as a library for `sfmc-track`.
//!
//! The procedure has three parts. [`setup`] makes sure the account can log a send with a
//! UniqueID: the profile attribute, the send log data extension with its UniqueID column,
//! and an active triggered send definition with send logging on. [`send`] triggers one
//! email with a UniqueID. [`track`] finds the send log rows of a UniqueID and retrieves the
//! tracking events of each row.
//!
//! Every call goes through [`sfmc_runtime::client::Client`] with the generated bindings of
//! `sfmc-partner-api`.

pub mod bulk;
pub mod config;
pub mod error;
pub mod output;
pub mod send;
pub mod setup;
pub mod track;

mod retrieve;

pub use error::{Failure, FailureKind};

use config::Settings;

/// The names of the objects the procedure uses, from the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Objects {
    /// The profile attribute that carries the UniqueID, and the send log column it fills.
    pub attribute: String,
    /// The send log data extension's Name, which Retrieve needs in the object type.
    pub send_log_name: String,
    /// The send log data extension's CustomerKey.
    pub send_log_key: String,
    /// The Name of the data extension template a new send log is made from.
    pub send_log_template: String,
    /// The triggered send definition's CustomerKey.
    pub definition_key: String,
    /// The triggered send definition's Name.
    pub definition_name: String,
    /// The ID of the email the definition sends, required to create or change it.
    pub email_id: Option<i32>,
    /// The CustomerKey of the definition's send classification.
    pub send_classification_key: String,
}

impl Objects {
    /// Reads the object names from the settings.
    ///
    /// # Errors
    /// A usage failure when `email_id` is not an integer.
    pub fn from_settings(settings: &Settings) -> Result<Objects, Failure> {
        let email_id = match settings.get("email_id") {
            None => None,
            Some(text) => Some(text.trim().parse::<i32>().map_err(|_| {
                Failure::usage(
                    "configuration",
                    format!("invalid email ID {text:?}: expected an integer"),
                )
            })?),
        };
        Ok(Objects {
            attribute: settings.value("attribute").to_owned(),
            send_log_name: settings.value("send_log_name").to_owned(),
            send_log_key: settings.value("send_log_key").to_owned(),
            send_log_template: settings.value("send_log_template").to_owned(),
            definition_key: settings.value("definition_key").to_owned(),
            definition_name: settings.value("definition_name").to_owned(),
            email_id,
            send_classification_key: settings.value("send_classification_key").to_owned(),
        })
    }
}
