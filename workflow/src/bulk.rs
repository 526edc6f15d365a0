//! `track --unique-ids FILE`: tracking many UniqueIDs with a few calls per batch of IDs.
//!
//! Every send of one triggered send definition shares the definition's JobID. So each batch
//! of IDs costs one send log lookup with `IN` (plus its further pages), then one Retrieve
//! per JobID and event type with the batch's SubscriberIDs in an `IN` filter. The events are
//! joined to the IDs locally on JobID, BatchID and SubscriberID.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::{
    AnyApiObject, AnyFilterPart, RetrieveRequest, RetrieveRequestMsg, filter, rows,
};
use sfmc_runtime::client::{Client, Error};

use crate::error::Failure;
use crate::track::{self, Event, EventKind, LogRow};
use crate::{Objects, retrieve};

/// The IDs of one send log lookup, unless set. The service publishes no limit on the values
/// of an `IN` filter, so this is an estimate that keeps each request small.
pub const DEFAULT_BATCH_SIZE: usize = 500;

/// The calls in flight, unless set.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The maximum of batches in flight: Salesforce advises 20 or fewer synchronous threads.
pub const MAX_CONCURRENCY: usize = 20;

/// The settings of a bulk run.
#[derive(Clone, Debug)]
pub struct Request {
    /// The event types to retrieve.
    pub events: Vec<EventKind>,
    /// The send log's subscriber column, `SubscriberID` or `SubID`.
    pub subscriber_column: String,
    /// The IDs per send log lookup.
    pub batch_size: usize,
    /// The batches in flight at once, from 1 to [`MAX_CONCURRENCY`].
    pub concurrency: usize,
}

/// One line of bulk output: an event, or an ID that has no send log row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// A tracking event of one of the ID's sends, boxed because it is much larger than an ID.
    Event(Box<Event>),
    /// The send log has no row with this UniqueID.
    NotFound(String),
}

/// The counts of a bulk run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The IDs read.
    pub ids: u64,
    /// The IDs with at least one send log row.
    pub found: u64,
    /// The IDs without a send log row.
    pub not_found: u64,
    /// The Retrieve calls sent, one per page.
    pub calls: u64,
}

/// Reads UniqueIDs from `input`: one per line, or a CSV file whose header has a column named
/// like `attribute` (compared without case). A first line that is only the attribute's name
/// is the header of a one-column CSV file. Blank lines and a UTF-8 byte order mark are
/// skipped. Messages refer to the input as `the input`, and [`read_named_ids`] takes a name
/// for it.
///
/// The iterator ends after the first failure, so that a reader that fails on every call
/// cannot make it run forever.
///
/// # Errors
/// A usage failure naming the input and line when a line cannot be read or is not UTF-8,
/// or when a CSV header lacks the column.
pub fn read_ids<'a>(
    input: impl BufRead + 'a,
    attribute: &'a str,
) -> impl Iterator<Item = Result<String, Failure>> + 'a {
    read_named_ids(input, "the input", attribute)
}

/// Reads UniqueIDs from `input` as [`read_ids`] does, with `name`, such as the file's path,
/// naming the input in messages.
///
/// # Errors
/// As [`read_ids`], naming the input `name`.
pub fn read_named_ids<'a>(
    input: impl BufRead + 'a,
    name: &'a str,
    attribute: &'a str,
) -> impl Iterator<Item = Result<String, Failure>> + 'a {
    let step = "track: reading IDs";
    let mut column: Option<Option<usize>> = None;
    let ids = input.lines().enumerate().filter_map(move |(index, line)| {
        let number = index + 1;
        let mut line = match line {
            Ok(line) => line,
            Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
                return Some(Err(Failure::usage(
                    step,
                    format!("line {number} of {name} is not valid UTF-8"),
                )
                .hint("save the file as UTF-8")));
            }
            Err(error) => {
                return Some(Err(Failure::usage(
                    step,
                    format!("cannot read line {number} of {name}: {error}"),
                )));
            }
        };
        if index == 0 {
            if let Some(rest) = line.strip_prefix('\u{feff}') {
                line = rest.to_owned();
            }
        }
        if line.trim().is_empty() {
            return None;
        }
        let position = match column {
            Some(position) => position,
            None => {
                let header = csv_fields(&line);
                let found = header
                    .iter()
                    .position(|field| field.trim().eq_ignore_ascii_case(attribute));
                if found.is_none() && line.contains(',') {
                    return Some(Err(Failure::usage(
                        step,
                        format!("the CSV header of {name} has no column named {attribute}"),
                    )
                    .hint("name the column after the attribute, or give one ID per line")));
                }
                column = Some(found);
                if found.is_some() {
                    // The header names the column and is not an ID.
                    return None;
                }
                // A first line that is not a header is the first ID of a plain list.
                None
            }
        };
        let id = match position {
            Some(position) => csv_fields(&line).get(position).cloned().unwrap_or_default(),
            None => line,
        };
        let id = id.trim().to_owned();
        (!id.is_empty()).then_some(Ok(id))
    });
    ids.scan(false, |failed, id| {
        if *failed {
            return None;
        }
        *failed = id.is_err();
        Some(id)
    })
}

