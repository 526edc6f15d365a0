//! Errors the generator reports, each naming the file, line and column at fault.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a source file, 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line.
    pub line: u32,
    /// The 1-based column.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        /// The action that failed: "read" or "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A WSDL or XSD file is not well-formed XML.
    #[error("malformed XML in {location}: {message}")]
    Xml {
        /// The position where the parser stopped.
        location: Location,
        /// The parser's message.
        message: String,
    },
    /// The schema uses something the generator does not support and cannot ignore safely.
    #[error("unsupported {construct} at {location}: {reason}")]
    Unsupported {
        /// The construct, such as "`<attribute>`".
        construct: String,
        /// The construct's location.
        location: Location,
        /// Why it matters and what to do.
        reason: String,
    },
    /// The schema is invalid: a reference to an undefined name, a missing attribute, a
    /// duplicate definition.
    #[error("{message} at {location}")]
    Invalid {
        /// The problem, naming the construct.
        message: String,
        /// The construct's location.
        location: Location,
    },
    /// An imported schema could not be found locally; the generator never downloads.
    #[error(
        "{location}: the schema imports `{import}`, which has no local copy; map it to a file \
         with `--map-location {import}=FILE` (or `Config::map_location` in a build script)"
    )]
    UnmappedImport {
        /// The schemaLocation or namespace of the import.
        import: String,
        /// The import's location.
        location: Location,
    },
    /// The generated tokens did not parse as Rust, which is a bug in the generator.
    #[error("internal error: generated code does not parse as Rust: {0}")]
    Emit(String),
}

impl Error {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }
}
