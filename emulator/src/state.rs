//! The account's objects, held in memory, and the generator of their IDs.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// A splitmix64 generator: reproducible from a seed, and fast.
pub(crate) struct Ids {
    pub(crate) state: u64,
}

impl Ids {
    pub(crate) fn new(seed: u64) -> Self {
        Ids { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a lowercase GUID in the 8-4-4-4-12 form the service uses for ObjectIDs.
    pub(crate) fn guid(&mut self) -> String {
        let high = self.next_u64();
        let low = self.next_u64();
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xffff,
            low >> 48,
            low & 0xffff_ffff_ffff
        )
    }

    /// Returns a positive integer ID in `base..base + 1,000,000`.
    pub(crate) fn int_id(&mut self, base: i32) -> i32 {
        // The remainder is below 1,000,000, so it fits an i32.
        base + (self.next_u64() % 1_000_000) as i32
    }
}

/// An issued OAuth access token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct IssuedToken {
    /// The end of the token's lifetime, in milliseconds since the epoch. Wall-clock time, so
    /// that it keeps its meaning in a state file across restarts.
    pub(crate) expires_at: i64,
}

/// A profile attribute created through Configure.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ProfileAttribute {
    /// The integer ID that Describe of Subscriber writes. It is 0 in state files written
    /// before attributes had one, and loading such a file draws it.
    #[serde(default)]
    pub(crate) id: i32,
    // Limitation: kept for a PropertyDefinition retrieve, which is not served yet.
    #[allow(dead_code)]
    pub(crate) object_id: String,
    pub(crate) name: String,
    pub(crate) property_type: String,
}

/// A data extension column.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Column {
    pub(crate) object_id: String,
    pub(crate) name: String,
    pub(crate) field_type: String,
    pub(crate) max_length: Option<i32>,
    pub(crate) is_required: bool,
    pub(crate) is_primary_key: bool,
    pub(crate) default_value: Option<String>,
    /// When the column was added or last changed, in milliseconds since the epoch. It is 0
    /// in state files written before columns recorded it.
    #[serde(default)]
    pub(crate) modified: i64,
}

/// One row of a data extension, with the time it becomes retrievable.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Row {
    pub(crate) values: BTreeMap<String, String>,
    /// When the row becomes retrievable, in milliseconds since the epoch. An update of a
    /// retrievable row moves it to the time of the update, so that it is also the row's
    /// change time for `RetrieveAllSinceLastBatch`.
    pub(crate) visible_at: i64,
}

/// A data extension with its columns and rows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct DataExtensionRecord {
    pub(crate) object_id: String,
    pub(crate) customer_key: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) template_object_id: Option<String>,
    pub(crate) created: i64,
    /// When the data extension was added or last updated, in milliseconds since the epoch.
    /// It is 0 in state files written before it was recorded.
    #[serde(default)]
    pub(crate) modified: i64,
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Row>,
}

/// The status of a triggered send definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum DefinitionStatus {
    New,
    Active,
    Inactive,
    Canceled,
    Deleted,
}

impl DefinitionStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DefinitionStatus::New => "New",
            DefinitionStatus::Active => "Active",
            DefinitionStatus::Inactive => "Inactive",
            DefinitionStatus::Canceled => "Canceled",
            DefinitionStatus::Deleted => "Deleted",
        }
    }
}

/// A send waiting in an Inactive definition's queue, or being delivered.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PendingSend {
    pub(crate) email_address: String,
    pub(crate) subscriber_key: String,
    /// Attribute names and values, subscriber attributes first.
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) batch_id: i32,
}

/// A triggered send definition.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct DefinitionRecord {
    pub(crate) object_id: String,
    pub(crate) id: i32,
    pub(crate) customer_key: String,
    pub(crate) name: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) status: DefinitionStatus,
    pub(crate) is_send_logging: bool,
    pub(crate) email_id: Option<i32>,
    pub(crate) send_classification_key: Option<String>,
    /// The JobID every send of this definition shares.
    pub(crate) job_id: i32,
    pub(crate) next_batch_id: i32,
    pub(crate) queue: Vec<PendingSend>,
    pub(crate) created: i64,
    pub(crate) modified: i64,
}

