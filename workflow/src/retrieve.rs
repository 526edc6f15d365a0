//! Paged Retrieve calls, and reading the fields the workflow needs from their results.

use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::{AnyApiObject, AnyFilterPart, RetrieveRequest, RetrieveRequestMsg, rows};
use sfmc_runtime::client::{Client, Error};

/// Retrieves every object of `object_type` matching `filter`, following every page.
pub(crate) async fn all(
    client: &Client,
    object_type: &str,
    properties: &[&str],
    filter: Option<AnyFilterPart>,
) -> Result<Vec<AnyApiObject>, Error> {
    let request = RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: properties.iter().map(|name| (*name).to_owned()).collect(),
            filter,
            ..Default::default()
        },
        ..Default::default()
    };
    client.retrieve_all(request).collect_all().await
}

/// Returns the column values of a data extension row, or `None` for another object.
pub(crate) fn row_value(object: &AnyApiObject, column: &str) -> Option<String> {
    match object {
        AnyApiObject::DataExtensionObject(row) => rows::value(row, column).map(str::to_owned),
        _ => None,
    }
}
