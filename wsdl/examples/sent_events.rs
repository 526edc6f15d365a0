//! Retrieves the SentEvents of one send (JobID) page by page and prints one line per event.
//!
//! ```text
//! SFMC_SUBDOMAIN=mc563885gzs27c5t9-63k636ttgm \
//! SFMC_CLIENT_ID=… SFMC_CLIENT_SECRET=… \
//! cargo run -p sfmc-partner-api --example sent_events -- 10980375
//! ```
//!
//! Environment variables:
//! - `SFMC_SUBDOMAIN`: the tenant subdomain, from which the SOAP and token endpoints follow.
//! - `SFMC_SOAP_ENDPOINT`: a whole SOAP endpoint URL, in place of the subdomain's.
//! - `SFMC_AUTH_ENDPOINT`: the authentication base URL, in place of the subdomain's.
//! - `SFMC_CLIENT_ID` and `SFMC_CLIENT_SECRET`: the installed package's OAuth client
//!   credentials.
//! - `SFMC_ACCOUNT_ID`: optional, the MID of the business unit to work in.
//!
//! Without `SFMC_SUBDOMAIN` or `SFMC_SOAP_ENDPOINT` the example prints this usage and exits
//! with status 0, so that it can be run without an account.

use std::env;
use std::process::ExitCode;

use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::runtime::client::{Client, ClientCredentials, Error};
use sfmc_partner_api::{AnyApiObject, RetrieveRequest, RetrieveRequestMsg, filter};

const USAGE: &str = "\
usage: cargo run -p sfmc-partner-api --example sent_events -- JOB_ID

Retrieves the SentEvents of the send JOB_ID and prints one line per event.

Set SFMC_SUBDOMAIN (or SFMC_SOAP_ENDPOINT and SFMC_AUTH_ENDPOINT), SFMC_CLIENT_ID and
SFMC_CLIENT_SECRET, and optionally SFMC_ACCOUNT_ID (the business unit's MID).";

/// The properties to retrieve. The service returns only those that have a value.
const PROPERTIES: [&str; 5] = [
    "SendID",
    "SubscriberKey",
    "EventDate",
    "BatchID",
    "TriggeredSendDefinitionObjectID",
];

#[tokio::main]
async fn main() -> ExitCode {
    let subdomain = env::var("SFMC_SUBDOMAIN").ok();
    let soap_endpoint = env::var("SFMC_SOAP_ENDPOINT").ok();
    if subdomain.is_none() && soap_endpoint.is_none() {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Some(job_id) = env::args().nth(1) else {
        eprintln!("error: missing JOB_ID\n\n{USAGE}");
        return ExitCode::from(2);
    };

    let client = match build_client(subdomain, soap_endpoint) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match print_sent_events(&client, &job_id).await {
        Ok(count) => {
            println!("{count} SentEvents for JobID {job_id}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Builds a client that authenticates with OAuth client credentials from the environment.
fn build_client(subdomain: Option<String>, soap_endpoint: Option<String>) -> Result<Client, Error> {
    let (Ok(client_id), Ok(client_secret)) =
        (env::var("SFMC_CLIENT_ID"), env::var("SFMC_CLIENT_SECRET"))
    else {
        return Err(Error::Config(
            "missing SFMC_CLIENT_ID or SFMC_CLIENT_SECRET: set both to the installed \
             package's client credentials"
                .to_owned(),
        ));
    };
    let mut credentials = ClientCredentials::new(client_id, client_secret);
    if let Ok(account_id) = env::var("SFMC_ACCOUNT_ID") {
        credentials = credentials.account_id(account_id);
    }

    let mut builder = Client::builder().credentials(credentials);
    if let Some(subdomain) = subdomain {
        builder = builder.subdomain(subdomain);
    }
    if let Some(url) = soap_endpoint {
        builder = builder.soap_endpoint(url);
    }
    if let Ok(url) = env::var("SFMC_AUTH_ENDPOINT") {
        builder = builder.auth_endpoint(url);
    }
    builder.build()
}

/// Prints the SentEvents of `job_id` as they arrive and returns how many there were.
async fn print_sent_events(client: &Client, job_id: &str) -> Result<usize, Error> {
    // SendID is the JobID. Salesforce advises filtering each tracking retrieve to one send,
    // because retrieves over a whole account can time out.
    let request = RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "SentEvent".to_owned(),
            properties: PROPERTIES.map(str::to_owned).to_vec(),
            filter: Some(filter::equals("SendID", job_id)),
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    };

    // The pager follows MoreDataAvailable (2,500 events per page) until the last page, and
    // turns an `Error: …` status into an error, so an empty result really is empty.
    let mut pages = client.retrieve_all(request);
    let mut count = 0;
    while let Some(page) = pages.next_page().await? {
        for object in &page {
            let AnyApiObject::SentEvent(event) = object else {
                eprintln!("skipping an object of type {}", object.type_name());
                continue;
            };
            // EventDate carries no offset. Salesforce documents the service clock as Central
            // Standard Time without daylight saving (UTC-06:00).
            let date = event.event_date.as_ref().map(ToString::to_string);
            println!(
                "{}\t{}\t{}",
                date.as_deref().unwrap_or("-"),
                event.subscriber_key.as_deref().unwrap_or("-"),
                event
                    .batch_id
                    .map_or_else(|| "-".to_owned(), |id| id.to_string()),
            );
        }
        count += page.len();
    }
    Ok(count)
}
