//! Writes `round_trip_cases.rs` into `OUT_DIR` for `tests/round_trip.rs`. The file contains
//! one `round_trip_case!` per concrete struct type of the generator's intermediate
//! representation, each with a sample document built from the type's fields in schema order.
//! It also contains one `family_case!` per concrete member of each polymorphic type's family.
//!
//! The WSDL is looked up as `wsdl/build.rs` looks it up, so the samples describe the schema
//! the bindings in `sfmc-partner-api` were generated from.
//!
//! What a sample contains:
//! - The root and the structs directly inside it carry every field: required and optional
//!   ones once, repeated ones twice. Deeper structs carry their required fields only.
//! - Numbers and strings differ within a sample where the type's range allows it, booleans are
//!   `true`, and dateTime values rotate through three lexical forms.
//! - Enumerations take their first value. The exception is the first enumeration field of the
//!   root in the first sample that has one, which takes [`UNKNOWN_ENUM_VALUE`].
//! - Nillable elements are nil and valued by turns, starting with nil in every other sample.
//! - A choice takes its first alternative.
//! - A polymorphic field takes its base type when that is concrete and its first concrete
//!   descendant otherwise, with a prefixed `xsi:type`. The second item of a repeated one takes
//!   the first concrete descendant.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sfmc_codegen::ir::{Builtin, Cardinality, FieldType, Ir, StructDef, TypeDef, TypeId, TypeKind};

const WSDL_URL: &str = "https://webservice.exacttarget.com/etframework.wsdl";
const FAULT_XSD_URL: &str = "https://webservice.exacttarget.com/ETFrameworkFault.xsd";
const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The prefix each sample binds to its own namespace, used in `xsi:type` values.
const TYPE_PREFIX: &str = "tns";

/// Nesting depth from which structs carry their required fields only. The root is at depth 0,
/// so the root and the structs directly inside it carry every field.
const FULL_DEPTH: usize = 2;

/// Nesting depth at which building a sample fails. Only a cycle of required fields, which no
/// finite document satisfies, reaches it.
const MAX_DEPTH: usize = 32;

/// An enumeration value that no partnerAPI enumeration lists.
const UNKNOWN_ENUM_VALUE: &str = "NotInTheSchema";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let manifest = env_path("CARGO_MANIFEST_DIR")?;
    let bindings_dir = manifest.join("../wsdl");
    println!("cargo::rerun-if-env-changed=SFMC_PARTNER_WSDL");
    let Some(wsdl) = find_wsdl(&manifest, &bindings_dir) else {
        return Err(format!(
            "no partnerAPI WSDL found. Download it from {WSDL_URL} and save it as {}, \
             or set SFMC_PARTNER_WSDL to its path.",
            bindings_dir.join("etframework.wsdl").display()
        ));
    };
    let fault_xsd = bindings_dir.join("ETFrameworkFault.xsd");

    let mut config = sfmc_codegen::Config::new(&wsdl);
    config.map_location(FAULT_XSD_URL, &fault_xsd);
    let (ir, inputs) = config
        .intermediate()
        .map_err(|error| format!("cannot read the partnerAPI schema: {error}"))?;
    for input in &inputs {
        println!("cargo::rerun-if-changed={}", input.display());
    }

    let source = cases_file(&ir, &wsdl, &fault_xsd)?;
    let out = env_path("OUT_DIR")?.join("round_trip_cases.rs");
    write_if_changed(&out, &source)
}

fn env_path(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("the environment variable {name} is not set"))
}

