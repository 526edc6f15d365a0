//! The state file: the account's objects saved as JSON, written atomically.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::state::{
    DataExtensionRecord, DefinitionRecord, EventRecord, Ids, IssuedToken, ProfileAttribute, State,
    SubscriberRecord, attribute_id_generator,
};

/// The version of the file's layout, raised when a change makes older files unreadable.
const FORMAT_VERSION: u32 = 1;

/// The file's content. Unfinished retrieve pages are left out, so clients restart their
/// paged retrieves after a restart.
#[derive(Serialize, Deserialize)]
struct Snapshot {
    format_version: u32,
    /// The ID generator's position, so that IDs after a restart do not repeat.
    id_generator: u64,
    /// The profile attribute ID generator's position. Files written before attributes had
    /// IDs lack it, and loading one starts that generator from `id_generator`.
    #[serde(default)]
    attribute_id_generator: Option<u64>,
    all_subscribers_list_id: i32,
    tokens: BTreeMap<String, IssuedToken>,
    profile_attributes: Vec<ProfileAttribute>,
    data_extensions: Vec<DataExtensionRecord>,
    definitions: Vec<DefinitionRecord>,
    subscribers: Vec<SubscriberRecord>,
    events: Vec<EventRecord>,
    last_batches: BTreeMap<String, i64>,
    /// The window starts for `RepeatLastResult`. Files written before they were kept lack
    /// them, so a repeat after loading one covers every change up to the window's end.
    #[serde(default)]
    batch_starts: BTreeMap<String, i64>,
}

/// The same fields, borrowed from the state for writing.
#[derive(Serialize)]
struct SnapshotRef<'a> {
    format_version: u32,
    id_generator: u64,
    attribute_id_generator: u64,
    all_subscribers_list_id: i32,
    tokens: &'a BTreeMap<String, IssuedToken>,
    profile_attributes: &'a [ProfileAttribute],
    data_extensions: &'a [DataExtensionRecord],
    definitions: &'a [DefinitionRecord],
    subscribers: &'a [SubscriberRecord],
    events: &'a [EventRecord],
    last_batches: &'a BTreeMap<String, i64>,
    batch_starts: &'a BTreeMap<String, i64>,
}

/// Writes the account's objects to `path`: to a temporary file beside it, flushed to disk,
/// then renamed over `path`, so that a crash leaves either the old file or the new one.
pub(crate) fn save(path: &Path, state: &State) -> io::Result<()> {
    let snapshot = SnapshotRef {
        format_version: FORMAT_VERSION,
        id_generator: state.ids.state,
        attribute_id_generator: state.attribute_ids.state,
        all_subscribers_list_id: state.all_subscribers_list_id,
        tokens: &state.tokens,
        profile_attributes: &state.profile_attributes,
        data_extensions: &state.data_extensions,
        definitions: &state.definitions,
        subscribers: &state.subscribers,
        events: &state.events,
        last_batches: &state.last_batches,
        batch_starts: &state.batch_starts,
    };
    let bytes = serde_json::to_vec(&snapshot).map_err(io::Error::other)?;
    let temporary = temporary_path(path);
    {
        let mut file = File::create(&temporary)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    sync_directory(path);
    Ok(())
}

/// Reads `path` into `state`. Returns `Ok(false)` when the file does not exist yet.
///
/// # Errors
/// Fails when the file cannot be read or is not a state file of this version.
pub(crate) fn load(path: &Path, state: &mut State) -> io::Result<bool> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(error),
    };
    let snapshot: Snapshot = serde_json::from_slice(&bytes).map_err(|error| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid state file {}: {error}", path.display()),
        )
    })?;

    if snapshot.format_version != FORMAT_VERSION {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "state file {} has format version {}, expected {FORMAT_VERSION}; remove it to start empty",
                path.display(),
                snapshot.format_version
            ),
        ));
    }

    state.ids.state = snapshot.id_generator;
    state.attribute_ids = match snapshot.attribute_id_generator {
        Some(position) => Ids::new(position),
        None => attribute_id_generator(snapshot.id_generator),
    };
    state.all_subscribers_list_id = snapshot.all_subscribers_list_id;
    state.tokens = snapshot.tokens;
    state.profile_attributes = snapshot.profile_attributes;
    assign_missing_attribute_ids(state);
    state.data_extensions = snapshot.data_extensions;
    state.definitions = snapshot.definitions;
    state.replace_subscribers(snapshot.subscribers);
    state.events = snapshot.events;
    state.last_batches = snapshot.last_batches;
    state.batch_starts = snapshot.batch_starts;
    Ok(true)
}

/// Draws an ID for each profile attribute without one, in file order, so that loading the
/// same older file always gives the same IDs.
fn assign_missing_attribute_ids(state: &mut State) {
    for index in 0..state.profile_attributes.len() {
        if state.profile_attributes[index].id == 0 {
            state.profile_attributes[index].id = state.draw_attribute_id();
        }
    }
}

fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Flushes the directory entry of a renamed file, which POSIX needs for the rename itself
/// to survive a crash. Other systems, and directories that cannot be opened, are skipped.
fn sync_directory(path: &Path) {
    #[cfg(unix)]
    {
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if let Ok(handle) = File::open(directory) {
            let _ = handle.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
