//! Reading a response envelope of either SOAP version down to its message or fault.

use quick_xml::XmlVersion;
use quick_xml::events::BytesStart;

use super::envelope::{SOAP11_NAMESPACE, SOAP12_NAMESPACE, SoapVersion};
use super::error::{API_FAULT_NAMESPACE, ApiFault, Fault};
use crate::xml::{Child, Message, QualifiedName, ReadError, XmlReader};

/// The content of a response envelope's Body.
#[derive(Debug)]
pub(crate) enum ResponseBody<M> {
    Message(M),
    Fault(Fault),
}

/// A reason a response could not be read.
#[derive(Debug)]
pub(crate) enum EnvelopeError {
    /// The body is not a SOAP envelope: not XML, or another root element.
    NotSoap(ReadError),
    /// The envelope is malformed, or its message does not fit the expected type.
    Read(ReadError),
    /// The envelope is well-formed but lacks what SOAP requires.
    Invalid(&'static str),
}

impl From<ReadError> for EnvelopeError {
    fn from(error: ReadError) -> Self {
        EnvelopeError::Read(error)
    }
}

/// Reads a response envelope of either SOAP version, with any prefixes and with Header and
/// Body in either order, down to the message `M` or a fault.
pub(crate) fn read_response<M: Message>(
    xml: &[u8],
    status: u16,
) -> Result<ResponseBody<M>, EnvelopeError> {
    let mut reader = XmlReader::new(xml);
    let root = reader.root().map_err(EnvelopeError::NotSoap)?;
    let name = reader.qualified_name(&root);
    let version = match name.namespace.as_deref() {
        Some(SOAP11_NAMESPACE) if name.name == "Envelope" => SoapVersion::Soap11,
        Some(SOAP12_NAMESPACE) if name.name == "Envelope" => SoapVersion::Soap12,
        _ => {
            // Reports the root that was found in place of a SOAP 1.1 envelope.
            return Err(
                match reader.expect_element(&root, SOAP11_NAMESPACE, "Envelope") {
                    Err(error) => EnvelopeError::NotSoap(error),
                    Ok(()) => EnvelopeError::Invalid("the envelope has no Body"),
                },
            );
        }
    };
    if root.is_empty() {
        return Err(EnvelopeError::Invalid("the envelope has no Body"));
    }
    let mut scope = Scope::default();
    scope.enter(root.start());

    let mut body = None;
    while let Some(child) = reader.next_child()? {
        let is_body = child.local_name() == "Body"
            && reader.qualified_name(&child).namespace.as_deref() == Some(version.namespace());
        if is_body && body.is_none() {
            let mut body_scope = scope.clone();
            body_scope.enter(child.start());
            body = Some(read_body::<M>(
                &mut reader,
                &child,
                version,
                body_scope,
                status,
            )?);
        } else {
            reader.skip(&child)?;
        }
    }
    body.ok_or(EnvelopeError::Invalid("the envelope has no Body"))
}

fn read_body<'a, M: Message>(
    reader: &mut XmlReader<'a>,
    body: &Child<'a>,
    version: SoapVersion,
    scope: Scope,
    status: u16,
) -> Result<ResponseBody<M>, EnvelopeError> {
    const EMPTY: &str = "the envelope's Body is empty";
    if body.is_empty() {
        return Err(EnvelopeError::Invalid(EMPTY));
    }
    let Some(first) = reader.next_child()? else {
        return Err(EnvelopeError::Invalid(EMPTY));
    };
    let first_name = reader.qualified_name(&first);
    let result = if first_name.namespace.as_deref() == Some(version.namespace())
        && first_name.name == "Fault"
    {
        let mut fault_scope = scope;
        fault_scope.enter(first.start());
        let fault = match version {
            SoapVersion::Soap11 => read_fault11(reader, &first, &fault_scope, status)?,
            SoapVersion::Soap12 => read_fault12(reader, &first, &fault_scope, status)?,
        };
        ResponseBody::Fault(fault)
    } else {
        reader.expect_element(&first, M::NAMESPACE, M::ELEMENT)?;
        ResponseBody::Message(reader.read::<M>(&first)?)
    };
    while let Some(rest) = reader.next_child()? {
        reader.skip(&rest)?;
    }
    Ok(result)
}

fn empty_fault(status: u16) -> Fault {
    Fault {
        status,
        code: QualifiedName::default(),
        message: String::new(),
        actor: None,
        api_fault: None,
    }
}

/// Reads a SOAP 1.1 fault: `faultcode`, `faultstring`, `faultactor` and `detail`.
fn read_fault11<'a>(
    reader: &mut XmlReader<'a>,
    fault_element: &Child<'a>,
    scope: &Scope,
    status: u16,
) -> Result<Fault, ReadError> {
    let mut fault = empty_fault(status);
    if fault_element.is_empty() {
        return Ok(fault);
    }
    while let Some(child) = reader.next_child()? {
        match child.local_name() {
            "faultcode" => fault.code = read_qname(reader, &child, scope)?,
            "faultstring" => fault.message = reader.text(&child)?.into_owned(),
            "faultactor" => fault.actor = Some(reader.text(&child)?.into_owned()),
            "detail" => fault.api_fault = read_detail(reader, &child)?,
            _ => reader.skip(&child)?,
        }
    }
    Ok(fault)
}

