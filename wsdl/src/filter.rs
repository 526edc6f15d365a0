//! Builders for Retrieve filters.
//!
//! Each builder returns an [`AnyFilterPart`], ready for `RetrieveRequest::filter`. Combining
//! filters nests `ComplexFilterPart`s: the service's reference calls `AdditionalOperands`
//! reserved for future use, so three conditions become `a AND (b AND c)`.
//!
//! # Example
//!
//! ```
//! use sfmc_partner_api::filter;
//!
//! let filter = filter::all([
//!     filter::equals("SendID", "10980375"),
//!     filter::equals("BatchID", "5"),
//!     filter::equals("SubscriberID", "199672583"),
//! ])
//! .expect("three filters");
//! assert_eq!(filter.type_name(), "ComplexFilterPart");
//! ```

use sfmc_runtime::values::DateTime;

use crate::{
    AnyFilterPart, ComplexFilterPart, LogicalOperators, SimpleFilterPart, SimpleOperators,
};

fn simple(property: &str, operator: SimpleOperators, values: Vec<String>) -> AnyFilterPart {
    SimpleFilterPart {
        property: property.to_owned(),
        simple_operator: operator,
        value: values,
        ..Default::default()
    }
    .into()
}

fn simple_dates(property: &str, operator: SimpleOperators, dates: Vec<DateTime>) -> AnyFilterPart {
    SimpleFilterPart {
        property: property.to_owned(),
        simple_operator: operator,
        date_value: dates,
        ..Default::default()
    }
    .into()
}

/// Builds `property equals value`.
pub fn equals(property: &str, value: impl Into<String>) -> AnyFilterPart {
    simple(property, SimpleOperators::Equals, vec![value.into()])
}

/// Builds `property notEquals value`.
pub fn not_equals(property: &str, value: impl Into<String>) -> AnyFilterPart {
    simple(property, SimpleOperators::NotEquals, vec![value.into()])
}

/// Builds `property greaterThan value`.
pub fn greater_than(property: &str, value: impl Into<String>) -> AnyFilterPart {
    simple(property, SimpleOperators::GreaterThan, vec![value.into()])
}

/// Builds `property lessThan value`.
pub fn less_than(property: &str, value: impl Into<String>) -> AnyFilterPart {
    simple(property, SimpleOperators::LessThan, vec![value.into()])
}

/// Builds `property like pattern`.
pub fn like(property: &str, pattern: impl Into<String>) -> AnyFilterPart {
    simple(property, SimpleOperators::Like, vec![pattern.into()])
}

/// Builds `property IN (values…)`, the operator the service spells in capitals.
pub fn is_in<I, V>(property: &str, values: I) -> AnyFilterPart
where
    I: IntoIterator<Item = V>,
    V: Into<String>,
{
    let values = values.into_iter().map(Into::into).collect();
    simple(property, SimpleOperators::In, values)
}

/// Builds `property between low and high`, for values sent as text.
pub fn between(property: &str, low: impl Into<String>, high: impl Into<String>) -> AnyFilterPart {
    simple(
        property,
        SimpleOperators::Between,
        vec![low.into(), high.into()],
    )
}

/// Builds `property isNull`.
pub fn is_null(property: &str) -> AnyFilterPart {
    simple(property, SimpleOperators::IsNull, Vec::new())
}

/// Builds `property isNotNull`.
pub fn is_not_null(property: &str) -> AnyFilterPart {
    simple(property, SimpleOperators::IsNotNull, Vec::new())
}

/// Builds a date comparison sent as `DateValue`, such as `EventDate greaterThan …`.
///
/// Send dates with an explicit offset: the service reads offset-less dates as Central
/// Standard Time (UTC−06:00).
pub fn date(property: &str, operator: SimpleOperators, value: DateTime) -> AnyFilterPart {
    simple_dates(property, operator, vec![value])
}

/// Builds `property between low and high` on `DateValue`s.
pub fn date_between(property: &str, low: DateTime, high: DateTime) -> AnyFilterPart {
    simple_dates(property, SimpleOperators::Between, vec![low, high])
}

