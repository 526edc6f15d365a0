//! Checks that turn a failure the service reports inside a response into an error.
//!
//! The partnerAPI reports many failures with HTTP status 200: a Retrieve returns
//! `OverallStatus` `Error: …` and no `Results`, and a Create returns one result per object
//! with `StatusCode` `Error` for each object it rejected. The generated [`PartnerApi`]
//! methods return such responses as they are. The [`Outcome`] trait checks a response, and
//! the [`CheckedApi`] methods (`retrieve_checked`, `create_checked`, …) call the operation
//! and check its response, so that a failed Retrieve never looks like an empty one.
//!
//! The checks are an extension trait on [`Client`] beside the generated one, so that the
//! generated methods still return every response unchanged for callers who handle partial
//! failures themselves.
//!
//! # Example
//!
//! ```no_run
//! use sfmc_partner_api::outcome::CheckedApi as _;
//! use sfmc_partner_api::runtime::client::Client;
//! use sfmc_partner_api::{CreateRequest, DataExtensionObject};
//!
//! # async fn run(client: Client) -> Result<(), sfmc_partner_api::runtime::client::Error> {
//! let request = CreateRequest {
//!     objects: vec![DataExtensionObject::default().into()],
//!     ..Default::default()
//! };
//! match client.create_checked(&request).await {
//!     Ok(response) => println!("created, RequestID {:?}", response.request_id),
//!     Err(error) => match error.service() {
//!         Some(failure) => {
//!             for result in &failure.results {
//!                 println!("object {:?} failed: {}", result.ordinal_id, result.status_message);
//!             }
//!         }
//!         None => return Err(error),
//!     },
//! }
//! # Ok(())
//! # }
//! ```

use std::future::Future;

use sfmc_runtime::client::{
    Client, Error, FailedResult, ServiceError, is_success_code, is_success_status,
};

#[cfg(doc)]
use crate::PartnerApi;
use crate::paging::Pages;
use crate::{
    AnyCreateResult, AnyDeleteResult, AnyPerformResult, AnyUpdateResult, ConfigureRequestMsg,
    ConfigureResponseMsg, ConfigureResult, ContactEventCreateResult, ContentValidationResult,
    CreateRequest, CreateResponse, CreateResult, DataExtensionCreateResult,
    DataExtensionDeleteResult, DataExtensionUpdateResult, DeleteRequest, DeleteResponse,
    DeleteResult, ExecuteRequestMsg, ExecuteResponseMsg, ExtractRequestMsg, ExtractResponseMsg,
    ExtractResult, PerformRequestMsg, PerformResponseMsg, PerformResult, RetrieveRequestMsg,
    RetrieveResponseMsg, ScheduleRequestMsg, ScheduleResponseMsg, ScheduleResult,
    TriggeredSendCreateResult, UpdateRequest, UpdateResponse, UpdateResult, operations,
};

/// A response whose content can report a failure.
pub trait Outcome: Sized {
    /// Returns the response when it reports success, else [`Error::Service`] with the
    /// `OverallStatus`, the `RequestID` and the failed results.
    ///
    /// # Errors
    /// For a Retrieve, when `OverallStatus` is anything but `OK` or `MoreDataAvailable`. For
    /// the operations that take objects, also when any result's `StatusCode` is not `OK`.
    fn check(self) -> Result<Self, Error>;
}

/// Calls that check the response with [`Outcome::check`], and the paged Retrieve.
///
/// Each method sends the request like its [`PartnerApi`] counterpart. A Retrieve whose
/// `OverallStatus` reports a timeout is sent again as the client's retry policy allows.
pub trait CheckedApi {
    /// Calls Retrieve and checks the response. A page with `MoreDataAvailable` is a success:
    /// use [`CheckedApi::retrieve_all`] to follow it.
    fn retrieve_checked(
        &self,
        request: &RetrieveRequestMsg,
    ) -> impl Future<Output = Result<RetrieveResponseMsg, Error>> + Send;

    /// Calls Create and checks every result.
    fn create_checked(
        &self,
        request: &CreateRequest,
    ) -> impl Future<Output = Result<CreateResponse, Error>> + Send;