/// Splits one CSV line into fields, with `"` quoting and `""` for a quote inside.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Tracks every ID of `ids` in batches, with up to `request.concurrency` batches in flight,
/// and passes each batch's records to `write` in input order as soon as they are complete.
/// `progress` receives the number of IDs done after each batch.
///
/// # Errors
/// The first failure of a batch, of reading the IDs or of `write`. The records of the
/// batches before it have been written.
pub async fn run(
    client: &Client,
    objects: &Objects,
    request: &Request,
    ids: impl Iterator<Item = Result<String, Failure>>,
    write: &mut dyn FnMut(&[Record]) -> Result<(), Failure>,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary, Failure> {
    let calls = Arc::new(AtomicU64::new(0));
    let shared = Arc::new((objects.clone(), request.clone()));
    let concurrency = request.concurrency.clamp(1, MAX_CONCURRENCY);
    let batch_size = request.batch_size.max(1);
    let mut in_flight = VecDeque::new();
    let mut summary = Summary::default();
    let mut ids = ids.peekable();

    loop {
        while in_flight.len() < concurrency && ids.peek().is_some() {
            let mut batch = Vec::with_capacity(batch_size);
            for id in ids.by_ref().take(batch_size) {
                batch.push(id?);
            }
            let task_client = client.clone();
            let task_shared = Arc::clone(&shared);
            let task_calls = Arc::clone(&calls);
            in_flight.push_back(tokio::spawn(async move {
                let (objects, request) = &*task_shared;
                track_batch(&task_client, objects, request, batch, &task_calls).await
            }));
        }
        let Some(task) = in_flight.pop_front() else {
            break;
        };
        let (records, counts) = task
            .await
            .map_err(|error| Failure::usage("track", format!("a batch task failed: {error}")))??;
        summary.ids += counts.ids;
        summary.found += counts.found;
        summary.not_found += counts.not_found;
        write(&records)?;
        progress(summary.ids);
    }
    summary.calls = calls.load(Ordering::Relaxed);
    Ok(summary)
}

/// Retrieves every page, counting each as a call.
async fn retrieve_counted(
    client: &Client,
    object_type: &str,
    properties: &[&str],
    filter: AnyFilterPart,
    calls: &AtomicU64,
) -> Result<Vec<AnyApiObject>, Error> {
    let request = RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: object_type.to_owned(),
            properties: properties.iter().map(|name| (*name).to_owned()).collect(),
            filter: Some(filter),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut pages = client.retrieve_all(request);
    let mut objects = Vec::new();
    let result = loop {
        match pages.next_page().await {
            Ok(Some(page)) => objects.extend(page),
            Ok(None) => break Ok(objects),
            Err(error) => break Err(error),
        }
    };
    // NOTE: a page that failed, and the pager's retries, are not counted.
    calls.fetch_add(pages.pages() as u64, Ordering::Relaxed);
    result
}

/// Tracks one batch and returns its records in input order with its counts.
async fn track_batch(
    client: &Client,
    objects: &Objects,
    request: &Request,
    ids: Vec<String>,
    calls: &AtomicU64,
) -> Result<(Vec<Record>, Summary), Failure> {
    let column = request.subscriber_column.as_str();
    let found = retrieve_counted(
        client,
        &rows::object_type(&objects.send_log_name),
        &[&objects.attribute, "JobID", "BatchID", column],
        filter::is_in(&objects.attribute, ids.iter().cloned()),
        calls,
    )
    .await
    .map_err(|error| {
        Failure::service(
            "track: send log lookup",
            format!("cannot look up a batch of {} IDs", ids.len()),
            error,
        )
    })?;

    // The rows of each ID, and the IDs of each row.
    let mut rows_of: BTreeMap<String, BTreeSet<LogRow>> = BTreeMap::new();
    let mut ids_of: BTreeMap<LogRow, BTreeSet<String>> = BTreeMap::new();
    for object in &found {
        let value = |name: &str| retrieve::row_value(object, name).unwrap_or_default();
        let row = LogRow {
            job_id: value("JobID"),
            batch_id: value("BatchID"),
            subscriber_id: value(column),
        };
        let id = value(&objects.attribute);
        rows_of.entry(id.clone()).or_default().insert(row.clone());
        ids_of.entry(row).or_default().insert(id);
    }

    let mut subscribers_of_job: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for row in ids_of.keys() {
        subscribers_of_job
            .entry(&row.job_id)
            .or_default()
            .insert(&row.subscriber_id);
    }
    let mut events_of: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for (job_id, subscribers) in &subscribers_of_job {
        for kind in &request.events {
            let events = job_events(client, job_id, subscribers, *kind, calls).await?;
            for event in events {
                for id in ids_of.get(&event.row).into_iter().flatten() {
                    let mut event = event.clone();
                    event.unique_id.clone_from(id);
                    events_of.entry(id.clone()).or_default().push(event);
                }
            }
        }
    }

    let mut records = Vec::new();
    let mut counts = Summary::default();
    for id in ids {
        counts.ids += 1;
        if !rows_of.contains_key(&id) {
            counts.not_found += 1;
            records.push(Record::NotFound(id));
            continue;
        }
        counts.found += 1;
        let mut events = events_of.get(&id).cloned().unwrap_or_default();
        events.sort_by(track::compare_events);
        records.extend(
            events
                .into_iter()
                .map(|event| Record::Event(Box::new(event))),
        );
    }
    Ok((records, counts))
}

/// Retrieves one event type of one JobID for the given SubscriberIDs.
async fn job_events(
    client: &Client,
    job_id: &str,
    subscribers: &BTreeSet<&str>,
    kind: EventKind,
    calls: &AtomicU64,
) -> Result<Vec<Event>, Failure> {
    let filter = filter::equals("SendID", job_id).and(filter::is_in(
        "SubscriberID",
        subscribers.iter().map(|id| (*id).to_owned()),
    ));
    let mut properties = kind.properties();
    // NOTE: SubscriberID is not an element of the WSDL's TrackingEvent. It arrives as an
    // undeclared element, and whether the service returns it for event types other than
    // SentEvent is not confirmed.
    properties.push("SubscriberID");
    let found = retrieve_counted(client, kind.object_type(), &properties, filter, calls)
        .await
        .map_err(|error| {
            Failure::service(
                "track: events",
                format!("cannot retrieve {} for JobID {job_id}", kind.object_type()),
                error,
            )
            .hint(format!(
                "the account may not allow retrieving {}: leave it out with --events",
                kind.object_type()
            ))
        })?;
    Ok(found
        .iter()
        .filter_map(|object| track::event_with_row(object, kind))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        read_ids(text.as_bytes(), "UniqueID")
            .map(|id| id.map_err(|failure| failure.to_string()))
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn read_ids_plain_lines() {
        assert_eq!(ids("a\n\n b \nc"), ["a", "b", "c"]);
    }

    #[test]
    fn read_ids_csv_column() {
        let text = "Name,uniqueid\n\"Doe, Jane\",x-1\n\"Say \"\"hi\"\"\",x-2\nNo ID,\n";
        assert_eq!(ids(text), ["x-1", "x-2"]);
    }

    #[test]
    fn read_ids_csv_without_column() {
        let results: Vec<_> = read_named_ids("Name,Email\na,b\n".as_bytes(), "ids.csv", "UniqueID")
            .map(|id| id.map_err(|failure| failure.to_string()))
            .collect();
        assert_eq!(
            results,
            [Err(
                "track: reading IDs failed: the CSV header of ids.csv has no column named UniqueID\n  \
                 hint: name the column after the attribute, or give one ID per line"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn read_ids_one_column_csv() {
        assert_eq!(ids("UniqueID\nx-1\n\"x-2\"\n"), ["x-1", "x-2"]);
        assert_eq!(ids("\u{feff}uniqueid\r\nx-1\r\n"), ["x-1"]);
        assert_eq!(ids("\u{feff}x-1\nx-2\n"), ["x-1", "x-2"]);
    }

    /// A reader that fails on every call, as reading a directory does.
    struct Failing;

    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("always fails"))
        }
    }

    #[test]
    fn read_ids_stops_at_first_error() {
        let input = std::io::BufReader::new(Failing);
        let results: Vec<_> = read_named_ids(input, "ids.txt", "UniqueID")
            .take(3)
            .map(|id| id.map_err(|failure| failure.to_string()))
            .collect();
        assert_eq!(
            results,
            [Err(
                "track: reading IDs failed: cannot read line 1 of ids.txt: always fails".to_owned()
            )]
        );
    }

    #[test]
    fn read_ids_names_invalid_utf8_line() {
        let input: &[u8] = b"a\nb\xff\nc\n";
        let results: Vec<_> = read_named_ids(input, "ids.txt", "UniqueID")
            .map(|id| id.map_err(|failure| failure.to_string()))
            .collect();
        assert_eq!(
            results,
            [
                Ok("a".to_owned()),
                Err(
                    "track: reading IDs failed: line 2 of ids.txt is not valid UTF-8\n  \
                     hint: save the file as UTF-8"
                        .to_owned()
                )
            ]
        );
    }

    #[test]
    fn csv_fields_quotes() {
        assert_eq!(
            csv_fields(r#"a,"b,c","d""e",,"#),
            ["a", "b,c", "d\"e", "", ""]
        );
    }
}
