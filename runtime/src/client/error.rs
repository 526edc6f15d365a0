//! The client's error type, SOAP faults, and the predicates retries and callers rely on.

use std::fmt;

use super::service::ServiceError;
use crate::xml::{QualifiedName, ReadError, WriteError};

/// The WS-Security namespace: `Security` faults from the service are in it.
pub const WSSE_NAMESPACE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

/// The namespace of the `apifault` element a server fault carries in its detail.
pub const API_FAULT_NAMESPACE: &str = "urn:fault.partner.exacttarget.com";

/// The apifault code of `Rate Limited`: the service throttled the account and did not process
/// the request.
const RATE_LIMITED_CODE: i64 = 17;

/// The apifault code of `RemoteDBConnDetected_SyncAPICallUnsupported`, whose message ends
/// "This request was not processed".
const NOT_PROCESSED_CODE: i64 = 1;

/// An error from a SOAP call or from the token request that precedes it.
///
/// No variant contains a password, a client secret or an access token, and neither does its
/// `Display` or `Debug` output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client configuration is incomplete or invalid.
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The HTTP exchange failed before a complete response arrived.
    #[error(transparent)]
    Transport(#[from] TransportError),

    /// The server returned an HTTP error status and a body that is not a SOAP envelope.
    #[error("HTTP status {status} from {url}: {body:?}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The URL the request went to.
        url: String,
        /// The first 200 characters of the response body.
        body: String,
    },

    /// The service returned a SOAP fault.
    #[error("{0}")]
    Fault(Box<Fault>),

    /// The service rejected the credentials with a WS-Security fault (such as `Login failed`
    /// or `Token Expired`).
    #[error("authentication failed: {0}")]
    Authentication(Box<Fault>),

    /// The token endpoint rejected the token request.
    #[error("{0}")]
    Token(Box<TokenError>),

    /// The response is not well-formed XML, or its body does not fit the expected message.
    #[error("cannot read the response from {url} (HTTP status {status}): {error}")]
    Xml {
        /// The HTTP status code.
        status: u16,
        /// The URL the request went to.
        url: String,
        /// The reader's error, with the element path, line and column.
        error: Box<ReadError>,
    },

    /// The response is well-formed but not what the protocol requires, such as an envelope
    /// without a Body or a token response without `access_token`.
    #[error("invalid response from {url} (HTTP status {status}): {reason}")]
    InvalidResponse {
        /// The HTTP status code.
        status: u16,
        /// The URL the request went to.
        url: String,
        /// The reason the response is invalid.
        reason: String,
    },

    /// The request message could not be written as XML.
    #[error("cannot write the request: {0}")]
    Write(#[from] WriteError),

    /// The service returned a success HTTP status but reported in the response that the
    /// request, or some of its objects, failed.
    #[error("{0}")]
    Service(Box<ServiceError>),

    /// A paged Retrieve stopped before the service reported its last page.
    #[error(
        "paged Retrieve stopped after {pages} pages: {reason}{}",
        request_id.as_deref().map(|id| format!(" (RequestID {id})")).unwrap_or_default()
    )]
    Paging {
        /// How many pages arrived.
        pages: usize,
        /// The `RequestID` of the latest page, from which the next page would continue.
        request_id: Option<String>,
        /// The reason paging stopped.
        reason: String,
    },
}

impl From<ServiceError> for Error {
    fn from(error: ServiceError) -> Self {
        Error::Service(Box::new(error))
    }
}

