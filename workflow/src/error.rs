//! Failures of the workflow, with the step that failed, the service's response and a hint.

use std::fmt;

use sfmc_runtime::client::Error as ClientError;

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
    pub fn service(
        step: impl Into<String>,
        message: impl Into<String>,
        cause: ClientError,
    ) -> Self {
        Failure {
            kind: FailureKind::Service,
            step: step.into(),
            message: message.into(),
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

    /// Returns the service's error code (`ErrorCode` of a result, or the fault's code).
    pub fn error_code(&self) -> Option<i64> {
        self.cause.as_deref().and_then(ClientError::error_code)
    }
}

impl fmt::Display for Failure {
    /// Writes `STEP failed: MESSAGE`, the service's response on the next line, then the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.step, self.message)?;
        if let Some(cause) = &self.cause {
            write!(f, "\n  service response: {cause}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}
