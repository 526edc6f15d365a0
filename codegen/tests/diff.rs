//! Tests of `sfmc-codegen diff`: the changes between the shared partnerAPI WSDL versions, a
//! fixture pair per kind of change in `tests/fixtures/diff/`, the three output formats, the
//! exit statuses, and the schema summary a build leaves for `--against-build`.
//!
//! The expected counts for the WSDL versions follow from the files. Each test's comments list
//! the schema edits behind its numbers. They can be checked by searching both files for the
//! names given and by comparing the generated Rust of both versions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, LazyLock, Mutex};

use sfmc_codegen::diff::{self, Change, Class, Report, Summary};

const FAULT_XSD_URL: &str = "https://webservice.exacttarget.com/ETFrameworkFault.xsd";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared_wsdl(name: &str) -> PathBuf {
    manifest_dir().join("../../shared/wsdl").join(name)
}

fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures/diff").join(name)
}

/// Summarizes a shared WSDL once per test run, since each takes a while to resolve.
fn shared_summary(name: &str) -> Arc<Summary> {
    static CACHE: LazyLock<Mutex<BTreeMap<String, Arc<Summary>>>> =
        LazyLock::new(|| Mutex::new(BTreeMap::new()));
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let summary = cache.entry(name.to_owned()).or_insert_with(|| {
        let path = shared_wsdl(name);
        let fault = manifest_dir().join("../wsdl/ETFrameworkFault.xsd");
        let summary = diff::summarize(&path, &[(FAULT_XSD_URL.to_owned(), fault)])
            .unwrap_or_else(|error| panic!("reading {} failed: {error}", path.display()));
        Arc::new(summary)
    });
    Arc::clone(summary)
}

fn fixture_summary(name: &str) -> Summary {
    let path = fixture(name);
    diff::summarize(&path, &[])
        .unwrap_or_else(|error| panic!("reading {} failed: {error}", path.display()))
}

/// Compares two shared WSDLs with documentation changes included.
fn compare_shared(old: &str, new: &str) -> Report {
    Report::compare(old, &shared_summary(old), new, &shared_summary(new), true)
}

fn compare_fixtures(old: &str, new: &str, documentation: bool) -> Report {
    Report::compare(
        old,
        &fixture_summary(old),
        new,
        &fixture_summary(new),
        documentation,
    )
}

/// Returns the counts of breaking, additive, wire-only and documentation changes.
fn counts(report: &Report) -> [usize; 4] {
    Class::ALL.map(|class| report.count(class))
}

/// Writes a change on one line: `class | Scope[.item-kind:item] | change | old -> new`.
fn line(change: &Change) -> String {
    let mut scope = change.scope.name().to_owned();
    if let Some(item) = &change.item {
        scope.push_str(&format!(".{}:{}", item.kind.as_str(), item.xml_name));
    }
    format!(
        "{} | {scope} | {} | {} -> {}",
        change.class.as_str(),
        change.kind.as_str(),
        change.old.as_deref().unwrap_or("none"),
        change.new.as_deref().unwrap_or("none")
    )
}

fn lines(report: &Report) -> Vec<String> {
    report.changes.iter().map(line).collect()
}

fn lines_of_class(report: &Report, class: Class) -> Vec<String> {
    report
        .changes
        .iter()
        .filter(|change| change.class == class)
        .map(line)
        .collect()
}