    /// Calls Update and checks every result.
    fn update_checked(
        &self,
        request: &UpdateRequest,
    ) -> impl Future<Output = Result<UpdateResponse, Error>> + Send;

    /// Calls Delete and checks every result.
    fn delete_checked(
        &self,
        request: &DeleteRequest,
    ) -> impl Future<Output = Result<DeleteResponse, Error>> + Send;

    /// Calls Configure and checks every result.
    fn configure_checked(
        &self,
        request: &ConfigureRequestMsg,
    ) -> impl Future<Output = Result<ConfigureResponseMsg, Error>> + Send;

    /// Calls Perform and checks every result.
    fn perform_checked(
        &self,
        request: &PerformRequestMsg,
    ) -> impl Future<Output = Result<PerformResponseMsg, Error>> + Send;

    /// Calls Schedule and checks every result.
    fn schedule_checked(
        &self,
        request: &ScheduleRequestMsg,
    ) -> impl Future<Output = Result<ScheduleResponseMsg, Error>> + Send;

    /// Calls Execute and checks every result.
    fn execute_checked(
        &self,
        request: &ExecuteRequestMsg,
    ) -> impl Future<Output = Result<ExecuteResponseMsg, Error>> + Send;

    /// Calls Extract and checks every result.
    fn extract_checked(
        &self,
        request: &ExtractRequestMsg,
    ) -> impl Future<Output = Result<ExtractResponseMsg, Error>> + Send;

    /// Returns a pager that sends `request` and then follows `MoreDataAvailable` page by
    /// page. See [`Pages`].
    fn retrieve_all(&self, request: RetrieveRequestMsg) -> Pages;
}

impl CheckedApi for Client {
    async fn retrieve_checked(
        &self,
        request: &RetrieveRequestMsg,
    ) -> Result<RetrieveResponseMsg, Error> {
        self.call_checked::<operations::Retrieve, _>(request, logged::<operations::Retrieve>)
            .await
    }

    async fn create_checked(&self, request: &CreateRequest) -> Result<CreateResponse, Error> {
        self.call_checked::<operations::Create, _>(request, logged::<operations::Create>)
            .await
    }

    async fn update_checked(&self, request: &UpdateRequest) -> Result<UpdateResponse, Error> {
        self.call_checked::<operations::Update, _>(request, logged::<operations::Update>)
            .await
    }

    async fn delete_checked(&self, request: &DeleteRequest) -> Result<DeleteResponse, Error> {
        self.call_checked::<operations::Delete, _>(request, logged::<operations::Delete>)
            .await
    }

    async fn configure_checked(
        &self,
        request: &ConfigureRequestMsg,
    ) -> Result<ConfigureResponseMsg, Error> {
        self.call_checked::<operations::Configure, _>(request, logged::<operations::Configure>)
            .await
    }

    async fn perform_checked(
        &self,
        request: &PerformRequestMsg,
    ) -> Result<PerformResponseMsg, Error> {
        self.call_checked::<operations::Perform, _>(request, logged::<operations::Perform>)
            .await
    }

    async fn schedule_checked(
        &self,
        request: &ScheduleRequestMsg,
    ) -> Result<ScheduleResponseMsg, Error> {
        self.call_checked::<operations::Schedule, _>(request, logged::<operations::Schedule>)
            .await
    }

    async fn execute_checked(
        &self,
        request: &ExecuteRequestMsg,
    ) -> Result<ExecuteResponseMsg, Error> {
        self.call_checked::<operations::Execute, _>(request, logged::<operations::Execute>)
            .await
    }

    async fn extract_checked(
        &self,
        request: &ExtractRequestMsg,
    ) -> Result<ExtractResponseMsg, Error> {
        self.call_checked::<operations::Extract, _>(request, logged::<operations::Extract>)
            .await
    }

    fn retrieve_all(&self, request: RetrieveRequestMsg) -> Pages {
        Pages::new(self.clone(), request)
    }
}

/// The overall status and RequestID every checked response carries, for logging.
trait Status {
    fn overall_status(&self) -> &str;
    fn request_id(&self) -> Option<&str>;
}

