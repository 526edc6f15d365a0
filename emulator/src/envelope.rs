//! Request envelopes read in two passes (headers, then the typed body), and response
//! envelopes and faults written the way the service writes them.

use std::fmt::Write as _;

use sfmc_runtime::client::{SOAP11_NAMESPACE, SOAP12_NAMESPACE, WSA_NAMESPACE, WSSE_NAMESPACE};
use sfmc_runtime::xml::{
    Message, MissingElement, QualifiedName, ReadError, XSI_NAMESPACE, XmlReader, XmlWriter,
};

use crate::clock;

const FUELOAUTH_NAMESPACE: &str = "http://exacttarget.com";
const WSU_NAMESPACE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const XSD_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema";
const WSA_ANONYMOUS: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
const WSA_FAULT_ACTION: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault";
/// The namespace of the `apifault` detail of server faults.
pub(crate) const API_FAULT_NAMESPACE: &str = "urn:fault.partner.exacttarget.com";

/// The SOAP version of a request, which its response repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    Soap11,
    Soap12,
}

impl Version {
    fn namespace(self) -> &'static str {
        match self {
            Version::Soap11 => SOAP11_NAMESPACE,
            Version::Soap12 => SOAP12_NAMESPACE,
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Version::Soap11 => "text/xml; charset=utf-8",
            Version::Soap12 => "application/soap+xml; charset=utf-8",
        }
    }
}

/// The credentials a request's header carries.
#[derive(Clone, Debug, Default)]
pub(crate) enum Credentials {
    #[default]
    None,
    UsernameToken {
        username: String,
        password: String,
    },
    AccessToken(String),
}

/// The headers the first pass reads from an envelope.
#[derive(Debug)]
pub(crate) struct RequestHeaders {
    pub(crate) version: Version,
    /// The WS-Addressing `Action`, trimmed.
    pub(crate) action: Option<String>,
    pub(crate) message_id: Option<String>,
    pub(crate) credentials: Credentials,
    /// The name of the Body's first element.
    pub(crate) body_element: Option<QualifiedName>,
}

/// Reads the envelope's headers and the name of its body element, accepting Header and Body
/// in either order and any prefixes, the default namespace among them.
pub(crate) fn read_headers(xml: &[u8]) -> Result<RequestHeaders, ReadError> {
    let mut reader = XmlReader::new(xml);
    let root = reader.root()?;
    let name = reader.qualified_name(&root);
    let version = match name.namespace.as_deref() {
        Some(SOAP11_NAMESPACE) if name.name == "Envelope" => Version::Soap11,
        Some(SOAP12_NAMESPACE) if name.name == "Envelope" => Version::Soap12,
        _ => {
            reader.expect_element(&root, SOAP11_NAMESPACE, "Envelope")?;
            Version::Soap11
        }
    };
    let mut headers = RequestHeaders {
        version,
        action: None,
        message_id: None,
        credentials: Credentials::None,
        body_element: None,
    };
    if root.is_empty() {
        return Ok(headers);
    }
    while let Some(child) = reader.next_child()? {
        let child_name = reader.qualified_name(&child);
        let in_envelope = child_name.namespace.as_deref() == Some(version.namespace());
        match child_name.name.as_str() {
            "Header" if in_envelope && !child.is_empty() => {
                read_header_blocks(&mut reader, &mut headers)?;
            }
            "Body" if in_envelope && !child.is_empty() => {
                if let Some(first) = reader.next_child()? {
                    headers.body_element = Some(reader.qualified_name(&first));
                    reader.skip(&first)?;
                    while let Some(rest) = reader.next_child()? {
                        reader.skip(&rest)?;
                    }
                }
            }
            _ => reader.skip(&child)?,
        }
    }
    Ok(headers)
}

fn read_header_blocks(
    reader: &mut XmlReader<'_>,
    headers: &mut RequestHeaders,
) -> Result<(), ReadError> {
    while let Some(block) = reader.next_child()? {
        let name = reader.qualified_name(&block);
        match (name.namespace.as_deref(), name.name.as_str()) {
            (Some(WSA_NAMESPACE), "Action") => {
                headers.action = Some(reader.text(&block)?.trim().to_owned());
            }
            (Some(WSA_NAMESPACE), "MessageID") => {
                headers.message_id = Some(reader.text(&block)?.trim().to_owned());
            }
            (Some(WSSE_NAMESPACE), "Security") if !block.is_empty() => {
                read_security(reader, headers)?;
            }
            (Some(FUELOAUTH_NAMESPACE) | None, "fueloauth") => {
                let token = reader.text(&block)?.trim().to_owned();
                headers.credentials = Credentials::AccessToken(token);
            }
            _ => reader.skip(&block)?,
        }
    }
    Ok(())
}

