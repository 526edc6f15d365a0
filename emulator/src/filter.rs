//! Retrieve filters: checking them against an object type's properties, and matching rows.

use std::cmp::Ordering;
use std::collections::BTreeMap;

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
            if let Some(missing) = simple.extra.missing.first() {
                return Err(Fault::unreadable(format!(
                    "The element {missing} of {element} is missing."
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
            if let Some(missing) = complex.extra.missing.first() {
                return Err(Fault::unreadable(format!(
                    "The element {missing} of {element} is missing."
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

/// Returns true when `row` passes `filter`. Call [`check_properties`] first.
pub(crate) fn matches(
    filter: &AnyFilterPart,
    row: &BTreeMap<String, String>,
    properties: &[Property],
) -> bool {
    match filter {
        AnyFilterPart::SimpleFilterPart(simple) => matches_simple(simple, row, properties),
        AnyFilterPart::ComplexFilterPart(complex) => {
            let mut operands = vec![&complex.left_operand];
            operands.extend(complex.right_operand.as_ref());
            operands.extend(
                complex
                    .additional_operands
                    .iter()
                    .flat_map(|list| &list.operand),
            );
            match complex.logical_operator {
                LogicalOperators::Or => operands
                    .iter()
                    .any(|operand| matches(operand, row, properties)),
                _ => operands
                    .iter()
                    .all(|operand| matches(operand, row, properties)),
            }
        }
        _ => false,
    }
}

fn matches_simple(
    simple: &SimpleFilterPart,
    row: &BTreeMap<String, String>,
    properties: &[Property],
) -> bool {
    let name = simple.property.trim();
    let Some(property) = properties
        .iter()
        .find(|property| property.name.eq_ignore_ascii_case(name))
    else {
        return false;
    };
    let actual = row
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(&property.name))
        .map(|(_, value)| value.as_str())
        .filter(|value| !value.is_empty());
    let values: Vec<String> = if simple.value.is_empty() {
        simple.date_value.iter().map(ToString::to_string).collect()
    } else {
        simple.value.clone()
    };
    let kind = property.kind;
    let Some(actual) = actual else {
        return matches!(
            simple.simple_operator,
            SimpleOperators::IsNull
                | SimpleOperators::NotEquals
                | SimpleOperators::NotContains
                | SimpleOperators::NotExistsInString
        );
    };
    let first = values.first().map(String::as_str).unwrap_or_default();
    let compare = |expected: &str| compare(kind, actual, expected);
    let text = actual.to_lowercase();
    let needle = first.to_lowercase();
    match &simple.simple_operator {
        SimpleOperators::Equals => compare(first) == Some(Ordering::Equal),
        SimpleOperators::NotEquals => compare(first) != Some(Ordering::Equal),
        SimpleOperators::GreaterThan => compare(first) == Some(Ordering::Greater),
        SimpleOperators::LessThan => compare(first) == Some(Ordering::Less),
        SimpleOperators::GreaterThanOrEqual => {
            matches!(compare(first), Some(Ordering::Greater | Ordering::Equal))
        }
        SimpleOperators::LessThanOrEqual => {
            matches!(compare(first), Some(Ordering::Less | Ordering::Equal))
        }
        SimpleOperators::IsNull => false,
        SimpleOperators::IsNotNull => true,
        SimpleOperators::Between => {
            let low = values.first().map(String::as_str).unwrap_or_default();
            let high = values.get(1).map(String::as_str).unwrap_or_default();
            matches!(compare(low), Some(Ordering::Greater | Ordering::Equal))
                && matches!(compare(high), Some(Ordering::Less | Ordering::Equal))
        }
        SimpleOperators::In => values
            .iter()
            .any(|value| compare(value) == Some(Ordering::Equal)),
        // NOTE: the service's wildcards for `like` are not published; the emulator uses
        // SQL's `%` (any run) and `_` (one character), without case.
        SimpleOperators::Like => like(&text, &needle),
        SimpleOperators::Contains | SimpleOperators::ExistsInString => text.contains(&needle),
        SimpleOperators::NotContains | SimpleOperators::NotExistsInString => {
            !text.contains(&needle)
        }
        SimpleOperators::ExistsInStringAsAWord => text
            .split(|ch: char| !ch.is_alphanumeric())
            .any(|word| word == needle),
        SimpleOperators::BeginsWith => text.starts_with(&needle),
        SimpleOperators::EndsWith => text.ends_with(&needle),
        SimpleOperators::IsAnniversary => anniversary(actual, first) == Some(Ordering::Equal),
        SimpleOperators::IsNotAnniversary => anniversary(actual, first) != Some(Ordering::Equal),
        SimpleOperators::GreaterThanAnniversary => {
            anniversary(actual, first) == Some(Ordering::Greater)
        }
        SimpleOperators::LessThanAnniversary => anniversary(actual, first) == Some(Ordering::Less),
        SimpleOperators::Unknown(_) => false,
    }
}

/// Compares a stored value with a filter value by the property's kind; `None` when the
/// filter value does not parse as that kind. Text compares without case, as the service's
/// database collation does.
fn compare(kind: Kind, actual: &str, expected: &str) -> Option<Ordering> {
    match kind {
        Kind::Text => Some(actual.to_lowercase().cmp(&expected.trim().to_lowercase())),
        Kind::Integer => {
            let actual: i64 = actual.trim().parse().ok()?;
            let expected: i64 = expected.trim().parse().ok()?;
            Some(actual.cmp(&expected))
        }
        Kind::Date => Some(clock::parse_seconds(actual)?.cmp(&clock::parse_seconds(expected)?)),
        Kind::Boolean => {
            let parse = |text: &str| match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            };
            Some(parse(actual)?.cmp(&parse(expected)?))
        }
    }
}

/// Compares the month and day of two dates.
fn anniversary(actual: &str, expected: &str) -> Option<Ordering> {
    let month_day = |text: &str| -> Option<(u8, u8)> {
        let date: sfmc_runtime::values::DateTime = text.trim().parse().ok()?;
        Some((date.month(), date.day()))
    };
    Some(month_day(actual)?.cmp(&month_day(expected)?))
}

/// Matches SQL `LIKE` with `%` and `_` on already lowercased text.
fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    // matched[j]: the text so far matches the first j pattern characters.
    let mut matched = vec![false; pattern.len() + 1];
    matched[0] = true;
    for j in 1..=pattern.len() {
        matched[j] = matched[j - 1] && pattern[j - 1] == '%';
    }
    for ch in text {
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

    #[test]
    fn like_wildcards() {
        assert!(like("help@example.com", "%@example.com"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
        assert!(like("", "%"));
        assert!(!like("abd", "abc%"));
    }
}