/// Returns the first WSDL that exists among the candidates `wsdl/build.rs` tries, in the same
/// order.
///
/// A relative `SFMC_PARTNER_WSDL` is resolved against the `wsdl` folder, because that is the
/// working directory of `wsdl/build.rs`.
fn find_wsdl(manifest: &Path, bindings_dir: &Path) -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("SFMC_PARTNER_WSDL") {
        candidates.push(bindings_dir.join(path));
    }
    candidates.push(bindings_dir.join("etframework.wsdl"));
    candidates.push(manifest.join("../../shared/wsdl/etframework.wsdl"));
    let found = candidates.iter().position(|candidate| candidate.is_file());

    // Cargo reruns a build script on every build while a path it watches is missing, so a
    // missing candidate is watched through its folder, where adding the file reruns the build.
    let tried = found.map_or(candidates.len(), |index| index + 1);
    for candidate in &candidates[..tried] {
        let watched = match candidate.parent() {
            _ if candidate.is_file() => Some(candidate.as_path()),
            Some(folder) if folder.is_dir() => Some(folder),
            _ => None,
        };
        if let Some(watched) = watched {
            println!("cargo::rerun-if-changed={}", watched.display());
        }
    }
    found.map(|index| candidates.swap_remove(index))
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if std::fs::read(path).ok().as_deref() == Some(contents.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, contents)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// Returns the Rust source of the cases file: the schema paths, the case count, the case
/// with an unknown enumeration value, and the `CASES` and `FAMILY_CASES` arrays.
fn cases_file(ir: &Ir, wsdl: &Path, fault_xsd: &Path) -> Result<String, String> {
    let mut cases = String::new();
    let mut count = 0usize;
    let mut unknown_enum: Option<(String, String)> = None;
    for ty in &ir.types {
        let TypeKind::Struct(def) = &ty.kind else {
            continue;
        };
        if def.is_abstract {
            continue;
        }
        let mut sample = Sample::new(ir, count % 2 == 0, unknown_enum.is_none());
        sample
            .write_root(ty, def)
            .map_err(|error| format!("cannot build a sample of `{}`: {error}", ty.xml_name))?;
        if let Some(field) = sample.unknown_enum_field {
            unknown_enum = Some((ty.xml_name.clone(), field));
        }
        let _ = writeln!(
            cases,
            "    round_trip_case!(sfmc_partner_api::{}, {:?}, {}),",
            ty.rust_name,
            ty.xml_name,
            raw_string_literal(&sample.xml)
        );
        count += 1;
    }
    let Some((unknown_type, unknown_field)) = unknown_enum else {
        return Err("no concrete type has an enumeration field".to_owned());
    };
    let family_cases = family_cases(ir);

    let mut source = String::new();
    let _ = writeln!(
        source,
        "// @generated by tests/build.rs from the generator's intermediate representation."
    );
    let _ = writeln!(source);
    let _ = writeln!(source, "/// The WSDL the samples were built from.");
    let _ = writeln!(source, "const WSDL_PATH: &str = {:?};", display_path(wsdl));
    let _ = writeln!(
        source,
        "/// The fault schema the WSDL's import was mapped to."
    );
    let _ = writeln!(
        source,
        "const FAULT_XSD_PATH: &str = {:?};",
        display_path(fault_xsd)
    );
    let _ = writeln!(
        source,
        "/// Concrete struct types in the intermediate representation: one case each."
    );
    let _ = writeln!(source, "const CASE_COUNT: usize = {count};");
    let _ = writeln!(
        source,
        "/// The type and root field whose sample holds `{UNKNOWN_ENUM_VALUE}`."
    );
    let _ = writeln!(
        source,
        "const UNKNOWN_ENUM_CASE: (&str, &str, &str) = ({unknown_type:?}, {unknown_field:?}, {UNKNOWN_ENUM_VALUE:?});"
    );
    let _ = writeln!(source);
    let _ = writeln!(source, "static CASES: &[RoundTripCase] = &[");
    source.push_str(&cases);
    let _ = writeln!(source, "];");
    let _ = writeln!(source);
    let _ = writeln!(source, "static FAMILY_CASES: &[FamilyCase] = &[");
    source.push_str(&family_cases);
    let _ = writeln!(source, "];");
    Ok(source)
}

/// Returns one `family_case!` line per polymorphic type and concrete member of its family:
/// the type itself unless it is abstract, then each concrete descendant.
fn family_cases(ir: &Ir) -> String {
    let mut lines = String::new();
    for (index, ty) in ir.types.iter().enumerate() {
        let TypeKind::Struct(def) = &ty.kind else {
            continue;
        };
        let Some(family) = &def.family_name else {
            continue;
        };
        let members = std::iter::once(TypeId(index)).chain(def.descendants.iter().copied());
        for member in members {
            let member = ir.get(member);
            if matches!(&member.kind, TypeKind::Struct(sub) if !sub.is_abstract) {
                let _ = writeln!(
                    lines,
                    "    family_case!(sfmc_partner_api::{family}, {:?}),",
                    member.xml_name
                );
            }
        }
    }
    lines
}

/// Returns the path with `..` steps resolved when it exists, for readable messages.
fn display_path(path: &Path) -> String {
    let resolved = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    resolved.display().to_string()
}

/// Returns `text` as a raw string literal with enough `#` marks to hold it.
fn raw_string_literal(text: &str) -> String {
    let mut hashes = 0;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let marks = "#".repeat(hashes);
    format!("r{marks}\"{text}\"{marks}")
}

/// Escapes text for element content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Returns the local name of the element a type's sample is rooted at: the XML name of a
/// named type, or the last step of an anonymous type's schema path such as `DataExtension/Fields`.
fn root_element(ty: &TypeDef) -> &str {
    ty.xml_name
        .rsplit_once('/')
        .map_or(ty.xml_name.as_str(), |(_, last)| last)
}

