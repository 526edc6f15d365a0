//! Finds the schema summary a build of the bindings crate left in its `OUT_DIR`.
//!
//! Cargo puts a build script's output in `TARGET/PROFILE/build/PACKAGE-HASH/out/`, or
//! `TARGET/TRIPLE/PROFILE/build/…` when cross-compiling, and keeps one such folder per
//! configuration that was ever built, so several summaries can exist side by side.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::SUMMARY_FILE_NAME;

/// The package whose build script writes the summary.
const PACKAGE: &str = "sfmc-partner-api";

/// Returns the Cargo target directory to search: `CARGO_TARGET_DIR` when set, else the
/// `target` folder of the nearest ancestor of the current directory that has one.
pub fn target_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(dir));
    }
    let current = std::env::current_dir().ok()?;
    current
        .ancestors()
        .map(|dir| dir.join("target"))
        .find(|dir| dir.is_dir())
}

/// Returns the summary to compare against under `dir`, or `None` when there is none.
///
/// When `dir` is an `OUT_DIR` that contains a summary, that file is the one. Otherwise `dir`
/// is a target directory or a profile folder in it, and the most recently written summary of
/// any build of `sfmc-partner-api` below it is the one.
pub fn find_build_summary(dir: &Path) -> Option<PathBuf> {
    let direct = dir.join(SUMMARY_FILE_NAME);
    if direct.is_file() {
        return Some(direct);
    }
    let mut candidates = Vec::new();
    for build in build_dirs(dir) {
        let Ok(entries) = std::fs::read_dir(&build) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_package = name
                .to_str()
                .and_then(|name| name.strip_prefix(PACKAGE))
                .is_some_and(|rest| rest.starts_with('-'));
            let summary = entry.path().join("out").join(SUMMARY_FILE_NAME);
            if is_package && summary.is_file() {
                candidates.push(summary);
            }
        }
    }
    // The build script rewrites the summary on every run, so the newest file belongs to the
    // last build. Equal times are ordered by path, so the choice is deterministic.
    candidates
        .into_iter()
        .map(|path| (modified(&path), path))
        .max()
        .map(|(_, path)| path)
}

/// Returns every `build` folder at `dir/build`, `dir/*/build` and `dir/*/*/build`.
fn build_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut levels = vec![dir.to_path_buf()];
    let mut out = Vec::new();
    for depth in 0..3 {
        let mut next = Vec::new();
        for level in &levels {
            let build = level.join("build");
            if build.is_dir() {
                out.push(build);
            }
            if depth == 2 {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(level) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() && entry.file_name() != "build" {
                    next.push(path);
                }
            }
        }
        levels = next;
    }
    out
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}
