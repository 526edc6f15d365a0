//! Tracking events after a send: the scenario each address follows, and the event rows it
//! produces.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::clock;
use crate::config::Config;
use crate::state::{EventRecord, State};

/// The kind of a scenario's tracking event, with the fields only that kind has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioEventKind {
    /// A `DeliveredEvent`: the receiving server accepted the message.
    Delivered,
    /// An `OpenEvent`.
    Open,
    /// A `ClickEvent` on the link `url`, whose ID in the email is `url_id`.
    Click {
        /// The link's target, written as `URL`.
        url: String,
        /// The link's ID, written as `URLID`.
        url_id: i32,
    },
    /// A `BounceEvent`. A `category` of `Hard bounce` or `Soft bounce` gives the EventType
    /// `HardBounce` or `SoftBounce`, any other category `OtherBounce`.
    Bounce {
        /// The SMTP reply code, such as `550`.
        smtp_code: String,
        /// The category, such as `Hard bounce`.
        category: String,
        /// The type, such as `immediate`.
        bounce_type: String,
        /// The SMTP reply text.
        smtp_reason: String,
    },
    /// An `UnsubEvent`.
    Unsubscribe,
    /// A `NotSentEvent`.
    NotSent,
}

/// One tracking event of a scenario: its kind, and how long after the send it happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioEvent {
    /// The event's kind and fields.
    pub kind: ScenarioEventKind,
    /// The time from the send to the event's `EventDate`.
    pub after: Duration,
}

impl ScenarioEvent {
    /// Creates an event that happens `after` the send.
    pub fn new(kind: ScenarioEventKind, after: Duration) -> Self {
        ScenarioEvent { kind, after }
    }
}

impl ScenarioEventKind {
    /// Returns the object type the event is retrieved as.
    pub(crate) fn object_type(&self) -> &'static str {
        match self {
            ScenarioEventKind::Delivered => "DeliveredEvent",
            ScenarioEventKind::Open => "OpenEvent",
            ScenarioEventKind::Click { .. } => "ClickEvent",
            ScenarioEventKind::Bounce { .. } => "BounceEvent",
            ScenarioEventKind::Unsubscribe => "UnsubEvent",
            ScenarioEventKind::NotSent => "NotSentEvent",
        }
    }

    /// Returns the value of the `EventType` enumeration the event carries.
    fn event_type(&self) -> &'static str {
        match self {
            ScenarioEventKind::Delivered => "DeliveredEvent",
            ScenarioEventKind::Open => "Open",
            ScenarioEventKind::Click { .. } => "Click",
            ScenarioEventKind::Bounce { category, .. } => {
                match category.trim().to_ascii_lowercase().as_str() {
                    "hard bounce" => "HardBounce",
                    "soft bounce" => "SoftBounce",
                    _ => "OtherBounce",
                }
            }
            ScenarioEventKind::Unsubscribe => "Unsubscribe",
            ScenarioEventKind::NotSent => "NotSent",
        }
    }

    /// Adds the fields only this kind has.
    fn insert_fields(&self, values: &mut BTreeMap<String, String>) {
        match self {
            ScenarioEventKind::Click { url, url_id } => {
                values.insert("URL".to_owned(), url.clone());
                values.insert("URLID".to_owned(), url_id.to_string());
            }
            ScenarioEventKind::Bounce {
                smtp_code,
                category,
                bounce_type,
                smtp_reason,
            } => {
                values.insert("SMTPCode".to_owned(), smtp_code.clone());
                values.insert("BounceCategory".to_owned(), category.clone());
                values.insert("BounceType".to_owned(), bounce_type.clone());
                values.insert("SMTPReason".to_owned(), smtp_reason.clone());
            }
            ScenarioEventKind::Unsubscribe => {
                values.insert("IsMasterUnsubscribed".to_owned(), "false".to_owned());
            }
            _ => {}
        }
    }
}

/// The link every click of a random scenario follows.
const RANDOM_CLICK_URL: &str = "https://www.example.com/offer";

