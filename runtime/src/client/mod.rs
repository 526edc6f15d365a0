//! A SOAP client for the partnerAPI, generic over the generated operations.
//!
//! [`Client::call`] sends any generated request message in a SOAP 1.1 or 1.2 envelope,
//! authenticated with a WS-Security UsernameToken, OAuth 2.0 client credentials (tokens are
//! requested, cached and renewed by the client) or an access token from the caller. It
//! retries what is safe to retry (see [`RetryPolicy`]) and turns SOAP faults into
//! [`Error`]s.
//!
//! # Example
//!
//! ```no_run
//! use sfmc_runtime::client::{Client, ClientCredentials};
//! # use sfmc_runtime::xml::{Message, Operation};
//! # async fn retrieve<O: Operation>(request: &O::Request) -> Result<(), sfmc_runtime::client::Error> {
//!
//! let client = Client::builder()
//!     .subdomain("mc563885gzs27c5t9-63k636ttgm")
//!     .credentials(ClientCredentials::new("client-id", "client-secret"))
//!     .build()?;
//! // With the generated bindings: `client.call::<operations::Retrieve>(&request)`.
//! let response = client.call::<O>(request).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Logging goes through `tracing`: each exchange at debug level (operation, endpoint, HTTP
//! status, duration), retries at warn level, and the bodies at trace level with passwords,
//! client secrets and tokens replaced by `***`.

mod auth;
mod builder;
mod endpoint;
mod envelope;
mod error;
mod json;
mod redact;
mod response;
mod retry;
mod service;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use auth::{AccessToken, ClientCredentials, Credentials, UsernameToken};
pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RETRIEVE_TIMEOUT, DEFAULT_TIMEOUT,
    DEFAULT_TOKEN_RENEWAL_MARGIN,
};
pub use envelope::{SOAP11_NAMESPACE, SOAP12_NAMESPACE, SoapVersion, WSA_NAMESPACE};
pub use error::{
    API_FAULT_NAMESPACE, ApiFault, Error, Fault, TokenError, TransportError, TransportErrorKind,
    WSSE_NAMESPACE,
};
pub use retry::{IDEMPOTENT_OPERATIONS, RetryPolicy};
pub use service::{FailedResult, ServiceError, is_success_code, is_success_status};

use crate::xml::{Message, Operation};
use auth::{IssuedToken, TokenCache};
use envelope::{Addressing, RequestHeader, Security};
use redact::redact_xml;
use response::{EnvelopeError, ResponseBody};
use retry::Random;
use transport::{HttpResponse, Transport};

/// A partnerAPI SOAP client. Cloning is cheap and clones share the connection pool and the
/// access token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    auth: Authentication,
    soap_endpoint: Option<String>,
    subdomain_soap_url: Option<String>,
    soap_version: SoapVersion,
    addressing: bool,
    retry: RetryPolicy,
    random: Random,
}

/// The client's credentials, with the token cache for OAuth.
enum Authentication {
    UsernameToken(UsernameToken),
    OAuth(TokenCache),
    AccessToken(AccessToken),
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut debug = f.debug_struct("Client");
        match &inner.auth {
            Authentication::UsernameToken(credentials) => debug.field("credentials", credentials),
            Authentication::OAuth(cache) => debug.field("credentials", cache.credentials()),
            Authentication::AccessToken(token) => debug.field("credentials", token),
        };
        debug
            .field("soap_endpoint", &inner.soap_endpoint)
            .field("subdomain_soap_url", &inner.subdomain_soap_url)
            .field("soap_version", &inner.soap_version)
            .field("addressing", &inner.addressing)
            .field("retry", &inner.retry)
            .finish_non_exhaustive()
    }
}

/// A failed attempt, with what the retry logic needs to know about it.
struct Failure {
    error: Error,
    /// True when the attempt failed while getting an access token, before the SOAP request.
    before_request: bool,
    /// The generation of the access token the request carried.
    token_generation: Option<u64>,
}