impl Error {
    /// Returns true when repeating the request could succeed: the service throttled it or
    /// did not process it, the connection failed or timed out, a gateway returned 502,
    /// 503 or 504, or a Retrieve's `OverallStatus` reports a timeout.
    ///
    /// Whether a retry is also safe depends on the operation: a `Create` that timed out may
    /// have been carried out. The client's [`RetryPolicy`](super::RetryPolicy) decides that.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) => true,
            Error::Status { status, .. } => matches!(status, 502..=504),
            Error::Fault(fault) => fault.is_rate_limited() || fault.is_not_processed(),
            Error::Service(error) => error.is_retryable(),
            _ => false,
        }
    }

    /// Returns true when the service certainly did not carry out the request, so that any
    /// operation may be sent again: a connection that never opened, a `Rate Limited` fault,
    /// or a fault with apifault code 1.
    pub fn is_not_processed(&self) -> bool {
        match self {
            Error::Transport(error) => error.kind() == TransportErrorKind::Connect,
            Error::Fault(fault) => fault.is_rate_limited() || fault.is_not_processed(),
            _ => false,
        }
    }

    /// Returns true when the credentials were rejected, by the SOAP service or by the token
    /// endpoint.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Authentication(_) | Error::Token(_))
    }

    /// Returns true when the request timed out: no response arrived in time, or the
    /// service's `OverallStatus` reports `Timeout expired`.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport(error) => error.kind() == TransportErrorKind::Timeout,
            Error::Service(error) => error.is_timeout(),
            _ => false,
        }
    }

    /// Returns the service's error code: the `Code` of a fault's `apifault` detail, such as
    /// 17 for `Rate Limited`, or the `ErrorCode` of the first failed result, such as 12014.
    pub fn error_code(&self) -> Option<i64> {
        if let Error::Service(error) = self {
            return error.error_code().map(i64::from);
        }
        self.fault()
            .and_then(|fault| fault.api_fault.as_ref())
            .map(|api_fault| api_fault.code)
    }

    /// Returns the failure the service reported in a successful response, when it did.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(error) => Some(error),
            _ => None,
        }
    }

    /// Returns the SOAP fault, when the service returned one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            Error::Fault(fault) | Error::Authentication(fault) => Some(fault),
            _ => None,
        }
    }

    /// Returns the HTTP status of the response the error came from, when one arrived.
    /// `None` for [`Error::Service`], whose response had a success status.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. }
            | Error::Xml { status, .. }
            | Error::InvalidResponse { status, .. } => Some(*status),
            Error::Fault(fault) | Error::Authentication(fault) => Some(fault.status),
            Error::Token(error) => Some(error.status),
            _ => None,
        }
    }

    /// Returns true for the `Token Expired` security fault, which a renewed token fixes.
    pub(crate) fn is_token_expired(&self) -> bool {
        matches!(self, Error::Authentication(fault) if fault.is_token_expired())
    }
}

/// A SOAP fault: the service's report that it could not carry out the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The HTTP status the fault arrived with (500 from the partnerAPI).
    pub status: u16,
    /// The fault code resolved to namespace and local name, such as
    /// `{http://schemas.xmlsoap.org/soap/envelope/}Server`.
    pub code: QualifiedName,
    /// The `faultstring` (SOAP 1.1) or the first `Reason/Text` (SOAP 1.2).
    pub message: String,
    /// The `faultactor` (SOAP 1.1) or `Node` (SOAP 1.2), usually the endpoint URL.
    pub actor: Option<String>,
    /// The `apifault` element of the detail, which only server faults carry.
    pub api_fault: Option<ApiFault>,
}

/// The `apifault` detail of a server fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiFault {
    /// The numeric error code, such as 17 for `Rate Limited`.
    pub code: i64,
    /// The message, such as `Rate Limited`.
    pub message: String,
}

impl Fault {
    /// Returns true for a fault whose code is `Security` in the WS-Security namespace.
    pub fn is_security(&self) -> bool {
        self.code.namespace.as_deref() == Some(WSSE_NAMESPACE) && self.code.name == "Security"
    }

    /// Returns true when the fault reports rejected credentials: any WS-Security fault, and
    /// `Login failed` in any letter case (the service spells it `Login failed` and
    /// `Login Failed`).
    pub fn is_authentication(&self) -> bool {
        self.is_security() || self.message.trim().eq_ignore_ascii_case("login failed")
    }

    /// Returns true for the WS-Security fault `Token Expired`.
    pub fn is_token_expired(&self) -> bool {
        self.is_security() && self.message.trim().eq_ignore_ascii_case("token expired")
    }

    /// Returns true for the `Rate Limited` server fault (apifault code 17).
    pub fn is_rate_limited(&self) -> bool {
        self.api_code() == Some(RATE_LIMITED_CODE)
            || self.message.trim().eq_ignore_ascii_case("rate limited")
    }

    fn is_not_processed(&self) -> bool {
        self.api_code() == Some(NOT_PROCESSED_CODE)
    }

    fn api_code(&self) -> Option<i64> {
        self.api_fault.as_ref().map(|api_fault| api_fault.code)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault `{}`: {}", self.code.name, self.message)?;
        if let Some(api_fault) = &self.api_fault {
            write!(f, " (error code {}: {})", api_fault.code, api_fault.message)?;
        }
        Ok(())
    }
}

/// An error response from the OAuth token endpoint, such as `invalid_client`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the token endpoint {url} rejected the request (HTTP status {status}, {code}){}",
    description.as_deref().map(|text| format!(": {text}")).unwrap_or_default()
)]
pub struct TokenError {
    /// The HTTP status code.
    pub status: u16,
    /// The token endpoint's URL.
    pub url: String,
    /// The OAuth error code from `error`, such as `invalid_client`.
    pub code: String,
    /// The explanation from `error_description`.
    pub description: Option<String>,
}