/// A sample document being written for one type.
struct Sample<'i> {
    ir: &'i Ir,
    xml: String,
    /// The number in the next value written, so that values differ within a sample.
    next_value: u32,
    /// Whether the next nillable element is written nil. It flips after each one.
    nil_next: bool,
    /// Whether the first enumeration field of the root gets [`UNKNOWN_ENUM_VALUE`].
    wants_unknown_enum: bool,
    /// The root field that got [`UNKNOWN_ENUM_VALUE`].
    unknown_enum_field: Option<String>,
}

impl<'i> Sample<'i> {
    fn new(ir: &'i Ir, nil_first: bool, wants_unknown_enum: bool) -> Self {
        Sample {
            ir,
            xml: String::new(),
            next_value: 1,
            nil_next: nil_first,
            wants_unknown_enum,
            unknown_enum_field: None,
        }
    }

    fn write_root(&mut self, ty: &TypeDef, def: &StructDef) -> Result<(), String> {
        let element = root_element(ty);
        let namespace = escape(&ty.namespace);
        let _ = write!(
            self.xml,
            r#"<{element} xmlns="{namespace}" xmlns:{TYPE_PREFIX}="{namespace}" xmlns:xsi="{XSI_NAMESPACE}">"#
        );
        self.write_fields(ty, def, 0)?;
        let _ = write!(self.xml, "</{element}>");
        Ok(())
    }

    /// Writes the child elements of a struct at nesting depth `depth`.
    fn write_fields(&mut self, ty: &TypeDef, def: &StructDef, depth: usize) -> Result<(), String> {
        if depth >= MAX_DEPTH {
            return Err(format!(
                "`{}` is nested {depth} levels deep through required fields",
                ty.xml_name
            ));
        }
        for field in &def.fields {
            let items = match field.cardinality {
                Cardinality::Required => 1,
                Cardinality::Optional if depth < FULL_DEPTH => 1,
                Cardinality::Repeated if depth < FULL_DEPTH => 2,
                Cardinality::Optional | Cardinality::Repeated => 0,
            };
            for item in 0..items {
                let element = Element {
                    name: &field.xml_name,
                    nillable: field.nillable,
                    namespace: &ty.namespace,
                    depth,
                    item,
                };
                match &field.ty {
                    FieldType::Choice(id) => self.write_choice(*id, element)?,
                    value => self.write_element(value, element)?,
                }
            }
        }
        Ok(())
    }

    /// Writes the first alternative of a choice.
    fn write_choice(&mut self, id: TypeId, element: Element<'_>) -> Result<(), String> {
        let choice = self.ir.get(id);
        let TypeKind::Choice(def) = &choice.kind else {
            return Err(format!("`{}` is not a choice", choice.xml_name));
        };
        let Some(first) = def.variants.first() else {
            return Err(format!(
                "the choice `{}` has no alternative",
                choice.xml_name
            ));
        };
        let element = Element {
            name: &first.xml_name,
            nillable: first.nillable,
            ..element
        };
        self.write_element(&first.ty, element)
    }

