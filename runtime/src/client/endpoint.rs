//! Endpoint URLs: derived from a tenant subdomain, or given whole and normalized.

use super::error::Error;

/// Returns the tenant's SOAP endpoint, `https://{subdomain}.soap.marketingcloudapis.com/Service.asmx`.
pub(crate) fn subdomain_soap_url(subdomain: &str) -> String {
    format!("https://{subdomain}.soap.marketingcloudapis.com/Service.asmx")
}

/// Returns the tenant's authentication base URL, `https://{subdomain}.auth.marketingcloudapis.com`.
pub(crate) fn subdomain_auth_url(subdomain: &str) -> String {
    format!("https://{subdomain}.auth.marketingcloudapis.com")
}

/// Checks that a subdomain can stand in a host name: ASCII letters, digits and hyphens.
pub(crate) fn check_subdomain(subdomain: &str) -> Result<(), Error> {
    let valid = !subdomain.is_empty()
        && subdomain
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
    if valid {
        return Ok(());
    }
    Err(Error::Config(format!(
        "invalid subdomain {subdomain:?}: expected ASCII letters, digits and hyphens, such as \
         the `mc…` part of `mc….soap.marketingcloudapis.com`"
    )))
}

/// Normalizes a SOAP endpoint such as a token response's `soap_instance_url`: adds
/// `https://` when there is no scheme, strips trailing slashes and appends `/Service.asmx`
/// unless the path already ends with it (in any letter case).
pub(crate) fn normalize_soap_url(url: &str) -> String {
    let base = with_scheme(url);
    let base = base.trim_end_matches('/');
    if base.to_ascii_lowercase().ends_with("/service.asmx") {
        return base.to_owned();
    }
    format!("{base}/Service.asmx")
}

/// Returns the token endpoint, `{auth base}/v2/token`, adding `https://` to a base without a
/// scheme.
pub(crate) fn token_url(auth_base: &str) -> String {
    let base = with_scheme(auth_base);
    format!("{}/v2/token", base.trim_end_matches('/'))
}

fn with_scheme(url: &str) -> String {
    let url = url.trim();
    if url.contains("://") {
        url.to_owned()
    } else {
        format!("https://{url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_soap_url_forms() {
        let cases = [
            (
                "mcabc.soap.marketingcloudapis.com",
                "https://mcabc.soap.marketingcloudapis.com/Service.asmx",
            ),
            (
                "https://mcabc.soap.marketingcloudapis.com/",
                "https://mcabc.soap.marketingcloudapis.com/Service.asmx",
            ),
            (
                "https://mcabc.soap.marketingcloudapis.com//",
                "https://mcabc.soap.marketingcloudapis.com/Service.asmx",
            ),
            (
                "https://mcabc.soap.marketingcloudapis.com/service.asmx",
                "https://mcabc.soap.marketingcloudapis.com/service.asmx",
            ),
            (
                " http://127.0.0.1:8080 ",
                "http://127.0.0.1:8080/Service.asmx",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_soap_url(input), expected, "{input}");
        }
    }

    #[test]
    fn token_url_forms() {
        assert_eq!(
            token_url("https://mcabc.auth.marketingcloudapis.com/"),
            "https://mcabc.auth.marketingcloudapis.com/v2/token"
        );
        assert_eq!(
            token_url("mcabc.auth.marketingcloudapis.com"),
            "https://mcabc.auth.marketingcloudapis.com/v2/token"
        );
        assert_eq!(
            token_url("http://127.0.0.1:9000"),
            "http://127.0.0.1:9000/v2/token"
        );
    }

    #[test]
    fn subdomain_urls() {
        assert_eq!(
            subdomain_soap_url("mcabc"),
            "https://mcabc.soap.marketingcloudapis.com/Service.asmx"
        );
        assert_eq!(
            subdomain_auth_url("mcabc"),
            "https://mcabc.auth.marketingcloudapis.com"
        );
    }

    #[test]
    fn check_subdomain_rejects_host_syntax() {
        assert!(check_subdomain("mc-abc123").is_ok());
        for bad in ["", "mc.abc", "mc/abc", "mc abc", "mcé"] {
            assert!(check_subdomain(bad).is_err(), "{bad:?}");
        }
    }
}