/// Counts the changes per `class change item-kind`, where the item kind is `type` or
/// `anonymous-type` for a change to a type itself.
fn breakdown(report: &Report) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for change in &report.changes {
        let item = match (&change.item, &change.scope) {
            (Some(item), _) => item.kind.as_str(),
            (None, diff::Scope::Type { key, .. }) if key.anonymous => "anonymous-type",
            (None, diff::Scope::Type { .. }) => "type",
            (None, diff::Scope::Operation { .. }) => "operation",
        };
        let key = format!("{} {} {item}", change.class.as_str(), change.kind.as_str());
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

fn expected_breakdown(rows: &[(&str, usize)]) -> BTreeMap<String, usize> {
    rows.iter()
        .map(|(key, count)| ((*key).to_owned(), *count))
        .collect()
}

fn assert_has(report: &Report, expected: &str) {
    let all = lines(report);
    assert!(
        all.iter().any(|found| found == expected),
        "missing change `{expected}` in:\n{}",
        all.join("\n")
    );
}

#[test]
fn versions_2013_to_2017() {
    let report = compare_shared("etframework-2013-11.wsdl", "etframework-2017-11.wsdl");

    // The 73 additive changes:
    // - 13 named types only in 2017, 10 complex and 3 simple;
    // - 4 anonymous types: three inside new types, and ExtractResponseMsg/Results, whose
    //   element now declares its type inline;
    // - 18 family variants: the 8 new APIObject descendants (Attribute among them) in
    //   AnyApiObject, 4 new interaction activities in each of AnyInteractionBaseObject and
    //   AnyInteractionDefinition, and ContactEventCreateResult in AnyCreateResult and AnyResult;
    // - 35 fields: 24 elements added to existing types, and the 11 APIObject elements that
    //   Attribute inherits now;
    // - 2 enumeration values, and Attribute's new base.
    assert_eq!(
        breakdown(&report),
        expected_breakdown(&[
            ("additive added anonymous-type", 4),
            ("additive added field", 35),
            ("additive added subtype", 18),
            ("additive added type", 13),
            ("additive added value", 2),
            ("additive base-changed type", 1),
            ("breaking boxed field", 1),
            ("breaking removed field", 2),
            ("breaking retyped field", 1),
        ])
    );
    assert_eq!(counts(&report), [4, 73, 0, 0]);

    // Only in 2017: `<complexType name="AttributeSet">`.
    assert_has(&report, "additive | AttributeSet | added | none -> none");
    // An element added to an existing type: DataExtensionField's StorageType.
    assert_has(
        &report,
        "additive | DataExtensionField.field:StorageType | added | none -> \
         Option<DataExtensionFieldStorageType>",
    );
    // A base that changed: Attribute has no complexContent in 2013 and extends APIObject in
    // 2017, so it joins AnyApiObject and gains APIObject's elements.
    assert_has(
        &report,
        "additive | Attribute | base-changed | none -> APIObject",
    );
    assert_has(
        &report,
        "additive | APIObject.subtype:Attribute | added | none -> AnyApiObject::Attribute",
    );
    assert_has(
        &report,
        "additive | Attribute.field:ObjectID | added | none -> Option<Nillable<String>>",
    );
    // Enumeration values added to DataExtensionFieldType.
    assert_has(
        &report,
        "additive | DataExtensionFieldType.value:Base16Encrypted | added | none -> none",
    );
    assert_has(
        &report,
        "additive | DataExtensionFieldType.value:Base16EncryptedEmail | added | none -> none",
    );

    // AutomationNotification drops Name and Description. Results gets an inline type. The
    // inherited Owner puts Attribute on a cycle of by-value containment, so the generated
    // `DataExtension` struct boxes the field in 2017 and not in 2013.
    assert_eq!(
        lines_of_class(&report, Class::Breaking),
        [
            "breaking | AutomationNotification.field:Name | removed | Option<String> -> none",
            "breaking | AutomationNotification.field:Description | removed | Option<String> -> none",
            "breaking | DataExtension.field:SendableSubscriberField | boxed | \
             Option<Attribute> -> Option<Box<Attribute>>",
            "breaking | ExtractResponseMsg.field:Results | retyped | \
             Vec<ExtractResult> -> Vec<ExtractResponseMsgResults>",
        ]
    );
}

#[test]
fn versions_2017_to_2020_05() {
    let report = compare_shared("etframework-2017-11.wsdl", "etframework-2020-05.wsdl");

    // The 46 additive changes:
    // - 17 named types only in 2020-05, 15 complex and 2 simple;
    // - the 3 anonymous types inside Asset;
    // - 11 family variants: 6 new APIObject descendants in AnyApiObject,
    //   DeprecatedEmailSendDefinition and SalesforceSendActivity in AnyInteractionBaseObject
    //   and AnyInteractionDefinition, and DeprecatedEmailSendDefinition in AnySendDefinition;
    // - 15 elements added to existing types.
    // The 19 breaking changes:
    // - MessagingConfiguration and ExtractResponseMsg/Results removed, and Results back to
    //   ExtractResult;
    // - Attribute's base removed, with its 11 inherited elements, and Attribute and
    //   MessagingConfiguration leaving AnyApiObject;
    // - EmailSendDefinition's first subtype, and SendableSubscriberField no longer boxed.
    assert_eq!(
        breakdown(&report),
        expected_breakdown(&[
            ("additive added anonymous-type", 3),
            ("additive added field", 15),
            ("additive added subtype", 11),
            ("additive added type", 17),
            ("breaking base-changed type", 1),
            ("breaking became-polymorphic type", 1),
            ("breaking removed anonymous-type", 1),
            ("breaking removed field", 11),
            ("breaking removed subtype", 2),
            ("breaking removed type", 1),
            ("breaking retyped field", 1),
            ("breaking unboxed field", 1),
        ])
    );
    assert_eq!(counts(&report), [19, 46, 0, 0]);

    // Only in 2020-05: `<complexType name="Asset">`, an APIObject.
    assert_has(&report, "additive | Asset | added | none -> none");
    assert_has(
        &report,
        "additive | APIObject.subtype:Asset | added | none -> AnyApiObject::Asset",
    );
    // An element added to an existing type: TriggeredSendDefinition's TriggeredSendClass,
    // whose enumeration is new too.
    assert_has(
        &report,
        "additive | TriggeredSendDefinition.field:TriggeredSendClass | added | none -> \
         Option<TriggeredSendClassEnum>",
    );
    assert_has(
        &report,
        "additive | TriggeredSendClassEnum | added | none -> none",
    );
    // A base that changed: Attribute's `<extension base="tns:APIObject">` is gone.
    assert_has(
        &report,
        "breaking | Attribute | base-changed | APIObject -> none",
    );
    assert_has(
        &report,
        "breaking | Attribute.field:Client | removed | Option<ClientId> -> none",
    );
    assert_has(
        &report,
        "breaking | APIObject.subtype:Attribute | removed | AnyApiObject::Attribute -> none",
    );
    // DeprecatedEmailSendDefinition extends EmailSendDefinition, which had no subtype.
    assert_has(
        &report,
        "breaking | EmailSendDefinition | became-polymorphic | \
         EmailSendDefinition -> AnyEmailSendDefinition",
    );
    assert_has(
        &report,
        "breaking | MessagingConfiguration | removed | none -> none",
    );
}

#[test]
fn versions_2020_05_to_2020() {
    let report = compare_shared("etframework-2020-05.wsdl", "etframework.wsdl");

    // The late-2020 file adds one simple type, used by no element, and changes nothing else.
    assert_eq!(
        lines(&report),
        ["additive | ChatMessagingEventType | added | none -> none"]
    );
    assert_eq!(counts(&report), [0, 1, 0, 0]);
    assert_eq!(report.semver_step(), diff::SemverStep::Minor);
}

#[test]
fn versions_2013_to_2020() {
    let report = compare_shared("etframework-2013-11.wsdl", "etframework.wsdl");

    // The two steps above, minus what came and went: Attribute's base and its inherited
    // elements, ExtractResponseMsg/Results, the boxing of SendableSubscriberField.
    // Additive, 106: 31 named types (25 complex, 6 simple), 6 anonymous types, 28 family
    // variants (13 in AnyApiObject, 6 in each interaction family, one each in
    // AnySendDefinition, AnyCreateResult and AnyResult), 39 elements, 2 enumeration values.
    assert_eq!(
        breakdown(&report),
        expected_breakdown(&[
            ("additive added anonymous-type", 6),
            ("additive added field", 39),
            ("additive added subtype", 28),
            ("additive added type", 31),
            ("additive added value", 2),
            ("breaking became-polymorphic type", 1),
            ("breaking removed field", 2),
            ("breaking removed subtype", 1),
            ("breaking removed type", 1),
        ])
    );
    assert_eq!(counts(&report), [5, 106, 0, 0]);

    assert_has(&report, "additive | Asset | added | none -> none");
    assert_has(
        &report,
        "additive | Email.field:__AdditionalEmailAttribute1 | added | none -> Option<String>",
    );
    assert_has(
        &report,
        "additive | DataExtensionFieldType.value:Base16Encrypted | added | none -> none",
    );
    // Attribute has no base in either file, so nothing about it is reported.
    assert!(
        report
            .changes
            .iter()
            .all(|change| change.scope.name() != "Attribute"),
        "{:#?}",
        lines(&report)
    );
    assert_eq!(
        lines_of_class(&report, Class::Breaking),
        [
            "breaking | APIObject.subtype:MessagingConfiguration | removed | \
             AnyApiObject::MessagingConfiguration -> none",
            "breaking | AutomationNotification.field:Name | removed | Option<String> -> none",
            "breaking | AutomationNotification.field:Description | removed | Option<String> -> none",
            "breaking | EmailSendDefinition | became-polymorphic | \
             EmailSendDefinition -> AnyEmailSendDefinition",
            "breaking | MessagingConfiguration | removed | none -> none",
        ]
    );
}

#[test]
fn reformatted_wsdl_has_no_changes() {
    let report = compare_shared("etframework.wsdl", "etframework-reformatted.wsdl");

    assert_eq!(lines(&report), Vec::<String>::new());
    assert_eq!(report.semver_step(), diff::SemverStep::None);
}

#[test]
fn same_wsdl_has_no_changes() {
    for name in ["etframework-2013-11.wsdl", "etframework.wsdl"] {
        let report = compare_shared(name, name);
        assert_eq!(lines(&report), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn fixture_field_changes() {
    let report = compare_fixtures("fields-old.xsd", "fields-new.xsd", false);

    // Base's new element is reported at Base only, though Derived inherits it. Remark's Rust
    // name is longer because `extra` is taken by the field every struct has.
    assert_eq!(
        lines(&report),
        [
            "additive | Base.field:Added | added | none -> Option<String>",
            "breaking | Record.field:Id | retyped | i32 -> i64",
            "breaking | Record.field:Name | made-optional | String -> Option<String>",
            "breaking | Record.field:Note | made-required | Option<String> -> String",
            "breaking | Record.field:Tag | made-repeated | Option<String> -> Vec<String>",
            "breaking | Record.field:Codes | made-single | Vec<String> -> Option<String>",
            "breaking | Record.field:Comment | made-nillable | \
             Option<String> -> Option<Nillable<String>>",
            "additive | Record.field:Remark | added | none -> Option<String>",
            "breaking | Record.field:Mandatory | added | none -> String",
            "breaking | Record.field:Legacy | removed | Option<String> -> none",
            "wire-only | Record | reordered | Id, Name, Note, Tag, Codes, Comment, First, Second \
             -> Id, Name, Note, Tag, Codes, Comment, Second, First",
        ]
    );
    assert_eq!(counts(&report), [8, 2, 1, 0]);
}

#[test]
fn fixture_enum_changes() {
    let report = compare_fixtures("enums-old.xsd", "enums-new.xsd", false);

    assert_eq!(
        lines(&report),
        [
            "additive | Status.value:ACTIVE | added | none -> none",
            "breaking | Status.value:Active | renamed | Active -> Active2",
            "additive | Status.value:Archived | added | none -> none",
            "additive | Status.value:Unknown | added | none -> none",
            "breaking | Status.value:Deleted | removed | none -> none",
            "breaking | Status | catch-all-renamed | Unknown -> UnknownValue",
            "wire-only | Status | default-changed | Active -> Paused",
        ]
    );
    assert_eq!(counts(&report), [3, 3, 1, 0]);
}

#[test]
fn fixture_family_changes() {
    let report = compare_fixtures("families-old.xsd", "families-new.xsd", false);

    // Holder.Item is now an `AnyPlain`. That is the became-polymorphic change at Plain, not
    // a retyped field at Holder.
    assert_eq!(
        lines(&report),
        [
            "additive | Fancy | added | none -> none",
            "breaking | Plain | became-polymorphic | Plain -> AnyPlain",
            "additive | Shape.subtype:Triangle | added | none -> AnyShape::Triangle",
            "breaking | Shape.subtype:Square | removed | AnyShape::Square -> none",
            "breaking | Square | base-changed | Shape -> none",
            "breaking | Square.field:Color | removed | Option<String> -> none",
            "additive | Triangle | added | none -> none",
        ]
    );
    assert_eq!(counts(&report), [4, 3, 0, 0]);
}

#[test]
fn fixture_boxing_changes() {
    let report = compare_fixtures("boxing-old.xsd", "boxing-new.xsd", false);

    // Link.Target's boxing follows from its new type and is not listed separately.
    assert_eq!(
        lines(&report),
        [
            "breaking | Link.field:Target | retyped | Option<Box<Node>> -> Option<String>",
            "breaking | Node.field:Next | unboxed | Option<Box<Link>> -> Option<Link>",
        ]
    );
}

#[test]
fn fixture_rust_renames() {
    let report = compare_fixtures("renames-old.xsd", "renames-new.xsd", false);

    assert_eq!(
        lines(&report),
        [
            "breaking | APIObject | renamed | ApiObject -> ApiObject2",
            "breaking | APIObject | family-renamed | AnyApiObject -> AnyApiObject2",
            "additive | APIObject.field:Id | added | none -> Option<i32>",
            "additive | ApiObject | added | none -> none",
            "breaking | Derived.field:ID | renamed | id -> derived_id",
        ]
    );
    let renamed = &report.changes[0];
    assert_eq!(renamed.scope.rust_name(), "ApiObject2");
}

#[test]
fn fixture_type_kind_changes() {
    let report = compare_fixtures("types-old.xsd", "types-new.xsd", false);

    assert_eq!(
        lines(&report),
        [
            "breaking | Answer/choice.element:Flag | added | none -> bool",
            "breaking | Code | retyped | String -> i32",
            "breaking | Level | kind-changed | struct -> enum",
            "wire-only | Open | wildcard-added | none -> none",
        ]
    );
}

#[test]
fn fixture_operation_changes() {
    let report = compare_fixtures("operations-old.wsdl", "operations-new.wsdl", false);

    assert_eq!(
        lines(&report),
        [
            "additive | FetchResult | added | none -> none",
            "additive | QueryRequest | added | none -> none",
            "additive | QueryResponse | added | none -> none",
            "breaking | Fetch | response-changed | FetchResponse -> FetchResult",
            "breaking | Purge | removed | none -> none",
            "additive | Query | added | none -> none",
        ]
    );
    assert_eq!(report.semver_step(), diff::SemverStep::Major);
}

#[test]
fn fixture_documentation_only_with_docs() {
    let without = compare_fixtures("docs-old.xsd", "docs-new.xsd", false);
    let with = compare_fixtures("docs-old.xsd", "docs-new.xsd", true);

    assert_eq!(lines(&without), Vec::<String>::new());
    assert_eq!(without.semver_step(), diff::SemverStep::None);
    assert_eq!(
        lines(&with),
        [
            "documentation | Level.value:High | documentation-changed | Sent first. -> none",
            "documentation | Level | documentation-changed | \
             How urgent a message is. -> How urgent a message is, from Low to High.",
            "documentation | Message.field:Urgency | documentation-changed | \
             none -> Defaults to Low.",
            "documentation | Message | documentation-changed | none -> A text to send.",
        ]
    );
    assert_eq!(counts(&with), [0, 0, 0, 4]);
    assert_eq!(with.semver_step(), diff::SemverStep::Patch);
}

/// Runs the command from the crate folder, so fixture paths in its output are relative.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sfmc-codegen"))
        .current_dir(manifest_dir())
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run sfmc-codegen: {error}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("the report is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("messages are UTF-8")
}

#[test]
fn text_report_exact() {
    let output = run(&[
        "diff",
        "--docs",
        "tests/fixtures/diff/wire-old.wsdl",
        "tests/fixtures/diff/wire-new.wsdl",
    ]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "\
Changes from tests/fixtures/diff/wire-old.wsdl to tests/fixtures/diff/wire-new.wsdl:

anonymous type `PingResponse` (Rust `PingResponse`)
  additive       field `Latency` (`latency`) added: `Option<i32>`

operation `Ping` (Rust `Ping`)
  wire-only      soapAction changed from `Ping` to `urn:sfmc-codegen:diff/Ping`
  documentation  documentation changed from \"Checks the service.\" to \"Checks that the service is up.\"

Summary: 0 breaking, 1 additive, 1 wire-only, 1 documentation; a minor version step.

Classes:
  breaking       code built on the old bindings stops compiling, or a value it handles no longer fits
  additive       new items only; this assumes structs are built with `..Default::default()` and matches on generated enums have a `_` arm
  wire-only      the same Rust, different XML on the wire
  documentation  only the schema's documentation, so only rustdoc
"
    );
}

#[test]
fn markdown_report_exact() {
    let output = run(&[
        "diff",
        "--format",
        "markdown",
        "tests/fixtures/diff/families-old.xsd",
        "tests/fixtures/diff/families-new.xsd",
    ]);

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "\
## Schema changes

From `tests/fixtures/diff/families-old.xsd` to `tests/fixtures/diff/families-new.xsd`.

Summary: 4 breaking, 3 additive, 0 wire-only (documentation not compared); a major version step.

### Breaking

- `Plain`: gained its first subtype: fields of this type now hold `AnyPlain` instead of `Plain`
- `Shape`: subtype `Square` removed: variant `AnyShape::Square`
- `Square`: base changed from `Shape` to none
- `Square`: field `Color` (`color`) removed: was `Option<String>`

### Additive

- `Fancy`: type added
- `Shape`: subtype `Triangle` added: variant `AnyShape::Triangle`
- `Triangle`: type added

Classes:

- **breaking**: code built on the old bindings stops compiling, or a value it handles no longer fits
- **additive**: new items only; this assumes structs are built with `..Default::default()` and matches on generated enums have a `_` arm
- **wire-only**: the same Rust, different XML on the wire
- **documentation**: only the schema's documentation, so only rustdoc
"
    );
}

#[test]
fn json_report_exact() {
    let output = run(&[
        "diff",
        "--docs",
        "--format",
        "json",
        "tests/fixtures/diff/wire-old.wsdl",
        "tests/fixtures/diff/wire-new.wsdl",
    ]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        r#"{
  "format": "sfmc-codegen-diff",
  "format_version": 1,
  "old": "tests/fixtures/diff/wire-old.wsdl",
  "new": "tests/fixtures/diff/wire-new.wsdl",
  "documentation": true,
  "counts": {
    "breaking": 0,
    "additive": 1,
    "wire_only": 1,
    "documentation": 1
  },
  "semver": "minor",
  "changes": [
    {
      "class": "additive",
      "change": "added",
      "scope": "type",
      "namespace": "urn:sfmc-codegen:diff",
      "name": "PingResponse",
      "anonymous": true,
      "rust_name": "PingResponse",
      "item_kind": "field",
      "item": "Latency",
      "rust_item": "latency",
      "old": null,
      "new": "Option<i32>"
    },
    {
      "class": "wire-only",
      "change": "soap-action-changed",
      "scope": "operation",
      "namespace": null,
      "name": "Ping",
      "anonymous": null,
      "rust_name": "Ping",
      "item_kind": null,
      "item": null,
      "rust_item": null,
      "old": "Ping",
      "new": "urn:sfmc-codegen:diff/Ping"
    },
    {
      "class": "documentation",
      "change": "documentation-changed",
      "scope": "operation",
      "namespace": null,
      "name": "Ping",
      "anonymous": null,
      "rust_name": "Ping",
      "item_kind": null,
      "item": null,
      "rust_item": null,
      "old": "Checks the service.",
      "new": "Checks that the service is up."
    }
  ]
}
"#
    );
}

#[test]
fn json_report_without_changes() {
    let output = run(&[
        "diff",
        "--format",
        "json",
        "tests/fixtures/diff/fields-old.xsd",
        "tests/fixtures/diff/fields-old.xsd",
    ]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        r#"{
  "format": "sfmc-codegen-diff",
  "format_version": 1,
  "old": "tests/fixtures/diff/fields-old.xsd",
  "new": "tests/fixtures/diff/fields-old.xsd",
  "documentation": false,
  "counts": {
    "breaking": 0,
    "additive": 0,
    "wire_only": 0,
    "documentation": 0
  },
  "semver": "none",
  "changes": []
}
"#
    );
}

#[test]
fn exit_status_breaking_is_1() {
    let output = run(&[
        "diff",
        "tests/fixtures/diff/fields-old.xsd",
        "tests/fixtures/diff/fields-new.xsd",
    ]);

    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("Summary: 8 breaking, 2 additive, 1 wire-only"),
        "{}",
        stdout(&output)
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn exit_status_malformed_is_2() {
    let output = run(&[
        "diff",
        "tests/fixtures/diff/malformed.xsd",
        "tests/fixtures/diff/fields-new.xsd",
    ]);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: malformed XML in tests/fixtures/diff/malformed.xsd:10:1: \
         expected 'complexType' tag, not 'schema'\n"
    );
}

#[test]
fn exit_status_invalid_schema_is_2() {
    let output = run(&[
        "diff",
        "tests/fixtures/diff/fields-old.xsd",
        "tests/fixtures/diff/undefined-type.xsd",
    ]);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: undefined type `Missing` in namespace `urn:sfmc-codegen:diff` at \
         tests/fixtures/diff/undefined-type.xsd:10:7\n"
    );
}

