//! Helpers shared by the emulator's HTTP tests.

#![allow(dead_code)]

use std::path::PathBuf;

use sfmc_partner_api::{
    AnyApiObject, AnyApiProperty, ApiProperty, DataExtensionObject, DataExtensionObjectKeys,
    ObjectExtensionProperties,
};
use sfmc_runtime::xml::{Message, XSI_NAMESPACE};

/// Returns the text of the reference envelope `name` in `tests/fixtures/wire/`.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/wire")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// An HTTP response's status and body text.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Posts `body` to `url` (`http://HOST:PORT/PATH`) with the given headers, over a new
/// connection that the request closes.
pub async fn post(url: &str, headers: &[(&str, &str)], body: String) -> Answer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(host, path)| {
            (host, format!("/{path}"))
        });
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .expect("the emulator should accept");
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request should be sent");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .expect("the response should arrive");
    let text = String::from_utf8(response).expect("the response should be UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("a header end");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status code");
    Answer {
        status,
        body: body.to_owned(),
    }
}

/// Posts a SOAP 1.1 envelope with a `SOAPAction` header.
pub async fn post_soap11(url: &str, action: &str, body: String) -> Answer {
    post(
        url,
        &[("content-type", "text/xml"), ("soapaction", action)],
        body,
    )
    .await
}

/// Reads the message `M` from the Body of a response envelope the emulator wrote.
pub fn body<M: Message>(envelope: &str) -> M {
    let start = envelope.find("<soap:Body>").expect("a Body") + "<soap:Body>".len();
    let end = envelope.rfind("</soap:Body>").expect("a Body end");
    let inner = &envelope[start..end];
    let open = format!("<{}", M::ELEMENT);
    let standalone = inner.replacen(&open, &format!("{open} xmlns:xsi=\"{XSI_NAMESPACE}\""), 1);
    M::from_xml(standalone.as_bytes())
        .unwrap_or_else(|error| panic!("cannot read {}: {error}\n{envelope}", M::ELEMENT))
}

/// Returns name and value pairs as the `Property` or `Key` elements of a row.
pub fn api_properties(pairs: &[(&str, &str)]) -> Vec<AnyApiProperty> {
    pairs
        .iter()
        .map(|(name, value)| {
            AnyApiProperty::from(ApiProperty {
                name: (*name).to_owned(),
                value: (*value).to_owned(),
                ..ApiProperty::default()
            })
        })
        .collect()
}

/// Returns a row of the data extension Orders with the properties `values` and the keys
/// `keys`, either left out when empty.
pub fn orders_row(values: &[(&str, &str)], keys: &[(&str, &str)]) -> AnyApiObject {
    AnyApiObject::from(DataExtensionObject {
        customer_key: Some("Orders".to_owned()),
        properties: (!values.is_empty()).then(|| ObjectExtensionProperties {
            property: api_properties(values),
            ..ObjectExtensionProperties::default()
        }),
        keys: (!keys.is_empty()).then(|| DataExtensionObjectKeys {
            key: api_properties(keys),
            ..DataExtensionObjectKeys::default()
        }),
        ..DataExtensionObject::default()
    })
}
