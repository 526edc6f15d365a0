//! Generates the partnerAPI bindings from the WSDL into `OUT_DIR`.
//!
//! The WSDL is looked up, in order, at the path in `SFMC_PARTNER_WSDL`, at
//! `wsdl/etframework.wsdl` in this crate (git-ignored), and at `shared/wsdl/etframework.wsdl`
//! beside the repository. Nothing is downloaded: the fault schema the WSDL imports is this
//! crate's own `ETFrameworkFault.xsd`.
//!
//! Beside the code it writes `schema-summary.txt`, the summary of the schema that
//! `sfmc-codegen diff --against-build` compares a newer WSDL with.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const WSDL_URL: &str = "https://webservice.exacttarget.com/etframework.wsdl";
const FAULT_XSD_URL: &str = "https://webservice.exacttarget.com/ETFrameworkFault.xsd";

fn main() -> ExitCode {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo::rerun-if-env-changed=SFMC_PARTNER_WSDL");
    let Some(wsdl) = find_wsdl(&manifest) else {
        eprintln!(
            "error: no partnerAPI WSDL found. Download it from {WSDL_URL} and save it as {}, \
             or set SFMC_PARTNER_WSDL to its path.",
            manifest.join("etframework.wsdl").display()
        );
        return ExitCode::FAILURE;
    };
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let mut config = sfmc_codegen::Config::new(&wsdl);
    config.map_location(FAULT_XSD_URL, manifest.join("ETFrameworkFault.xsd"));
    // The summary beside the code is what `sfmc-codegen diff --against-build` compares a new
    // WSDL with; the code ends with its fingerprint as `SCHEMA_FINGERPRINT`.
    let summary = out_dir.join(sfmc_codegen::diff::SUMMARY_FILE_NAME);
    match config.write_with_summary(&out_dir.join("partner_api.rs"), &summary) {
        Ok(generated) => {
            for input in &generated.inputs {
                println!("cargo::rerun-if-changed={}", input.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot generate the partnerAPI bindings: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Returns the first WSDL that exists. A relative `SFMC_PARTNER_WSDL` is resolved against
/// this crate's folder, where build scripts run.
///
/// Only the WSDL found is watched (with every file it imports): Cargo reruns a build script
/// on every build while a watched file is missing. So after adding a WSDL at a place earlier
/// in the order, touch `wsdl/build.rs` or set `SFMC_PARTNER_WSDL`.
fn find_wsdl(manifest: &Path) -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("SFMC_PARTNER_WSDL") {
        candidates.push(manifest.join(path));
    }
    candidates.push(manifest.join("etframework.wsdl"));
    candidates.push(manifest.join("../../shared/wsdl/etframework.wsdl"));
    candidates.into_iter().find(|candidate| candidate.is_file())
}