#[test]
fn exit_status_bad_arguments_is_2() {
    let one_file = run(&["diff", "tests/fixtures/diff/fields-old.xsd"]);
    assert_eq!(one_file.status.code(), Some(2));
    assert_eq!(
        stderr(&one_file),
        "error: diff needs the old and the new WSDL, or one WSDL with --against-build\n"
    );

    let missing = run(&["diff", "tests/fixtures/diff/fields-old.xsd", "no-such.wsdl"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).starts_with("error: cannot read `no-such.wsdl`: "),
        "{}",
        stderr(&missing)
    );

    let two_with_build = run(&[
        "diff",
        "--against-build",
        "tests/fixtures/diff/fields-old.xsd",
        "tests/fixtures/diff/fields-new.xsd",
    ]);
    assert_eq!(two_with_build.status.code(), Some(2));
    assert_eq!(
        stderr(&two_with_build),
        "error: --against-build compares one WSDL with the build; give only the new WSDL\n"
    );
}

#[test]
fn generate_still_works() {
    let output = run(&["generate", "--wsdl", "tests/fixtures/diff/fields-old.xsd"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let generated = sfmc_codegen::Config::new(fixture("fields-old.xsd"))
        .generate()
        .expect("the fixture generates");
    assert_eq!(stdout(&output), generated.code);
    assert!(!generated.code.contains("SCHEMA_FINGERPRINT"));
}

#[test]
fn fingerprint_is_fnv1a_64() {
    // Published FNV-1a 64-bit test vectors: the offset basis for the empty input, and "a".
    assert_eq!(diff::fingerprint(""), "cbf29ce484222325");
    assert_eq!(diff::fingerprint("a"), "af63dc4c8601ec8c");
}

#[test]
fn summary_round_trip() {
    let summary = shared_summary("etframework.wsdl");
    let text = summary.to_text();
    let parsed = Summary::parse(&text, Path::new("schema-summary.txt")).expect("the text parses");

    assert_eq!(parsed, *summary);
    assert_eq!(parsed.to_text(), text);
    assert!(
        text.starts_with("sfmc-codegen schema summary 1\n"),
        "{}",
        &text[..80]
    );
}

#[test]
fn summary_fields_match_ir() {
    let fault = manifest_dir().join("../wsdl/ETFrameworkFault.xsd");
    let (ir, _) = sfmc_codegen::Config::new(shared_wsdl("etframework.wsdl"))
        .map_location(FAULT_XSD_URL, fault)
        .intermediate()
        .expect("the WSDL resolves");
    let summary = Summary::from_ir(&ir);

    // The summary keeps each type's own fields only; walking the bases must give back the
    // fields the generated struct has, in the same order.
    let mut structs = 0;
    for (ty, summarized) in ir.types.iter().zip(summary.types()) {
        let sfmc_codegen::ir::TypeKind::Struct(def) = &ty.kind else {
            continue;
        };
        structs += 1;
        let expected: Vec<(&str, &str)> = def
            .fields
            .iter()
            .map(|field| (field.rust_name.as_str(), field.xml_name.as_str()))
            .collect();
        let flattened: Vec<(&str, &str)> = summary
            .fields(&summarized.key)
            .iter()
            .map(|(field, _)| (field.rust_name.as_str(), field.xml_name.as_str()))
            .collect();
        assert_eq!(flattened, expected, "{}", ty.xml_name);
    }
    // 252 named complex types, 93 anonymous ones, and the fault schema's `apifault` element
    // with the anonymous type of its `Params`.
    assert_eq!(structs, 347);
}

#[test]
fn summary_rejects_unknown_header() {
    let error = Summary::parse("not a summary\n", Path::new("out/schema-summary.txt"))
        .expect_err("the header is checked");

    assert_eq!(
        error.to_string(),
        "invalid schema summary: the first line must be `sfmc-codegen schema summary 1`; \
         regenerate the summary with this version of sfmc-codegen at out/schema-summary.txt:1:1"
    );
}

#[test]
fn summary_rejects_unknown_record() {
    let text = "sfmc-codegen schema summary 1\nnamespace\turn:x\nwidget\t1\n";
    let error = Summary::parse(text, Path::new("summary.txt")).expect_err("records are checked");

    assert_eq!(
        error.to_string(),
        "invalid schema summary: unknown record `widget` at summary.txt:3:1"
    );
}

#[test]
fn summary_rejects_undefined_type() {
    let text = "sfmc-codegen schema summary 1\nnamespace\turn:x\ntype\t0\tA\t0\tA\t\n\
                struct\t7\t0\t0\t-\t\n";
    let error = Summary::parse(text, Path::new("summary.txt")).expect_err("bases are checked");

    assert_eq!(
        error.to_string(),
        "invalid schema summary: type number 7 is referred to but not defined at summary.txt:3:1"
    );
}

/// Returns an empty folder for one test under Cargo's temporary folder for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("diff")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch folder can be created");
    dir
}

/// Generates `fixture_name` the way the bindings' build script does, into an `OUT_DIR` laid
/// out as Cargo lays it out below `target`, and returns that folder.
fn fake_build(target: &Path, hash: &str, fixture_name: &str) -> PathBuf {
    let out_dir = target
        .join("debug/build")
        .join(format!("sfmc-partner-api-{hash}"))
        .join("out");
    std::fs::create_dir_all(&out_dir).expect("the OUT_DIR can be created");
    sfmc_codegen::Config::new(fixture(fixture_name))
        .write_with_summary(
            &out_dir.join("partner_api.rs"),
            &out_dir.join(diff::SUMMARY_FILE_NAME),
        )
        .expect("the fixture generates");
    out_dir
}

#[test]
fn build_summary_and_fingerprint() {
    let target = scratch("build-summary");
    let out_dir = fake_build(&target, "0123456789abcdef", "fields-old.xsd");

    let summary_text = std::fs::read_to_string(out_dir.join(diff::SUMMARY_FILE_NAME))
        .expect("the summary is written");
    let code = std::fs::read_to_string(out_dir.join("partner_api.rs")).expect("code is written");
    let plain = sfmc_codegen::Config::new(fixture("fields-old.xsd"))
        .generate()
        .expect("the fixture generates");

    // The code is what `generate` writes, followed by the fingerprint of the summary file.
    let fingerprint = diff::fingerprint(&summary_text);
    assert_eq!(fingerprint.len(), 16);
    let tail = code
        .strip_prefix(plain.code.as_str())
        .expect("the generated code comes first");
    assert!(
        tail.ends_with(&format!(
            "pub const SCHEMA_FINGERPRINT: &str = \"{fingerprint}\";\n"
        )),
        "{tail}"
    );
    assert_eq!(
        Summary::parse(&summary_text, Path::new("summary")).expect("the summary parses"),
        fixture_summary("fields-old.xsd")
    );
}

#[test]
fn build_summary_newest_wins() {
    let target = scratch("newest");
    let older = fake_build(&target, "1111111111111111", "enums-old.xsd");
    let newer = fake_build(&target, "2222222222222222", "fields-old.xsd");
    let set_modified = |dir: &Path, seconds: u64| {
        let file = std::fs::File::options()
            .write(true)
            .open(dir.join(diff::SUMMARY_FILE_NAME))
            .expect("the summary opens");
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
        file.set_modified(time).expect("the time can be set");
    };
    set_modified(&older, 1_700_000_000);
    set_modified(&newer, 1_700_000_100);

    let summary = |dir: &Path| dir.join(diff::SUMMARY_FILE_NAME);
    assert_eq!(diff::find_build_summary(&target), Some(summary(&newer)));
    assert_eq!(
        diff::find_build_summary(&target.join("debug")),
        Some(summary(&newer))
    );
    assert_eq!(diff::find_build_summary(&older), Some(summary(&older)));
    assert_eq!(diff::find_build_summary(&scratch("empty")), None);
}

#[test]
fn against_build_compares_with_summary() {
    let target = scratch("against-build");
    let out_dir = fake_build(&target, "3333333333333333", "fields-old.xsd");
    let summary_path = out_dir.join(diff::SUMMARY_FILE_NAME);
    let fingerprint =
        diff::fingerprint(&std::fs::read_to_string(&summary_path).expect("summary is written"));

    let target_arg = target.display().to_string();
    let output = run(&[
        "diff",
        "--against-build",
        "--build-dir",
        &target_arg,
        "tests/fixtures/diff/fields-new.xsd",
    ]);

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "note: comparing with the build summary `{}`, fingerprint {fingerprint}\n",
            summary_path.display()
        )
    );
    let direct = run(&[
        "diff",
        "tests/fixtures/diff/fields-old.xsd",
        "tests/fixtures/diff/fields-new.xsd",
    ]);
    assert_eq!(
        stdout(&output),
        stdout(&direct).replace(
            "tests/fixtures/diff/fields-old.xsd",
            &summary_path.display().to_string()
        )
    );
}

