//! Credentials, and the OAuth 2.0 client-credentials token cache.

use std::fmt;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::endpoint::normalize_soap_url;
use super::error::{Error, TokenError};
use super::json::{JsonObject, JsonValue, parse_object};
use super::redact::redact_json;
use super::transport::{HttpResponse, Transport};

/// The credentials the client authenticates its SOAP calls with.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A WS-Security UsernameToken with the password in clear text, for an API user.
    UsernameToken(UsernameToken),
    /// OAuth 2.0 client credentials of an installed package, exchanged for access tokens.
    ClientCredentials(ClientCredentials),
    /// An access token obtained by the caller, sent as it is and never renewed.
    AccessToken(AccessToken),
}

impl From<UsernameToken> for Credentials {
    fn from(credentials: UsernameToken) -> Self {
        Credentials::UsernameToken(credentials)
    }
}

impl From<ClientCredentials> for Credentials {
    fn from(credentials: ClientCredentials) -> Self {
        Credentials::ClientCredentials(credentials)
    }
}

impl From<AccessToken> for Credentials {
    fn from(token: AccessToken) -> Self {
        Credentials::AccessToken(token)
    }
}

/// A user name and password for the WS-Security UsernameToken header.
#[derive(Clone)]
pub struct UsernameToken {
    username: String,
    password: String,
}

impl UsernameToken {
    /// Creates the credentials of an API user.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        UsernameToken {
            username: username.into(),
            password: password.into(),
        }
    }

    /// Returns the user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    pub(crate) fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for UsernameToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsernameToken")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// The client ID and secret of an installed package, with the optional business unit and
/// scope to request.
#[derive(Clone)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: String,
    account_id: Option<String>,
    scope: Option<String>,
}

impl ClientCredentials {
    /// Creates client credentials that request the package's default scopes in its own
    /// business unit.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            account_id: None,
            scope: None,
        }
    }

    /// Sets the MID of the business unit the token is for, sent as `account_id`.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Sets the space-separated scopes to request, sent as `scope`. An empty string requests
    /// no scopes.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Returns the client ID.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(crate) fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// Builds the JSON body of the token request.
    fn request_body(&self) -> String {
        let mut body = JsonObject::new()
            .string("grant_type", "client_credentials")
            .string("client_id", &self.client_id)
            .string("client_secret", &self.client_secret);
        if let Some(account_id) = &self.account_id {
            body = body.string("account_id", account_id);
        }
        if let Some(scope) = &self.scope {
            body = body.string("scope", scope);
        }
        body.finish()
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("account_id", &self.account_id)
            .field("scope", &self.scope)
            .finish()
    }
}

/// An OAuth 2.0 access token, sent in the `fueloauth` SOAP header.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    pub(crate) fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

/// An access token from the token endpoint, with the SOAP endpoint that came with it.
#[derive(Clone, Debug)]
pub(crate) struct IssuedToken {
    pub(crate) token: AccessToken,
    /// The SOAP endpoint from `soap_instance_url`, normalized.
    pub(crate) soap_url: Option<String>,
    /// Counts the tokens this cache has requested, so that a call can tell whether the token
    /// it was rejected with has been replaced already.
    pub(crate) generation: u64,
    expires_at: Instant,
}

/// Requests access tokens with client credentials and caches the current one.
///
/// The mutex is held while a token is requested, so concurrent calls share one request and
/// then the token it returns.
pub(crate) struct TokenCache {
    credentials: ClientCredentials,
    url: String,
    renewal_margin: Duration,
    current: Mutex<Option<IssuedToken>>,
}

impl TokenCache {
    pub(crate) fn new(
        credentials: ClientCredentials,
        url: String,
        renewal_margin: Duration,
    ) -> Self {
        TokenCache {
            credentials,
            url,
            renewal_margin,
            current: Mutex::new(None),
        }
    }

    pub(crate) fn credentials(&self) -> &ClientCredentials {
        &self.credentials
    }

