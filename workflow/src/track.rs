//! `track`: the send log rows of a UniqueID, then each row's tracking events.

use std::cmp::Ordering;
use std::time::Duration;

use sfmc_partner_api::{AnyApiObject, TriggeredSendStatusEnum, filter, rows};
use sfmc_runtime::client::Client;
use sfmc_runtime::values::{DateTime, SERVICE_OFFSET};

use crate::error::{Failure, FailureKind};
use crate::{Objects, retrieve, send, setup};

/// A tracking event type that `--events` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// `SentEvent`.
    Sent,
    /// `DeliveredEvent`.
    Delivered,
    /// `OpenEvent`.
    Open,
    /// `ClickEvent`.
    Click,
    /// `BounceEvent`.
    Bounce,
    /// `UnsubEvent`.
    Unsub,
    /// `NotSentEvent`.
    NotSent,
}

impl EventKind {
    /// Every event type, in the order of the `--events` help.
    pub const ALL: [EventKind; 7] = [
        EventKind::Sent,
        EventKind::Open,
        EventKind::Click,
        EventKind::Bounce,
        EventKind::Unsub,
        EventKind::NotSent,
        EventKind::Delivered,
    ];

    /// Returns the name `--events` and the output use, such as `notsent`.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Sent => "sent",
            EventKind::Delivered => "delivered",
            EventKind::Open => "open",
            EventKind::Click => "click",
            EventKind::Bounce => "bounce",
            EventKind::Unsub => "unsub",
            EventKind::NotSent => "notsent",
        }
    }

    /// Returns the Retrieve object type, such as `NotSentEvent`.
    pub fn object_type(self) -> &'static str {
        match self {
            EventKind::Sent => "SentEvent",
            EventKind::Delivered => "DeliveredEvent",
            EventKind::Open => "OpenEvent",
            EventKind::Click => "ClickEvent",
            EventKind::Bounce => "BounceEvent",
            EventKind::Unsub => "UnsubEvent",
            EventKind::NotSent => "NotSentEvent",
        }
    }

    /// Returns the properties a Retrieve of this event type requests: the
    /// [`EVENT_PROPERTIES`] every type shares, then the type's own detail properties.
    pub(crate) fn properties(self) -> Vec<&'static str> {
        let own: &[&str] = match self {
            EventKind::Click => &["URL", "URLID"],
            EventKind::Bounce => &["SMTPCode", "BounceCategory", "BounceType", "SMTPReason"],
            _ => &[],
        };
        EVENT_PROPERTIES.iter().chain(own).copied().collect()
    }

    /// Parses a comma-separated list such as `sent,open` or `all`.
    ///
    /// # Errors
    /// Returns the message for an unknown name.
    pub fn parse_list(text: &str) -> Result<Vec<EventKind>, String> {
        let mut kinds = Vec::new();
        for name in text
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            if name.eq_ignore_ascii_case("all") {
                return Ok(EventKind::ALL.to_vec());
            }
            let Some(kind) = EventKind::ALL
                .into_iter()
                .find(|kind| kind.name().eq_ignore_ascii_case(name))
            else {
                let known: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.name()).collect();
                return Err(format!(
                    "unknown event type `{name}`: use {} or all",
                    known.join(", ")
                ));
            };
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        if kinds.is_empty() {
            return Err("no event type given: use a list such as sent,open or all".to_owned());
        }
        Ok(kinds)
    }
}

/// The parameters of one tracking lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The UniqueID the send carried.
    pub unique_id: String,
    /// The event types to retrieve.
    pub events: Vec<EventKind>,
    /// How long to poll for the send log row; zero looks once.
    pub wait: Duration,
    /// The send log's subscriber column; detected from the log's fields when `None`.
    pub subscriber_column: Option<String>,
}

/// One send log row: one send of the UniqueID.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogRow {
    /// The JobID, which tracking events call SendID.
    pub job_id: String,
    /// The BatchID.
    pub batch_id: String,
    /// The SubscriberID (or SubID).
    pub subscriber_id: String,
}

/// One tracking event of a send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The UniqueID of the send.
    pub unique_id: String,
    /// The event type.
    pub kind: EventKind,
    /// The EventDate as the service wrote it, without an offset.
    pub date: Option<DateTime>,
    /// The send log row the event belongs to.
    pub row: LogRow,
    /// The SubscriberKey.
    pub subscriber_key: Option<String>,
    /// The service's EventType, such as `Sent`.
    pub event_type: Option<String>,
    /// The TriggeredSendDefinitionObjectID.
    pub definition_object_id: Option<String>,
    /// The fields only a ClickEvent or a BounceEvent has; empty for other types.
    pub detail: Detail,
}