#[test]
fn against_build_without_summary() {
    let empty = scratch("no-build");
    let empty_arg = empty.display().to_string();
    let output = run(&[
        "diff",
        "--against-build",
        "--build-dir",
        &empty_arg,
        "tests/fixtures/diff/fields-new.xsd",
    ]);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "error: no schema-summary.txt of a sfmc-partner-api build found under `{}`; build \
             the bindings with `cargo build -p sfmc-partner-api` or pass --build-dir\n",
            empty.display()
        )
    );
}

/// The README's report from 2017 to 2020 must be what the command prints today.
#[test]
fn readme_report_is_current() {
    let root = manifest_dir().join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("the README exists");
    let start = "<!-- diff-report-2017-2020 -->\n```text\n";
    let Some(begin) = readme.find(start) else {
        panic!("the README has no `<!-- diff-report-2017-2020 -->` block");
    };
    let rest = &readme[begin + start.len()..];
    let readme_report = &rest[..rest.find("```").expect("the block is closed")];

    let output = Command::new(env!("CARGO_BIN_EXE_sfmc-codegen"))
        .current_dir(&root)
        .args([
            "diff",
            "../shared/wsdl/etframework-2017-11.wsdl",
            "../shared/wsdl/etframework.wsdl",
            "--map-location",
            "https://webservice.exacttarget.com/ETFrameworkFault.xsd=wsdl/ETFrameworkFault.xsd",
        ])
        .output()
        .expect("sfmc-codegen runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(readme_report, stdout(&output));
}
