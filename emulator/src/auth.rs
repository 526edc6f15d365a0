//! The OAuth token endpoint, and the check of the credentials a SOAP request carries.

use hyper::StatusCode;
use serde_json::{Value, json};

use crate::Shared;
use crate::envelope::{Credentials, Fault};
use crate::server::Reply;
use crate::state::IssuedToken;

const INVALID_CLIENT: &str = "Client authentication failed. Make sure that the client ID and client secret are valid, and that the installed package is enabled.";
const UNSUPPORTED_GRANT: &str = "Use \"authorization_code\" or \"refresh_token\" or \"client_credentials\" or \"urn:ietf:params:oauth:grant-type:jwt-bearer\" as the grant_type.";
const ERROR_URI: &str = "https://developer.salesforce.com/docs";

/// The scopes every token carries.
// NOTE: the emulator grants every client the same scopes and does not check them.
const SCOPES: &str = "email_read email_write email_send data_extensions_read data_extensions_write list_and_subscribers_read list_and_subscribers_write tracking_events_read";

fn json_reply(status: StatusCode, body: &Value) -> Reply {
    Reply {
        status,
        content_type: "application/json; charset=utf-8",
        body: body.to_string().into_bytes(),
    }
}

fn oauth_error(status: StatusCode, code: &str, description: &str) -> Reply {
    json_reply(
        status,
        &json!({"error": code, "error_description": description, "error_uri": ERROR_URI}),
    )
}

/// Serves `POST /v2/token`: client credentials in a JSON body, a bearer token out.
pub(crate) async fn token_endpoint(shared: &Shared, body: &[u8]) -> Reply {
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body must be a JSON object.",
        );
    };
    let text = |name: &str| {
        request
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    if text("grant_type") != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            UNSUPPORTED_GRANT,
        );
    }
    let known = shared.config.oauth_clients.iter().any(|client| {
        client.client_id == text("client_id") && client.client_secret == text("client_secret")
    });
    if !known {
        tracing::info!(
            client_id = text("client_id"),
            "token request rejected: invalid client"
        );
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", INVALID_CLIENT);
    }

    let lifetime = shared.config.token_lifetime;
    let token = {
        let mut state = shared.state.lock().await;
        let token = format!(
            "{:016x}{:016x}{:016x}",
            state.ids.next_u64(),
            state.ids.next_u64(),
            state.ids.next_u64()
        );
        let lifetime_ms = i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX);
        let issued = IssuedToken {
            expires_at: crate::clock::now_millis().saturating_add(lifetime_ms),
        };
        state.tokens.insert(token.clone(), issued);
        if let Some(path) = &shared.config.state_file {
            if let Err(error) = crate::persist::save(path, &state) {
                tracing::error!(path = %path.display(), %error, "writing the state file failed");
                return oauth_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "The emulator could not write its state file.",
                );
            }
        }
        token
    };
    let scope = match request.get("scope").and_then(Value::as_str) {
        Some(requested) => requested.to_owned(),
        None => SCOPES.to_owned(),
    };
    json_reply(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "scope": scope,
            "soap_instance_url": format!("{}/", shared.base_url),
            "rest_instance_url": format!("{}/", shared.base_url),
        }),
    )
}

/// Checks the credentials of a SOAP request: a configured UsernameToken login or an
/// unexpired token from `/v2/token`.
pub(crate) async fn authenticate(shared: &Shared, credentials: &Credentials) -> Result<(), Fault> {
    match credentials {
        Credentials::UsernameToken { username, password } => {
            let known = shared
                .config
                .accounts
                .iter()
                .any(|account| &account.username == username && &account.password == password);
            if known {
                Ok(())
            } else {
                tracing::info!(%username, "login failed");
                Err(Fault::Security("Login failed"))
            }
        }
        Credentials::AccessToken(token) => {
            let state = shared.state.lock().await;
            match state.tokens.get(token) {
                Some(issued) if issued.expires_at > crate::clock::now_millis() => Ok(()),
                Some(_) => Err(Fault::Security("Token Expired")),
                None => Err(Fault::Security("Login failed")),
            }
        }
        // NOTE: the service's response to a request without credentials is not published, so
        // the emulator treats it as a failed login.
        Credentials::None => Err(Fault::Security("Login failed")),
    }
}