fn combine(left: AnyFilterPart, operator: LogicalOperators, right: AnyFilterPart) -> AnyFilterPart {
    ComplexFilterPart {
        left_operand: left,
        logical_operator: operator,
        right_operand: Some(right),
        ..Default::default()
    }
    .into()
}

impl AnyFilterPart {
    /// Combines two filters with `AND`.
    pub fn and(self, other: AnyFilterPart) -> AnyFilterPart {
        combine(self, LogicalOperators::And, other)
    }

    /// Combines two filters with `OR`.
    pub fn or(self, other: AnyFilterPart) -> AnyFilterPart {
        combine(self, LogicalOperators::Or, other)
    }
}

/// Combines filters with `AND`, nesting to the right: `a AND (b AND c)`. Returns `None` for
/// no filters and the filter itself for one.
pub fn all(filters: impl IntoIterator<Item = AnyFilterPart>) -> Option<AnyFilterPart> {
    fold_right(filters, LogicalOperators::And)
}

/// Combines filters with `OR`, nesting to the right: `a OR (b OR c)`.
pub fn any(filters: impl IntoIterator<Item = AnyFilterPart>) -> Option<AnyFilterPart> {
    fold_right(filters, LogicalOperators::Or)
}

fn fold_right(
    filters: impl IntoIterator<Item = AnyFilterPart>,
    operator: LogicalOperators,
) -> Option<AnyFilterPart> {
    let filters: Vec<AnyFilterPart> = filters.into_iter().collect();
    filters
        .into_iter()
        .rev()
        .reduce(|right, left| combine(left, operator.clone(), right))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple_parts(filter: &AnyFilterPart) -> (&str, &SimpleOperators, &[String]) {
        let AnyFilterPart::SimpleFilterPart(part) = filter else {
            panic!("expected a SimpleFilterPart, got {}", filter.type_name());
        };
        (&part.property, &part.simple_operator, &part.value)
    }

    #[test]
    fn in_filter_holds_every_value() {
        let filter = is_in("SubscriberKey", ["a", "b", "c"]);
        let (property, operator, values) = simple_parts(&filter);
        assert_eq!(property, "SubscriberKey");
        assert_eq!(operator.as_str(), "IN");
        assert_eq!(values, ["a", "b", "c"]);
    }

    #[test]
    fn all_nests_to_the_right() {
        let filter = all([equals("A", "1"), equals("B", "2"), equals("C", "3")]).unwrap();
        let AnyFilterPart::ComplexFilterPart(outer) = &filter else {
            panic!("expected a ComplexFilterPart");
        };
        assert_eq!(simple_parts(&outer.left_operand).0, "A");
        assert_eq!(outer.logical_operator, LogicalOperators::And);
        assert_eq!(outer.additional_operands, None);
        let Some(AnyFilterPart::ComplexFilterPart(inner)) = &outer.right_operand else {
            panic!("expected a nested ComplexFilterPart");
        };
        assert_eq!(simple_parts(&inner.left_operand).0, "B");
        assert_eq!(simple_parts(inner.right_operand.as_ref().unwrap()).0, "C");
    }

    #[test]
    fn all_of_one_and_none() {
        assert_eq!(all([equals("A", "1")]), Some(equals("A", "1")));
        assert_eq!(all(Vec::new()), None);
    }

    #[test]
    fn between_dates_uses_date_value() {
        let low: DateTime = "2024-01-01T00:00:00-06:00".parse().unwrap();
        let high: DateTime = "2024-01-02T00:00:00-06:00".parse().unwrap();
        let AnyFilterPart::SimpleFilterPart(part) =
            date_between("EventDate", low.clone(), high.clone())
        else {
            panic!("expected a SimpleFilterPart");
        };
        assert_eq!(part.simple_operator, SimpleOperators::Between);
        assert_eq!(part.date_value, vec![low, high]);
        assert!(part.value.is_empty());
    }
}
