//! Compares two versions of an enumeration or of a choice.

use super::{Differ, Entry, switches_family};
use crate::diff::change::{ChangeKind, Class, ItemKind};
use crate::diff::summary::{EnumShape, VariantSummary};

impl Differ<'_> {
    pub(super) fn compare_enum(&self, old: &EnumShape, new: &EnumShape, entries: &mut Vec<Entry>) {
        for value in &new.values {
            let Some(old_value) = old.values.iter().find(|v| v.xml_value == value.xml_value) else {
                entries.push(Entry::new(Class::Additive, ChangeKind::Added).item(
                    ItemKind::Value,
                    &value.xml_value,
                    &value.rust_name,
                ));
                continue;
            };
            if old_value.rust_name != value.rust_name {
                entries.push(
                    Entry::new(Class::Breaking, ChangeKind::Renamed)
                        .item(ItemKind::Value, &value.xml_value, &value.rust_name)
                        .values(
                            Some(old_value.rust_name.clone()),
                            Some(value.rust_name.clone()),
                        ),
                );
            }
            if self.documentation && old_value.documentation != value.documentation {
                entries.push(
                    Entry::new(Class::Documentation, ChangeKind::DocumentationChanged)
                        .item(ItemKind::Value, &value.xml_value, &value.rust_name)
                        .values(old_value.documentation.clone(), value.documentation.clone()),
                );
            }
        }
        for value in &old.values {
            if !new.values.iter().any(|v| v.xml_value == value.xml_value) {
                entries.push(Entry::new(Class::Breaking, ChangeKind::Removed).item(
                    ItemKind::Value,
                    &value.xml_value,
                    &value.rust_name,
                ));
            }
        }
        if old.catch_all != new.catch_all {
            entries.push(
                Entry::new(Class::Breaking, ChangeKind::CatchAllRenamed)
                    .values(Some(old.catch_all.clone()), Some(new.catch_all.clone())),
            );
        }
        if let (Some(old_first), Some(new_first)) = (old.values.first(), new.values.first()) {
            if old_first.xml_value != new_first.xml_value {
                entries.push(
                    Entry::new(Class::WireOnly, ChangeKind::DefaultChanged).values(
                        Some(old_first.rust_name.clone()),
                        Some(new_first.rust_name.clone()),
                    ),
                );
            }
        }
    }

    /// Compares the alternatives of a choice. A choice enum has no catch-all variant, so a
    /// new alternative breaks exhaustive matches and is breaking, unlike a new enum value.
    pub(super) fn compare_choice(
        &self,
        old: &[VariantSummary],
        new: &[VariantSummary],
        entries: &mut Vec<Entry>,
    ) {
        for variant in new {
            let Some(old_variant) = old.iter().find(|v| v.xml_name == variant.xml_name) else {
                entries.push(
                    Entry::new(Class::Breaking, ChangeKind::Added)
                        .item(ItemKind::Element, &variant.xml_name, &variant.rust_name)
                        .values(None, Some(self.new.variant_rust_type(variant))),
                );
                continue;
            };
            self.compare_variant(old_variant, variant, entries);
        }
        for variant in old {
            if !new.iter().any(|v| v.xml_name == variant.xml_name) {
                entries.push(
                    Entry::new(Class::Breaking, ChangeKind::Removed)
                        .item(ItemKind::Element, &variant.xml_name, &variant.rust_name)
                        .values(Some(self.old.variant_rust_type(variant)), None),
                );
            }
        }
        if let (Some(old_first), Some(new_first)) = (old.first(), new.first()) {
            if old_first.xml_name != new_first.xml_name {
                entries.push(
                    Entry::new(Class::WireOnly, ChangeKind::DefaultChanged).values(
                        Some(old_first.rust_name.clone()),
                        Some(new_first.rust_name.clone()),
                    ),
                );
            }
        }
    }

    fn compare_variant(
        &self,
        old: &VariantSummary,
        new: &VariantSummary,
        entries: &mut Vec<Entry>,
    ) {
        let old_type = self.old.variant_rust_type(old);
        let new_type = self.new.variant_rust_type(new);
        let entry = |kind: ChangeKind| {
            Entry::new(Class::Breaking, kind)
                .item(ItemKind::Element, &new.xml_name, &new.rust_name)
                .values(Some(old_type.clone()), Some(new_type.clone()))
        };
        let retyped = !self.same_value(&old.ty, &new.ty);
        if retyped {
            entries.push(entry(ChangeKind::Retyped));
        }
        if old.nillable != new.nillable {
            entries.push(entry(if new.nillable {
                ChangeKind::MadeNillable
            } else {
                ChangeKind::MadeNotNillable
            }));
        }
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
                    .item(ItemKind::Element, &new.xml_name, &new.rust_name)
                    .values(Some(old.rust_name.clone()), Some(new.rust_name.clone())),
            );
        }
        if self.documentation && old.documentation != new.documentation {
            entries.push(
                Entry::new(Class::Documentation, ChangeKind::DocumentationChanged)
                    .item(ItemKind::Element, &new.xml_name, &new.rust_name)
                    .values(old.documentation.clone(), new.documentation.clone()),
            );
        }
    }
}
