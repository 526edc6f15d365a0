//! A writer of partnerAPI XML into a byte buffer, built on quick-xml's `Writer`.

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

use super::error::WriteError;
use super::extra::Extra;
use super::{ComplexType, WriteXml, XSI_NAMESPACE};

/// Writes elements in schema order into an in-memory buffer.
///
/// The first complex element written declares its namespace as the default and binds the
/// `xsi` prefix, so `xsi:type` values are written unprefixed and resolve through the default
/// namespace.
pub struct XmlWriter {
    inner: Writer<Vec<u8>>,
    namespace: &'static str,
    xsi_declared: bool,
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl XmlWriter {
    /// Creates a writer with an empty buffer.
    pub fn new() -> Self {
        Self::with_buffer(Vec::new())
    }

    /// Creates a writer that appends to `buffer`, which may already hold the start of an
    /// envelope.
    pub fn with_buffer(buffer: Vec<u8>) -> Self {
        XmlWriter {
            inner: Writer::new(buffer),
            namespace: "",
            xsi_declared: false,
        }
    }

    /// Records that an enclosing element, such as a SOAP envelope written by hand, already
    /// binds the `xsi` prefix, and that `namespace` is the default namespace in scope.
    pub fn assume_in_scope(&mut self, namespace: &'static str, xsi_declared: bool) {
        self.namespace = namespace;
        self.xsi_declared = xsi_declared;
    }

    /// Returns the bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.inner.into_inner()
    }

    /// Returns the text written so far.
    pub fn into_string(self) -> String {
        // The writer only ever appends `str` data, so the buffer is UTF-8.
        String::from_utf8(self.into_bytes()).unwrap_or_default()
    }

    /// Gives direct access to the buffer, for framing written around generated content.
    pub fn buffer_mut(&mut self) -> &mut Vec<u8> {
        self.inner.get_mut()
    }

    fn event(&mut self, name: &str, event: Event<'_>) -> Result<(), WriteError> {
        self.inner
            .write_event(event)
            .map_err(|error| WriteError::new(name, error.to_string()))
    }

