//! Compares two versions of a struct: its base, its family, its wildcard, its fields and the
//! order of its elements.

use super::{Differ, Entry, switches_family};
use crate::diff::change::{ChangeKind, Class, ItemKind};
use crate::diff::summary::{FieldSummary, StructShape, Summary, TypeKey};
use crate::ir::Cardinality;

impl Differ<'_> {
    pub(super) fn compare_struct(
        &self,
        key: &TypeKey,
        old: &StructShape,
        new: &StructShape,
        entries: &mut Vec<Entry>,
    ) {
        if old.base != new.base {
            // Losing an ancestor takes the type out of that ancestor's family enum, which
            // breaks matches on its variant. Gaining one only adds a variant and inherited
            // fields, and those are listed as changes of their own.
            let new_ancestors = self.new.ancestors(key);
            let leaves_a_family = self
                .old
                .ancestors(key)
                .iter()
                .any(|ancestor| !new_ancestors.contains(ancestor));
            let class = if leaves_a_family {
                Class::Breaking
            } else {
                Class::Additive
            };
            entries.push(Entry::new(class, ChangeKind::BaseChanged).values(
                old.base.as_ref().map(|base| base.xml_name.clone()),
                new.base.as_ref().map(|base| base.xml_name.clone()),
            ));
        }
        self.compare_family(key, old, new, entries);
        self.compare_wildcard(old, new, entries);
        self.compare_fields(key, entries);
        compare_order(old, new, entries);
    }

    fn compare_family(
        &self,
        key: &TypeKey,
        old: &StructShape,
        new: &StructShape,
        entries: &mut Vec<Entry>,
    ) {
        let rust_name = |summary: &Summary| summary.get(key).map(|ty| ty.rust_name.clone());
        match (&old.family_name, &new.family_name) {
            (None, None) => {}
            (None, Some(family)) => entries.push(
                Entry::new(Class::Breaking, ChangeKind::BecamePolymorphic)
                    .values(rust_name(self.old), Some(family.clone())),
            ),
            (Some(family), None) => entries.push(
                Entry::new(Class::Breaking, ChangeKind::NoLongerPolymorphic)
                    .values(Some(family.clone()), rust_name(self.new)),
            ),
            (Some(old_family), Some(new_family)) => {
                if old_family != new_family {
                    entries.push(
                        Entry::new(Class::Breaking, ChangeKind::FamilyRenamed)
                            .values(Some(old_family.clone()), Some(new_family.clone())),
                    );
                }
                self.compare_members(key, old_family, new_family, entries);
            }
        }
    }

    fn compare_members(
        &self,
        key: &TypeKey,
        old_family: &str,
        new_family: &str,
        entries: &mut Vec<Entry>,
    ) {
        let old_members = self.old.family_members(key);
        let new_members = self.new.family_members(key);
        let variant = |summary: &Summary, family: &str, member: &TypeKey| {
            let name = summary.get(member).map_or("", |ty| ty.rust_name.as_str());
            (name.to_owned(), format!("{family}::{name}"))
        };
        for member in &new_members {
            if !old_members.contains(member) {
                let (name, path) = variant(self.new, new_family, member);
                entries.push(
                    Entry::new(Class::Additive, ChangeKind::Added)
                        .item(ItemKind::Subtype, &member.xml_name, &name)
                        .values(None, Some(path)),
                );
            }
        }
        for member in &old_members {
            if !new_members.contains(member) {
                let (name, path) = variant(self.old, old_family, member);
                entries.push(
                    Entry::new(Class::Breaking, ChangeKind::Removed)
                        .item(ItemKind::Subtype, &member.xml_name, &name)
                        .values(Some(path), None),
                );
            }
        }
        if let (Some(old_first), Some(new_first)) = (old_members.first(), new_members.first()) {
            if old_first != new_first {
                entries.push(
                    Entry::new(Class::WireOnly, ChangeKind::DefaultChanged).values(
                        Some(variant(self.old, old_family, old_first).1),
                        Some(variant(self.new, new_family, new_first).1),
                    ),
                );
            }
        }
    }

    fn compare_wildcard(&self, old: &StructShape, new: &StructShape, entries: &mut Vec<Entry>) {
        if old.has_wildcard == new.has_wildcard {
            return;
        }
        // A wildcard the base gained or lost in the same way is reported at the base.
        let base_changed_alike = old.base.is_some()
            && old.base == new.base
            && old.base.as_ref().is_some_and(|base| {
                self.old.get_struct(base).map(|shape| shape.has_wildcard) == Some(old.has_wildcard)
                    && self.new.get_struct(base).map(|shape| shape.has_wildcard)
                        == Some(new.has_wildcard)
            });
        if base_changed_alike {
            return;
        }
        let kind = if new.has_wildcard {
            ChangeKind::WildcardAdded
        } else {
            ChangeKind::WildcardRemoved
        };
        entries.push(Entry::new(Class::WireOnly, kind));
    }

    /// Compares the fields the generated struct has, inherited ones included. A difference
    /// that the declaring type shows in the same way is reported there only, so a field
    /// added to a base is listed once and not once per subtype.
    fn compare_fields(&self, key: &TypeKey, entries: &mut Vec<Entry>) {
        let old_fields = self.old.fields(key);
        let new_fields = self.new.fields(key);
        let mut names: Vec<&str> = new_fields.iter().map(|(field, _)| field.key()).collect();
        for (field, _) in &old_fields {
            if !names.contains(&field.key()) {
                names.push(field.key());
            }
        }
        for name in names {
            let old_field = find_field(&old_fields, name);
            let new_field = find_field(&new_fields, name);
            let declarer = new_field.or(old_field).map(|(_, declarer)| declarer);
            if let Some(declarer) = declarer {
                if declarer != key
                    && self.same_at(
                        declarer,
                        name,
                        old_field.map(|f| f.0),
                        new_field.map(|f| f.0),
                    )
                {
                    continue;
                }
            }
            match (old_field, new_field) {
                (None, Some((field, _))) => {
                    let class = if field.cardinality == Cardinality::Required {
                        Class::Breaking
                    } else {
                        Class::Additive
                    };
                    entries.push(
                        Entry::new(class, ChangeKind::Added)
                            .item(ItemKind::Field, name, &field.rust_name)
                            .values(None, Some(self.new.field_rust_type(field))),
                    );
                }
                (Some((field, _)), None) => entries.push(
                    Entry::new(Class::Breaking, ChangeKind::Removed)
                        .item(ItemKind::Field, name, &field.rust_name)
                        .values(Some(self.old.field_rust_type(field)), None),
                ),
                (Some((old_field, _)), Some((new_field, _))) => {
                    self.compare_field(name, old_field, new_field, entries);
                }
                (None, None) => {}
            }
        }
    }

    /// Returns true when the declaring type has exactly this old and new field, so it
    /// reports the difference itself.
    fn same_at(
        &self,
        declarer: &TypeKey,
        name: &str,
        old: Option<&FieldSummary>,
        new: Option<&FieldSummary>,
    ) -> bool {
        if self.old.get_struct(declarer).is_none() || self.new.get_struct(declarer).is_none() {
            return false;
        }
        let at = |summary: &Summary| {
            summary
                .fields(declarer)
                .into_iter()
                .find(|(field, _)| field.key() == name)
                .map(|(field, _)| field.clone())
        };
        at(self.old).as_ref() == old && at(self.new).as_ref() == new
    }

    fn compare_field(
        &self,
        name: &str,
        old: &FieldSummary,
        new: &FieldSummary,
        entries: &mut Vec<Entry>,
    ) {
        let old_type = self.old.field_rust_type(old);
        let new_type = self.new.field_rust_type(new);
        let entry = |kind: ChangeKind| {
            Entry::new(Class::Breaking, kind)
                .item(ItemKind::Field, name, &new.rust_name)
                .values(Some(old_type.clone()), Some(new_type.clone()))
        };

        let retyped = !self.same_value(&old.ty, &new.ty);
        if retyped {
            entries.push(entry(ChangeKind::Retyped));
        }

        let cardinality = match (old.cardinality, new.cardinality) {
            (before, after) if before == after => None,
            (Cardinality::Required, Cardinality::Optional) => Some(ChangeKind::MadeOptional),
            (Cardinality::Optional, Cardinality::Required) => Some(ChangeKind::MadeRequired),
            (_, Cardinality::Repeated) => Some(ChangeKind::MadeRepeated),
            (Cardinality::Repeated, _) => Some(ChangeKind::MadeSingle),
            _ => None,
        };
        if let Some(kind) = cardinality {
            entries.push(entry(kind));
        }

        if old.nillable != new.nillable {
            entries.push(entry(if new.nillable {
                ChangeKind::MadeNillable
            } else {
                ChangeKind::MadeNotNillable
            }));
        }
        // A new value type brings its own boxing, and so does a switch to or from a family
        // enum, so only a box change on the same type is listed.
        if old.boxed != new.boxed && !retyped && !switches_family(&old.ty, &new.ty) {
            entries.push(entry(if new.boxed {
                ChangeKind::Boxed
            } else {
                ChangeKind::Unboxed
            }));
        }

        if old.rust_name != new.rust_name {
            entries.push(
                Entry::new(Class::Breaking, ChangeKind::Renamed)
                    .item(ItemKind::Field, name, &new.rust_name)
                    .values(Some(old.rust_name.clone()), Some(new.rust_name.clone())),
            );
        }
        if self.documentation && old.documentation != new.documentation {
            entries.push(
                Entry::new(Class::Documentation, ChangeKind::DocumentationChanged)
                    .item(ItemKind::Field, name, &new.rust_name)
                    .values(old.documentation.clone(), new.documentation.clone()),
            );
        }
    }
}

fn find_field<'s>(
    fields: &[(&'s FieldSummary, &'s TypeKey)],
    name: &str,
) -> Option<(&'s FieldSummary, &'s TypeKey)> {
    fields
        .iter()
        .copied()
        .find(|(field, _)| field.key() == name)
}

/// Reports a new order of the elements the type declares itself and had before.
fn compare_order(old: &StructShape, new: &StructShape, entries: &mut Vec<Entry>) {
    let old_order: Vec<&str> = old
        .fields
        .iter()
        .map(FieldSummary::key)
        .filter(|name| new.fields.iter().any(|field| field.key() == *name))
        .collect();
    let new_order: Vec<&str> = new
        .fields
        .iter()
        .map(FieldSummary::key)
        .filter(|name| old_order.contains(name))
        .collect();
    if old_order != new_order {
        entries.push(
            Entry::new(Class::WireOnly, ChangeKind::Reordered)
                .values(Some(old_order.join(", ")), Some(new_order.join(", "))),
        );
    }
}
