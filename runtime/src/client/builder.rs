//! The client's configuration: endpoints, credentials, SOAP version, timeouts and retries.

use std::sync::Arc;
use std::time::Duration;

use super::auth::{Credentials, TokenCache};
use super::endpoint;
use super::envelope::SoapVersion;
use super::error::Error;
use super::retry::{Random, RetryPolicy};
use super::transport::Transport;
use super::{Authentication, Client, Inner};

/// How long one HTTP request may take, from connecting to the end of the response, unless
/// configured. Salesforce advises client timeouts of 120 s for synchronous calls.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// How long one Retrieve request may take unless configured. Salesforce advises 300 s for
/// large retrieves, which take longer than other calls.
pub const DEFAULT_RETRIEVE_TIMEOUT: Duration = Duration::from_secs(300);

/// How long opening a connection may take, unless configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long before its expiry an access token is renewed, unless configured.
pub const DEFAULT_TOKEN_RENEWAL_MARGIN: Duration = Duration::from_secs(300);

/// Configures and builds a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    subdomain: Option<String>,
    soap_endpoint: Option<String>,
    auth_endpoint: Option<String>,
    soap_version: SoapVersion,
    addressing: bool,
    timeout: Duration,
    timeout_set: bool,
    retrieve_timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    token_renewal_margin: Duration,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            subdomain: None,
            soap_endpoint: None,
            auth_endpoint: None,
            soap_version: SoapVersion::default(),
            addressing: false,
            timeout: DEFAULT_TIMEOUT,
            timeout_set: false,
            retrieve_timeout: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            token_renewal_margin: DEFAULT_TOKEN_RENEWAL_MARGIN,
        }
    }
}

impl ClientBuilder {
    /// Sets the tenant subdomain (the `mc…` host label), from which the SOAP endpoint
    /// `https://{subdomain}.soap.marketingcloudapis.com/Service.asmx` and the authentication
    /// base `https://{subdomain}.auth.marketingcloudapis.com` follow.
    ///
    /// With OAuth client credentials, the token response's `soap_instance_url` takes
    /// precedence over the SOAP endpoint derived here.
    pub fn subdomain(mut self, subdomain: impl Into<String>) -> Self {
        self.subdomain = Some(subdomain.into());
        self
    }

    /// Sets the whole SOAP endpoint URL, such as `http://127.0.0.1:8080/Service.asmx`. It is
    /// used as given and takes precedence over every other source.
    pub fn soap_endpoint(mut self, url: impl Into<String>) -> Self {
        self.soap_endpoint = Some(url.into());
        self
    }

    /// Sets the authentication base URL; tokens are requested from `{url}/v2/token`.
    pub fn auth_endpoint(mut self, url: impl Into<String>) -> Self {
        self.auth_endpoint = Some(url.into());
        self
    }

    /// Sets how calls authenticate: a [`UsernameToken`](super::UsernameToken),
    /// [`ClientCredentials`](super::ClientCredentials) or an
    /// [`AccessToken`](super::AccessToken).
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = Some(credentials.into());
        self
    }

    /// Sets the SOAP version of the envelopes (SOAP 1.1 unless set).
    pub fn soap_version(mut self, version: SoapVersion) -> Self {
        self.soap_version = version;
        self
    }

    /// Adds the WS-Addressing headers Action, MessageID, ReplyTo and To to every request
    /// (off unless set).
    pub fn addressing(mut self, enabled: bool) -> Self {
        self.addressing = enabled;
        self
    }

    /// Sets how long one HTTP request may take, from connecting to the end of the response,
    /// for every operation ([`DEFAULT_TIMEOUT`] unless set, and [`DEFAULT_RETRIEVE_TIMEOUT`]
    /// for Retrieve). Each retry gets the full time again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.timeout_set = true;
        self
    }

    /// Sets how long one Retrieve request may take, overriding [`ClientBuilder::timeout`] for
    /// Retrieve alone.
    pub fn retrieve_timeout(mut self, timeout: Duration) -> Self {
        self.retrieve_timeout = Some(timeout);
        self
    }

    /// Sets how long opening a connection may take ([`DEFAULT_CONNECT_TIMEOUT`] unless set).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets when failed calls are sent again ([`RetryPolicy::default`] unless set).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets how long before its expiry an access token is renewed
    /// ([`DEFAULT_TOKEN_RENEWAL_MARGIN`] unless set). A token whose `expires_in` is shorter
    /// than the margin is renewed before every call.
    pub fn token_renewal_margin(mut self, margin: Duration) -> Self {
        self.token_renewal_margin = margin;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// Fails with [`Error::Config`] when credentials are missing, when no SOAP endpoint or
    /// (for client credentials) no authentication endpoint can be derived, when a URL or the
    /// subdomain is invalid, or when the HTTP client cannot be set up.
    pub fn build(self) -> Result<Client, Error> {
        let Some(credentials) = self.credentials else {
            return Err(Error::Config(
                "no credentials: call `credentials` with a UsernameToken, ClientCredentials \
                 or AccessToken"
                    .to_owned(),
            ));
        };
        if let Some(subdomain) = &self.subdomain {
            endpoint::check_subdomain(subdomain)?;
        }
        let soap_endpoint = self.soap_endpoint.map(|url| url.trim().to_owned());
        let subdomain_soap_url = self.subdomain.as_deref().map(endpoint::subdomain_soap_url);
        if let Some(url) = &soap_endpoint {
            check_url("SOAP endpoint", url)?;
        }

        let auth = match credentials {
            Credentials::ClientCredentials(credentials) => {
                let base = self
                    .auth_endpoint
                    .or_else(|| self.subdomain.as_deref().map(endpoint::subdomain_auth_url))
                    .ok_or_else(|| {
                        Error::Config(
                            "client credentials need a token endpoint: set `subdomain` or \
                             `auth_endpoint`"
                                .to_owned(),
                        )
                    })?;
                let token_url = endpoint::token_url(&base);
                check_url("authentication endpoint", &token_url)?;
                Authentication::OAuth(TokenCache::new(
                    credentials,
                    token_url,
                    self.token_renewal_margin,
                ))
            }
            Credentials::UsernameToken(credentials) => Authentication::UsernameToken(credentials),
            Credentials::AccessToken(token) => Authentication::AccessToken(token),
        };
        let has_fixed_endpoint = soap_endpoint.is_some() || subdomain_soap_url.is_some();
        if !matches!(auth, Authentication::OAuth(_)) && !has_fixed_endpoint {
            return Err(Error::Config(
                "no SOAP endpoint: set `soap_endpoint` or `subdomain`".to_owned(),
            ));
        }

        let retrieve_timeout = match (self.retrieve_timeout, self.timeout_set) {
            (Some(timeout), _) => timeout,
            (None, true) => self.timeout,
            (None, false) => DEFAULT_RETRIEVE_TIMEOUT,
        };
        let transport = Transport::new(self.timeout, retrieve_timeout, self.connect_timeout)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                auth,
                soap_endpoint,
                subdomain_soap_url,
                soap_version: self.soap_version,
                addressing: self.addressing,
                retry: self.retry,
                random: Random::from_clock(),
            }),
        })
    }
}

fn check_url(label: &str, url: &str) -> Result<(), Error> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        Ok(parsed) => Err(Error::Config(format!(
            "invalid {label} {url:?}: the scheme `{}` is not http or https",
            parsed.scheme()
        ))),
        Err(error) => Err(Error::Config(format!("invalid {label} {url:?}: {error}"))),
    }
}
