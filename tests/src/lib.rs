//! Helpers shared by the cross-crate tests in `tests/tests/`.

use std::path::PathBuf;

pub mod xml_compare;

/// Returns the repository's root folder.
pub fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Returns the folder of the shared WSDL copies that sits beside the repository.
pub fn shared_wsdl_dir() -> PathBuf {
    repository_root().join("../shared/wsdl")
}

/// Returns this crate's fixtures folder.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}