/// The fields of an event that only its type has. Every field is `None` for an event
/// type without it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Detail {
    /// The clicked link's target (`URL` of a ClickEvent).
    pub url: Option<String>,
    /// The clicked link's ID in the email (`URLID` of a ClickEvent).
    pub url_id: Option<i32>,
    /// The SMTP reply code, such as `550` (`SMTPCode` of a BounceEvent).
    pub smtp_code: Option<String>,
    /// The bounce category, such as `Hard bounce` (`BounceCategory` of a BounceEvent).
    pub bounce_category: Option<String>,
    /// The bounce type, such as `immediate` (`BounceType` of a BounceEvent).
    pub bounce_type: Option<String>,
    /// The SMTP reply text (`SMTPReason` of a BounceEvent).
    pub smtp_reason: Option<String>,
}

/// The send log rows and the events of one UniqueID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tracking {
    /// The UniqueID.
    pub unique_id: String,
    /// Every send log row, by JobID and BatchID.
    pub rows: Vec<LogRow>,
    /// Every event, in time order.
    pub events: Vec<Event>,
}

/// The properties retrieved for every event type; [`EventKind::properties`] adds those
/// of one type.
pub(crate) const EVENT_PROPERTIES: [&str; 6] = [
    "SendID",
    "BatchID",
    "SubscriberKey",
    "EventDate",
    "EventType",
    "TriggeredSendDefinitionObjectID",
];

/// The first pause between two looks at the send log, doubled after each until
/// [`MAX_POLL_INTERVAL`].
const FIRST_POLL_INTERVAL: Duration = Duration::from_millis(250);
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(15);

/// Finds the send log rows of the UniqueID, polling until `request.wait` ends, and
/// retrieves each row's events. `progress` receives a line before each pause.
///
/// # Errors
/// - A usage failure when the send log lacks the UniqueID or subscriber column.
/// - A [`FailureKind::NotFoundYet`] failure when no row appears within the wait.
/// - A service failure when a Retrieve fails, naming the event type.
pub async fn run(
    client: &Client,
    objects: &Objects,
    request: &Request,
    progress: &mut dyn FnMut(&str),
) -> Result<Tracking, Failure> {
    let column =
        send_log_subscriber_column(client, objects, request.subscriber_column.as_deref()).await?;
    let rows = wait_for_rows(client, objects, request, &column, progress).await?;
    let mut events = Vec::new();
    for row in &rows {
        for kind in &request.events {
            events.extend(row_events(client, &request.unique_id, row, *kind).await?);
        }
    }
    events.sort_by(compare_events);
    Ok(Tracking {
        unique_id: request.unique_id.clone(),
        rows,
        events,
    })
}

