//! Golden tests: each fixture in `tests/fixtures/golden/` is a small schema showing one
//! construct, and the Rust generated from it must equal `tests/golden/NAME.rs` byte for byte.
//!
//! After an intended change to the generator, rewrite the goldens and review the diff:
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test -p sfmc-codegen --test golden
//! ```
//!
//! The crate `sfmc-golden-compile` includes every golden except those in `NOT_COMPILED`, so
//! the goldens are also compiled under `#![deny(warnings)]` and exercised by its round-trip
//! test.

use std::io::Write;
use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn golden_path(name: &str) -> PathBuf {
    manifest_dir()
        .join("tests/golden")
        .join(format!("{name}.rs"))
}

/// Returns true when the goldens should be rewritten instead of compared.
fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1")
}

/// Generates the code for `fixture` and compares it with the golden `name`, or rewrites the
/// golden when `UPDATE_GOLDEN=1`.
fn check_golden(name: &str, fixture: &str) {
    let fixture = manifest_dir().join("tests/fixtures/golden").join(fixture);
    let generated = match sfmc_codegen::Config::new(&fixture).generate() {
        Ok(generated) => generated,
        Err(error) => panic!("generating from {} failed: {error}", fixture.display()),
    };
    assert_eq!(generated.inputs, vec![fixture.clone()]);

    let golden = golden_path(name);
    let current = std::fs::read_to_string(&golden).ok();
    if updating() {
        if current.as_deref() != Some(generated.code.as_str()) {
            std::fs::write(&golden, &generated.code)
                .unwrap_or_else(|error| panic!("cannot write {}: {error}", golden.display()));
            // Written to the stream directly, because the test harness captures `eprintln!`.
            let _ = writeln!(std::io::stderr(), "updated golden {}", golden.display());
        }
        return;
    }

    let Some(expected) = current else {
        panic!(
            "the golden {} does not exist; create it with \
             `UPDATE_GOLDEN=1 cargo test -p sfmc-codegen --test golden`",
            golden.display()
        );
    };
    if expected != generated.code {
        panic!(
            "the code generated from {} differs from {}\n{}\nIf the change is intended, run \
             `UPDATE_GOLDEN=1 cargo test -p sfmc-codegen --test golden` and review the diff.",
            fixture.display(),
            golden.display(),
            first_difference(&expected, &generated.code)
        );
    }
}

/// Describes the first line where `expected` and `actual` differ.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    let mut number = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(left), Some(right)) if left == right => number += 1,
            (None, None) => {
                return "the files differ only in line endings or the final newline".to_owned();
            }
            (left, right) => {
                let show = |line: Option<&str>| {
                    line.map_or("end of file".to_owned(), |l| format!("{l:?}"))
                };
                return format!(
                    "first difference at line {number}:\n  golden:    {}\n  generated: {}",
                    show(left),
                    show(right)
                );
            }
        }
    }
}

/// Declares one `#[test]` per golden and the list `GOLDENS` of all their names.
macro_rules! golden_tests {
    ($($name:ident => $fixture:literal,)*) => {
        const GOLDENS: &[&str] = &[$(stringify!($name)),*];

        $(
            #[test]
            fn $name() {
                check_golden(stringify!($name), $fixture);
            }
        )*
    };
}

golden_tests! {
    plain_struct => "plain_struct.xsd",
    inheritance => "inheritance.xsd",
    polymorphic => "polymorphic.xsd",
    nillable => "nillable.xsd",
    enumeration => "enumeration.xsd",
    choice => "choice.xsd",
    anonymous => "anonymous.xsd",
    recursive => "recursive.xsd",
    recursive_choice => "recursive_choice.xsd",
    builtins => "builtins.xsd",
    naming => "naming.xsd",
    message => "message.xsd",
    wsdl_operations => "wsdl_operations.wsdl",
}

/// Returns the sorted file stems of the `.rs` files in `folder`.
fn rust_file_stems(folder: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", folder.display()));
    let mut stems: Vec<String> = entries
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    stems.sort();
    stems
}

#[test]
fn golden_folder_matches_table() {
    // The golden tests running beside this one may still be writing their files.
    if updating() {
        return;
    }
    let mut expected: Vec<String> = GOLDENS.iter().map(|name| (*name).to_owned()).collect();
    expected.sort();
    assert_eq!(
        rust_file_stems(&manifest_dir().join("tests/golden")),
        expected
    );
}

/// Goldens that `sfmc-golden-compile` leaves out.
const NOT_COMPILED: &[&str] = &[];

#[test]
fn compile_crate_includes_every_golden() {
    let lib = manifest_dir().join("../tests/golden-compile/src/lib.rs");
    let source = std::fs::read_to_string(&lib)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", lib.display()));
    for name in NOT_COMPILED {
        assert!(GOLDENS.contains(name), "`{name}` is not a golden");
    }
    for name in GOLDENS.iter().filter(|name| !NOT_COMPILED.contains(name)) {
        let module = format!("pub mod {name} {{");
        let include = format!("include!(\"../../../codegen/tests/golden/{name}.rs\");");
        assert!(
            source.contains(&module),
            "{} has no module `{name}`",
            lib.display()
        );
        assert!(
            source.contains(&include),
            "{} does not include `{name}.rs`",
            lib.display()
        );
    }
}
