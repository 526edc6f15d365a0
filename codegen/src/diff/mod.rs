//! Compares two versions of a schema through their intermediate representations and classes
//! each difference by what it does to Rust code built on the old bindings.
//!
//! Both schemas are resolved into an [`Ir`](crate::ir::Ir) and projected into a [`Summary`]
//! keyed by XML identity. A type is known by its namespace and XML name, a field by its element
//! name, an enumeration value by its text and an operation by its name. Formatting, attribute order and
//! namespace prefixes never reach the IR, so they never count. Rust names are reported beside
//! the XML names, and a Rust name that changes for the same XML item (for example when a new
//! type takes a name first in schema order) is itself a breaking change.
//!
//! # Classes
//!
//! - **breaking**: code stops compiling or a value no longer fits: an item removed or renamed,
//!   a field retyped, made optional, required, repeated or single, nillable or not, boxed or
//!   not; a new *required* field (code written before it never sets it, and `Default` would
//!   send a made-up value); an enumeration value removed; a type gaining its first subtype,
//!   since fields of that type then hold its `Any…` family enum; a new element in a choice,
//!   whose enum has no catch-all variant; an operation sending or receiving another message.
//! - **additive**: new items only: types, optional or repeated fields, enumeration values,
//!   subtypes of an existing family, operations. This assumes the rule the generated code is
//!   written for: structs are built with `..Default::default()` and matches on generated
//!   enums have a `_` arm, since every enumeration and family enum has a catch-all variant for
//!   values the schema does not list.
//! - **wire-only**: the same Rust, different XML: a changed `soapAction`, a new element order,
//!   an `any` wildcard added or removed, a different value for `Default::default()`.
//! - **documentation**: only the schema's documentation, so only rustdoc; listed only when
//!   asked for.
//!
//! One schema edit can cause several changes: a type that loses its base also loses each
//! inherited field and leaves each ancestor's family enum, and each of those is listed. A
//! change to a base type's own field is listed once, at the base, not at every subtype.
//!
//! The summary's version step is `major` with any breaking change, else `minor` with any
//! additive one, else `patch` with any other, else `none`.
//!
//! # JSON
//!
//! [`Report::to_json`] writes one object; its field names and values are stable, and new
//! fields may be added in later versions:
//!
//! - `format`: `"sfmc-codegen-diff"`; `format_version`: `1`.
//! - `old`, `new`: the labels of the two schemas, file paths as given.
//! - `documentation`: whether documentation changes were compared.
//! - `counts`: an object with `breaking`, `additive`, `wire_only` and `documentation`.
//! - `semver`: `"major"`, `"minor"`, `"patch"` or `"none"`.
//! - `changes`: an array of objects, grouped by type (sorted by XML name) and then by
//!   operation (sorted by name), each with:
//!   - `class`: `"breaking"`, `"additive"`, `"wire-only"` or `"documentation"`;
//!   - `change`: one of `added`, `removed`, `renamed`, `retyped`, `kind-changed`,
//!     `base-changed`, `became-polymorphic`, `no-longer-polymorphic`, `family-renamed`,
//!     `catch-all-renamed`, `default-changed`, `wildcard-added`, `wildcard-removed`,
//!     `reordered`, `made-optional`, `made-required`, `made-repeated`, `made-single`,
//!     `made-nillable`, `made-not-nillable`, `boxed`, `unboxed`, `soap-action-changed`,
//!     `request-changed`, `response-changed`, `documentation-changed`;
//!   - `scope`: `"type"` or `"operation"`;
//!   - `namespace`: the type's namespace, `null` for an operation;
//!   - `name`: the type's XML name (an anonymous type's schema path such as
//!     `DataExtension/Fields`, a choice's `Owner/choice`) or the operation's name;
//!   - `anonymous`: whether the type is anonymous, `null` for an operation;
//!   - `rust_name`: the Rust name of the type or of the operation's marker type;
//!   - `item_kind`: `"field"`, `"value"` (enumeration value), `"subtype"` (family member) or
//!     `"element"` (of a choice), `null` when the change is about the type or operation;
//!   - `item`, `rust_item`: the item's XML identity and Rust name, `null` without an item;
//!   - `old`, `new`: the value before and after, `null` where there is none: Rust types for
//!     fields and elements (`Option<String>`), Rust names for renames and defaults, base XML
//!     names for `base-changed`, `Family::Variant` paths for subtypes, the family enum's name
//!     for `became-polymorphic` (new) and `no-longer-polymorphic` (old), element names
//!     joined by `, ` for `reordered`, Rust message names for `request-changed` and
//!     `response-changed`, the `soapAction` text, or documentation text.