    /// Returns the cached token, requesting a new one when there is none or when it expires
    /// within the renewal margin.
    pub(crate) async fn token(&self, transport: &Transport) -> Result<IssuedToken, Error> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref() {
            if self.is_fresh(token) {
                return Ok(token.clone());
            }
            tracing::debug!(url = %self.url, "access token expires within the renewal margin");
        }
        let generation = current.as_ref().map_or(1, |token| token.generation + 1);
        let token = self.request(transport, generation).await?;
        *current = Some(token.clone());
        Ok(token)
    }

    /// Replaces the token of `rejected_generation`, which the service reported as expired,
    /// unless another call has replaced it already.
    pub(crate) async fn renew(
        &self,
        transport: &Transport,
        rejected_generation: u64,
    ) -> Result<IssuedToken, Error> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref() {
            if token.generation != rejected_generation && self.is_fresh(token) {
                return Ok(token.clone());
            }
        }
        let generation = current.as_ref().map_or(1, |token| token.generation + 1);
        let token = self.request(transport, generation).await?;
        *current = Some(token.clone());
        Ok(token)
    }

    fn is_fresh(&self, token: &IssuedToken) -> bool {
        Instant::now()
            .checked_add(self.renewal_margin)
            .is_some_and(|deadline| deadline < token.expires_at)
    }

    async fn request(&self, transport: &Transport, generation: u64) -> Result<IssuedToken, Error> {
        let body = self.credentials.request_body();
        let secrets = [self.credentials.client_secret()];
        tracing::trace!(url = %self.url, body = %redact_json(&body, &secrets), "token request");

        let sent_at = Instant::now();
        let headers = [("content-type", "application/json".to_owned())];
        let response = transport
            .post(&self.url, &headers, body.into_bytes(), false)
            .await?;
        let elapsed = sent_at.elapsed();
        tracing::debug!(url = %self.url, status = response.status, ?elapsed, "token response received");
        let text = String::from_utf8_lossy(&response.body);
        tracing::trace!(url = %self.url, body = %redact_json(&text, &secrets), "token response");

        self.read_response(&response, generation, sent_at)
    }

    /// Reads the token endpoint's response. The token's lifetime counts from `sent_at`, so
    /// that the time the request took is not added to it.
    fn read_response(
        &self,
        response: &HttpResponse,
        generation: u64,
        sent_at: Instant,
    ) -> Result<IssuedToken, Error> {
        let text = String::from_utf8_lossy(&response.body);
        let invalid = |reason: String| Error::InvalidResponse {
            status: response.status,
            url: self.url.clone(),
            reason,
        };
        let members = match parse_object(&text) {
            Ok(members) => members,
            Err(_) if !response.is_success() => return Err(self.status_error(response)),
            Err(error) => return Err(invalid(format!("the token response is not JSON: {error}"))),
        };
        if !response.is_success() {
            let Some(code) = members.string("error") else {
                return Err(self.status_error(response));
            };
            return Err(Error::Token(Box::new(TokenError {
                status: response.status,
                url: self.url.clone(),
                code: code.to_owned(),
                description: members.string("error_description").map(str::to_owned),
            })));
        }

        let access_token = members
            .string("access_token")
            .filter(|token| !token.is_empty())
            .ok_or_else(|| invalid("the token response has no `access_token`".to_owned()))?;
        let expires_in = members
            .get("expires_in")
            .and_then(seconds)
            .ok_or_else(|| invalid("the token response has no valid `expires_in`".to_owned()))?;
        let soap_url = members
            .string("soap_instance_url")
            .filter(|url| !url.trim().is_empty())
            .map(normalize_soap_url);
        tracing::debug!(url = %self.url, expires_in, generation, "access token issued");

        Ok(IssuedToken {
            token: AccessToken::new(access_token),
            soap_url,
            generation,
            expires_at: sent_at + Duration::from_secs(expires_in),
        })
    }

    fn status_error(&self, response: &HttpResponse) -> Error {
        Error::Status {
            status: response.status,
            url: self.url.clone(),
            body: response.body_start(),
        }
    }
}

/// Reads a lifetime in whole seconds from a JSON number or a string of digits, dropping any
/// fraction.
fn seconds(value: &JsonValue) -> Option<u64> {
    let text = match value {
        JsonValue::Number(text) | JsonValue::String(text) => text.trim(),
        _ => return None,
    };
    if let Ok(whole) = text.parse::<u64>() {
        return Some(whole);
    }
    let number = text.parse::<f64>().ok()?;
    // The cast saturates, and a negative lifetime counts as already expired.
    (number.is_finite()).then(|| number.max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let username = UsernameToken::new("api-user", "pa55word");
        assert_eq!(
            format!("{username:?}"),
            r#"UsernameToken { username: "api-user", password: "***" }"#
        );

        let client = ClientCredentials::new("client-1", "s3cret").account_id("123");
        assert_eq!(
            format!("{client:?}"),
            r#"ClientCredentials { client_id: "client-1", client_secret: "***", account_id: Some("123"), scope: None }"#
        );

        let token = Credentials::from(AccessToken::new("tok-abc"));
        assert_eq!(format!("{token:?}"), "AccessToken(AccessToken(***))");
    }

    #[test]
    fn request_body_members() {
        let body = ClientCredentials::new("id", "se\"cret").request_body();
        assert_eq!(
            body,
            r#"{"grant_type":"client_credentials","client_id":"id","client_secret":"se\"cret"}"#
        );

        let body = ClientCredentials::new("id", "secret")
            .account_id("514000123")
            .scope("email_read list_and_subscribers_read")
            .request_body();
        assert_eq!(
            body,
            r#"{"grant_type":"client_credentials","client_id":"id","client_secret":"secret","account_id":"514000123","scope":"email_read list_and_subscribers_read"}"#
        );
    }

    #[test]
    fn seconds_forms() {
        let number = |text: &str| JsonValue::Number(text.to_owned());
        assert_eq!(seconds(&number("1079")), Some(1079));
        assert_eq!(seconds(&number("1079.9")), Some(1079));
        assert_eq!(seconds(&number("-5")), Some(0));
        assert_eq!(seconds(&JsonValue::String("1080".to_owned())), Some(1080));
        assert_eq!(seconds(&JsonValue::String("soon".to_owned())), None);
        assert_eq!(seconds(&JsonValue::Null), None);
    }
}
