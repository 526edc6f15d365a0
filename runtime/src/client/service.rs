//! Failures the service reports inside a successful response: an `OverallStatus` such as
//! `Error: …`, or results whose `StatusCode` is not `OK`.

use std::fmt;

/// The `OverallStatus` values that report success. `MoreDataAvailable` is a successful
/// Retrieve page with more pages to follow.
const SUCCESS_STATUSES: [&str; 2] = ["OK", "MoreDataAvailable"];

/// The start of a Retrieve's `OverallStatus` when the service gave up waiting for its
/// database. The whole text reads `Error: Timeout expired.  The timeout period elapsed prior to
/// completion of the operation or the server is not responding.`
const TIMEOUT_STATUS: &str = "Timeout expired";

/// The number of failed results the `Display` output lists before it counts the rest.
const DISPLAYED_RESULTS: usize = 3;

/// A failure the service reported in a response it sent with a success HTTP status (200).
///
/// A Retrieve reports failure only through `OverallStatus` (`Error: …`, with no `Results`).
/// Create, Update, Delete, Configure, Perform and the other operations that take objects
/// report one result per object; `results` lists those whose `StatusCode` is not `OK`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceError {
    /// The operation's name, such as `Retrieve` or `Create`.
    pub operation: String,
    /// The `OverallStatus` with any `Error:` prefix removed, such as `Timeout expired. …`,
    /// `HasErrors` or `OK` (when only some results failed).
    pub status: String,
    /// The `OverallStatusMessage`, which Configure, Perform and Schedule responses carry,
    /// when it is not empty.
    pub status_message: Option<String>,
    /// The `RequestID` of the response, to quote when asking Salesforce support.
    pub request_id: Option<String>,
    /// The results whose `StatusCode` is not `OK`, in response order.
    pub results: Vec<FailedResult>,
}

/// One object the service did not process, as its result reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailedResult {
    /// The 0-based position of the object in the request (`OrdinalID`).
    pub ordinal_id: Option<i32>,
    /// The `StatusCode`, usually `Error`.
    pub status_code: String,
    /// The `StatusMessage`, such as `The subscriber is already on the list`.
    pub status_message: String,
    /// The `ErrorCode`, such as 12014.
    pub error_code: Option<i32>,
}

impl ServiceError {
    /// Builds the error for `operation` from the response's `OverallStatus` (as sent, with
    /// any `Error:` prefix) and `RequestID`, with no failed results.
    pub fn new(
        operation: impl Into<String>,
        overall_status: &str,
        request_id: Option<String>,
    ) -> Self {
        ServiceError {
            operation: operation.into(),
            status: strip_error_prefix(overall_status).to_owned(),
            status_message: None,
            request_id,
            results: Vec::new(),
        }
    }

    /// Returns true when the service ran out of time for the request (`Error: Timeout
    /// expired…`).
    pub fn is_timeout(&self) -> bool {
        self.status.starts_with(TIMEOUT_STATUS)
    }

    /// Returns true when sending the request again could succeed: a Retrieve the service
    /// timed out on. A timed-out Create or Update may have been carried out, so no other
    /// operation counts.
    pub fn is_retryable(&self) -> bool {
        self.operation == "Retrieve" && self.is_timeout()
    }

    /// Returns the `ErrorCode` of the first failed result.
    pub fn error_code(&self) -> Option<i32> {
        self.results.first().and_then(|result| result.error_code)
    }
}

/// Returns true when `overall_status` reports success: `OK` or `MoreDataAvailable`, in any
/// letter case and with surrounding spaces ignored.
pub fn is_success_status(overall_status: &str) -> bool {
    let status = overall_status.trim();
    SUCCESS_STATUSES
        .iter()
        .any(|success| status.eq_ignore_ascii_case(success))
}

/// Returns true when a result's `StatusCode` reports success (`OK`, in any letter case).
pub fn is_success_code(status_code: &str) -> bool {
    status_code.trim().eq_ignore_ascii_case("OK")
}

