//! Inputs the generator must reject with a message naming the file, line, column and
//! construct, inputs it must accept although they contain constructs it ignores, and the
//! command line's exit status and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sfmc_codegen::ir::{Builtin, Cardinality, FieldType, TypeKind};
use sfmc_codegen::{Config, Error};

fn fixture(folder: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder)
        .join(name)
}

fn bad(name: &str) -> PathBuf {
    fixture("bad", name)
}

fn accepted(name: &str) -> PathBuf {
    fixture("accepted", name)
}

/// Generates with `config` and returns the error, failing the test if generation succeeds.
fn generate_error(config: &Config) -> Error {
    match config.generate() {
        Ok(_) => panic!("generation succeeded, but an error was expected"),
        Err(error) => error,
    }
}

fn error_of(path: &Path) -> Error {
    generate_error(&Config::new(path))
}

/// Returns `path` as the error messages print it, followed by `:line:column`.
fn at(path: &Path, line: u32, column: u32) -> String {
    format!("{}:{line}:{column}", path.display())
}

#[test]
fn unclosed_tag_is_malformed() {
    let path = bad("unclosed_tag.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::Xml { .. }), "{error:?}");
    // roxmltree reports the end tag that does not match, and repeats the position.
    assert_eq!(
        error.to_string(),
        format!(
            "malformed XML in {}: expected 'element' tag, not 'sequence'",
            at(&path, 10, 5)
        )
    );
}

#[test]
fn undefined_type_is_invalid() {
    let path = bad("undefined_type.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::Invalid { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "undefined type `Customer` in namespace `urn:sfmc-codegen:bad` at {}",
            at(&path, 9, 7)
        )
    );
}

#[test]
fn undefined_extension_base_is_invalid() {
    let path = bad("undefined_base.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::Invalid { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "undefined extension base `APIObject` in namespace `urn:sfmc-codegen:bad` at {}",
            at(&path, 9, 7)
        )
    );
}

#[test]
fn attribute_is_unsupported() {
    let path = bad("attribute.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "unsupported `<attribute>` at {}: attributes travel on the wire and the generator \
             has no field for them",
            at(&path, 11, 5)
        )
    );
}

#[test]
fn simple_content_is_unsupported() {
    let path = bad("simple_content.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "unsupported `<simpleContent>` at {}: a complex type may hold sequence, all, choice \
             or complexContent/extension",
            at(&path, 8, 5)
        )
    );
}

#[test]
fn element_ref_is_unsupported() {
    let path = bad("element_ref.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "unsupported `<element>` at {}: element references (`ref=`) are not supported; \
             declare the element locally",
            at(&path, 10, 7)
        )
    );
}

#[test]
fn list_type_is_unsupported() {
    let path = bad("list_type.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "unsupported `<list>` at {}: a simple type must be a restriction; list and union \
             types have no Rust mapping here",
            at(&path, 8, 5)
        )
    );
}

#[test]
fn repeated_choice_is_unsupported() {
    let path = bad("repeated_choice.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "unsupported `<choice>` at {}: a repeated choice has no Rust mapping here",
            at(&path, 9, 7)
        )
    );
}

const OTHER_XSD_URL: &str = "https://schemas.example.com/other.xsd";