mod change;
mod compare;
mod json;
mod locate;
mod render;
mod summary;
mod summary_file;

use std::path::Path;

pub use change::{Change, ChangeKind, Class, Item, ItemKind, Scope};
pub use locate::{find_build_summary, target_dir};
pub use summary::{
    EnumShape, FieldSummary, OperationSummary, Shape, StructShape, Summary, TypeKey, TypeSummary,
    ValueSummary, ValueType, VariantSummary, builtin_rust_name,
};
pub use summary_file::{SUMMARY_FILE_NAME, fingerprint};

use crate::error::Error;

/// The version step a set of changes implies for the bindings crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SemverStep {
    /// Nothing changed.
    None,
    /// Wire-only or documentation changes.
    Patch,
    /// Additive changes and no breaking ones.
    Minor,
    /// At least one breaking change. Before 1.0, Cargo reads a minor version step as this.
    Major,
}

impl SemverStep {
    /// Returns the step's name: `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            SemverStep::None => "none",
            SemverStep::Patch => "patch",
            SemverStep::Minor => "minor",
            SemverStep::Major => "major",
        }
    }
}

/// The changes between two schemas, with the labels to print for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The label of the old schema in the output, usually its path.
    pub old: String,
    /// The label of the new schema in the output.
    pub new: String,
    /// Whether documentation changes were compared.
    pub documentation: bool,
    /// Every change, grouped by type and then by operation.
    pub changes: Vec<Change>,
}

impl Report {
    /// Compares two summaries; documentation changes are listed only when `documentation`.
    pub fn compare(
        old_label: impl Into<String>,
        old: &Summary,
        new_label: impl Into<String>,
        new: &Summary,
        documentation: bool,
    ) -> Report {
        Report {
            old: old_label.into(),
            new: new_label.into(),
            documentation,
            changes: compare::compare(old, new, documentation),
        }
    }

    /// Returns how many changes have this class.
    pub fn count(&self, class: Class) -> usize {
        self.changes
            .iter()
            .filter(|change| change.class == class)
            .count()
    }

    /// Returns true when any change is breaking, which the command reports with exit status 1.
    pub fn has_breaking(&self) -> bool {
        self.count(Class::Breaking) > 0
    }

    /// Returns the version step the changes imply.
    pub fn semver_step(&self) -> SemverStep {
        if self.count(Class::Breaking) > 0 {
            SemverStep::Major
        } else if self.count(Class::Additive) > 0 {
            SemverStep::Minor
        } else if self.changes.is_empty() {
            SemverStep::None
        } else {
            SemverStep::Patch
        }
    }

    /// Writes the readable report: changes grouped by type, a summary line and a legend.
    pub fn to_text(&self) -> String {
        render::text(self)
    }

    /// Writes the report as Markdown for a changelog: changes grouped by class.
    pub fn to_markdown(&self) -> String {
        render::markdown(self)
    }

    /// Writes the report as JSON, in the schema the module documentation describes.
    pub fn to_json(&self) -> String {
        json::report(self)
    }
}

/// Reads a schema into a summary, mapping imports as [`crate::Config::map_location`] does.
///
/// # Errors
/// Fails as [`crate::Config::intermediate`] does, naming the file, line and column.
pub fn summarize(
    wsdl: &Path,
    locations: &[(String, std::path::PathBuf)],
) -> Result<Summary, Error> {
    let mut config = crate::Config::new(wsdl);
    for (location, file) in locations {
        config.map_location(location.clone(), file.clone());
    }
    let (ir, _) = config.intermediate()?;
    Ok(Summary::from_ir(&ir))
}
