//! Data extension rows as name/value pairs, and the object type strings that name them.
//!
//! The service sends every column value of a `DataExtensionObject` as text in
//! `Properties/Property` pairs; these helpers read and build rows in that form.
//!
//! # Example
//!
//! ```
//! use sfmc_partner_api::rows;
//!
//! let row = rows::row([("UniqueID", "111-111"), ("JobID", "42")]);
//! assert_eq!(rows::value(&row, "JobID"), Some("42"));
//! assert_eq!(rows::object_type("SendLog"), "DataExtensionObject[SendLog]");
//! ```

use crate::{AnyApiProperty, ApiProperty, DataExtensionObject, ObjectExtensionProperties};

/// Returns the Retrieve object type for the rows of the data extension named `name`, such
/// as `DataExtensionObject[SendLog]`. The service expects the data extension's Name here.
pub fn object_type(name: &str) -> String {
    format!("DataExtensionObject[{name}]")
}

/// Returns the name and value of a property, whatever its `xsi:type`; `None` for a type the
/// schema does not know.
pub fn property_pair(property: &AnyApiProperty) -> Option<(&str, &str)> {
    let (name, value) = match property {
        AnyApiProperty::ApiProperty(p) => (&p.name, &p.value),
        AnyApiProperty::NullApiProperty(p) => (&p.name, &p.value),
        AnyApiProperty::AttributeMap(p) => (&p.name, &p.value),
        AnyApiProperty::ExtractParameter(p) => (&p.name, &p.value),
        AnyApiProperty::UserMap(p) => (&p.name, &p.value),
        AnyApiProperty::Folder(p) => (&p.name, &p.value),
        AnyApiProperty::Unknown(_) => return None,
    };
    Some((name, value))
}

/// Returns a row's columns as (name, value) pairs in the order the service sent them.
pub fn pairs(row: &DataExtensionObject) -> Vec<(&str, &str)> {
    row.properties
        .iter()
        .flat_map(|properties| properties.property.iter())
        .filter_map(property_pair)
        .collect()
}

/// Returns the value of the column `name` (compared exactly), or `None` when the row does not
/// carry it: the service leaves out columns that have no value.
pub fn value<'r>(row: &'r DataExtensionObject, name: &str) -> Option<&'r str> {
    pairs(row)
        .into_iter()
        .find(|(column, _)| *column == name)
        .map(|(_, value)| value)
}

/// Builds a row from (column, value) pairs, for Create and Update.
pub fn row<I, N, V>(columns: I) -> DataExtensionObject
where
    I: IntoIterator<Item = (N, V)>,
    N: Into<String>,
    V: Into<String>,
{
    let property = columns
        .into_iter()
        .map(|(name, value)| {
            ApiProperty {
                name: name.into(),
                value: value.into(),
                ..Default::default()
            }
            .into()
        })
        .collect();
    DataExtensionObject {
        properties: Some(ObjectExtensionProperties {
            property,
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_pairs_keep_order() {
        let row = row([("JobID", "1"), ("BatchID", "2"), ("SubID", "3")]);
        assert_eq!(
            pairs(&row),
            vec![("JobID", "1"), ("BatchID", "2"), ("SubID", "3")]
        );
    }

    #[test]
    fn value_of_absent_column() {
        let row = row([("JobID", "1")]);
        assert_eq!(value(&row, "UniqueID"), None);
        assert_eq!(value(&row, "jobid"), None);
    }
}