fn read_security(
    reader: &mut XmlReader<'_>,
    headers: &mut RequestHeaders,
) -> Result<(), ReadError> {
    while let Some(child) = reader.next_child()? {
        if child.local_name() != "UsernameToken" || child.is_empty() {
            reader.skip(&child)?;
            continue;
        }
        let mut username = String::new();
        let mut password = String::new();
        while let Some(part) = reader.next_child()? {
            match part.local_name() {
                "Username" => username = reader.text(&part)?.trim().to_owned(),
                "Password" => password = reader.text(&part)?.trim().to_owned(),
                _ => reader.skip(&part)?,
            }
        }
        headers.credentials = Credentials::UsernameToken { username, password };
    }
    Ok(())
}

/// Reads the Body's first element as the message `M` (second pass).
pub(crate) fn read_body<M: Message>(xml: &[u8], version: Version) -> Result<M, ReadError> {
    read_body_with_missing(xml, version).map(|(message, _)| message)
}

/// Reads the Body's first element as the message `M`, and returns with it every required
/// element absent from it, with paths that start at `M`'s element.
pub(crate) fn read_body_with_missing<M: Message>(
    xml: &[u8],
    version: Version,
) -> Result<(M, Vec<MissingElement>), ReadError> {
    let mut reader = XmlReader::new(xml);
    reader.record_missing();
    let root = reader.root()?;
    while let Some(child) = reader.next_child()? {
        let name = reader.qualified_name(&child);
        if name.name == "Body" && name.namespace.as_deref() == Some(version.namespace()) {
            if let Some(first) = reader.next_child()? {
                reader.expect_element(&first, M::NAMESPACE, M::ELEMENT)?;
                let message = reader.read::<M>(&first)?;
                let mut missing = reader.missing_elements();
                for element in &mut missing {
                    // Paths start at the root, Envelope/Body/MESSAGE/..., so the first two
                    // steps go.
                    if let Some(below_body) = element.path.splitn(3, '/').nth(2) {
                        element.path = below_body.to_owned();
                    }
                }
                return Ok((message, missing));
            }
        }
        reader.skip(&child)?;
    }
    Err(reader
        .expect_element(&root, version.namespace(), "Body")
        .err()
        .unwrap_or_else(|| reader.error(sfmc_runtime::xml::ReadErrorKind::UnexpectedEof)))
}

/// The WS-Addressing values of a response.
pub(crate) struct ResponseAddressing<'a> {
    pub(crate) action: &'a str,
    pub(crate) message_id: String,
    pub(crate) relates_to: Option<&'a str>,
}

fn envelope_start(version: Version, addressing: &ResponseAddressing<'_>) -> String {
    let mut xml = String::with_capacity(4096);
    let _ = write!(
        xml,
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{}" xmlns:xsi="{XSI_NAMESPACE}" xmlns:xsd="{XSD_NAMESPACE}" xmlns:wsa="{WSA_NAMESPACE}" xmlns:wsse="{WSSE_NAMESPACE}" xmlns:wsu="{WSU_NAMESPACE}"><soap:Header>"#,
        version.namespace()
    );
    let _ = write!(
        xml,
        "<wsa:Action>{}</wsa:Action><wsa:MessageID>{}</wsa:MessageID>",
        escape(addressing.action),
        escape(&addressing.message_id)
    );
    if let Some(relates_to) = addressing.relates_to {
        let _ = write!(xml, "<wsa:RelatesTo>{}</wsa:RelatesTo>", escape(relates_to));
    }
    let now = clock::now_millis();
    let _ = write!(
        xml,
        "<wsa:To>{WSA_ANONYMOUS}</wsa:To><wsse:Security><wsu:Timestamp wsu:Id=\"Timestamp-{}\"><wsu:Created>{}</wsu:Created><wsu:Expires>{}</wsu:Expires></wsu:Timestamp></wsse:Security></soap:Header><soap:Body>",
        escape(&addressing.message_id).trim_start_matches("urn:uuid:"),
        clock::utc_timestamp(now),
        clock::utc_timestamp(now + 300_000)
    );
    xml
}