/// Draws a scenario from the account's ID generator, so that a seeded emulator draws the
/// same scenarios in the same order.
// NOTE: the shares (6% bounces, 50% opens, 40% of opens clicked, 2% of opens
// unsubscribing) and the delays are estimates for plausible demo data, not figures the
// service publishes.
fn random_scenario(state: &mut State) -> Vec<ScenarioEvent> {
    let mut draw = |range: u64| state.ids.next_u64() % range;
    let seconds = Duration::from_secs;
    let roll = draw(100);
    if roll < 6 {
        let (code, category, reason) = if roll < 3 {
            ("550", "Hard bounce", "550 5.1.1 User unknown")
        } else {
            ("452", "Soft bounce", "452 4.2.2 Mailbox full")
        };
        let kind = ScenarioEventKind::Bounce {
            smtp_code: code.to_owned(),
            category: category.to_owned(),
            bounce_type: "immediate".to_owned(),
            smtp_reason: reason.to_owned(),
        };
        return vec![ScenarioEvent::new(kind, seconds(2 + draw(10)))];
    }

    let delivered = seconds(1 + draw(5));
    let mut events = vec![ScenarioEvent::new(ScenarioEventKind::Delivered, delivered)];
    if draw(100) >= 50 {
        return events;
    }

    let opened = delivered + seconds(30 + draw(570));
    events.push(ScenarioEvent::new(ScenarioEventKind::Open, opened));
    let follow_up = draw(100);
    if follow_up < 40 {
        let kind = ScenarioEventKind::Click {
            url: RANDOM_CLICK_URL.to_owned(),
            url_id: 1,
        };
        events.push(ScenarioEvent::new(kind, opened + seconds(5 + draw(115))));
    } else if follow_up < 42 {
        let kind = ScenarioEventKind::Unsubscribe;
        events.push(ScenarioEvent::new(kind, opened + seconds(5 + draw(115))));
    }
    events
}

/// Writes the tracking events of one send that happened at `sent_at`: the configured
/// scenario of `email_address`, else a random one when [`Config::random_scenarios`] is
/// set. `common` contains the fields every event of the send shares (SendID, BatchID, …).
pub(crate) fn record_events(
    config: &Config,
    state: &mut State,
    email_address: &str,
    common: &BTreeMap<String, String>,
    sent_at: i64,
) {
    let scenario = match config.scenarios.get(&email_address.to_ascii_lowercase()) {
        Some(events) => events.clone(),
        None if config.random_scenarios => random_scenario(state),
        None => return,
    };
    // NOTE: an event becomes retrievable `tracking_delay` after the send, even when its
    // EventDate lies later, so that scenarios spanning hours need no waiting in tests.
    let visible_at = sent_at.saturating_add(millis(config.tracking_delay));
    for event in scenario {
        let happened = sent_at.saturating_add(millis(event.after));
        let mut values = common.clone();
        values.insert("EventDate".to_owned(), clock::service_date(happened));
        values.insert("EventType".to_owned(), event.kind.event_type().to_owned());
        event.kind.insert_fields(&mut values);
        state.events.push(EventRecord {
            kind: event.kind.object_type().to_owned(),
            values,
            visible_at,
        });
    }
}

/// Converts a duration to whole milliseconds, saturating.
pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounce_event_type() {
        let bounce = |category: &str| ScenarioEventKind::Bounce {
            smtp_code: "550".to_owned(),
            category: category.to_owned(),
            bounce_type: "immediate".to_owned(),
            smtp_reason: String::new(),
        };
        assert_eq!(bounce("Hard bounce").event_type(), "HardBounce");
        assert_eq!(bounce("soft Bounce").event_type(), "SoftBounce");
        assert_eq!(bounce("Block bounce").event_type(), "OtherBounce");
    }

    #[test]
    fn random_scenario_reproducible() {
        let config = Config::default().seed(11);
        let mut first = State::new(&config);
        let mut second = State::new(&config);
        for _ in 0..20 {
            let scenario = random_scenario(&mut first);
            assert_eq!(scenario, random_scenario(&mut second));
            assert!(!scenario.is_empty());
        }
    }
}
