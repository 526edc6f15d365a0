//! Request envelopes: the SOAP version, the security and WS-Addressing headers, and the
//! message in the Body.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::auth::{AccessToken, UsernameToken};
use super::error::{Error, WSSE_NAMESPACE};
use crate::xml::{Message, WriteError, XSI_NAMESPACE, XmlWriter};

/// The SOAP 1.1 envelope namespace.
pub const SOAP11_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace.
pub const SOAP12_NAMESPACE: &str = "http://www.w3.org/2003/05/soap-envelope";
/// The WS-Addressing (August 2004) namespace the partnerAPI samples use.
pub const WSA_NAMESPACE: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing";

const WSA_ANONYMOUS: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
const WSU_NAMESPACE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const PASSWORD_TEXT: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
const FUELOAUTH_NAMESPACE: &str = "http://exacttarget.com";

/// The SOAP version of the envelopes the client sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SoapVersion {
    /// SOAP 1.1, the version of the partnerAPI WSDL's binding: `Content-Type: text/xml` and
    /// a `SOAPAction` header.
    #[default]
    Soap11,
    /// SOAP 1.2: `Content-Type: application/soap+xml` with an `action` parameter.
    Soap12,
}

impl SoapVersion {
    /// Returns the envelope namespace.
    pub fn namespace(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => SOAP11_NAMESPACE,
            SoapVersion::Soap12 => SOAP12_NAMESPACE,
        }
    }

    /// Returns the HTTP headers that carry the content type and the SOAP action.
    pub(crate) fn http_headers(self, action: &str) -> Vec<(&'static str, String)> {
        match self {
            SoapVersion::Soap11 => vec![
                ("content-type", "text/xml; charset=utf-8".to_owned()),
                ("soapaction", action.to_owned()),
            ],
            SoapVersion::Soap12 => vec![(
                "content-type",
                format!("application/soap+xml; charset=utf-8; action={action}"),
            )],
        }
    }
}

/// The credentials a request carries in its SOAP header.
pub(crate) enum Security<'a> {
    /// A WS-Security UsernameToken; `id` becomes its `wsu:Id`.
    UsernameToken {
        credentials: &'a UsernameToken,
        id: &'a str,
    },
    /// A `fueloauth` element holding the token.
    AccessToken(&'a AccessToken),
}

/// The WS-Addressing headers of a request.
pub(crate) struct Addressing<'a> {
    pub(crate) action: &'a str,
    /// A `urn:uuid:…` URI.
    pub(crate) message_id: &'a str,
    pub(crate) to: &'a str,
}

/// Everything a request envelope carries besides the message.
pub(crate) struct RequestHeader<'a> {
    pub(crate) version: SoapVersion,
    pub(crate) addressing: Option<Addressing<'a>>,
    pub(crate) security: Security<'a>,
}

