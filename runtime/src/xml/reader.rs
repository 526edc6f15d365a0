//! A namespace-aware pull reader over a byte slice, built on quick-xml's `NsReader`.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{PrefixDeclaration, QName, ResolveResult};

use super::error::{ReadError, ReadErrorKind};
use super::extra::{QualifiedName, RawElement};
use super::{ReadXml, XSI_NAMESPACE};
use crate::values::ValueError;

/// An element start tag the reader has just returned, with where it began in the input.
#[derive(Debug)]
pub struct Child<'a> {
    start: BytesStart<'a>,
    empty: bool,
    offset: u64,
    /// Where the local name starts in the qualified name, found once because every step of
    /// reading uses it.
    local_start: usize,
}

impl<'a> Child<'a> {
    /// Returns the element's local name (without prefix).
    pub fn local_name(&self) -> &str {
        let name = self.start.name().into_inner();
        name.get(self.local_start..).unwrap_or(name)
    }

    /// Returns true when the element has neither a prefix nor attributes, so its namespace is
    /// the default namespace of its parent's scope.
    pub fn is_plain(&self) -> bool {
        self.local_start == 0 && self.start.attributes_raw().trim().is_empty()
    }

    /// Returns the start tag itself.
    pub fn start(&self) -> &BytesStart<'a> {
        &self.start
    }

    /// Returns true for an empty-element tag such as `<Options/>`.
    pub fn is_empty(&self) -> bool {
        self.empty
    }
}

/// The value of an `xsi:type` attribute, resolved through the namespace declarations in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XsiType<'a> {
    /// A type in the namespace the caller expected, by local name.
    Local(Cow<'a, str>),
    /// A type in another namespace, or in none.
    Foreign(QualifiedName),
}

/// Reads partnerAPI XML from a byte slice without building a tree.
///
/// Generated code drives it through [`ReadXml`]; a SOAP layer uses [`XmlReader::root`] and
/// [`XmlReader::next_child`] to walk an envelope down to the body.
pub struct XmlReader<'a> {
    inner: NsReader<&'a [u8]>,
    input: &'a [u8],
    event_offset: u64,
    /// The absent required children met so far, as the offset of their parent's start tag
    /// and the child's name; `None` unless [`XmlReader::record_missing`] was called.
    missing: Option<Vec<(u64, &'static str)>>,
}

/// A required child element that was absent from the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingElement {
    /// The local name of the absent child.
    pub name: &'static str,
    /// The local names from the root to the element that lacks the child, separated by `/`.
    /// An element with siblings of the same name has its 1-based position among them, as
    /// in `Envelope/Body/CreateRequest/Objects[2]/Subscribers`.
    pub path: String,
    /// The line of the parent's start tag, counting from 1.
    pub line: u32,
    /// The column of the parent's start tag in bytes, counting from 1.
    pub column: u32,
}

impl<'a> XmlReader<'a> {
    /// Creates a reader over a complete document.
    pub fn new(input: &'a [u8]) -> Self {
        XmlReader {
            inner: NsReader::from_reader(input),
            input,
            event_offset: 0,
            missing: None,
        }
    }

    /// Makes the reader record every required child element that is absent anywhere in the
    /// document, for [`XmlReader::missing_elements`]. Values read record them in their
    /// [`Extra`](super::Extra) either way; this adds where in the document each one was.
    pub fn record_missing(&mut self) {
        self.missing.get_or_insert_with(Vec::new);
    }

    /// Records that the required child `name` of `parent` was absent, when recording.
    pub(crate) fn note_missing(&mut self, parent: &Child<'_>, name: &'static str) {
        if let Some(missing) = &mut self.missing {
            missing.push((parent.offset, name));
        }
    }

    /// Returns the absent required child elements met so far, in the order their parents
    /// ended. It is empty unless [`XmlReader::record_missing`] was called before reading.
    pub fn missing_elements(&self) -> Vec<MissingElement> {
        let Some(missing) = self.missing.as_ref().filter(|missing| !missing.is_empty()) else {
            return Vec::new();
        };
        let elements = element_outline(self.input);
        missing
            .iter()
            .map(|&(offset, name)| {
                let (line, column) = super::error::line_and_column(self.input, offset);
                MissingElement {
                    name,
                    path: element_path(&elements, offset),
                    line,
                    column,
                }
            })
            .collect()
    }