#[test]
fn unmapped_import_says_how_to_map() {
    let path = bad("unmapped_import.xsd");
    let error = error_of(&path);
    assert!(matches!(error, Error::UnmappedImport { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: the schema imports `{OTHER_XSD_URL}`, which has no local copy; map it to a \
             file with `--map-location {OTHER_XSD_URL}=FILE` (or `Config::map_location` in a \
             build script)",
            at(&path, 8, 3)
        )
    );
}

/// Generates with `config` and checks that the output contains the type imported from
/// `other.xsd`.
fn assert_imported(config: &Config, importer: &Path) {
    let generated = match config.generate() {
        Ok(generated) => generated,
        Err(error) => panic!("generation failed: {error}"),
    };
    assert_eq!(
        generated.inputs,
        vec![importer.to_owned(), accepted("other.xsd")]
    );
    assert!(
        generated.code.contains("pub struct Detail {"),
        "{}",
        generated.code
    );
    assert!(
        generated.code.contains("pub detail: Detail,"),
        "{}",
        generated.code
    );
}

#[test]
fn import_mapped_by_location() {
    let path = bad("unmapped_import.xsd");
    let mut config = Config::new(&path);
    config.map_location(OTHER_XSD_URL, accepted("other.xsd"));
    assert_imported(&config, &path);
}

#[test]
fn import_mapped_by_namespace() {
    let path = bad("unmapped_import.xsd");
    let mut config = Config::new(&path);
    config.map_location("urn:sfmc-codegen:other", accepted("other.xsd"));
    assert_imported(&config, &path);
}

#[test]
fn import_by_relative_location() {
    let path = accepted("relative_import.xsd");
    let generated = match Config::new(&path).generate() {
        Ok(generated) => generated,
        Err(error) => panic!("generation failed: {error}"),
    };
    assert_eq!(generated.inputs, vec![path.clone(), accepted("other.xsd")]);
    assert!(
        generated.code.contains("pub detail: Detail,"),
        "{}",
        generated.code
    );
}

#[test]
fn missing_file_cannot_be_read() {
    let path = bad("does_not_exist.xsd");
    let error = error_of(&path);
    let Error::Io {
        action,
        path: error_path,
        source,
    } = &error
    else {
        panic!("expected an I/O error, got {error:?}");
    };
    assert_eq!(*action, "read");
    assert_eq!(error_path, &path);
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    // The operating system words the cause, so it is taken from the same failed read.
    let cause = std::fs::read(&path).expect_err("the file does not exist");
    assert_eq!(
        error.to_string(),
        format!("cannot read `{}`: {cause}", path.display())
    );
}

#[test]
fn root_neither_wsdl_nor_xsd() {
    let path = bad("wrong_root.xml");
    let error = error_of(&path);
    assert!(matches!(error, Error::Invalid { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the root element `project` is neither a WSDL `definitions` nor an XSD `schema` at {}",
            at(&path, 3, 1)
        )
    );
}

#[test]
fn annotations_and_pattern_ignored() {
    let path = accepted("annotated.xsd");
    let (ir, inputs) = match Config::new(&path).intermediate() {
        Ok(result) => result,
        Err(error) => panic!("annotations and patterns must be accepted: {error}"),
    };
    assert_eq!(inputs, vec![path.clone()]);

    let names: Vec<&str> = ir.types.iter().map(|ty| ty.rust_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Base",
            "Derived",
            "DerivedKind",
            "DerivedChoice",
            "InstanceId"
        ]
    );

    let instance_id = &ir.types[4];
    assert!(matches!(instance_id.kind, TypeKind::Alias(Builtin::String)));
    assert_eq!(
        instance_id.documentation.as_deref(),
        Some("A GUID in braces.")
    );
    assert!(matches!(ir.types[2].kind, TypeKind::Alias(Builtin::String)));
    assert_eq!(ir.types[0].documentation, None);

    let TypeKind::Struct(derived) = &ir.types[1].kind else {
        panic!("`Derived` is not a struct: {:?}", ir.types[1].kind);
    };
    let fields: Vec<(&str, &FieldType, Cardinality)> = derived
        .fields
        .iter()
        .map(|field| (field.rust_name.as_str(), &field.ty, field.cardinality))
        .collect();
    assert_eq!(
        fields,
        [
            (
                "id",
                &FieldType::Named(sfmc_codegen::ir::TypeId(4)),
                Cardinality::Required
            ),
            (
                "kind",
                &FieldType::Named(sfmc_codegen::ir::TypeId(2)),
                Cardinality::Required
            ),
            (
                "choice",
                &FieldType::Choice(sfmc_codegen::ir::TypeId(3)),
                Cardinality::Optional
            ),
        ]
    );
    assert_eq!(
        derived.fields[1].documentation.as_deref(),
        Some("An element's annotation.")
    );
}

/// Runs the `sfmc-codegen` binary with `args`.
fn run_cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sfmc-codegen"))
        .args(args)
        .output()
        .expect("the sfmc-codegen binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("the output is UTF-8")
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("fixture paths are UTF-8")
}

#[test]
fn cli_bad_input_exits_with_2() {
    let path = bad("attribute.xsd");
    let output = run_cli(&["generate", "--wsdl", path_arg(&path)]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stdout), "");
    assert_eq!(
        text(&output.stderr),
        format!("error: {}\n", error_of(&path))
    );
}

#[test]
fn cli_map_location_reads_import() {
    let path = bad("unmapped_import.xsd");
    let mapping = format!("{OTHER_XSD_URL}={}", accepted("other.xsd").display());
    let output = run_cli(&[
        "generate",
        "--wsdl",
        path_arg(&path),
        "--map-location",
        &mapping,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
    assert!(text(&output.stdout).contains("pub detail: Detail,"));
}

#[test]
fn cli_out_matches_stdout() {
    let path = fixture("golden", "choice.xsd");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad_input_cli_out.rs");
    let _ = std::fs::remove_file(&out);

    let to_stdout = run_cli(&["generate", "--wsdl", path_arg(&path)]);
    assert_eq!(
        to_stdout.status.code(),
        Some(0),
        "{}",
        text(&to_stdout.stderr)
    );
    let to_file = run_cli(&[
        "generate",
        "--wsdl",
        path_arg(&path),
        "--out",
        path_arg(&out),
    ]);
    assert_eq!(to_file.status.code(), Some(0), "{}", text(&to_file.stderr));
    assert_eq!(text(&to_file.stdout), "");

    let written = std::fs::read_to_string(&out).expect("--out wrote the file");
    assert_eq!(written, text(&to_stdout.stdout));
    let expected = Config::new(&path)
        .generate()
        .expect("the fixture generates");
    assert_eq!(written, expected.code);
}

#[test]
fn cli_map_location_without_equals() {
    let path = fixture("golden", "choice.xsd");
    let output = run_cli(&[
        "generate",
        "--wsdl",
        path_arg(&path),
        "--map-location",
        "nomapping",
    ]);
    // clap reports usage errors with status 2.
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stdout), "");
    assert_eq!(
        text(&output.stderr),
        "error: invalid value 'nomapping' for '--map-location <LOCATION=FILE>': \
         expected LOCATION=FILE, got `nomapping`\n\nFor more information, try '--help'.\n"
    );
}