/// Writes `request` in an envelope with `header`.
///
/// The envelope binds the `soap` prefix to the version's namespace, and binds `xsi`. The
/// message declares its own namespace as the default, so that the unprefixed `xsi:type`
/// values the generated code writes resolve to it.
pub(crate) fn write_request<M: Message>(
    request: &M,
    header: &RequestHeader<'_>,
) -> Result<Vec<u8>, Error> {
    let mut xml = String::with_capacity(2048);
    let _ = write!(
        xml,
        r#"<soap:Envelope xmlns:soap="{}" xmlns:xsi="{XSI_NAMESPACE}""#,
        header.version.namespace()
    );
    if header.addressing.is_some() {
        let _ = write!(xml, r#" xmlns:wsa="{WSA_NAMESPACE}""#);
    }
    xml.push_str("><soap:Header>");
    if let Some(addressing) = &header.addressing {
        write_addressing(&mut xml, addressing, header.version)?;
    }
    write_security(&mut xml, &header.security)?;
    xml.push_str("</soap:Header><soap:Body>");

    let mut writer = XmlWriter::with_buffer(xml.into_bytes());
    writer.assume_in_scope("", true);
    request.write_xml(&mut writer, M::ELEMENT)?;
    let mut bytes = writer.into_bytes();
    bytes.extend_from_slice(b"</soap:Body></soap:Envelope>");
    Ok(bytes)
}

fn write_addressing(
    xml: &mut String,
    addressing: &Addressing<'_>,
    version: SoapVersion,
) -> Result<(), WriteError> {
    // The SOAP 1.2 samples mark Action and To mustUnderstand; the SOAP 1.1 samples do not.
    let must_understand = match version {
        SoapVersion::Soap11 => "",
        SoapVersion::Soap12 => r#" soap:mustUnderstand="1""#,
    };
    let action = escape_text("wsa:Action", addressing.action)?;
    let message_id = escape_text("wsa:MessageID", addressing.message_id)?;
    let to = escape_text("wsa:To", addressing.to)?;
    let _ = write!(
        xml,
        "<wsa:Action{must_understand}>{action}</wsa:Action>\
         <wsa:MessageID>{message_id}</wsa:MessageID>\
         <wsa:ReplyTo><wsa:Address>{WSA_ANONYMOUS}</wsa:Address></wsa:ReplyTo>\
         <wsa:To{must_understand}>{to}</wsa:To>"
    );
    Ok(())
}

fn write_security(xml: &mut String, security: &Security<'_>) -> Result<(), WriteError> {
    match security {
        Security::UsernameToken { credentials, id } => {
            let username = escape_text("wsse:Username", credentials.username())?;
            let password = escape_text("wsse:Password", credentials.password())?;
            let id = escape_text("wsse:UsernameToken", id)?;
            let _ = write!(
                xml,
                r#"<wsse:Security soap:mustUnderstand="1" xmlns:wsse="{WSSE_NAMESPACE}">"#
            );
            let _ = write!(
                xml,
                r#"<wsse:UsernameToken wsu:Id="{id}" xmlns:wsu="{WSU_NAMESPACE}">"#
            );
            let _ = write!(
                xml,
                r#"<wsse:Username>{username}</wsse:Username><wsse:Password Type="{PASSWORD_TEXT}">{password}</wsse:Password>"#
            );
            xml.push_str("</wsse:UsernameToken></wsse:Security>");
        }
        Security::AccessToken(token) => {
            let token = escape_text("fueloauth", token.secret())?;
            let _ = write!(
                xml,
                r#"<fueloauth xmlns="{FUELOAUTH_NAMESPACE}">{token}</fueloauth>"#
            );
        }
    }
    Ok(())
}

/// Escapes text for element content or a double-quoted attribute value, and rejects
/// characters XML 1.0 cannot represent. The error names the element, never the text, since the
/// text may be a password.
pub(crate) fn escape_text<'t>(element: &str, text: &'t str) -> Result<Cow<'t, str>, WriteError> {
    let needs_work = text
        .bytes()
        .any(|byte| matches!(byte, b'&' | b'<' | b'>' | b'"' | b'\r') || byte < 0x20);
    if !needs_work {
        return Ok(Cow::Borrowed(text));
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' | '\n' => escaped.push(ch),
            c if (c as u32) < 0x20 => {
                let reason = format!(
                    "the text contains the character U+{:04X}, which XML 1.0 cannot represent",
                    c as u32
                );
                return Err(WriteError::new(element, reason));
            }
            c => escaped.push(c),
        }
    }
    Ok(Cow::Owned(escaped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_text_markup_and_quotes() {
        assert_eq!(
            escape_text("x", "a<b>&\"c'\r\n").unwrap(),
            "a&lt;b&gt;&amp;&quot;c'&#13;\n"
        );
        assert!(matches!(
            escape_text("x", "plain"),
            Ok(Cow::Borrowed("plain"))
        ));
    }

    #[test]
    fn escape_text_error_hides_text() {
        let error = escape_text("wsse:Password", "secret\u{1}").unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot write element `wsse:Password`: the text contains the character U+0001, \
             which XML 1.0 cannot represent"
        );
    }

    #[test]
    fn http_headers_per_version() {
        assert_eq!(
            SoapVersion::Soap11.http_headers("Retrieve"),
            vec![
                ("content-type", "text/xml; charset=utf-8".to_owned()),
                ("soapaction", "Retrieve".to_owned()),
            ]
        );
        assert_eq!(
            SoapVersion::Soap12.http_headers("Retrieve"),
            vec![(
                "content-type",
                "application/soap+xml; charset=utf-8; action=Retrieve".to_owned()
            )]
        );
    }
}