/// A subscriber, added or updated by sends.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SubscriberRecord {
    pub(crate) id: i32,
    pub(crate) subscriber_key: String,
    pub(crate) email_address: String,
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) created: i64,
    /// When the subscriber was added, or a send last changed its address or attributes, in
    /// milliseconds since the epoch. It is 0 in state files written before it was recorded.
    #[serde(default)]
    pub(crate) modified: i64,
}

/// A tracking event; the properties are those of the event's retrieve.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct EventRecord {
    /// The object type, such as `SentEvent`.
    pub(crate) kind: String,
    pub(crate) values: BTreeMap<String, String>,
    pub(crate) visible_at: i64,
}

/// The rest of a retrieve's results, for its ContinueRequest.
pub(crate) struct Continuation {
    pub(crate) remaining: Vec<sfmc_partner_api::AnyApiObject>,
    pub(crate) page_size: usize,
}

/// Everything the account holds.
pub(crate) struct State {
    pub(crate) ids: Ids,
    /// The generator of profile attribute IDs. It is separate from `ids`, so that creating
    /// an attribute does not change the IDs drawn after it for other objects.
    pub(crate) attribute_ids: Ids,
    pub(crate) tokens: BTreeMap<String, IssuedToken>,
    pub(crate) profile_attributes: Vec<ProfileAttribute>,
    pub(crate) data_extensions: Vec<DataExtensionRecord>,
    pub(crate) definitions: Vec<DefinitionRecord>,
    /// The subscribers in the order they were added. Add them with
    /// [`State::add_subscriber`], which keeps the indexes below in sync.
    pub(crate) subscribers: Vec<SubscriberRecord>,
    /// The position in `subscribers` of each SubscriberKey, so that a send finds its
    /// subscriber without a scan. The state file does not contain it.
    subscriber_positions: HashMap<String, usize>,
    /// The SubscriberIDs in use, so that a new subscriber's drawn ID is checked without a
    /// scan. The state file does not contain it.
    subscriber_ids: HashSet<i32>,
    pub(crate) events: Vec<EventRecord>,
    pub(crate) continuations: BTreeMap<String, Continuation>,
    /// The ListID of the account's All Subscribers list, which send logs record.
    pub(crate) all_subscribers_list_id: i32,
    /// The cutoff, in milliseconds since the epoch, up to which the latest retrieve with
    /// `RetrieveAllSinceLastBatch` returned rows, keyed by its object type, properties and
    /// filter.
    pub(crate) last_batches: BTreeMap<String, i64>,
    /// The start of the window that the latest such retrieve covered, under the same keys,
    /// for `RepeatLastResult`.
    pub(crate) batch_starts: BTreeMap<String, i64>,
}

/// The value mixed into the seed to start the profile attribute ID generator.
const ATTRIBUTE_ID_STREAM: u64 = 0x6174_7472_6962_7574;

impl State {
    pub(crate) fn new(config: &Config) -> Self {
        let seed = config
            .seed
            .unwrap_or_else(|| crate::clock::now_millis().unsigned_abs());
        let mut ids = Ids::new(seed);
        let all_subscribers_list_id = ids.int_id(1_000);
        State {
            ids,
            attribute_ids: attribute_id_generator(seed),
            tokens: BTreeMap::new(),
            profile_attributes: Vec::new(),
            data_extensions: Vec::new(),
            definitions: Vec::new(),
            subscribers: Vec::new(),
            subscriber_positions: HashMap::new(),
            subscriber_ids: HashSet::new(),
            events: Vec::new(),
            continuations: BTreeMap::new(),
            all_subscribers_list_id,
            last_batches: BTreeMap::new(),
            batch_starts: BTreeMap::new(),
        }
    }

    /// Returns the position in `subscribers` of the subscriber with `subscriber_key`, which
    /// is compared case-sensitively.
    pub(crate) fn subscriber_position(&self, subscriber_key: &str) -> Option<usize> {
        self.subscriber_positions.get(subscriber_key).copied()
    }

    /// Returns whether a subscriber has the SubscriberID `id`.
    pub(crate) fn subscriber_id_in_use(&self, id: i32) -> bool {
        self.subscriber_ids.contains(&id)
    }

