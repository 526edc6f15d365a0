//! Retrieve filters: checking them against an object type's properties, and matching rows.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

use sfmc_partner_api::{AnyFilterPart, LogicalOperators, SimpleFilterPart, SimpleOperators};

use crate::clock;
use crate::envelope::Fault;
use crate::objects::PARTNER_NAMESPACE;

/// The value type of a property, which decides how filters compare it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Integer,
    Date,
    Boolean,
}

/// A property of an object type, with its retrieve flags.
#[derive(Clone, Debug)]
pub(crate) struct Property {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) filterable: bool,
}

/// Rejects, as a fault, a filter the schema reads but the service's deserializer rejects.
pub(crate) fn check_schema(filter: &AnyFilterPart, element: &str) -> Result<(), Fault> {
    match filter {
        AnyFilterPart::SimpleFilterPart(simple) => {
            if let SimpleOperators::Unknown(value) = &simple.simple_operator {
                return Err(Fault::unreadable(format!(
                    "Instance validation error: '{value}' is not a valid value for SimpleOperators."
                )));
            }
            Ok(())
        }
        AnyFilterPart::ComplexFilterPart(complex) => {
            if let LogicalOperators::Unknown(value) = &complex.logical_operator {
                return Err(Fault::unreadable(format!(
                    "Instance validation error: '{value}' is not a valid value for LogicalOperators."
                )));
            }
            check_schema(&complex.left_operand, "LeftOperand")?;
            if let Some(right) = &complex.right_operand {
                check_schema(right, "RightOperand")?;
            }
            for operand in complex
                .additional_operands
                .iter()
                .flat_map(|list| &list.operand)
            {
                check_schema(operand, "Operand")?;
            }
            Ok(())
        }
        AnyFilterPart::Unknown(unknown) => {
            let (name, namespace) =
                unknown
                    .type_name
                    .as_ref()
                    .map_or((String::new(), String::new()), |name| {
                        (
                            name.name.clone(),
                            name.namespace.clone().unwrap_or_default(),
                        )
                    });
            Err(Fault::unreadable(format!(
                "The specified type was not recognized: name='{name}', namespace='{namespace}', at <{element} xmlns='{PARTNER_NAMESPACE}'>."
            )))
        }
        other => Err(Fault::unreadable(format!(
            "The filter type {} is not supported, at <{element} xmlns='{PARTNER_NAMESPACE}'>.",
            other.type_name()
        ))),
    }
}

