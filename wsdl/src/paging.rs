//! Retrieves of more than one page.
//!
//! The service returns at most 2,500 objects per Retrieve response. When more exist, it
//! returns `OverallStatus` `MoreDataAvailable` with a `RequestID`, and the next page comes
//! from a new Retrieve whose `RetrieveRequest` contains only `ContinueRequest` with that
//! `RequestID`. [`Pages`] sends those requests one at a time until `OK`, so only one page is
//! in memory however many there are.
//!
//! # Example
//!
//! ```no_run
//! use sfmc_partner_api::outcome::CheckedApi as _;
//! use sfmc_partner_api::runtime::client::Client;
//! use sfmc_partner_api::{filter, RetrieveRequest, RetrieveRequestMsg};
//!
//! # async fn run(client: Client) -> Result<(), sfmc_partner_api::runtime::client::Error> {
//! let request = RetrieveRequestMsg {
//!     retrieve_request: RetrieveRequest {
//!         object_type: "SentEvent".into(),
//!         properties: vec!["SendID".into(), "SubscriberKey".into(), "EventDate".into()],
//!         filter: Some(filter::equals("SendID", "10980375")),
//!         ..Default::default()
//!     },
//!     ..Default::default()
//! };
//! let mut pages = client.retrieve_all(request);
//! while let Some(page) = pages.next_page().await? {
//!     println!("{} events", page.len());
//! }
//! # Ok(())
//! # }
//! ```

use sfmc_runtime::client::{Client, Error};
use sfmc_runtime::xml::Extra;

use crate::outcome::CheckedApi as _;
use crate::{AnyApiObject, RetrieveRequest, RetrieveRequestMsg};

/// The number of pages a [`Pages`] fetches at most unless set with [`Pages::max_pages`]:
/// 2,500,000 objects at the service's 2,500 per page. It ends the loop when a service keeps
/// returning `MoreDataAvailable`.
pub const DEFAULT_MAX_PAGES: usize = 1_000;

impl RetrieveRequest {
    /// Builds the request for the page after the one whose `RequestID` is `request_id`: a
    /// `RetrieveRequest` with only `ContinueRequest`, and no `ObjectType` although the
    /// schema requires one.
    pub fn continuation(request_id: impl Into<String>) -> Self {
        RetrieveRequest {
            continue_request: Some(request_id.into()),
            // The writer leaves out the required elements listed here.
            extra: Extra {
                missing: vec!["ObjectType"],
                ..Extra::default()
            },
            ..RetrieveRequest::default()
        }
    }
}

impl RetrieveRequestMsg {
    /// Builds the message for the page after the one whose `RequestID` is `request_id`. See
    /// [`RetrieveRequest::continuation`].
    pub fn continuation(request_id: impl Into<String>) -> Self {
        RetrieveRequestMsg {
            retrieve_request: RetrieveRequest::continuation(request_id),
            ..RetrieveRequestMsg::default()
        }
    }
}

/// A Retrieve followed page by page, from the caller's request to the page with
/// `OverallStatus` `OK`.
///
/// Each page is checked like [`CheckedApi::retrieve_checked`](crate::outcome::CheckedApi),
/// so an `Error: …` status on any page is an error, and a timeout status is retried as the
/// client's retry policy allows. A page without `Results` is an empty page, not the end.
/// The pager sends the caller's request unchanged: it sets `RetrieveAllSinceLastBatch`
/// only when the caller did.
#[derive(Debug)]
pub struct Pages {
    client: Client,
    /// The request for the next page, `None` after the last page.
    next: Option<RetrieveRequestMsg>,
    pages: usize,
    max_pages: usize,
    request_id: Option<String>,
}

impl Pages {
    /// Builds a pager that starts with `request`.
    pub fn new(client: Client, request: RetrieveRequestMsg) -> Self {
        Pages {
            client,
            next: Some(request),
            pages: 0,
            max_pages: DEFAULT_MAX_PAGES,
            request_id: None,
        }
    }

    /// Sets how many pages are fetched at most ([`DEFAULT_MAX_PAGES`] unless set); 0 counts
    /// as 1.
    pub fn max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// Returns how many pages have arrived.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Returns the `RequestID` of the latest page.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Fetches the next page and returns its objects, or `None` after the last page.
    ///
    /// After an error the pager keeps its place, so calling again sends the same request.
    ///
    /// # Errors
    /// - The errors of [`CheckedApi::retrieve_checked`](crate::outcome::CheckedApi), such as
    ///   [`Error::Service`] for an `Error: …` status.
    /// - [`Error::Paging`] when the page limit is reached while the service still reports
    ///   `MoreDataAvailable`, or when it reports `MoreDataAvailable` without a `RequestID`.
    pub async fn next_page(&mut self) -> Result<Option<Vec<AnyApiObject>>, Error> {
        let Some(request) = self.next.take() else {
            return Ok(None);
        };
        if self.pages >= self.max_pages {
            let limit = self.max_pages;
            self.next = Some(request);
            return Err(self.stop(format!(
                "the limit of {limit} pages is reached and the service reports more data. \
                 Raise the limit with `max_pages` or narrow the filter"
            )));
        }
        let response = match self.client.retrieve_checked(&request).await {
            Ok(response) => response,
            Err(error) => {
                self.next = Some(request);
                return Err(error);
            }
        };
        self.pages += 1;
        self.request_id = response.request_id;
        if is_more_data(&response.overall_status) {
            let Some(request_id) = &self.request_id else {
                return Err(self.stop(
                    "the service reports MoreDataAvailable without a RequestID to continue from"
                        .to_owned(),
                ));
            };
            self.next = Some(RetrieveRequestMsg::continuation(request_id.clone()));
        }
        Ok(Some(response.results))
    }

    /// Fetches every remaining page and returns their objects in arrival order.
    ///
    /// # Errors
    /// The errors of [`Pages::next_page`]. The objects of the pages before the error are
    /// dropped.
    pub async fn collect_all(mut self) -> Result<Vec<AnyApiObject>, Error> {
        let mut objects = Vec::new();
        while let Some(page) = self.next_page().await? {
            objects.extend(page);
        }
        Ok(objects)
    }

    fn stop(&self, reason: String) -> Error {
        Error::Paging {
            pages: self.pages,
            request_id: self.request_id.clone(),
            reason,
        }
    }
}

fn is_more_data(overall_status: &str) -> bool {
    overall_status
        .trim()
        .eq_ignore_ascii_case("MoreDataAvailable")
}