/// Orders events by instant, reading offset-less dates as the service's UTC−06:00; events
/// without a date come last.
pub(crate) fn compare_events(left: &Event, right: &Event) -> Ordering {
    let by_date = match (&left.date, &right.date) {
        (Some(left), Some(right)) => left.cmp_instant(right, SERVICE_OFFSET),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_date
        .then_with(|| left.row.cmp(&right.row))
        .then_with(|| left.kind.cmp(&right.kind))
}

/// Checks that the send log has the UniqueID column, and returns its subscriber column:
/// `requested` when given, else `SubscriberID` or `SubID`, whichever the send log has.
///
/// # Errors
/// A usage failure when the send log does not exist or lacks either column, and a service
/// failure when the Retrieve fails.
pub async fn send_log_subscriber_column(
    client: &Client,
    objects: &Objects,
    requested: Option<&str>,
) -> Result<String, Failure> {
    let step = "track: send log columns";
    let fields = retrieve::all(
        client,
        "DataExtensionField",
        &["Name"],
        Some(filter::equals(
            "DataExtension.CustomerKey",
            &objects.send_log_key,
        )),
    )
    .await
    .map_err(|error| Failure::service(step, "cannot retrieve the send log's columns", error))?;
    let columns: Vec<String> = fields
        .into_iter()
        .filter_map(|field| match field {
            AnyApiObject::DataExtensionField(field) => field.name,
            _ => None,
        })
        .collect();
    if columns.is_empty() {
        return Err(Failure::usage(
            step,
            format!("the send log {} does not exist", objects.send_log_key),
        )
        .hint("run `sfmc-track setup`, or set --send-log-key to the send log's CustomerKey"));
    }
    if !columns
        .iter()
        .any(|name| name.eq_ignore_ascii_case(&objects.attribute))
    {
        return Err(Failure::usage(
            step,
            format!(
                "the send log {} has no {} field, so sends cannot be found by it",
                objects.send_log_key, objects.attribute
            ),
        )
        .hint("run `sfmc-track setup` to add the column; sends before that cannot be tracked"));
    }
    if let Some(column) = requested {
        return Ok(column.to_owned());
    }
    setup::subscriber_column(&columns).ok_or_else(|| {
        Failure::usage(
            step,
            format!(
                "the send log {} has neither a SubscriberID nor a SubID column",
                objects.send_log_key
            ),
        )
        .hint("name the column with --subscriber-column")
    })
}

/// Looks the UniqueID up in the send log until a row appears or the wait ends.
///
/// After each lookup that finds nothing, the definition's status is checked too, until it
/// is seen not paused. A paused definition explains a missing row, because the service
/// writes the row only when it sends, and sends the queued sends only after a restart.
async fn wait_for_rows(
    client: &Client,
    objects: &Objects,
    request: &Request,
    column: &str,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<LogRow>, Failure> {
    let started = tokio::time::Instant::now();
    let deadline = started + request.wait;
    let mut pause = FIRST_POLL_INTERVAL;
    let mut paused = None;
    loop {
        let rows = find_rows(client, objects, &request.unique_id, column).await?;
        if !rows.is_empty() {
            return Ok(rows);
        }
        if paused != Some(false) {
            paused = Some(definition_paused(client, objects).await);
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            break;
        }
        let left = deadline - now;
        let note = if paused == Some(true) {
            format!(
                "; the triggered send definition {} is paused, so its sends wait in a queue \
                 until it is started",
                objects.definition_key
            )
        } else {
            String::new()
        };
        progress(&format!(
            "waiting for the send log row of {} ({} s left){note}",
            request.unique_id,
            left.as_secs()
        ));
        tokio::time::sleep(pause.min(left)).await;
        pause = (pause * 2).min(MAX_POLL_INTERVAL);
    }
    let waited = if request.wait.is_zero() {
        String::new()
    } else {
        format!(" within {}", format_duration(request.wait))
    };
    let hint = if paused == Some(true) {
        format!(
            "the triggered send definition {} is paused (status Inactive), and the service \
             sends the sends queued on it only once it is started: run `sfmc-track setup` to \
             start it, then track again with --wait",
            objects.definition_key
        )
    } else {
        format!(
            "the row appears once the service has processed the send: wait longer with \
             --wait. If it never appears, check that the profile attribute {} exists \
             (run `sfmc-track setup`), because the service drops unknown attributes without \
             an error",
            objects.attribute
        )
    };
    Err(Failure {
        kind: FailureKind::NotFoundYet,
        step: "track: send log lookup".to_owned(),
        message: format!(
            "the send log {} has no row with {} {}{waited}",
            objects.send_log_name, objects.attribute, request.unique_id
        ),
        cause: None,
        hint: Some(hint),
    })
}

/// Returns whether the triggered send definition is Inactive (paused). The status only
/// adds a note to the wait, so a failed Retrieve of it counts as not paused rather than
/// failing the lookup.
async fn definition_paused(client: &Client, objects: &Objects) -> bool {
    matches!(
        send::definition_status(client, objects).await,
        Ok(Some(TriggeredSendStatusEnum::Inactive))
    )
}

/// Returns every send log row of `unique_id`, sorted and without duplicates.
async fn find_rows(
    client: &Client,
    objects: &Objects,
    unique_id: &str,
    column: &str,
) -> Result<Vec<LogRow>, Failure> {
    let found = retrieve::all(
        client,
        &rows::object_type(&objects.send_log_name),
        &["JobID", "BatchID", column],
        Some(filter::equals(&objects.attribute, unique_id)),
    )
    .await
    .map_err(|error| {
        Failure::service(
            "track: send log lookup",
            format!("cannot retrieve the send log rows of {unique_id}"),
            error,
        )
    })?;
    let mut rows: Vec<LogRow> = found
        .iter()
        .map(|object| LogRow {
            job_id: retrieve::row_value(object, "JobID").unwrap_or_default(),
            batch_id: retrieve::row_value(object, "BatchID").unwrap_or_default(),
            subscriber_id: retrieve::row_value(object, column).unwrap_or_default(),
        })
        .collect();
    rows.sort_by(|left, right| numeric_key(left).cmp(&numeric_key(right)));
    rows.dedup();
    Ok(rows)
}

fn numeric_key(row: &LogRow) -> (u64, u64, u64, &LogRow) {
    let number = |text: &str| text.trim().parse::<u64>().unwrap_or(u64::MAX);
    (
        number(&row.job_id),
        number(&row.batch_id),
        number(&row.subscriber_id),
        row,
    )
}

/// Retrieves one event type of one send, with a nested AND filter on SendID, BatchID and
/// SubscriberID.
async fn row_events(
    client: &Client,
    unique_id: &str,
    row: &LogRow,
    kind: EventKind,
) -> Result<Vec<Event>, Failure> {
    // `filter::all` nests to the right, so `AdditionalOperands`, which the service's
    // reference calls reserved, is never sent.
    let filter = filter::all([
        filter::equals("SendID", &row.job_id),
        filter::equals("BatchID", &row.batch_id),
        filter::equals("SubscriberID", &row.subscriber_id),
    ]);
    let found = retrieve::all(client, kind.object_type(), &kind.properties(), filter)
        .await
        .map_err(|error| {
            Failure::service(
                "track: events",
                format!(
                    "cannot retrieve {} for JobID {}, BatchID {}, SubscriberID {}",
                    kind.object_type(),
                    row.job_id,
                    row.batch_id,
                    row.subscriber_id
                ),
                error,
            )
            .hint(format!(
                "the account may not allow retrieving {}: leave it out with --events",
                kind.object_type()
            ))
        })?;
    Ok(found
        .iter()
        .filter_map(|object| event(unique_id, row, kind, object))
        .collect())
}

/// The fields every tracking event type shares, and the SubscriberID the schema lacks.
struct TrackingFields {
    send_id: Option<i32>,
    batch_id: Option<i32>,
    subscriber_id: Option<String>,
    date: Option<DateTime>,
    subscriber_key: Option<String>,
    event_type: Option<String>,
    definition_object_id: Option<String>,
    detail: Detail,
}

/// Reads [`TrackingFields`] from the tracking event variants of `AnyApiObject`.
macro_rules! tracking_fields {
    ($object:expr, $($variant:ident),+) => {
        match $object {
            $(AnyApiObject::$variant(event) => Some(TrackingFields {
                send_id: event.send_id,
                batch_id: event.batch_id,
                subscriber_id: extra_text(&event.extra, "SubscriberID"),
                date: event.event_date.clone(),
                subscriber_key: event.subscriber_key.clone(),
                event_type: event.event_type.as_ref().map(|kind| kind.as_str().to_owned()),
                definition_object_id: event.triggered_send_definition_object_id.clone(),
                detail: Detail::default(),
            }),)+
            _ => None,
        }
    };
}

fn tracking(object: &AnyApiObject) -> Option<TrackingFields> {
    let mut fields = tracking_fields!(
        object,
        SentEvent,
        OpenEvent,
        ClickEvent,
        BounceEvent,
        UnsubEvent,
        NotSentEvent,
        DeliveredEvent
    )?;
    fields.detail = detail(object);
    Some(fields)
}

/// Reads the fields of a ClickEvent or a BounceEvent that other event types lack.
fn detail(object: &AnyApiObject) -> Detail {
    match object {
        AnyApiObject::ClickEvent(click) => Detail {
            url: click.url.clone(),
            url_id: click.urlid,
            ..Detail::default()
        },
        AnyApiObject::BounceEvent(bounce) => Detail {
            smtp_code: bounce.smtp_code.clone(),
            bounce_category: bounce.bounce_category.clone(),
            bounce_type: bounce.bounce_type.clone(),
            smtp_reason: bounce.smtp_reason.clone(),
            ..Detail::default()
        },
        _ => Detail::default(),
    }
}

fn event(unique_id: &str, row: &LogRow, kind: EventKind, object: &AnyApiObject) -> Option<Event> {
    let fields = tracking(object)?;
    Some(Event {
        unique_id: unique_id.to_owned(),
        kind,
        date: fields.date,
        row: row.clone(),
        subscriber_key: fields.subscriber_key,
        event_type: fields.event_type,
        definition_object_id: fields.definition_object_id,
        detail: fields.detail,
    })
}

/// Reads an event with its send log row taken from its own SendID, BatchID and
/// SubscriberID, and an empty UniqueID; `None` for another object or a missing field.
pub(crate) fn event_with_row(object: &AnyApiObject, kind: EventKind) -> Option<Event> {
    let fields = tracking(object)?;
    let row = LogRow {
        job_id: fields.send_id?.to_string(),
        batch_id: fields.batch_id?.to_string(),
        subscriber_id: fields.subscriber_id?,
    };
    Some(Event {
        unique_id: String::new(),
        kind,
        date: fields.date,
        row,
        subscriber_key: fields.subscriber_key,
        event_type: fields.event_type,
        definition_object_id: fields.definition_object_id,
        detail: fields.detail,
    })
}

/// Returns the text of an element the schema does not declare, such as the SubscriberID of
/// a tracking event.
fn extra_text(extra: &sfmc_runtime::xml::Extra, name: &str) -> Option<String> {
    let element = extra
        .elements
        .iter()
        .find(|element| element.name.name == name)?;
    let start = element.xml.find('>')? + 1;
    let end = element.xml.rfind('<')?;
    let text = element.xml.get(start..end)?;
    Some(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// The maximum duration [`parse_duration`] accepts: a year, far beyond any wait for a send
/// log row, and short enough that adding it to the current time cannot overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// Parses a duration such as `500ms`, `90s`, `5m` or `1h`. A number without a unit, such as
/// `90`, is seconds.
///
/// # Errors
/// Returns the message for text that is not such a duration, or one longer than
/// [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let invalid = || {
        format!(
            "invalid duration `{text}`: use a number with ms, s, m or h, such as 90s or 5m \
             (a number without a unit is seconds)"
        )
    };
    let amount: u64 = digits.parse().map_err(|_| invalid())?;
    let duration = match unit {
        "ms" => Duration::from_millis(amount),
        "" | "s" => Duration::from_secs(amount),
        "m" => Duration::from_secs(amount.saturating_mul(60)),
        "h" => Duration::from_secs(amount.saturating_mul(3600)),
        _ => return Err(invalid()),
    };
    if duration > MAX_DURATION {
        return Err(format!(
            "invalid duration `{text}`: use at most {}h (365 days)",
            MAX_DURATION.as_secs() / 3600
        ));
    }
    Ok(duration)
}

/// Formats a duration the way [`parse_duration`] reads it.
pub fn format_duration(duration: Duration) -> String {
    if duration.subsec_millis() != 0 {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{}s", duration.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_list_parsing() {
        assert_eq!(
            EventKind::parse_list("sent, open,sent"),
            Ok(vec![EventKind::Sent, EventKind::Open])
        );
        assert_eq!(EventKind::parse_list("all"), Ok(EventKind::ALL.to_vec()));
        assert_eq!(
            EventKind::parse_list("sent,opened"),
            Err("unknown event type `opened`: use sent, open, click, bounce, unsub, notsent, delivered or all".to_owned())
        );
    }

    #[test]
    fn duration_parsing() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(
            parse_duration("5 min"),
            Err(
                "invalid duration `5 min`: use a number with ms, s, m or h, such as 90s or 5m \
                 (a number without a unit is seconds)"
                    .to_owned()
            )
        );
        assert_eq!(parse_duration("8760h"), Ok(MAX_DURATION));
        assert_eq!(
            parse_duration("8761h"),
            Err("invalid duration `8761h`: use at most 8760h (365 days)".to_owned())
        );
        assert_eq!(
            parse_duration("18446744073709551615"),
            Err("invalid duration `18446744073709551615`: use at most 8760h (365 days)".to_owned())
        );
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format_duration(Duration::from_secs(30)), "30s");
    }

    #[test]
    fn events_sort_by_instant() {
        let row = LogRow {
            job_id: "1".to_owned(),
            batch_id: "1".to_owned(),
            subscriber_id: "1".to_owned(),
        };
        let at = |kind, date: &str| Event {
            unique_id: "u".to_owned(),
            kind,
            date: Some(date.parse().unwrap()),
            row: row.clone(),
            subscriber_key: None,
            event_type: None,
            definition_object_id: None,
            detail: Detail::default(),
        };
        let mut events = [
            at(EventKind::Click, "2026-01-01T10:00:00.5"),
            // 15:30 UTC is 09:30 at −06:00, before the offset-less 10:00.
            at(EventKind::Open, "2026-01-01T15:30:00Z"),
            at(EventKind::Sent, "2026-01-01T09:00:00"),
        ];
        events.sort_by(compare_events);
        let kinds: Vec<EventKind> = events.iter().map(|event| event.kind).collect();
        assert_eq!(kinds, [EventKind::Sent, EventKind::Open, EventKind::Click]);
    }
}