macro_rules! status_fields {
    ($($response:ty),* $(,)?) => {$(
        impl Status for $response {
            fn overall_status(&self) -> &str {
                &self.overall_status
            }

            fn request_id(&self) -> Option<&str> {
                self.request_id.as_deref()
            }
        }
    )*};
}

status_fields!(
    RetrieveResponseMsg,
    CreateResponse,
    UpdateResponse,
    DeleteResponse,
    ConfigureResponseMsg,
    PerformResponseMsg,
    ScheduleResponseMsg,
    ExecuteResponseMsg,
    ExtractResponseMsg,
);

/// Logs the operation's RequestID and overall status at debug level, then checks the
/// response.
fn logged<O>(response: O::Response) -> Result<O::Response, Error>
where
    O: sfmc_runtime::xml::Operation,
    O::Response: Outcome + Status,
{
    tracing::debug!(
        operation = O::NAME,
        request_id = response.request_id().unwrap_or(""),
        overall_status = response.overall_status(),
        "service outcome"
    );
    response.check()
}

impl Outcome for RetrieveResponseMsg {
    fn check(self) -> Result<Self, Error> {
        if is_success_status(&self.overall_status) {
            return Ok(self);
        }
        let error = ServiceError::new("Retrieve", &self.overall_status, self.request_id);
        Err(error.into())
    }
}

impl Outcome for CreateResponse {
    fn check(self) -> Result<Self, Error> {
        let failed = failed_results(self.results.iter().map(AnyCreateResult::status));
        let overall = Overall::new(&self.overall_status, None, &self.request_id);
        overall.check("Create", failed).map(|()| self)
    }
}

impl Outcome for UpdateResponse {
    fn check(self) -> Result<Self, Error> {
        let failed = failed_results(self.results.iter().map(AnyUpdateResult::status));
        let overall = Overall::new(&self.overall_status, None, &self.request_id);
        overall.check("Update", failed).map(|()| self)
    }
}

impl Outcome for DeleteResponse {
    fn check(self) -> Result<Self, Error> {
        let failed = failed_results(self.results.iter().map(AnyDeleteResult::status));
        let overall = Overall::new(&self.overall_status, None, &self.request_id);
        overall.check("Delete", failed).map(|()| self)
    }
}

impl Outcome for ConfigureResponseMsg {
    fn check(self) -> Result<Self, Error> {
        let results = self.results.iter().flat_map(|results| &results.result);
        let failed = failed_results(results.map(ResultFields::status));
        let overall = Overall::new(
            &self.overall_status,
            Some(&self.overall_status_message),
            &self.request_id,
        );
        overall.check("Configure", failed).map(|()| self)
    }
}

impl Outcome for PerformResponseMsg {
    fn check(self) -> Result<Self, Error> {
        let results = self.results.iter().flat_map(|results| &results.result);
        let failed = failed_results(results.map(AnyPerformResult::status));
        let overall = Overall::new(
            &self.overall_status,
            Some(&self.overall_status_message),
            &self.request_id,
        );
        overall.check("Perform", failed).map(|()| self)
    }
}

impl Outcome for ScheduleResponseMsg {
    fn check(self) -> Result<Self, Error> {
        let results = self.results.iter().flat_map(|results| &results.result);
        let failed = failed_results(results.map(ResultFields::status));
        let overall = Overall::new(
            &self.overall_status,
            Some(&self.overall_status_message),
            &self.request_id,
        );
        overall.check("Schedule", failed).map(|()| self)
    }
}

impl Outcome for ExecuteResponseMsg {
    fn check(self) -> Result<Self, Error> {
        // `ExecuteResponse` does not derive from `Result`, and its StatusCode is optional: a
        // result without one reports no failure.
        let statuses = self.results.iter().filter_map(|result| {
            let status_code = result.status_code.clone()?;
            Some(FailedResult {
                ordinal_id: result.ordinal_id,
                status_code,
                status_message: result.status_message.clone().unwrap_or_default(),
                error_code: result.error_code,
            })
        });
        let failed = failed_results(statuses);
        let overall = Overall::new(&self.overall_status, None, &self.request_id);
        overall.check("Execute", failed).map(|()| self)
    }
}