    /// Builds an error of `kind` located at the start of the last event read.
    pub fn error(&self, kind: ReadErrorKind) -> ReadError {
        ReadError::new(kind, self.input, self.event_offset)
    }

    /// Builds an error for an element text that does not fit its schema type.
    pub fn invalid_value(&self, child: &Child<'_>, error: ValueError) -> ReadError {
        ReadError::new(ReadErrorKind::InvalidValue(error), self.input, child.offset)
            .in_element(child.local_name())
    }

    fn next_event(&mut self) -> Result<Event<'a>, ReadError> {
        self.event_offset = self.inner.buffer_position();
        match self.inner.read_event() {
            Ok(event) => Ok(event),
            Err(error) => {
                let offset = self.inner.error_position();
                Err(ReadError::new(
                    ReadErrorKind::Syntax(error),
                    self.input,
                    offset,
                ))
            }
        }
    }

    /// Returns the document's root element, skipping the prolog.
    ///
    /// # Errors
    /// Fails on malformed XML or a document with no element.
    pub fn root(&mut self) -> Result<Child<'a>, ReadError> {
        loop {
            let offset = self.inner.buffer_position();
            match self.next_event()? {
                Event::Start(start) => return Ok(self.child(start, false, offset)),
                Event::Empty(start) => return Ok(self.child(start, true, offset)),
                Event::Eof => return Err(self.error(ReadErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    fn child(&self, start: BytesStart<'a>, empty: bool, offset: u64) -> Child<'a> {
        let local_start = start
            .name()
            .into_inner()
            .find(':')
            .map_or(0, |colon| colon + 1);
        Child {
            start,
            empty,
            offset,
            local_start,
        }
    }

    /// Returns the next child element of the element whose children are being read, or
    /// `None` at its end tag. Text between child elements, comments and processing
    /// instructions are skipped.
    ///
    /// # Errors
    /// Fails on malformed XML or a document that ends first.
    pub fn next_child(&mut self) -> Result<Option<Child<'a>>, ReadError> {
        loop {
            let offset = self.inner.buffer_position();
            match self.next_event()? {
                Event::Start(start) => return Ok(Some(self.child(start, false, offset))),
                Event::Empty(start) => return Ok(Some(self.child(start, true, offset))),
                Event::End(_) => return Ok(None),
                Event::Eof => return Err(self.error(ReadErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Returns true when `child` is in `namespace`, or in no namespace at all.
    pub fn in_namespace(&self, child: &Child<'_>, namespace: &str) -> bool {
        match self.inner.resolver().resolve_element(child.start.name()).0 {
            ResolveResult::Bound(ns) => ns.into_inner() == namespace,
            ResolveResult::Unbound => true,
            ResolveResult::Unknown(_) => false,
        }
    }

    /// Returns the namespace and local name of `child`.
    pub fn qualified_name(&self, child: &Child<'_>) -> QualifiedName {
        let (ns, local) = self.inner.resolver().resolve_element(child.start.name());
        QualifiedName {
            namespace: bound_namespace(ns),
            name: local.into_inner().to_owned(),
        }
    }

    /// Returns true when `child` carries `xsi:nil="true"` (or `"1"`).
    pub fn is_nil(&self, child: &Child<'_>) -> bool {
        self.xsi_attribute(child, "nil")
            .is_some_and(|value| matches!(value.trim(), "true" | "1"))
    }

    fn xsi_attribute<'c>(&self, child: &'c Child<'_>, local: &str) -> Option<Cow<'c, str>> {
        if child.start.attributes_raw().trim().is_empty() {
            return None;
        }
        for attribute in child.start.attributes().with_checks(false).flatten() {
            let (ns, name) = self.inner.resolver().resolve_attribute(attribute.key);
            let is_xsi = matches!(ns, ResolveResult::Bound(ns) if ns.into_inner() == XSI_NAMESPACE);
            if is_xsi && name.into_inner() == local {
                return attribute.normalized_value(XmlVersion::Implicit1_0).ok();
            }
        }
        None
    }

    /// Returns the `xsi:type` of `child`, resolved through the namespace declarations in scope.
    ///
    /// An unprefixed value resolves through the default namespace, as XML Schema QNames do.
    ///
    /// # Errors
    /// Fails when the value's prefix is not declared.
    pub fn xsi_type<'c>(
        &self,
        child: &'c Child<'_>,
        expected_namespace: &str,
    ) -> Result<Option<XsiType<'c>>, ReadError> {
        let Some(value) = self.xsi_attribute(child, "type") else {
            return Ok(None);
        };
        let (ns, local_start) = {
            let trimmed = value.trim();
            let (ns, local) = self.inner.resolver().resolve(QName(trimmed), true);
            let offset = local.into_inner().as_ptr() as usize - value.as_ptr() as usize;
            (owned_namespace(ns, expected_namespace), offset)
        };
        let local_end = local_start + value[local_start..].trim_end().len();
        let local = match value {
            Cow::Borrowed(text) => Cow::Borrowed(&text[local_start..local_end]),
            Cow::Owned(text) => Cow::Owned(text[local_start..local_end].to_owned()),
        };
        match ns {
            Resolved::Expected => Ok(Some(XsiType::Local(local))),
            Resolved::Unknown(prefix) => Err(ReadError::new(
                ReadErrorKind::UnboundPrefix { prefix },
                self.input,
                child.offset,
            )
            .in_element(child.local_name())),
            Resolved::Bound(ns) => Ok(Some(XsiType::Foreign(QualifiedName {
                namespace: Some(ns),
                name: local.into_owned(),
            }))),
            Resolved::Unbound => Ok(Some(XsiType::Foreign(QualifiedName {
                namespace: None,
                name: local.into_owned(),
            }))),
        }
    }

    /// Reads the text content of `child` up to its end tag, resolving entity and character
    /// references and CDATA sections.
    ///
    /// # Errors
    /// Fails when the element contains a child element or the XML is malformed.
    pub fn text(&mut self, child: &Child<'a>) -> Result<Cow<'a, str>, ReadError> {
        if child.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            match self.next_event()? {
                Event::Text(part) => append(&mut text, part.xml10_content()),
                Event::CData(part) => append(&mut text, part.into_inner()),
                Event::GeneralRef(reference) => {
                    let resolved = self.resolve_reference(&reference)?;
                    append(&mut text, Cow::Owned(resolved));
                }
                Event::End(_) => break,
                Event::Start(start) | Event::Empty(start) => {
                    let child_name = start.local_name().into_inner();
                    let kind = ReadErrorKind::UnexpectedChild {
                        child: child_name.to_owned(),
                    };
                    return Err(self.error(kind).in_element(child.local_name()));
                }
                Event::Eof => {
                    let error = self.error(ReadErrorKind::UnexpectedEof);
                    return Err(error.in_element(child.local_name()));
                }
                _ => {}
            }
        }
        Ok(text.unwrap_or(Cow::Borrowed("")))
    }

    fn resolve_reference(
        &self,
        reference: &quick_xml::events::BytesRef<'_>,
    ) -> Result<String, ReadError> {
        let syntax = |error| self.error(ReadErrorKind::Syntax(error));
        if let Some(ch) = reference.resolve_char_ref().map_err(syntax)? {
            return Ok(ch.to_string());
        }
        match resolve_predefined_entity(reference) {
            Some(text) => Ok(text.to_owned()),
            None => Err(syntax(quick_xml::Error::Escape(
                quick_xml::escape::EscapeError::UnrecognizedEntity(
                    0..reference.len(),
                    reference.to_string(),
                ),
            ))),
        }
    }

    /// Skips `child` and everything inside it.
    ///
    /// # Errors
    /// Fails on malformed XML.
    pub fn skip(&mut self, child: &Child<'a>) -> Result<(), ReadError> {
        if !child.empty {
            let end = child.start.name();
            if let Err(error) = self.inner.read_to_end(end) {
                let offset = self.inner.error_position();
                return Err(ReadError::new(
                    ReadErrorKind::Syntax(error),
                    self.input,
                    offset,
                ));
            }
        }
        Ok(())
    }

    /// Reads `child` and everything inside it as raw XML text, as it was written, with the
    /// namespace declarations in scope copied onto its start tag so that it stands alone.
    ///
    /// # Errors
    /// Fails on malformed XML or text that is not UTF-8.
    pub fn raw(&mut self, child: &Child<'a>) -> Result<RawElement, ReadError> {
        let name = self.qualified_name(child);
        let start = usize::try_from(child.offset).unwrap_or(usize::MAX);
        // Skipping a start tag pops its own declarations, so the bindings left in scope are
        // the enclosing ones, which the element's text does not repeat.
        self.skip(child)?;
        let end = usize::try_from(self.inner.buffer_position()).unwrap_or(usize::MAX);
        let bytes = self.input.get(start..end).unwrap_or_default();
        let written = std::str::from_utf8(bytes).map_err(|_| self.error(ReadErrorKind::Utf8))?;
        let name_end = 1 + child.start.name().into_inner().len();
        let mut xml = String::with_capacity(written.len() + 64);
        xml.push_str(written.get(..name_end).unwrap_or(written));
        self.push_inherited_declarations(child, written, &mut xml);
        xml.push_str(written.get(name_end..).unwrap_or_default());
        Ok(RawElement { name, xml })
    }

    /// Appends ` xmlns:p="…"` declarations for the bindings in scope that `child`'s start tag
    /// does not make itself: the default namespace, and each prefix its text uses (which also
    /// covers prefixes inside `xsi:type` values).
    fn push_inherited_declarations(&self, child: &Child<'_>, written: &str, out: &mut String) {
        for (prefix, namespace) in self.inner.resolver().bindings() {
            let prefix = match prefix {
                PrefixDeclaration::Default => None,
                PrefixDeclaration::Named("xml") => continue,
                PrefixDeclaration::Named(prefix) => Some(prefix),
            };
            let used = prefix.is_none_or(|prefix| uses_prefix(written, prefix));
            if !used || declares(child, prefix) {
                continue;
            }
            out.push_str(" xmlns");
            if let Some(prefix) = prefix {
                out.push(':');
                out.push_str(prefix);
            }
            out.push_str("=\"");
            out.push_str(&quick_xml::escape::escape(namespace.into_inner()));
            out.push('"');
        }
    }

    /// Reads `child` as a `T`, adding the element to the error path on failure.
    ///
    /// # Errors
    /// Fails when the content does not fit `T`.
    pub fn read<T: ReadXml>(&mut self, child: &Child<'a>) -> Result<T, ReadError> {
        T::read_xml(self, child)
    }

    /// Reads an optional element: `xsi:nil="true"` on an element the schema does not mark
    /// nillable reads as absent, since the field has no other way to hold it.
    ///
    /// # Errors
    /// Fails when the content does not fit `T`.
    pub fn read_optional<T: ReadXml>(&mut self, child: &Child<'a>) -> Result<Option<T>, ReadError> {
        if self.is_nil(child) {
            self.skip(child)?;
            return Ok(None);
        }
        T::read_xml(self, child).map(Some)
    }

    /// Reads the document's root element as a `T`, checking its name and namespace.
    ///
    /// # Errors
    /// Fails when the root is another element or its content does not fit `T`.
    pub fn read_document<T: ReadXml>(
        &mut self,
        namespace: &str,
        element: &str,
    ) -> Result<T, ReadError> {
        let root = self.root()?;
        self.expect_element(&root, namespace, element)?;
        T::read_xml(self, &root)
    }

    /// Checks that `child` is the element `{namespace}element`.
    ///
    /// # Errors
    /// Fails with [`ReadErrorKind::UnexpectedRoot`] naming both elements.
    pub fn expect_element(
        &self,
        child: &Child<'_>,
        namespace: &str,
        element: &str,
    ) -> Result<(), ReadError> {
        let found = self.qualified_name(child);
        if found.namespace.as_deref() == Some(namespace) && found.name == element {
            return Ok(());
        }
        let kind = ReadErrorKind::UnexpectedRoot {
            expected: format!("{{{namespace}}}{element}"),
            found: found.to_string(),
        };
        Err(ReadError::new(kind, self.input, child.offset))
    }
}

fn bound_namespace(ns: ResolveResult<'_>) -> Option<String> {
    match ns {
        ResolveResult::Bound(ns) => Some(ns.into_inner().to_owned()),
        _ => None,
    }
}

fn append<'a>(text: &mut Option<Cow<'a, str>>, part: Cow<'a, str>) {
    match text {
        None => *text = Some(part),
        Some(existing) => existing.to_mut().push_str(&part),
    }
}

/// Returns true when `child`'s start tag declares `prefix` (`None` for the default namespace).
fn declares(child: &Child<'_>, prefix: Option<&str>) -> bool {
    if child.start.attributes_raw().is_empty() {
        return false;
    }
    child
        .start
        .attributes()
        .with_checks(false)
        .flatten()
        .any(|attribute| {
            let key = attribute.key.into_inner();
            match prefix {
                None => key == "xmlns",
                Some(prefix) => key.strip_prefix("xmlns:") == Some(prefix),
            }
        })
}

/// Returns true when `text` contains `prefix:` at the start of a name.
fn uses_prefix(text: &str, prefix: &str) -> bool {
    text.match_indices(prefix).any(|(index, _)| {
        let after = &text[index + prefix.len()..];
        let before = text[..index].chars().next_back();
        let starts_name =
            before.is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')));
        after.starts_with(':') && starts_name
    })
}

/// A namespace resolution that owns its text, so it outlives the resolver borrow; the
/// expected namespace, the common case, allocates nothing.
enum Resolved {
    Expected,
    Bound(String),
    Unbound,
    Unknown(String),
}

fn owned_namespace(ns: ResolveResult<'_>, expected: &str) -> Resolved {
    match ns {
        ResolveResult::Bound(ns) if ns.into_inner() == expected => Resolved::Expected,
        ResolveResult::Bound(ns) => Resolved::Bound(ns.into_inner().to_owned()),
        ResolveResult::Unbound => Resolved::Unbound,
        ResolveResult::Unknown(prefix) => Resolved::Unknown(prefix),
    }
}

/// One element of a document: its parent's index, local name, start offset and 1-based
/// position among its parent's children of the same name.
struct OutlineElement {
    parent: Option<usize>,
    name: String,
    offset: u64,
    position: usize,
}

/// The elements of a document in document order, and how many children of each name each
/// element has (the key `None` stands for the document itself).
struct Outline {
    elements: Vec<OutlineElement>,
    counts: HashMap<(Option<usize>, String), usize>,
}

/// Lists every element of `input` in document order, with the offsets [`XmlReader`] gives
/// its children: both read with quick-xml's default configuration. Reading stops at the
/// first syntax error, which leaves the elements before it.
fn element_outline(input: &[u8]) -> Outline {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut outline = Outline {
        elements: Vec::new(),
        counts: HashMap::new(),
    };
    let mut open: Vec<usize> = Vec::new();
    loop {
        let offset = reader.buffer_position();
        let (start, is_empty) = match reader.read_event() {
            Ok(Event::Start(start)) => (start, false),
            Ok(Event::Empty(start)) => (start, true),
            Ok(Event::End(_)) => {
                open.pop();
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let name = start.local_name().into_inner().to_owned();
        let parent = open.last().copied();
        let count = outline.counts.entry((parent, name.clone())).or_default();
        *count += 1;
        outline.elements.push(OutlineElement {
            parent,
            name,
            offset,
            position: *count,
        });
        if !is_empty {
            open.push(outline.elements.len() - 1);
        }
    }
    outline
}

/// Returns the path of the element that starts at `offset`, as [`MissingElement::path`]
/// describes it.
fn element_path(outline: &Outline, offset: u64) -> String {
    let elements = &outline.elements;
    let Ok(mut index) = elements.binary_search_by_key(&offset, |element| element.offset) else {
        return String::new();
    };
    let mut steps = Vec::new();
    loop {
        let element = &elements[index];
        let siblings = outline
            .counts
            .get(&(element.parent, element.name.clone()))
            .copied()
            .unwrap_or(1);
        if siblings > 1 {
            steps.push(format!("{}[{}]", element.name, element.position));
        } else {
            steps.push(element.name.clone());
        }
        match element.parent {
            Some(parent) => index = parent,
            None => break,
        }
    }
    steps.reverse();
    steps.join("/")
}
