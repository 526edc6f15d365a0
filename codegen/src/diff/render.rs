//! Writes a [`Report`] as readable text and as Markdown.

use std::fmt::Write as _;

use super::change::{Change, ChangeKind, Class, ItemKind, Scope};
use super::{Report, SemverStep};

/// The meaning of each class, for the legend at the end of both formats.
const LEGEND: [(Class, &str); 4] = [
    (
        Class::Breaking,
        "code built on the old bindings stops compiling, or a value it handles no longer fits",
    ),
    (
        Class::Additive,
        "new items only; this assumes structs are built with `..Default::default()` and \
         matches on generated enums have a `_` arm",
    ),
    (Class::WireOnly, "the same Rust, different XML on the wire"),
    (
        Class::Documentation,
        "only the schema's documentation, so only rustdoc",
    ),
];

/// Writes the report grouped by type and operation, then the summary line and the legend.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    if report.changes.is_empty() {
        let _ = writeln!(out, "No changes from {} to {}.", report.old, report.new);
    } else {
        let _ = writeln!(out, "Changes from {} to {}:", report.old, report.new);
    }
    let mut current: Option<&Scope> = None;
    for change in &report.changes {
        if current != Some(&change.scope) {
            let _ = writeln!(out, "\n{}", scope_label(&change.scope));
            current = Some(&change.scope);
        }
        let _ = writeln!(out, "  {:<14} {}", change.class.as_str(), describe(change));
    }
    let _ = writeln!(out, "\n{}", summary_line(report));
    let _ = writeln!(out, "\nClasses:");
    for (class, meaning) in LEGEND {
        let _ = writeln!(out, "  {:<14} {meaning}", class.as_str());
    }
    out
}

/// Writes the report for a changelog: a heading, the summary, a section per class and the
/// legend.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Schema changes\n");
    let _ = writeln!(out, "From `{}` to `{}`.\n", report.old, report.new);
    let _ = writeln!(out, "{}", summary_line(report));
    for class in Class::ALL {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|change| change.class == class)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {}\n", heading(class));
        for change in changes {
            let _ = writeln!(
                out,
                "- {}: {}",
                short_scope_label(&change.scope),
                describe(change)
            );
        }
    }
    let _ = writeln!(out, "\nClasses:\n");
    for (class, meaning) in LEGEND {
        let _ = writeln!(out, "- **{}**: {meaning}", class.as_str());
    }
    out
}

fn heading(class: Class) -> &'static str {
    match class {
        Class::Breaking => "Breaking",
        Class::Additive => "Additive",
        Class::WireOnly => "Wire-only",
        Class::Documentation => "Documentation",
    }
}

/// Returns the counts and the version step, such as `Summary: 2 breaking, 5 additive,
/// 0 wire-only; a major version step.`
fn summary_line(report: &Report) -> String {
    let mut counts = format!(
        "{} breaking, {} additive, {} wire-only",
        report.count(Class::Breaking),
        report.count(Class::Additive),
        report.count(Class::WireOnly)
    );
    if report.documentation {
        let _ = write!(
            counts,
            ", {} documentation",
            report.count(Class::Documentation)
        );
    } else {
        counts.push_str(" (documentation not compared)");
    }
    let step = match report.semver_step() {
        SemverStep::None => "no version step".to_owned(),
        step => format!("a {} version step", step.as_str()),
    };
    format!("Summary: {counts}; {step}.")
}

fn scope_label(scope: &Scope) -> String {
    match scope {
        Scope::Type { key, rust_name } => {
            let noun = if key.anonymous {
                "anonymous type"
            } else {
                "type"
            };
            format!("{noun} `{}` (Rust `{rust_name}`)", key.xml_name)
        }
        Scope::Operation { name, rust_name } => {
            format!("operation `{name}` (Rust `{rust_name}`)")
        }
    }
}

/// Returns the scope for a list line: the XML name, and the Rust name only where it differs.
fn short_scope_label(scope: &Scope) -> String {
    let prefix = match scope {
        Scope::Type { .. } => "",
        Scope::Operation { .. } => "operation ",
    };
    let name = scope.name();
    let rust_name = scope.rust_name();
    if rust_name == name {
        format!("{prefix}`{name}`")
    } else {
        format!("{prefix}`{name}` (Rust `{rust_name}`)")
    }
}