    fn write_element(&mut self, value: &FieldType, element: Element<'_>) -> Result<(), String> {
        let name = element.name;
        if element.nillable {
            let nil = self.nil_next;
            self.nil_next = !nil;
            if nil {
                let _ = write!(self.xml, r#"<{name} xsi:nil="true"/>"#);
                return Ok(());
            }
        }
        match value {
            FieldType::Builtin(builtin) => {
                let text = self.builtin_text(*builtin, name);
                self.write_text(name, &text);
            }
            FieldType::Named(id) => self.write_named(*id, element)?,
            FieldType::Family(base) => {
                let concrete = self.concrete_type(*base, element.item)?;
                self.write_struct(concrete, true, element)?;
            }
            FieldType::Choice(id) => {
                let choice = &self.ir.get(*id).xml_name;
                return Err(format!(
                    "the choice `{choice}` is the type of element `{name}`"
                ));
            }
        }
        Ok(())
    }

    fn write_named(&mut self, id: TypeId, element: Element<'_>) -> Result<(), String> {
        let name = element.name;
        let ty = self.ir.get(id);
        match &ty.kind {
            TypeKind::Struct(_) => self.write_struct(id, false, element),
            TypeKind::Enum(def) => {
                let first = def.values.first().map(|value| value.xml_value.as_str());
                let unknown = self.wants_unknown_enum && element.depth == 0;
                let text = match first {
                    Some(first) if !unknown => escape(first),
                    _ => UNKNOWN_ENUM_VALUE.to_owned(),
                };
                if unknown {
                    self.wants_unknown_enum = false;
                    self.unknown_enum_field = Some(name.to_owned());
                }
                self.write_text(name, &text);
                Ok(())
            }
            TypeKind::Alias(builtin) => {
                let text = self.builtin_text(*builtin, name);
                self.write_text(name, &text);
                Ok(())
            }
            TypeKind::Choice(_) => Err(format!(
                "the choice `{}` is the type of element `{name}`",
                ty.xml_name
            )),
        }
    }

    /// Writes a struct as the element, with `xsi:type` when it fills a polymorphic field.
    fn write_struct(
        &mut self,
        id: TypeId,
        with_xsi_type: bool,
        element: Element<'_>,
    ) -> Result<(), String> {
        let ty = self.ir.get(id);
        let TypeKind::Struct(def) = &ty.kind else {
            return Err(format!("`{}` is not a struct", ty.xml_name));
        };
        if def.is_abstract {
            return Err(format!(
                "element `{}` has the abstract type `{}`",
                element.name, ty.xml_name
            ));
        }
        // Every element of a sample is in the root's namespace, which the root declares as the
        // default and binds to `tns`.
        if ty.namespace != element.namespace {
            return Err(format!(
                "element `{}` of type `{}` is in `{}`, not in its parent's namespace `{}`",
                element.name, ty.xml_name, ty.namespace, element.namespace
            ));
        }
        let name = element.name;
        if with_xsi_type {
            let type_name = escape(&ty.xml_name);
            let _ = write!(self.xml, r#"<{name} xsi:type="{TYPE_PREFIX}:{type_name}">"#);
        } else {
            let _ = write!(self.xml, "<{name}>");
        }
        self.write_fields(ty, def, element.depth + 1)?;
        let _ = write!(self.xml, "</{name}>");
        Ok(())
    }

    /// Returns the type a polymorphic field's item `item` is written as: the base type when it
    /// is concrete and this is the first item, otherwise its first concrete descendant.
    fn concrete_type(&self, base: TypeId, item: usize) -> Result<TypeId, String> {
        let ty = self.ir.get(base);
        let TypeKind::Struct(def) = &ty.kind else {
            return Err(format!("`{}` is not a struct", ty.xml_name));
        };
        let descendant =
            def.descendants.iter().copied().find(
                |id| matches!(&self.ir.get(*id).kind, TypeKind::Struct(sub) if !sub.is_abstract),
            );
        match (def.is_abstract, descendant) {
            (false, _) if item == 0 => Ok(base),
            (_, Some(descendant)) => Ok(descendant),
            (false, None) => Ok(base),
            (true, None) => Err(format!(
                "the abstract type `{}` has no concrete descendant",
                ty.xml_name
            )),
        }
    }

    fn write_text(&mut self, name: &str, text: &str) {
        let _ = write!(self.xml, "<{name}>{text}</{name}>");
    }

    /// Returns the escaped text of the next value of a builtin type, in the form the runtime
    /// writes back: canonical numbers, and date and time values as written.
    fn builtin_text(&mut self, builtin: Builtin, name: &str) -> String {
        let n = self.next_value;
        self.next_value += 1;
        match builtin {
            // Every fourth string contains markup characters, which must be escaped both ways.
            Builtin::String if n % 4 == 0 => escape(&format!("{name} {n} <&>")),
            Builtin::String => escape(&format!("{name} {n}")),
            Builtin::Boolean => "true".to_owned(),
            Builtin::Byte => (n % 127).to_string(),
            Builtin::UnsignedByte => (n % 255).to_string(),
            Builtin::Short | Builtin::UnsignedShort => (n % 32_767).to_string(),
            Builtin::Int | Builtin::UnsignedInt => n.to_string(),
            // Beyond the range of 32 bits, to show the field is 64 bits wide.
            Builtin::Long | Builtin::UnsignedLong => (10_000_000_000u64 + u64::from(n)).to_string(),
            Builtin::Float | Builtin::Double => format!("{n}.5"),
            Builtin::DateTime => match n % 3 {
                0 => "2014-03-26T10:02:01.987",
                1 => "2019-11-07T11:26:19.142-06:00",
                _ => "2020-02-29T23:59:59Z",
            }
            .to_owned(),
            Builtin::Date => "2014-03-26".to_owned(),
            Builtin::Time => "10:02:01.987".to_owned(),
            // "SFMC" in base64, with padding.
            Builtin::Base64Binary => "U0ZNQw==".to_owned(),
            Builtin::AnyType => format!("any {n}"),
        }
    }
}

/// The position of an element in a sample: its name, its parent and its item index.
#[derive(Clone, Copy)]
struct Element<'a> {
    /// The element's local name.
    name: &'a str,
    nillable: bool,
    /// The namespace of the struct that contains the element.
    namespace: &'a str,
    /// The nesting depth of the struct that contains the element.
    depth: usize,
    /// The item's index among a repeated element's items, or 0 for other elements.
    item: usize,
}
