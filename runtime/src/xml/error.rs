//! Errors raised while reading or writing partnerAPI XML.

use std::fmt;

use crate::values::ValueError;

/// The kind of failure met while reading a document.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The bytes are not well-formed XML.
    Syntax(quick_xml::Error),
    /// The text of an element does not fit its schema type.
    InvalidValue(ValueError),
    /// An element that must contain only text contains a child element.
    UnexpectedChild {
        /// Local name of the child element.
        child: String,
    },
    /// The document's root element is not the one expected.
    UnexpectedRoot {
        /// `{namespace}name` of the element that was expected.
        expected: String,
        /// `{namespace}name` of the element that was found.
        found: String,
    },
    /// The document ended before the element did.
    UnexpectedEof,
    /// A prefix in a name or an `xsi:type` value has no namespace declaration in scope.
    UnboundPrefix {
        /// The prefix that could not be resolved.
        prefix: String,
    },
    /// The input is not valid UTF-8.
    Utf8,
}

/// An error raised while reading XML, with the element path and position where it happened.
///
/// The path lists the elements from the document root to the element at fault, so an error
/// deep inside a response names where it sits.
#[derive(Debug)]
pub struct ReadError {
    kind: ReadErrorKind,
    element: Option<String>,
    path: Vec<String>,
    line: u32,
    column: u32,
}

impl ReadError {
    pub(crate) fn new(kind: ReadErrorKind, input: &[u8], offset: u64) -> Self {
        let (line, column) = line_and_column(input, offset);
        ReadError {
            kind,
            element: None,
            path: Vec::new(),
            line,
            column,
        }
    }

    pub(crate) fn in_element(mut self, element: &str) -> Self {
        if self.element.is_none() {
            self.element = Some(element.to_owned());
        }
        self
    }

    /// Adds an enclosing element to the path, innermost first; the path prints outermost first.
    pub(crate) fn within(mut self, element: &str) -> Self {
        self.path.push(element.to_owned());
        self
    }

    /// Returns what went wrong.
    pub fn kind(&self) -> &ReadErrorKind {
        &self.kind
    }

    /// Returns the local name of the element being read when the error happened.
    pub fn element(&self) -> Option<&str> {
        self.element.as_deref()
    }

    /// Returns the element path from the document root, such as `RetrieveRequestMsg/RetrieveRequest/Filter`.
    pub fn path(&self) -> String {
        let mut parts: Vec<&str> = self.path.iter().rev().map(String::as_str).collect();
        if let Some(element) = &self.element {
            if parts.last() != Some(&element.as_str()) {
                parts.push(element);
            }
        }
        parts.join("/")
    }

    /// Returns the 1-based line of the error in the input.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Returns the 1-based column (in bytes) of the error in the input.
    pub fn column(&self) -> u32 {
        self.column
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ReadErrorKind::Syntax(error) => write!(f, "malformed XML: {error}")?,
            ReadErrorKind::InvalidValue(error) => write!(f, "{error}")?,
            ReadErrorKind::UnexpectedChild { child } => write!(
                f,
                "unexpected child element `{child}` in an element that holds text"
            )?,
            ReadErrorKind::UnexpectedRoot { expected, found } => {
                write!(f, "expected root element `{expected}`, found `{found}`")?
            }
            ReadErrorKind::UnexpectedEof => write!(f, "the document ends inside an element")?,
            ReadErrorKind::UnboundPrefix { prefix } => {
                write!(f, "namespace prefix `{prefix}` is not declared")?
            }
            ReadErrorKind::Utf8 => write!(f, "the document is not valid UTF-8")?,
        }
        let path = self.path();
        if !path.is_empty() {
            write!(f, " in element `{path}`")?;
        }
        write!(f, " at line {}, column {}", self.line, self.column)
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ReadErrorKind::Syntax(error) => Some(error),
            ReadErrorKind::InvalidValue(error) => Some(error),
            _ => None,
        }
    }
}

/// An error raised while writing XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    element: String,
    reason: String,
}

impl WriteError {
    pub(crate) fn new(element: &str, reason: impl Into<String>) -> Self {
        WriteError {
            element: element.to_owned(),
            reason: reason.into(),
        }
    }

    /// Returns the name of the element that could not be written.
    pub fn element(&self) -> &str {
        &self.element
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot write element `{}`: {}",
            self.element, self.reason
        )
    }
}

impl std::error::Error for WriteError {}

pub(crate) fn line_and_column(input: &[u8], offset: u64) -> (u32, u32) {
    let end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(input.len());
    let before = &input[..end];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = end - line_start + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}