/// Checks every property a filter names, and its values, returning the retrieve's
/// `Error: …` status text on failure.
pub(crate) fn check_properties(
    filter: &AnyFilterPart,
    properties: &[Property],
) -> Result<(), String> {
    match filter {
        AnyFilterPart::SimpleFilterPart(simple) => {
            let name = simple.property.trim();
            let known = properties
                .iter()
                .find(|property| property.name.eq_ignore_ascii_case(name));
            if !known.is_some_and(|property| property.filterable) {
                return Err(format!(
                    "Error: The Filter Property '{name}' is not a retrievable property."
                ));
            }
            let operator = simple.simple_operator.as_str();
            let count = simple.value.len() + simple.date_value.len();
            let blank = simple.value.iter().any(|value| value.trim().is_empty())
                && simple.date_value.is_empty();
            let needs = match simple.simple_operator {
                SimpleOperators::IsNull | SimpleOperators::IsNotNull => 0,
                SimpleOperators::Between => 2,
                _ => 1,
            };
            if needs > 0 && (count == 0 || blank) {
                return Err(format!(
                    "Error: Invalid argument for the {operator} operator. Filter[0] cannot be null or empty."
                ));
            }
            if needs == 2 && count != 2 {
                return Err(format!(
                    "Error: Invalid argument for the {operator} operator. The between operator takes two values."
                ));
            }
            Ok(())
        }
        AnyFilterPart::ComplexFilterPart(complex) => {
            check_properties(&complex.left_operand, properties)?;
            if let Some(right) = &complex.right_operand {
                check_properties(right, properties)?;
            }
            for operand in complex
                .additional_operands
                .iter()
                .flat_map(|list| &list.operand)
            {
                check_properties(operand, properties)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A filter prepared once per request, so that matching a row neither parses nor copies
/// the filter's values: property names are resolved, values are parsed by the property's
/// kind, and the values of an `IN` are hashed.
#[derive(Debug)]
pub(crate) enum CompiledFilter {
    Simple(SimpleTest),
    /// Every operand must match, as for `AND`.
    All(Vec<CompiledFilter>),
    /// At least one operand must match, as for `OR`.
    Any(Vec<CompiledFilter>),
    /// A filter part that matches no row, such as one naming an unknown property.
    Never,
}

/// One `SimpleFilterPart`, compiled.
#[derive(Debug)]
pub(crate) struct SimpleTest {
    /// The property's name as the object type spells it.
    property: String,
    kind: Kind,
    /// Whether a row without a value for the property matches.
    matches_missing: bool,
    test: Test,
}

/// The check a `SimpleFilterPart` makes on a present value.
#[derive(Debug)]
enum Test {
    /// A comparison with the filter's first value by the property's kind. `expected` is
    /// `None` when that value does not parse as the kind, so no comparison succeeds.
    Compare {
        expected: Option<Key>,
        accepts: fn(Option<Ordering>) -> bool,
    },
    Between {
        low: Option<Key>,
        high: Option<Key>,
    },
    In(KeySet),
    /// The text tests compare the lowercased value with `needle`, the lowercased first
    /// filter value.
    Like(Vec<char>),
    Contains(String),
    NotContains(String),
    ContainsWord(String),
    BeginsWith(String),
    EndsWith(String),
    /// A comparison of month and day with those of the first filter value.
    Anniversary {
        expected: Option<(u8, u8)>,
        accepts: fn(Option<Ordering>) -> bool,
    },
    Always,
    Never,
}

/// A filter value parsed by the kind of its property. Text is trimmed and lowercased,
/// because text compares without case, as the service's database collation does.
#[derive(Debug)]
enum Key {
    Text(String),
    Integer(i64),
    /// Seconds since the epoch.
    Date(i64),
    Boolean(bool),
}

/// The values of an `IN`, parsed by the kind of its property as [`Key`] parses them.
/// Values that do not parse are left out, because they equal no stored value.
#[derive(Debug)]
enum KeySet {
    Text(HashSet<String>),
    Integer(HashSet<i64>),
    Date(HashSet<i64>),
    Boolean(HashSet<bool>),
}

/// Compiles `filter` for the object type with `properties`. Call [`check_properties`]
/// first.
pub(crate) fn compile(filter: &AnyFilterPart, properties: &[Property]) -> CompiledFilter {
    match filter {
        AnyFilterPart::SimpleFilterPart(simple) => compile_simple(simple, properties),
        AnyFilterPart::ComplexFilterPart(complex) => {
            let operands = std::iter::once(&complex.left_operand)
                .chain(&complex.right_operand)
                .chain(
                    complex
                        .additional_operands
                        .iter()
                        .flat_map(|list| &list.operand),
                )
                .map(|operand| compile(operand, properties))
                .collect();
            match complex.logical_operator {
                LogicalOperators::Or => CompiledFilter::Any(operands),
                _ => CompiledFilter::All(operands),
            }
        }
        _ => CompiledFilter::Never,
    }
}

fn compile_simple(simple: &SimpleFilterPart, properties: &[Property]) -> CompiledFilter {
    let name = simple.property.trim();
    let Some(property) = properties
        .iter()
        .find(|property| property.name.eq_ignore_ascii_case(name))
    else {
        return CompiledFilter::Never;
    };
    let kind = property.kind;
    let values: Vec<String> = if simple.value.is_empty() {
        simple.date_value.iter().map(ToString::to_string).collect()
    } else {
        simple.value.clone()
    };
    let first = values.first().map(String::as_str).unwrap_or_default();
    let key = |text: &str| Key::parse(kind, text);
    let needle = first.to_lowercase();
    let operator = &simple.simple_operator;
    let compare = |accepts: fn(Option<Ordering>) -> bool| Test::Compare {
        expected: key(first),
        accepts,
    };
    let anniversary = |accepts: fn(Option<Ordering>) -> bool| Test::Anniversary {
        expected: month_day(first),
        accepts,
    };
    let test = match operator {
        SimpleOperators::Equals => compare(|order| order == Some(Ordering::Equal)),
        SimpleOperators::NotEquals => compare(|order| order != Some(Ordering::Equal)),
        SimpleOperators::GreaterThan => compare(|order| order == Some(Ordering::Greater)),
        SimpleOperators::LessThan => compare(|order| order == Some(Ordering::Less)),
        SimpleOperators::GreaterThanOrEqual => {
            compare(|order| matches!(order, Some(Ordering::Greater | Ordering::Equal)))
        }
        SimpleOperators::LessThanOrEqual => {
            compare(|order| matches!(order, Some(Ordering::Less | Ordering::Equal)))
        }
        SimpleOperators::IsNull => Test::Never,
        SimpleOperators::IsNotNull => Test::Always,
        SimpleOperators::Between => Test::Between {
            low: key(first),
            high: key(values.get(1).map(String::as_str).unwrap_or_default()),
        },
        SimpleOperators::In => Test::In(KeySet::parse(kind, &values)),
        // NOTE: the service's wildcards for `like` are not published; the emulator uses
        // SQL's `%` (any run) and `_` (one character), without case.
        SimpleOperators::Like => Test::Like(needle.chars().collect()),
        SimpleOperators::Contains | SimpleOperators::ExistsInString => Test::Contains(needle),
        SimpleOperators::NotContains | SimpleOperators::NotExistsInString => {
            Test::NotContains(needle)
        }
        SimpleOperators::ExistsInStringAsAWord => Test::ContainsWord(needle),
        SimpleOperators::BeginsWith => Test::BeginsWith(needle),
        SimpleOperators::EndsWith => Test::EndsWith(needle),
        SimpleOperators::IsAnniversary => anniversary(|order| order == Some(Ordering::Equal)),
        SimpleOperators::IsNotAnniversary => anniversary(|order| order != Some(Ordering::Equal)),
        SimpleOperators::GreaterThanAnniversary => {
            anniversary(|order| order == Some(Ordering::Greater))
        }
        SimpleOperators::LessThanAnniversary => anniversary(|order| order == Some(Ordering::Less)),
        SimpleOperators::Unknown(_) => Test::Never,
    };
    CompiledFilter::Simple(SimpleTest {
        property: property.name.clone(),
        kind,
        matches_missing: matches!(
            operator,
            SimpleOperators::IsNull
                | SimpleOperators::NotEquals
                | SimpleOperators::NotContains
                | SimpleOperators::NotExistsInString
        ),
        test,
    })
}

impl CompiledFilter {
    /// Returns true when `row` passes the filter.
    pub(crate) fn matches(&self, row: &BTreeMap<String, String>) -> bool {
        match self {
            CompiledFilter::Simple(simple) => simple.matches(row),
            CompiledFilter::All(operands) => operands.iter().all(|operand| operand.matches(row)),
            CompiledFilter::Any(operands) => operands.iter().any(|operand| operand.matches(row)),
            CompiledFilter::Never => false,
        }
    }
}

impl SimpleTest {
    fn matches(&self, row: &BTreeMap<String, String>) -> bool {
        // Rows store values under the property's spelling, unless a column was renamed
        // after they were written, so the lookup without case is only the fallback.
        let actual = row
            .get(&self.property)
            .or_else(|| {
                row.iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(&self.property))
                    .map(|(_, value)| value)
            })
            .map(String::as_str)
            .filter(|value| !value.is_empty());
        let Some(actual) = actual else {
            return self.matches_missing;
        };
        let kind = self.kind;
        match &self.test {
            Test::Compare { expected, accepts } => accepts(compare(kind, actual, expected)),
            Test::Between { low, high } => {
                matches!(
                    compare(kind, actual, low),
                    Some(Ordering::Greater | Ordering::Equal)
                ) && matches!(
                    compare(kind, actual, high),
                    Some(Ordering::Less | Ordering::Equal)
                )
            }
            Test::In(set) => set.contains(actual),
            Test::Like(pattern) => like(&actual.to_lowercase(), pattern),
            Test::Contains(needle) => actual.to_lowercase().contains(needle.as_str()),
            Test::NotContains(needle) => !actual.to_lowercase().contains(needle.as_str()),
            Test::ContainsWord(needle) => actual
                .to_lowercase()
                .split(|ch: char| !ch.is_alphanumeric())
                .any(|word| word == needle),
            Test::BeginsWith(needle) => actual.to_lowercase().starts_with(needle.as_str()),
            Test::EndsWith(needle) => actual.to_lowercase().ends_with(needle.as_str()),
            Test::Anniversary { expected, accepts } => {
                let order = month_day(actual).zip(*expected).map(|(a, e)| a.cmp(&e));
                accepts(order)
            }
            Test::Always => true,
            Test::Never => false,
        }
    }
}

impl Key {
    /// Parses a filter value as `kind`, or returns `None` when it does not parse.
    fn parse(kind: Kind, text: &str) -> Option<Key> {
        Some(match kind {
            Kind::Text => Key::Text(text.trim().to_lowercase()),
            Kind::Integer => Key::Integer(text.trim().parse().ok()?),
            Kind::Date => Key::Date(clock::parse_seconds(text)?),
            Kind::Boolean => Key::Boolean(parse_boolean(text)?),
        })
    }
}

impl KeySet {
    fn parse(kind: Kind, values: &[String]) -> KeySet {
        let keys = values.iter().filter_map(|value| Key::parse(kind, value));
        match kind {
            Kind::Text => KeySet::Text(
                keys.filter_map(|key| match key {
                    Key::Text(text) => Some(text),
                    _ => None,
                })
                .collect(),
            ),
            Kind::Integer => KeySet::Integer(
                keys.filter_map(|key| match key {
                    Key::Integer(value) => Some(value),
                    _ => None,
                })
                .collect(),
            ),
            Kind::Date => KeySet::Date(
                keys.filter_map(|key| match key {
                    Key::Date(value) => Some(value),
                    _ => None,
                })
                .collect(),
            ),
            Kind::Boolean => KeySet::Boolean(
                keys.filter_map(|key| match key {
                    Key::Boolean(value) => Some(value),
                    _ => None,
                })
                .collect(),
            ),
        }
    }

    /// Returns true when the stored value `actual` equals one of the set's values.
    fn contains(&self, actual: &str) -> bool {
        match self {
            KeySet::Text(set) => set.contains(lowercase(actual).as_ref()),
            KeySet::Integer(set) => actual
                .trim()
                .parse()
                .is_ok_and(|value: i64| set.contains(&value)),
            KeySet::Date(set) => {
                clock::parse_seconds(actual).is_some_and(|value| set.contains(&value))
            }
            KeySet::Boolean(set) => parse_boolean(actual).is_some_and(|value| set.contains(&value)),
        }
    }
}

/// Returns `text` lowercased, borrowing it when it has no uppercase letter.
fn lowercase(text: &str) -> Cow<'_, str> {
    if text.is_ascii() && !text.bytes().any(|byte| byte.is_ascii_uppercase()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// Compares a stored value with a parsed filter value, or returns `None` when either does
/// not parse as the property's kind. Text compares without case.
fn compare(kind: Kind, actual: &str, expected: &Option<Key>) -> Option<Ordering> {
    match (kind, expected.as_ref()?) {
        (Kind::Text, Key::Text(expected)) => Some(if actual.is_ascii() {
            actual
                .bytes()
                .map(|byte| byte.to_ascii_lowercase())
                .cmp(expected.bytes())
        } else {
            actual.to_lowercase().as_str().cmp(expected)
        }),
        (Kind::Integer, Key::Integer(expected)) => {
            let actual: i64 = actual.trim().parse().ok()?;
            Some(actual.cmp(expected))
        }
        (Kind::Date, Key::Date(expected)) => Some(clock::parse_seconds(actual)?.cmp(expected)),
        (Kind::Boolean, Key::Boolean(expected)) => Some(parse_boolean(actual)?.cmp(expected)),
        // A key is always parsed with its property's kind.
        _ => None,
    }
}

fn parse_boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Returns the month and day of a date.
fn month_day(text: &str) -> Option<(u8, u8)> {
    let date: sfmc_runtime::values::DateTime = text.trim().parse().ok()?;
    Some((date.month(), date.day()))
}

/// Matches SQL `LIKE` with `%` and `_` on already lowercased text.
fn like(text: &str, pattern: &[char]) -> bool {
    // matched[j]: the text so far matches the first j pattern characters.
    let mut matched = vec![false; pattern.len() + 1];
    matched[0] = true;
    for j in 1..=pattern.len() {
        matched[j] = matched[j - 1] && pattern[j - 1] == '%';
    }
    for ch in text.chars() {
        let mut next = vec![false; pattern.len() + 1];
        for j in 1..=pattern.len() {
            next[j] = match pattern[j - 1] {
                '%' => next[j - 1] || matched[j],
                '_' => matched[j - 1],
                literal => matched[j - 1] && literal == ch,
            };
        }
        matched = next;
    }
    matched[pattern.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn properties() -> Vec<Property> {
        let property = |name: &str, kind| Property {
            name: name.to_owned(),
            kind,
            filterable: true,
        };
        vec![
            property("Name", Kind::Text),
            property("SubscriberID", Kind::Integer),
            property("EventDate", Kind::Date),
        ]
    }

    fn simple(property: &str, operator: SimpleOperators, values: &[&str]) -> CompiledFilter {
        let part = AnyFilterPart::from(SimpleFilterPart {
            property: property.to_owned(),
            simple_operator: operator,
            value: values.iter().map(|value| (*value).to_owned()).collect(),
            ..SimpleFilterPart::default()
        });
        compile(&part, &properties())
    }

    fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn like_wildcards() {
        let pattern = |text: &str| text.chars().collect::<Vec<char>>();
        assert!(like("help@example.com", &pattern("%@example.com")));
        assert!(like("abc", &pattern("a_c")));
        assert!(!like("abc", &pattern("a_")));
        assert!(like("", &pattern("%")));
        assert!(!like("abd", &pattern("abc%")));
    }

    #[test]
    fn in_text_ignores_case_and_padding() {
        let filter = simple("name", SimpleOperators::In, &[" Alpha ", "BETA"]);
        assert!(filter.matches(&row(&[("Name", "alpha")])));
        assert!(filter.matches(&row(&[("Name", "Beta")])));
        assert!(!filter.matches(&row(&[("Name", "gamma")])));
        // The stored value is lowercased but not trimmed.
        assert!(!filter.matches(&row(&[("Name", "alpha ")])));
        assert!(!filter.matches(&row(&[])));
    }

    #[test]
    fn in_non_ascii_text() {
        let filter = simple("Name", SimpleOperators::In, &["ÄRGER"]);
        assert!(filter.matches(&row(&[("Name", "ärger")])));
        assert!(filter.matches(&row(&[("Name", "Ärger")])));
        let equals = simple("Name", SimpleOperators::Equals, &["ärger"]);
        assert!(equals.matches(&row(&[("Name", "ÄRGER")])));
        assert!(!equals.matches(&row(&[("Name", "ÄRGERN")])));
    }

    #[test]
    fn in_integer_skips_unparsable() {
        let filter = simple("SubscriberID", SimpleOperators::In, &["12", "x", " 13 "]);
        assert!(filter.matches(&row(&[("SubscriberID", "12")])));
        assert!(filter.matches(&row(&[("SubscriberID", " 13")])));
        assert!(!filter.matches(&row(&[("SubscriberID", "x")])));
        assert!(!filter.matches(&row(&[("SubscriberID", "14")])));
    }

    #[test]
    fn in_date_compares_instants() {
        let filter = simple("EventDate", SimpleOperators::In, &["2026-01-01T06:00:00Z"]);
        // The stored value has no offset, so it is read as CST, UTC-06:00.
        assert!(filter.matches(&row(&[("EventDate", "2026-01-01T00:00:00.000")])));
        assert!(!filter.matches(&row(&[("EventDate", "2026-01-01T06:00:00.000")])));
    }

    #[test]
    fn unparsable_value_fails_comparisons() {
        let equals = simple("SubscriberID", SimpleOperators::Equals, &["x"]);
        let not_equals = simple("SubscriberID", SimpleOperators::NotEquals, &["x"]);
        let stored = row(&[("SubscriberID", "12")]);
        assert!(!equals.matches(&stored));
        assert!(not_equals.matches(&stored));
    }

    #[test]
    fn missing_value_matches_negations() {
        let empty = row(&[("Name", "")]);
        assert!(simple("Name", SimpleOperators::NotEquals, &["a"]).matches(&empty));
        assert!(simple("Name", SimpleOperators::IsNull, &[]).matches(&empty));
        assert!(simple("Name", SimpleOperators::NotContains, &["a"]).matches(&empty));
        assert!(!simple("Name", SimpleOperators::Equals, &["a"]).matches(&empty));
        assert!(!simple("Name", SimpleOperators::IsNotNull, &[]).matches(&empty));
    }

    #[test]
    fn renamed_column_found_without_case() {
        let filter = simple("Name", SimpleOperators::Equals, &["a"]);
        assert!(filter.matches(&row(&[("NAME", "A")])));
    }
}