/// The credentials one attempt sends.
enum AttemptCredentials<'a> {
    UsernameToken(&'a UsernameToken),
    /// A token from the caller.
    Fixed(&'a AccessToken),
    /// A token from the token endpoint, with the client credentials it was issued for.
    Issued {
        token: IssuedToken,
        client: &'a ClientCredentials,
    },
}

/// The IDs one call keeps across its attempts, so that a retry is the same message.
struct CallIds {
    message_id: String,
    security_token_id: String,
}

/// The call's next step after a failed attempt.
enum NextStep {
    /// Renew the access token of this generation and send the call again.
    RenewToken(u64),
    /// Wait this long and send the call again.
    Retry(Duration),
    /// Return the error.
    Fail,
}

impl Client {
    /// Returns a builder with the defaults: SOAP 1.1, no WS-Addressing, 120 s timeout,
    /// three attempts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Sends `request` as operation `O` and returns the response message.
    ///
    /// A `Token Expired` fault makes the client renew the OAuth token and send the call once
    /// more, which does not count as a retry. Other failures are retried as the
    /// [`RetryPolicy`] allows.
    ///
    /// # Errors
    /// - [`Error::Fault`] or [`Error::Authentication`] when the service returns a fault.
    /// - [`Error::Token`] when the token endpoint rejects the client credentials.
    /// - [`Error::Transport`] when the connection fails or times out.
    /// - [`Error::Status`] for an HTTP error status without a SOAP body.
    /// - [`Error::Xml`] or [`Error::InvalidResponse`] for a body that cannot be read as the
    ///   response message.
    pub async fn call<O: Operation>(&self, request: &O::Request) -> Result<O::Response, Error> {
        self.call_checked::<O, _>(request, Ok).await
    }

    /// Sends `request` as operation `O`, like [`Client::call`], and passes each response
    /// through `check`, which turns a failure reported inside the response into an error.
    ///
    /// An error from `check` goes through the same retry decision as any other, so a
    /// Retrieve whose `OverallStatus` reports a timeout ([`ServiceError::is_retryable`]) is
    /// sent again as the [`RetryPolicy`] allows.
    ///
    /// # Errors
    /// The errors of [`Client::call`], and whatever `check` returns, usually
    /// [`Error::Service`].
    pub async fn call_checked<O, F>(
        &self,
        request: &O::Request,
        check: F,
    ) -> Result<O::Response, Error>
    where
        O: Operation,
        F: Fn(O::Response) -> Result<O::Response, Error>,
    {
        let ids = CallIds {
            message_id: format!("urn:uuid:{}", self.inner.random.uuid()),
            security_token_id: format!("SecurityToken-{}", self.inner.random.uuid()),
        };
        let mut attempt = 1;
        let mut renewed = false;
        let mut rejected_token = None;
        loop {
            let result = self
                .attempt::<O>(request, &ids, rejected_token.take())
                .await;
            let failure = match result.map(&check) {
                Ok(Ok(response)) => return Ok(response),
                Ok(Err(error)) => Failure {
                    error,
                    before_request: false,
                    token_generation: None,
                },
                Err(failure) => failure,
            };
            match self.next_step(O::NAME, &failure, attempt, renewed) {
                NextStep::RenewToken(generation) => {
                    tracing::debug!(
                        operation = O::NAME,
                        "the service reports the access token expired; renewing it and sending the call again"
                    );
                    renewed = true;
                    rejected_token = Some(generation);
                }
                NextStep::Retry(delay) => {
                    tracing::warn!(
                        operation = O::NAME,
                        attempt,
                        ?delay,
                        error = %failure.error,
                        "call failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                NextStep::Fail => {
                    tracing::debug!(operation = O::NAME, attempt, error = %failure.error, "call failed");
                    return Err(failure.error);
                }
            }
        }
    }

    /// Decides what follows the failed attempt number `attempt` of `operation`.
    fn next_step(
        &self,
        operation: &str,
        failure: &Failure,
        attempt: u32,
        renewed: bool,
    ) -> NextStep {
        if failure.error.is_token_expired() && !renewed {
            if let Some(generation) = failure.token_generation {
                return NextStep::RenewToken(generation);
            }
        }
        let retry = &self.inner.retry;
        // Before the SOAP request, only the token request failed, and repeating that is
        // harmless for every operation.
        let may_retry = if failure.before_request {
            failure.error.is_retryable()
        } else {
            retry.allows(operation, &failure.error)
        };
        if !may_retry || attempt >= retry.attempts() {
            return NextStep::Fail;
        }
        NextStep::Retry(retry.delay(attempt, self.inner.random.next_u64()))
    }

    /// Sends the call once: gets the credentials, writes the envelope, posts it and reads
    /// the response.
    async fn attempt<O: Operation>(
        &self,
        request: &O::Request,
        ids: &CallIds,
        rejected_token: Option<u64>,
    ) -> Result<O::Response, Failure> {
        let credentials = self.credentials(rejected_token).await?;
        let issued = match &credentials {
            AttemptCredentials::Issued { token, .. } => Some(token),
            _ => None,
        };
        let failure = |error: Error| Failure {
            error,
            before_request: false,
            token_generation: issued.map(|token| token.generation),
        };
        let url = self.soap_url(issued).map_err(failure)?;
        let (security, secrets) = credentials.security(&ids.security_token_id);
        let header = RequestHeader {
            version: self.inner.soap_version,
            addressing: self.inner.addressing.then_some(Addressing {
                action: O::SOAP_ACTION,
                message_id: &ids.message_id,
                to: &url,
            }),
            security,
        };
        let body = envelope::write_request(request, &header).map_err(failure)?;
        self.exchange::<O>(&url, body, &secrets)
            .await
            .map_err(failure)
    }

    /// Posts the envelope `body` to `url` and reads the response, logging both with
    /// `secrets` masked.
    async fn exchange<O: Operation>(
        &self,
        url: &str,
        body: Vec<u8>,
        secrets: &[&str],
    ) -> Result<O::Response, Error> {
        if tracing::enabled!(tracing::Level::TRACE) {
            let body = redact_xml(&String::from_utf8_lossy(&body), secrets);
            tracing::trace!(operation = O::NAME, endpoint = %url, %body, "SOAP request");
        }
        let headers = self.inner.soap_version.http_headers(O::SOAP_ACTION);
        let started = Instant::now();
        let retrieve = O::NAME == "Retrieve";
        let response = self
            .inner
            .transport
            .post(url, &headers, body, retrieve)
            .await?;
        let elapsed = started.elapsed();
        tracing::debug!(
            operation = O::NAME,
            endpoint = %url,
            status = response.status,
            ?elapsed,
            "SOAP response received"
        );
        if tracing::enabled!(tracing::Level::TRACE) {
            let body = redact_xml(&String::from_utf8_lossy(&response.body), secrets);
            tracing::trace!(operation = O::NAME, endpoint = %url, %body, "SOAP response");
        }
        response_result::<O::Response>(url, &response)
    }

    /// Returns the credentials for one attempt. For OAuth this is the cached token, or a new
    /// one in place of the token of generation `rejected` when given.
    async fn credentials(&self, rejected: Option<u64>) -> Result<AttemptCredentials<'_>, Failure> {
        let cache = match &self.inner.auth {
            Authentication::UsernameToken(credentials) => {
                return Ok(AttemptCredentials::UsernameToken(credentials));
            }
            Authentication::AccessToken(token) => return Ok(AttemptCredentials::Fixed(token)),
            Authentication::OAuth(cache) => cache,
        };
        let transport = &self.inner.transport;
        let issued = match rejected {
            Some(generation) => cache.renew(transport, generation).await,
            None => cache.token(transport).await,
        };
        match issued {
            Ok(token) => Ok(AttemptCredentials::Issued {
                token,
                client: cache.credentials(),
            }),
            Err(error) => Err(Failure {
                error,
                before_request: true,
                token_generation: None,
            }),
        }
    }

    /// Picks the SOAP endpoint: the configured one, else the token response's, else the
    /// subdomain's.
    fn soap_url(&self, issued: Option<&IssuedToken>) -> Result<String, Error> {
        let inner = &self.inner;
        inner
            .soap_endpoint
            .clone()
            .or_else(|| issued.and_then(|token| token.soap_url.clone()))
            .or_else(|| inner.subdomain_soap_url.clone())
            .ok_or_else(|| {
                Error::Config(
                    "no SOAP endpoint: the token response has no `soap_instance_url`. Set \
                     `soap_endpoint` or `subdomain`"
                        .to_owned(),
                )
            })
    }
}

impl AttemptCredentials<'_> {
    /// Returns the security header to send, with the secrets to mask in logs.
    fn security<'s>(&'s self, token_id: &'s str) -> (Security<'s>, Vec<&'s str>) {
        match self {
            AttemptCredentials::UsernameToken(credentials) => (
                Security::UsernameToken {
                    credentials,
                    id: token_id,
                },
                vec![credentials.password()],
            ),
            AttemptCredentials::Fixed(token) => {
                (Security::AccessToken(token), vec![token.secret()])
            }
            AttemptCredentials::Issued { token, client } => (
                Security::AccessToken(&token.token),
                vec![token.token.secret(), client.client_secret()],
            ),
        }
    }
}

/// Turns an HTTP response into the response message or the error it reports.
fn response_result<M: Message>(url: &str, response: &HttpResponse) -> Result<M, Error> {
    let status = response.status;
    let status_error = || Error::Status {
        status,
        url: url.to_owned(),
        body: response.body_start(),
    };
    match response::read_response::<M>(&response.body, status) {
        Ok(ResponseBody::Message(message)) if response.is_success() => Ok(message),
        Ok(ResponseBody::Message(_)) => Err(status_error()),
        Ok(ResponseBody::Fault(fault)) if fault.is_authentication() => {
            Err(Error::Authentication(Box::new(fault)))
        }
        Ok(ResponseBody::Fault(fault)) => Err(Error::Fault(Box::new(fault))),
        Err(EnvelopeError::NotSoap(_)) if !response.is_success() => Err(status_error()),
        Err(EnvelopeError::NotSoap(error) | EnvelopeError::Read(error)) => Err(Error::Xml {
            status,
            url: url.to_owned(),
            error: Box::new(error),
        }),
        Err(EnvelopeError::Invalid(reason)) => Err(Error::InvalidResponse {
            status,
            url: url.to_owned(),
            reason: reason.to_owned(),
        }),
    }
}