/// Removes an `Error:` prefix and the spaces around the rest.
fn strip_error_prefix(overall_status: &str) -> &str {
    let status = overall_status.trim();
    match status.strip_prefix("Error:") {
        Some(rest) => rest.trim(),
        None => status,
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.operation, self.status)?;
        if let Some(message) = &self.status_message {
            write!(f, " ({message})")?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (RequestID {request_id})")?;
        }
        for result in self.results.iter().take(DISPLAYED_RESULTS) {
            write!(f, "; {result}")?;
        }
        let hidden = self.results.len().saturating_sub(DISPLAYED_RESULTS);
        if hidden > 0 {
            write!(f, "; {hidden} more failed results")?;
        }
        Ok(())
    }
}

impl fmt::Display for FailedResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ordinal_id {
            Some(ordinal) => write!(f, "object {ordinal}: ")?,
            None => write!(f, "object without OrdinalID: ")?,
        }
        write!(f, "{} {}", self.status_code, self.status_message)?;
        if let Some(code) = self.error_code {
            write!(f, " (error code {code})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(ordinal: i32, message: &str, code: Option<i32>) -> FailedResult {
        FailedResult {
            ordinal_id: Some(ordinal),
            status_code: "Error".to_owned(),
            status_message: message.to_owned(),
            error_code: code,
        }
    }

    #[test]
    fn new_strips_error_prefix() {
        let error = ServiceError::new("Retrieve", "  Error: API Permission Failed. ", None);
        assert_eq!(error.status, "API Permission Failed.");
        assert_eq!(
            ServiceError::new("Create", "HasErrors", None).status,
            "HasErrors"
        );
        assert_eq!(ServiceError::new("Create", "Error", None).status, "Error");
    }

    #[test]
    fn success_statuses() {
        for status in ["OK", "MoreDataAvailable", " ok ", "moredataavailable"] {
            assert!(is_success_status(status), "{status}");
        }
        for status in [
            "Error: Timeout expired.",
            "HasErrors",
            "Has Errors",
            "Error",
            "",
        ] {
            assert!(!is_success_status(status), "{status}");
        }
        assert!(is_success_code("OK"));
        assert!(!is_success_code("Error"));
    }

    #[test]
    fn timeout_retryable_for_retrieve_only() {
        let status = "Error: Timeout expired.  The timeout period elapsed prior to completion \
                      of the operation or the server is not responding.";
        let retrieve = ServiceError::new("Retrieve", status, None);
        assert!(retrieve.is_timeout());
        assert!(retrieve.is_retryable());

        let create = ServiceError::new("Create", status, None);
        assert!(create.is_timeout());
        assert!(!create.is_retryable());

        let other = ServiceError::new("Retrieve", "Error: API Permission Failed.", None);
        assert!(!other.is_retryable());
    }

    #[test]
    fn error_code_of_first_result() {
        let mut error = ServiceError::new("Create", "Error", None);
        assert_eq!(error.error_code(), None);
        error.results = vec![
            failed(1, "first", Some(12014)),
            failed(2, "second", Some(5)),
        ];
        assert_eq!(error.error_code(), Some(12014));
    }

    #[test]
    fn display_lists_three_results() {
        let mut error = ServiceError::new("Create", "Error", Some("r-9".to_owned()));
        error.results = (0..5)
            .map(|ordinal| failed(ordinal, "Name already exists", Some(1)))
            .collect();
        assert_eq!(
            error.to_string(),
            "Create failed: Error (RequestID r-9); \
             object 0: Error Name already exists (error code 1); \
             object 1: Error Name already exists (error code 1); \
             object 2: Error Name already exists (error code 1); \
             2 more failed results"
        );
    }

    #[test]
    fn display_with_status_message() {
        let mut error = ServiceError::new("Configure", "Error", None);
        error.status_message = Some("Invalid PropertyType".to_owned());
        error.results = vec![FailedResult {
            ordinal_id: None,
            status_code: "Error".to_owned(),
            status_message: "Invalid".to_owned(),
            error_code: None,
        }];
        assert_eq!(
            error.to_string(),
            "Configure failed: Error (Invalid PropertyType); object without OrdinalID: Error Invalid"
        );
    }
}