/// Returns the sentence for one change, without its scope.
pub fn describe(change: &Change) -> String {
    let old = change.old.as_deref();
    let new = change.new.as_deref();
    let Some(item) = &change.item else {
        return describe_scope_change(change, old, new);
    };
    let mut subject = format!("{} `{}`", item.kind.as_str(), item.xml_name);
    if item.rust_name != item.xml_name {
        let _ = write!(subject, " (`{}`)", item.rust_name);
    }
    let from_to = format!("from {} to {}", code(old), code(new));
    match change.kind {
        ChangeKind::Added => match item.kind {
            ItemKind::Value => format!("{subject} added"),
            ItemKind::Subtype => format!("{subject} added: variant {}", code(new)),
            ItemKind::Field | ItemKind::Element => format!("{subject} added: {}", code(new)),
        },
        ChangeKind::Removed => match item.kind {
            ItemKind::Value => format!("{subject} removed"),
            ItemKind::Subtype => format!("{subject} removed: variant {}", code(old)),
            ItemKind::Field | ItemKind::Element => format!("{subject} removed: was {}", code(old)),
        },
        ChangeKind::Renamed => format!("{subject} renamed in Rust {from_to}"),
        ChangeKind::DocumentationChanged => format!(
            "documentation of {subject} changed from {} to {}",
            quoted(old),
            quoted(new)
        ),
        kind => format!("{subject} {}, {from_to}", verb(kind)),
    }
}

fn describe_scope_change(change: &Change, old: Option<&str>, new: Option<&str>) -> String {
    let noun = match change.scope {
        Scope::Type { .. } => "type",
        Scope::Operation { .. } => "operation",
    };
    let from_to = format!("from {} to {}", code(old), code(new));
    match change.kind {
        ChangeKind::Added => format!("{noun} added"),
        ChangeKind::Removed => format!("{noun} removed"),
        ChangeKind::Renamed => format!("renamed in Rust {from_to}"),
        ChangeKind::Retyped => format!("alias retyped {from_to}"),
        ChangeKind::KindChanged => format!(
            "changed from {} to {}",
            with_article(old.unwrap_or_default()),
            with_article(new.unwrap_or_default())
        ),
        ChangeKind::BaseChanged => format!("base changed {from_to}"),
        ChangeKind::BecamePolymorphic => format!(
            "gained its first subtype: fields of this type now hold {} instead of {}",
            code(new),
            code(old)
        ),
        ChangeKind::NoLongerPolymorphic => format!(
            "lost its last subtype: fields of this type now hold {} instead of {}",
            code(new),
            code(old)
        ),
        ChangeKind::FamilyRenamed => format!("family enum renamed {from_to}"),
        ChangeKind::CatchAllRenamed => format!("catch-all variant renamed {from_to}"),
        ChangeKind::DefaultChanged => format!("`Default::default()` changed {from_to}"),
        ChangeKind::WildcardAdded => "now allows any elements, which land in `extra`".to_owned(),
        ChangeKind::WildcardRemoved => "no longer allows any elements".to_owned(),
        ChangeKind::Reordered => format!("element order changed {from_to}"),
        ChangeKind::SoapActionChanged => format!("soapAction changed {from_to}"),
        ChangeKind::RequestChanged => format!("request message changed {from_to}"),
        ChangeKind::ResponseChanged => format!("response message changed {from_to}"),
        ChangeKind::DocumentationChanged => format!(
            "documentation changed from {} to {}",
            quoted(old),
            quoted(new)
        ),
        kind => format!("{} {from_to}", verb(kind)),
    }
}

fn verb(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Retyped => "retyped",
        ChangeKind::MadeOptional => "made optional",
        ChangeKind::MadeRequired => "made required",
        ChangeKind::MadeRepeated => "made repeated",
        ChangeKind::MadeSingle => "made single",
        ChangeKind::MadeNillable => "made nillable",
        ChangeKind::MadeNotNillable => "made not nillable",
        ChangeKind::Boxed => "boxed",
        ChangeKind::Unboxed => "unboxed",
        other => other.as_str(),
    }
}

/// Returns a kind of item with its indefinite article: `a struct`, `an enum`.
fn with_article(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

/// Returns a value in backticks, or `none` when absent or empty.
fn code(value: Option<&str>) -> String {
    match value {
        Some(text) if !text.is_empty() => format!("`{text}`"),
        _ => "none".to_owned(),
    }
}

/// Returns documentation text in double quotes, or `none` when absent.
fn quoted(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_owned(), |text| format!("\"{text}\""))
}
