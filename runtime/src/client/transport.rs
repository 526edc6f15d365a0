//! HTTP transport over reqwest: one connection pool per client, rustls over the ring
//! provider, gzip response decoding and timeouts.

use std::sync::Arc;
use std::time::Duration;

use rustls_platform_verifier::BuilderVerifierExt;

use super::error::{Error, TransportError};

/// A response read in full.
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl HttpResponse {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Returns the first 200 characters of the body, for error messages.
    pub(crate) fn body_start(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(200)
            .collect()
    }
}

/// Sends requests through one pooled `reqwest::Client`, so that calls reuse connections.
pub(crate) struct Transport {
    http: reqwest::Client,
    timeout: Duration,
    retrieve_timeout: Duration,
}

impl Transport {
    pub(crate) fn new(
        timeout: Duration,
        retrieve_timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Self, Error> {
        let tls = tls_config()?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .user_agent(concat!("sfmc-runtime/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(connect_timeout)
            .gzip(true)
            .build()
            .map_err(|error| Error::Config(format!("cannot build the HTTP client: {error}")))?;
        Ok(Transport {
            http,
            timeout,
            retrieve_timeout,
        })
    }

    /// Sends a POST request and reads the whole response body, within the Retrieve timeout
    /// when `retrieve` is set and the call timeout otherwise.
    pub(crate) async fn post(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: Vec<u8>,
        retrieve: bool,
    ) -> Result<HttpResponse, TransportError> {
        let timeout = if retrieve {
            self.retrieve_timeout
        } else {
            self.timeout
        };
        let mut request = self.http.post(url).timeout(timeout).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request
            .send()
            .await
            .map_err(|error| TransportError::new(url, error))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|error| TransportError::new(url, error))?;
        Ok(HttpResponse {
            status,
            body: Vec::from(body),
        })
    }
}

/// Builds a rustls configuration over the ring provider that checks certificates against
/// the operating system's trust store.
///
/// The provider is passed to this configuration only, rather than installed process-wide, so
/// that an application remains free to install its own default.
///
/// NOTE: every client builds this configuration, but the tests run over plain HTTP on
/// loopback, so no test completes a TLS handshake with it.
fn tls_config() -> Result<rustls::ClientConfig, Error> {
    // rustls 0.23.48 deprecates the ring provider because it has no post-quantum key
    // exchange. It stays because the aws-lc-rs provider builds a C library, which the
    // toolkit avoids, and TLS 1.2 and 1.3 work without post-quantum key exchange.
    #[allow(deprecated, reason = "ring is chosen over aws-lc-rs; see above")]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|error| Error::Config(format!("cannot set up TLS: {error}")))?
        .with_no_client_auth();
    Ok(config)
}