impl Outcome for ExtractResponseMsg {
    fn check(self) -> Result<Self, Error> {
        let failed = failed_results(self.results.iter().map(ResultFields::status));
        let overall = Overall::new(&self.overall_status, None, &self.request_id);
        overall.check("Extract", failed).map(|()| self)
    }
}

/// The response-level fields every checked response has.
struct Overall<'r> {
    status: &'r str,
    status_message: Option<&'r str>,
    request_id: &'r Option<String>,
}

impl<'r> Overall<'r> {
    fn new(
        status: &'r str,
        status_message: Option<&'r str>,
        request_id: &'r Option<String>,
    ) -> Self {
        Overall {
            status,
            status_message,
            request_id,
        }
    }

    /// Fails when any result failed or the overall status is not a success. A failure
    /// reported in either place counts, because the partial-failure spelling of the
    /// overall status differs between sources (`HasErrors`, `Has Errors`).
    fn check(&self, operation: &str, failed: Vec<FailedResult>) -> Result<(), Error> {
        if failed.is_empty() && is_success_status(self.status) {
            return Ok(());
        }
        let mut error = ServiceError::new(operation, self.status, self.request_id.clone());
        error.status_message = self
            .status_message
            .map(str::trim)
            .filter(|message| !message.is_empty())
            .map(str::to_owned);
        error.results = failed;
        Err(error.into())
    }
}

/// Keeps the results whose `StatusCode` is not `OK`.
fn failed_results(statuses: impl Iterator<Item = FailedResult>) -> Vec<FailedResult> {
    statuses
        .filter(|result| !is_success_code(&result.status_code))
        .collect()
}

/// The fields every type derived from `Result` inherits.
trait ResultFields {
    fn status(&self) -> FailedResult;
}

/// Implements [`ResultFields`] for types derived from `Result`.
macro_rules! result_fields {
    ($($result:ty),* $(,)?) => {$(
        impl ResultFields for $result {
            fn status(&self) -> FailedResult {
                FailedResult {
                    ordinal_id: self.ordinal_id,
                    status_code: self.status_code.clone(),
                    status_message: self.status_message.clone(),
                    error_code: self.error_code,
                }
            }
        }
    )*};
}

result_fields!(
    crate::Result,
    CreateResult,
    TriggeredSendCreateResult,
    DataExtensionCreateResult,
    ContactEventCreateResult,
    UpdateResult,
    DataExtensionUpdateResult,
    DeleteResult,
    DataExtensionDeleteResult,
    ConfigureResult,
    PerformResult,
    ContentValidationResult,
    ScheduleResult,
    ExtractResult,
);

/// Reads the `Result` fields of a result whose `xsi:type` the schema does not place in the
/// family, such as an UpdateResult the service sends with `xsi:type="TriggeredSendDefinition"`.
fn unknown_status(unknown: &sfmc_runtime::xml::UnknownType) -> FailedResult {
    match unknown.read_as::<crate::Result>() {
        Ok(result) => result.status(),
        // NOTE: the result cannot be read, so its status is unknown; it counts as failed
        // rather than letting an unconfirmed object pass as processed.
        Err(error) => FailedResult {
            ordinal_id: None,
            status_code: String::new(),
            status_message: format!("cannot read the result: {error}"),
            error_code: None,
        },
    }
}

/// Implements `status` on an `Any…Result` enum by delegating to its variants.
macro_rules! any_result_status {
    ($any:ident: $($variant:ident),* $(,)?) => {
        impl $any {
            /// Returns the result's status fields, whatever its `xsi:type`.
            fn status(&self) -> FailedResult {
                match self {
                    $($any::$variant(result) => result.status(),)*
                    $any::Unknown(unknown) => unknown_status(unknown),
                }
            }
        }
    };
}

any_result_status!(AnyCreateResult: CreateResult, TriggeredSendCreateResult, DataExtensionCreateResult, ContactEventCreateResult);
any_result_status!(AnyUpdateResult: UpdateResult, DataExtensionUpdateResult);
any_result_status!(AnyDeleteResult: DeleteResult, DataExtensionDeleteResult);
any_result_status!(AnyPerformResult: PerformResult, ContentValidationResult);