    /// Appends `record` to `subscribers` and indexes its SubscriberKey and ID. A key that
    /// is already indexed keeps its first subscriber, as a scan in order would find.
    pub(crate) fn add_subscriber(&mut self, record: SubscriberRecord) {
        self.index_subscriber(self.subscribers.len(), &record);
        self.subscribers.push(record);
    }

    /// Replaces `subscribers`, as loading a state file does, and indexes them again.
    pub(crate) fn replace_subscribers(&mut self, subscribers: Vec<SubscriberRecord>) {
        self.subscriber_positions.clear();
        self.subscriber_ids.clear();
        for (position, record) in subscribers.iter().enumerate() {
            self.index_subscriber(position, record);
        }
        self.subscribers = subscribers;
    }

    fn index_subscriber(&mut self, position: usize, record: &SubscriberRecord) {
        self.subscriber_positions
            .entry(record.subscriber_key.clone())
            .or_insert(position);
        self.subscriber_ids.insert(record.id);
    }

    /// Draws an ID for a new profile attribute, different from every attribute's ID.
    pub(crate) fn draw_attribute_id(&mut self) -> i32 {
        loop {
            let id = self.attribute_ids.int_id(10_000);
            let in_use = self
                .profile_attributes
                .iter()
                .any(|attribute| attribute.id == id);
            if !in_use {
                return id;
            }
        }
    }
}

/// Returns a profile attribute ID generator derived from `seed`, a position of the main
/// generator: its seed for a new account, or its saved position for an older state file.
pub(crate) fn attribute_id_generator(seed: u64) -> Ids {
    Ids::new(seed ^ ATTRIBUTE_ID_STREAM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_reproducible() {
        let mut first = Ids::new(7);
        let mut second = Ids::new(7);
        let guid = first.guid();
        assert_eq!(guid, second.guid());
        assert_eq!(guid.len(), 36);
        assert_eq!(guid.matches('-').count(), 4);
        assert_eq!(first.int_id(10), second.int_id(10));
    }

    fn attribute(id: i32, name: &str) -> ProfileAttribute {
        ProfileAttribute {
            id,
            object_id: String::new(),
            name: name.to_owned(),
            property_type: "string".to_owned(),
        }
    }

    #[test]
    fn attribute_ids_separate_stream() {
        let mut state = State::new(&Config::default().seed(5));
        let main_position = state.ids.state;
        assert_eq!(state.draw_attribute_id(), 48105);
        assert_eq!(state.ids.state, main_position);
    }

    #[test]
    fn attribute_id_in_use_drawn_again() {
        let mut state = State::new(&Config::default().seed(5));
        state.profile_attributes.push(attribute(48105, "UniqueID"));
        assert_eq!(state.draw_attribute_id(), 397733);
    }

    fn subscriber(id: i32, subscriber_key: &str) -> SubscriberRecord {
        SubscriberRecord {
            id,
            subscriber_key: subscriber_key.to_owned(),
            email_address: format!("{subscriber_key}@example.com"),
            attributes: BTreeMap::new(),
            created: 0,
            modified: 0,
        }
    }

    #[test]
    fn subscriber_index_follows_changes() {
        let mut state = State::new(&Config::default().seed(5));
        state.add_subscriber(subscriber(100_000_001, "a"));
        state.add_subscriber(subscriber(100_000_002, "b"));
        assert_eq!(state.subscriber_position("a"), Some(0));
        assert_eq!(state.subscriber_position("b"), Some(1));
        assert_eq!(state.subscriber_position("A"), None);
        assert!(state.subscriber_id_in_use(100_000_002));
        assert!(!state.subscriber_id_in_use(100_000_003));

        // A key listed twice keeps its first subscriber, as a scan in order finds it.
        state.replace_subscribers(vec![
            subscriber(100_000_003, "c"),
            subscriber(100_000_004, "a"),
            subscriber(100_000_005, "a"),
        ]);
        assert_eq!(state.subscriber_position("a"), Some(1));
        assert_eq!(state.subscriber_position("b"), None);
        assert_eq!(state.subscriber_position("c"), Some(0));
        assert!(!state.subscriber_id_in_use(100_000_001));
        assert!(state.subscriber_id_in_use(100_000_005));
    }
}
