//! Writes a [`Report`] as JSON, in the schema the module documentation describes.
//!
//! The crate has no JSON dependency and the output is small and flat, so it is written by
//! hand: two-space indentation, one field per line, fields in a fixed order.

use std::fmt::Write as _;

use super::Report;
use super::change::{Change, Class, Scope};

/// Writes the whole report, ending with a newline.
pub fn report(report: &Report) -> String {
    let mut out = String::from("{\n");

    let _ = writeln!(out, "  \"format\": \"sfmc-codegen-diff\",");
    let _ = writeln!(out, "  \"format_version\": 1,");
    let _ = writeln!(out, "  \"old\": {},", string(&report.old));
    let _ = writeln!(out, "  \"new\": {},", string(&report.new));
    let _ = writeln!(out, "  \"documentation\": {},", report.documentation);

    out.push_str("  \"counts\": {\n");
    let counts = [
        ("breaking", Class::Breaking),
        ("additive", Class::Additive),
        ("wire_only", Class::WireOnly),
        ("documentation", Class::Documentation),
    ];
    for (index, (name, class)) in counts.iter().enumerate() {
        let comma = if index + 1 < counts.len() { "," } else { "" };
        let _ = writeln!(out, "    \"{name}\": {}{comma}", report.count(*class));
    }
    out.push_str("  },\n");

    let _ = writeln!(
        out,
        "  \"semver\": {},",
        string(report.semver_step().as_str())
    );

    if report.changes.is_empty() {
        out.push_str("  \"changes\": []\n}\n");
        return out;
    }
    out.push_str("  \"changes\": [\n");
    for (index, change) in report.changes.iter().enumerate() {
        write_change(&mut out, change);
        out.push_str(if index + 1 < report.changes.len() {
            ",\n"
        } else {
            "\n"
        });
    }
    out.push_str("  ]\n}\n");
    out
}

fn write_change(out: &mut String, change: &Change) {
    let (scope, namespace, name, anonymous, rust_name) = match &change.scope {
        Scope::Type { key, rust_name } => (
            "type",
            Some(key.namespace.as_str()),
            key.xml_name.as_str(),
            Some(key.anonymous),
            rust_name.as_str(),
        ),
        Scope::Operation { name, rust_name } => {
            ("operation", None, name.as_str(), None, rust_name.as_str())
        }
    };
    let item = change.item.as_ref();
    let fields = [
        ("class", string(change.class.as_str())),
        ("change", string(change.kind.as_str())),
        ("scope", string(scope)),
        ("namespace", optional(namespace)),
        ("name", string(name)),
        (
            "anonymous",
            anonymous.map_or_else(|| "null".to_owned(), |value| value.to_string()),
        ),
        ("rust_name", string(rust_name)),
        ("item_kind", optional(item.map(|item| item.kind.as_str()))),
        ("item", optional(item.map(|item| item.xml_name.as_str()))),
        (
            "rust_item",
            optional(item.map(|item| item.rust_name.as_str())),
        ),
        ("old", optional(change.old.as_deref())),
        ("new", optional(change.new.as_deref())),
    ];
    out.push_str("    {\n");
    for (index, (key, value)) in fields.iter().enumerate() {
        let comma = if index + 1 < fields.len() { "," } else { "" };
        let _ = writeln!(out, "      \"{key}\": {value}{comma}");
    }
    out.push_str("    }");
}

fn optional(value: Option<&str>) -> String {
    value.map_or_else(|| "null".to_owned(), string)
}

/// Returns a JSON string literal, escaping what RFC 8259 requires.
fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if u32::from(control) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::string;

    #[test]
    fn string_escapes() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(string("line\nnext\ttab"), "\"line\\nnext\\ttab\"");
        assert_eq!(string("\u{1}"), "\"\\u0001\"");
        assert_eq!(string("Grüße"), "\"Grüße\"");
    }
}