/// A failure of the HTTP exchange itself.
#[derive(Debug, thiserror::Error)]
#[error("{} {url}", kind.describe())]
pub struct TransportError {
    url: String,
    kind: TransportErrorKind,
    #[source]
    source: reqwest::Error,
}

/// At which step an HTTP exchange failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be opened, so the request was not sent.
    Connect,
    /// No complete response arrived within the timeout; the request may have been sent.
    Timeout,
    /// Any other failure, such as a connection reset; the request may have been sent.
    Other,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "cannot connect to",
            TransportErrorKind::Timeout => "timed out waiting for a response from",
            TransportErrorKind::Other => "HTTP request failed for",
        }
    }
}

impl TransportError {
    pub(crate) fn new(url: &str, source: reqwest::Error) -> Self {
        // reqwest reports a connect timeout as both; it happened before sending.
        let kind = if source.is_connect() {
            TransportErrorKind::Connect
        } else if source.is_timeout() {
            TransportErrorKind::Timeout
        } else {
            TransportErrorKind::Other
        };
        TransportError {
            url: url.to_owned(),
            kind,
            source: source.without_url(),
        }
    }

    /// Returns at which step the exchange failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Returns the URL of the request.
    pub fn url(&self) -> &str {
        &self.url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(namespace: &str, name: &str, message: &str, code: Option<i64>) -> Fault {
        Fault {
            status: 500,
            code: QualifiedName {
                namespace: Some(namespace.to_owned()),
                name: name.to_owned(),
            },
            message: message.to_owned(),
            actor: None,
            api_fault: code.map(|code| ApiFault {
                code,
                message: message.to_owned(),
            }),
        }
    }

    const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";

    #[test]
    fn fault_login_failed_any_case() {
        for message in ["Login failed", "Login Failed", " LOGIN FAILED "] {
            let fault = fault(SOAP, "Client", message, None);
            assert!(fault.is_authentication(), "{message}");
        }
    }

    #[test]
    fn fault_token_expired_needs_security_code() {
        assert!(fault(WSSE_NAMESPACE, "Security", "Token Expired", None).is_token_expired());
        assert!(!fault(SOAP, "Security", "Token Expired", None).is_token_expired());
        assert!(!fault(WSSE_NAMESPACE, "Security", "Login failed", None).is_token_expired());
    }

    #[test]
    fn fault_rate_limited_by_code_or_text() {
        assert!(fault(SOAP, "Server", "Throttled", Some(17)).is_rate_limited());
        assert!(fault(SOAP, "Server", "Rate Limited", None).is_rate_limited());
        assert!(!fault(SOAP, "Server", "Error", Some(2)).is_rate_limited());
    }

    #[test]
    fn error_predicates_for_faults() {
        let rate_limited = Error::Fault(Box::new(fault(SOAP, "Server", "Rate Limited", Some(17))));
        assert!(rate_limited.is_retryable());
        assert!(rate_limited.is_not_processed());
        assert!(!rate_limited.is_auth());
        assert_eq!(rate_limited.error_code(), Some(17));

        let not_processed = Error::Fault(Box::new(fault(SOAP, "Client", "Sync", Some(1))));
        assert!(not_processed.is_not_processed());

        let unexpected = Error::Fault(Box::new(fault(SOAP, "Server", "Error", Some(2))));
        assert!(!unexpected.is_retryable());
        assert_eq!(unexpected.error_code(), Some(2));
    }

    #[test]
    fn error_predicates_for_status() {
        for (status, retryable) in [(500, false), (502, true), (503, true), (504, true)] {
            let error = Error::Status {
                status,
                url: "http://127.0.0.1/Service.asmx".to_owned(),
                body: String::new(),
            };
            assert_eq!(error.is_retryable(), retryable, "{status}");
            assert!(!error.is_not_processed(), "{status}");
            assert_eq!(error.http_status(), Some(status));
        }
    }

    #[test]
    fn fault_display_with_detail() {
        let fault = fault(SOAP, "Server", "Rate Limited", Some(17));
        assert_eq!(
            fault.to_string(),
            "SOAP fault `Server`: Rate Limited (error code 17: Rate Limited)"
        );
    }

    #[test]
    fn token_error_display() {
        let error = TokenError {
            status: 401,
            url: "http://127.0.0.1:1/v2/token".to_owned(),
            code: "invalid_client".to_owned(),
            description: Some("Client authentication failed.".to_owned()),
        };
        assert_eq!(
            error.to_string(),
            "the token endpoint http://127.0.0.1:1/v2/token rejected the request \
             (HTTP status 401, invalid_client): Client authentication failed."
        );
    }
}