/// Writes a response envelope holding `message`.
pub(crate) fn write_response<M: Message>(
    version: Version,
    addressing: &ResponseAddressing<'_>,
    message: &M,
) -> Vec<u8> {
    let start = envelope_start(version, addressing);
    let mut writer = XmlWriter::with_buffer(start.into_bytes());
    writer.assume_in_scope("", true);
    if let Err(error) = message.write_xml(&mut writer, M::ELEMENT) {
        // Only text with characters XML 1.0 cannot carry fails, and such text cannot have
        // arrived in a well-formed request.
        tracing::error!(%error, "cannot write response message");
    }
    let mut bytes = writer.into_bytes();
    bytes.extend_from_slice(b"</soap:Body></soap:Envelope>");
    bytes
}

/// A SOAP fault to send with HTTP status 500.
#[derive(Clone, Debug)]
pub(crate) enum Fault {
    /// `soap:Client` with an empty detail: the request is malformed.
    Client(String),
    /// `soap:Server` with an `apifault` detail.
    Server { code: i32, message: String },
    /// `Security` in the WS-Security namespace, without detail.
    Security(&'static str),
}

impl Fault {
    /// Builds the client fault for a request body that cannot be read, in the wording of
    /// the ASMX deserializer the service runs on.
    pub(crate) fn unreadable(reason: impl std::fmt::Display) -> Fault {
        Fault::Client(format!(
            "Server was unable to read request. ---> There is an error in the XML document. ---> {reason}"
        ))
    }
}

/// Writes `fault` in an envelope of `version`, with the actor `endpoint`.
pub(crate) fn write_fault(
    version: Version,
    fault: &Fault,
    endpoint: &str,
    addressing: &ResponseAddressing<'_>,
) -> Vec<u8> {
    let fault_addressing = ResponseAddressing {
        action: WSA_FAULT_ACTION,
        message_id: addressing.message_id.clone(),
        relates_to: addressing.relates_to,
    };
    let mut xml = envelope_start(version, &fault_addressing);
    let (code, message, detail) = match fault {
        Fault::Client(message) => ("soap:Client".to_owned(), message.clone(), String::new()),
        Fault::Server { code, message } => (
            "soap:Server".to_owned(),
            message.clone(),
            format!(
                r#"<apifault xmlns="{API_FAULT_NAMESPACE}"><Code>{code}</Code><Message>{}</Message></apifault>"#,
                escape(message)
            ),
        ),
        Fault::Security(message) => (
            "q0:Security".to_owned(),
            (*message).to_owned(),
            String::new(),
        ),
    };
    let declaration = match fault {
        Fault::Security(_) => format!(r#" xmlns:q0="{WSSE_NAMESPACE}""#),
        _ => String::new(),
    };
    let message = escape(&message);
    let endpoint = escape(endpoint);
    match version {
        Version::Soap11 => {
            let _ = write!(
                xml,
                "<soap:Fault><faultcode{declaration}>{code}</faultcode><faultstring>{message}</faultstring><faultactor>{endpoint}</faultactor>"
            );
            if !matches!(fault, Fault::Security(_)) {
                let _ = write!(xml, "<detail>{detail}</detail>");
            }
            xml.push_str("</soap:Fault>");
        }
        Version::Soap12 => {
            // NOTE: how the service words SOAP 1.2 faults is not published. The fault code
            // goes in Code/Value as in SOAP 1.1, so `Security` stays recognizable.
            let code = code
                .replace("soap:Client", "soap:Sender")
                .replace("soap:Server", "soap:Receiver");
            let _ = write!(
                xml,
                r#"<soap:Fault><soap:Code><soap:Value{declaration}>{code}</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">{message}</soap:Text></soap:Reason><soap:Node>{endpoint}</soap:Node>"#
            );
            if !matches!(fault, Fault::Security(_)) {
                let _ = write!(xml, "<soap:Detail>{detail}</soap:Detail>");
            }
            xml.push_str("</soap:Fault>");
        }
    }
    xml.push_str("</soap:Body></soap:Envelope>");
    xml.into_bytes()
}

/// Escapes text for element content.
pub(crate) fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}