    /// Writes `value` as the element `name`.
    ///
    /// # Errors
    /// Fails when a text value contains a character that XML 1.0 cannot represent.
    pub fn element<T: WriteXml + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), WriteError> {
        value.write_xml(self, name)
    }

    /// Writes a required element unless `extra` records that it was absent when read.
    ///
    /// # Errors
    /// Fails when a text value contains a character that XML 1.0 cannot represent.
    pub fn required<T: WriteXml>(
        &mut self,
        name: &'static str,
        value: &T,
        extra: &Extra,
    ) -> Result<(), WriteError> {
        if !extra.missing.is_empty() && extra.is_missing(name) {
            return Ok(());
        }
        value.write_xml(self, name)
    }

    /// Writes an optional element when it is present.
    ///
    /// # Errors
    /// Fails when a text value contains a character that XML 1.0 cannot represent.
    pub fn optional<T: WriteXml>(
        &mut self,
        name: &str,
        value: &Option<T>,
    ) -> Result<(), WriteError> {
        match value {
            Some(value) => value.write_xml(self, name),
            None => Ok(()),
        }
    }

    /// Writes one element per item.
    ///
    /// # Errors
    /// Fails when a text value contains a character that XML 1.0 cannot represent.
    pub fn repeated<T: WriteXml>(&mut self, name: &str, values: &[T]) -> Result<(), WriteError> {
        values
            .iter()
            .try_for_each(|value| value.write_xml(self, name))
    }

    /// Writes an element holding `text`, escaping it.
    ///
    /// # Errors
    /// Fails when `text` contains a character that XML 1.0 cannot represent.
    pub fn text_element(&mut self, name: &str, text: &str) -> Result<(), WriteError> {
        if text.is_empty() {
            return self.event(name, Event::Empty(BytesStart::new(name)));
        }
        let escaped = escape_text(text).map_err(|reason| WriteError::new(name, reason))?;
        self.event(name, Event::Start(BytesStart::new(name)))?;
        self.event(name, Event::Text(BytesText::from_escaped(escaped)))?;
        self.event(name, Event::End(BytesEnd::new(name)))
    }

    /// Writes `<name xsi:nil="true"/>`.
    ///
    /// # Errors
    /// Fails only if writing to the in-memory buffer fails, which does not happen.
    pub fn nil_element(&mut self, name: &str) -> Result<(), WriteError> {
        let mut start = BytesStart::new(name);
        self.declare_xsi(&mut start);
        start.push_attribute(("xsi:nil", "true"));
        self.event(name, Event::Empty(start))
    }

    fn declare_xsi(&mut self, start: &mut BytesStart<'_>) {
        if !self.xsi_declared {
            start.push_attribute(("xmlns:xsi", XSI_NAMESPACE));
            self.xsi_declared = true;
        }
    }

    /// Writes a complex value as the element `name`, with `xsi:type` when given.
    ///
    /// # Errors
    /// Fails when a text value inside contains a character that XML 1.0 cannot represent.
    pub fn complex<T: ComplexType>(
        &mut self,
        name: &str,
        xsi_type: Option<&str>,
        value: &T,
    ) -> Result<(), WriteError> {
        let mut start = BytesStart::new(name);
        let outer_namespace = self.namespace;
        let outer_xsi = self.xsi_declared;
        if T::NAMESPACE != self.namespace {
            start.push_attribute(("xmlns", T::NAMESPACE));
            self.namespace = T::NAMESPACE;
        }
        // The outermost complex element binds `xsi` for everything inside it.
        self.declare_xsi(&mut start);
        if let Some(xsi_type) = xsi_type {
            start.push_attribute(("xsi:type", xsi_type));
        }
        self.event(name, Event::Start(start))?;
        let after_start = self.inner.get_ref().len();
        value.write_children(self)?;
        self.close(name, after_start)?;
        self.namespace = outer_namespace;
        self.xsi_declared = outer_xsi;
        Ok(())
    }

    /// Ends the element `name`, turning it into an empty-element tag when nothing was written
    /// since its start tag ended at `after_start`.
    fn close(&mut self, name: &str, after_start: usize) -> Result<(), WriteError> {
        let buffer = self.inner.get_mut();
        if buffer.len() == after_start && buffer.last() == Some(&b'>') {
            buffer.pop();
            buffer.extend_from_slice(b"/>");
            return Ok(());
        }
        self.event(name, Event::End(BytesEnd::new(name)))
    }

    /// Writes XML text as it is, such as an element kept from a response.
    pub fn raw(&mut self, xml: &str) {
        self.inner.get_mut().extend_from_slice(xml.as_bytes());
    }

    /// Writes back the undeclared elements a value kept.
    ///
    /// # Errors
    /// Fails only if writing to the in-memory buffer fails, which does not happen.
    pub fn extra(&mut self, extra: &Extra) -> Result<(), WriteError> {
        for element in &extra.elements {
            self.raw(&element.xml);
        }
        Ok(())
    }
}

/// Escapes `&`, `<`, `>` and carriage return (which a reader would otherwise turn into a line
/// feed), and rejects characters XML 1.0 cannot represent.
fn escape_text(text: &str) -> Result<Cow<'_, str>, String> {
    let needs_work = text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'\r') || (b < 0x20 && b != b'\t' && b != b'\n'));
    if !needs_work {
        return Ok(Cow::Borrowed(text));
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' | '\n' => escaped.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                return Err(format!(
                    "the text contains the character U+{:04X}, which XML 1.0 cannot represent",
                    c as u32
                ));
            }
            c => escaped.push(c),
        }
    }
    Ok(Cow::Owned(escaped))
}

#[cfg(test)]
mod tests {
    use super::escape_text;

    #[test]
    fn escape_text_escapes_markup_and_carriage_return() {
        assert_eq!(
            escape_text("a<b>&c\r\n").unwrap(),
            "a&lt;b&gt;&amp;c&#13;\n"
        );
    }

    #[test]
    fn escape_text_rejects_control_characters() {
        let error = escape_text("bell\u{7}").unwrap_err();
        assert_eq!(
            error,
            "the text contains the character U+0007, which XML 1.0 cannot represent"
        );
    }
}
