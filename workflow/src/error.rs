//! Failures of the workflow, with the step that failed, the service's response and a hint.

use std::fmt;

use sfmc_runtime::client::{Error as ClientError, TransportError, TransportErrorKind};

use crate::config::Login;

/// The step of a failure that shows the login failed, whichever call made it.
pub const LOGIN_STEP: &str = "login";

/// The path the runtime client appends to the authentication base URL to request a token.
const TOKEN_PATH: &str = "/v2/token";

/// The class of a failure, which decides the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Invalid flags, configuration or input files: exit code 2.
    Usage,
    /// The service rejected a call, or it could not be reached: exit code 1.
    Service,
    /// The send log has no row for the UniqueID yet: exit code 3.
    NotFoundYet,
    /// The user pressed Ctrl-C: exit code 130, as shells report an interrupt.
    Interrupted,
}

impl FailureKind {
    /// Returns the process exit code for this class.
    pub fn exit_code(self) -> i32 {
        match self {
            FailureKind::Service => 1,
            FailureKind::Usage => 2,
            FailureKind::NotFoundYet => 3,
            FailureKind::Interrupted => 130,
        }
    }
}

/// A failed step, with the service's response when there is one and a hint.
#[derive(Debug)]
pub struct Failure {
    /// The class of the failure.
    pub kind: FailureKind,
    /// The step, such as `setup: send log` or `track: send log lookup`.
    pub step: String,
    /// The description of the failure, in one sentence.
    pub message: String,
    /// The client error with the service's message, error code and RequestID, if any.
    pub cause: Option<Box<ClientError>>,
    /// The next thing the user can do.
    pub hint: Option<String>,
}

impl Failure {
    /// Builds a usage failure.
    pub fn usage(step: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            kind: FailureKind::Usage,
            step: step.into(),
            message: message.into(),
            cause: None,
            hint: None,
        }
    }

    /// Builds a failure of a call to the service.
    ///
    /// A rejected login or a failed token request becomes a failure of the step
    /// [`LOGIN_STEP`], whichever call needed the login. A client error that carries no
    /// response, such as a connection that could not be made, replaces `message`, because
    /// its reason matters more to the user than the call it stopped.
    pub fn service(
        step: impl Into<String>,
        message: impl Into<String>,
        cause: ClientError,
    ) -> Self {
        let mut step = step.into();
        let mut message = message.into();
        if cause.is_auth() || is_token_request(&cause) {
            step = LOGIN_STEP.to_owned();
            message = match &cause {
                ClientError::Authentication(_) => "the service rejected the credentials".to_owned(),
                _ => "the token request failed".to_owned(),
            };
        }
        match &cause {
            ClientError::Transport(error) => message = describe_transport(error),
            ClientError::Token(error) => message = error.to_string(),
            ClientError::Config(_) | ClientError::Write(_) => {
                message = format!("{message}: {cause}");
            }
            _ => {}
        }
        Failure {
            kind: FailureKind::Service,
            step,
            message,
            cause: Some(Box::new(cause)),
            hint: None,
        }
    }

    /// Builds a failure the service reported without a client error, such as a status
    /// read back that differs from the one requested.
    pub fn rejected(step: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            kind: FailureKind::Service,
            step: step.into(),
            message: message.into(),
            cause: None,
            hint: None,
        }
    }

    /// Sets the hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Replaces the hint of a failed login, or of a connection that could not be made, with
    /// one naming the settings to check for the `login` in use. Other failures are returned
    /// unchanged.
    #[must_use]
    pub fn with_settings_hint(self, login: Option<Login>) -> Self {
        let Some(cause) = self.cause.as_deref() else {
            return self;
        };
        let settings = match cause {
            ClientError::Transport(error) if error.kind() == TransportErrorKind::Connect => {
                if is_token_url(error.url()) {
                    "check SFMC_AUTH_ENDPOINT (or SFMC_SUBDOMAIN) and that its host is reachable"
                } else {
                    "check SFMC_SOAP_ENDPOINT (or SFMC_SUBDOMAIN) and that its host is reachable"
                }
            }
            _ if self.step != LOGIN_STEP => return self,
            ClientError::Authentication(_) => match login {
                Some(Login::UsernameToken) => {
                    "check SFMC_USERNAME, SFMC_PASSWORD and SFMC_SOAP_ENDPOINT (or SFMC_SUBDOMAIN)"
                }
                Some(Login::ClientCredentials) => {
                    "check SFMC_CLIENT_ID, SFMC_CLIENT_SECRET, SFMC_ACCOUNT_ID, \
                     SFMC_AUTH_ENDPOINT and SFMC_SOAP_ENDPOINT (or SFMC_SUBDOMAIN)"
                }
                None => {
                    "check SFMC_CLIENT_ID and SFMC_CLIENT_SECRET, or SFMC_USERNAME and \
                     SFMC_PASSWORD, and the endpoints (or SFMC_SUBDOMAIN)"
                }
            },
            _ => {
                "check SFMC_CLIENT_ID, SFMC_CLIENT_SECRET, SFMC_ACCOUNT_ID and \
                 SFMC_AUTH_ENDPOINT (or SFMC_SUBDOMAIN)"
            }
        };
        self.hint(format!(
            "{settings}, then run `sfmc-track config check` to see each setting's value and source"
        ))
    }

    /// Returns the service's error code (`ErrorCode` of a result, or the fault's code).
    pub fn error_code(&self) -> Option<i64> {
        self.cause.as_deref().and_then(ClientError::error_code)
    }
}

/// Returns true when the error comes from the request for an OAuth token.
fn is_token_request(error: &ClientError) -> bool {
    match error {
        ClientError::Token(_) => true,
        ClientError::Transport(error) => is_token_url(error.url()),
        ClientError::Status { url, .. }
        | ClientError::Xml { url, .. }
        | ClientError::InvalidResponse { url, .. } => is_token_url(url),
        _ => false,
    }
}

fn is_token_url(url: &str) -> bool {
    url.trim_end_matches('/').ends_with(TOKEN_PATH)
}

/// Describes a failed HTTP exchange with its URL and the innermost reason, such as
/// `cannot connect to http://127.0.0.1:9/Service.asmx: Connection refused (os error 111)`.
fn describe_transport(error: &TransportError) -> String {
    let mut reason = None;
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason = Some(inner.to_string());
        source = inner.source();
    }
    match reason {
        Some(reason) => format!("{error}: {reason}"),
        None => error.to_string(),
    }
}

/// Returns the label of the line that shows the client error under a failure, or `None`
/// when the failure's message already contains it, because no response arrived or the
/// error is local.
fn response_label(error: &ClientError) -> Option<&'static str> {
    match error {
        ClientError::Transport(_)
        | ClientError::Token(_)
        | ClientError::Config(_)
        | ClientError::Write(_) => None,
        // These come from whatever server responded at the URL, which need not be the
        // service: a proxy or a wrong endpoint returns an HTTP error page.
        ClientError::Status { .. }
        | ClientError::Xml { .. }
        | ClientError::InvalidResponse { .. } => Some("response"),
        _ => Some("service response"),
    }
}

impl fmt::Display for Failure {
    /// Writes `STEP failed: MESSAGE`, the response on the next line when one arrived, then
    /// the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.step, self.message)?;
        if let Some(cause) = &self.cause {
            if let Some(label) = response_label(cause) {
                match cause.as_ref() {
                    // The message already states that the credentials were rejected.
                    ClientError::Authentication(fault) => write!(f, "\n  {label}: {fault}")?,
                    cause => write!(f, "\n  {label}: {cause}")?,
                }
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}