/// Reads a SOAP 1.2 fault: `Code/Value`, the first `Reason/Text`, `Node` and `Detail`.
fn read_fault12<'a>(
    reader: &mut XmlReader<'a>,
    fault_element: &Child<'a>,
    scope: &Scope,
    status: u16,
) -> Result<Fault, ReadError> {
    let mut fault = empty_fault(status);
    if fault_element.is_empty() {
        return Ok(fault);
    }
    while let Some(child) = reader.next_child()? {
        match child.local_name() {
            "Code" if !child.is_empty() => {
                let mut code_scope = scope.clone();
                code_scope.enter(child.start());
                while let Some(part) = reader.next_child()? {
                    if part.local_name() == "Value" {
                        fault.code = read_qname(reader, &part, &code_scope)?;
                    } else {
                        reader.skip(&part)?;
                    }
                }
            }
            "Reason" if !child.is_empty() => {
                while let Some(text) = reader.next_child()? {
                    if text.local_name() == "Text" && fault.message.is_empty() {
                        fault.message = reader.text(&text)?.into_owned();
                    } else {
                        reader.skip(&text)?;
                    }
                }
            }
            "Node" => fault.actor = Some(reader.text(&child)?.into_owned()),
            "Detail" => fault.api_fault = read_detail(reader, &child)?,
            _ => reader.skip(&child)?,
        }
    }
    Ok(fault)
}

/// Reads an element whose text is a QName, resolving its prefix through `scope` and the
/// element's own declarations.
fn read_qname<'a>(
    reader: &mut XmlReader<'a>,
    element: &Child<'a>,
    scope: &Scope,
) -> Result<QualifiedName, ReadError> {
    let mut own_scope = scope.clone();
    own_scope.enter(element.start());
    let text = reader.text(element)?;
    Ok(own_scope.resolve(text.trim()))
}

/// Reads the `apifault` element of a fault's detail; `None` when there is none or its
/// `Code` is not an integer.
fn read_detail<'a>(
    reader: &mut XmlReader<'a>,
    detail: &Child<'a>,
) -> Result<Option<ApiFault>, ReadError> {
    let mut api_fault = None;
    if detail.is_empty() {
        return Ok(None);
    }
    while let Some(child) = reader.next_child()? {
        let is_api_fault =
            child.local_name() == "apifault" && reader.in_namespace(&child, API_FAULT_NAMESPACE);
        if is_api_fault && api_fault.is_none() && !child.is_empty() {
            api_fault = read_api_fault(reader)?;
        } else {
            reader.skip(&child)?;
        }
    }
    Ok(api_fault)
}

/// Reads the children of an `apifault` element through its end tag.
fn read_api_fault(reader: &mut XmlReader<'_>) -> Result<Option<ApiFault>, ReadError> {
    let mut code = None;
    let mut message = String::new();
    while let Some(child) = reader.next_child()? {
        match child.local_name() {
            "Code" => code = reader.text(&child)?.trim().parse::<i64>().ok(),
            "Message" => message = reader.text(&child)?.into_owned(),
            _ => reader.skip(&child)?,
        }
    }
    Ok(code.map(|code| ApiFault { code, message }))
}

/// Namespace declarations in scope, innermost last, for resolving QNames in element text
/// (which the XML reader resolves only in names and `xsi:type`).
#[derive(Clone, Debug, Default)]
struct Scope {
    /// Pairs of prefix (empty for the default namespace) and namespace.
    bindings: Vec<(String, String)>,
}

impl Scope {
    /// Adds the declarations made on `start`.
    fn enter(&mut self, start: &BytesStart<'_>) {
        for attribute in start.attributes().with_checks(false).flatten() {
            let key = attribute.key.into_inner();
            let prefix = match key {
                "xmlns" => "",
                _ => match key.strip_prefix("xmlns:") {
                    Some(prefix) => prefix,
                    None => continue,
                },
            };
            if let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0) {
                self.bindings.push((prefix.to_owned(), value.into_owned()));
            }
        }
    }

    /// Resolves `prefix:local` (or `local`, through the default namespace). A prefix with no
    /// declaration leaves the namespace empty and keeps the text whole as the name.
    fn resolve(&self, qname: &str) -> QualifiedName {
        let (prefix, local) = qname.split_once(':').unwrap_or(("", qname));
        let namespace = self
            .bindings
            .iter()
            .rev()
            .find(|(bound, _)| bound == prefix)
            .map(|(_, namespace)| namespace.clone())
            .filter(|namespace| !namespace.is_empty());
        let name = if namespace.is_none() && !prefix.is_empty() {
            qname
        } else {
            local
        };
        QualifiedName {
            namespace,
            name: name.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_resolves_innermost() {
        let mut scope = Scope::default();
        scope.enter(&BytesStart::from_content(
            r#"a xmlns:p="urn:one" xmlns="urn:default""#,
            1,
        ));
        scope.enter(&BytesStart::from_content(r#"b xmlns:p="urn:two""#, 1));
        let resolved = scope.resolve("p:Security");
        assert_eq!(resolved.namespace.as_deref(), Some("urn:two"));
        assert_eq!(resolved.name, "Security");
        assert_eq!(
            scope.resolve("Local").namespace.as_deref(),
            Some("urn:default")
        );
        let unbound = scope.resolve("q:Server");
        assert_eq!(unbound.namespace, None);
        assert_eq!(unbound.name, "q:Server");
    }
}
