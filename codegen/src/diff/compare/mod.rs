//! Compares two [`Summary`]s type by type and operation by operation.

mod enums;
mod structs;

use super::change::{Change, ChangeKind, Class, Item, ItemKind, Scope};
use super::summary::{OperationSummary, Shape, Summary, TypeKey, TypeSummary, ValueType};
use crate::ir::Builtin;

/// Returns every change from `old` to `new`, grouped by type (sorted by XML name) and then by
/// operation (sorted by name). Documentation changes are listed only when `documentation` is
/// true.
pub fn compare(old: &Summary, new: &Summary, documentation: bool) -> Vec<Change> {
    let mut differ = Differ {
        old,
        new,
        documentation,
        changes: Vec::new(),
    };
    for ty in new.types() {
        match old.get(&ty.key) {
            Some(old_ty) => differ.compare_type(old_ty, ty),
            None => differ.push_type(ty, Class::Additive, ChangeKind::Added),
        }
    }
    for ty in old.types() {
        if new.get(&ty.key).is_none() {
            differ.push_type(ty, Class::Breaking, ChangeKind::Removed);
        }
    }
    for op in new.operations() {
        match old
            .operations()
            .iter()
            .find(|old_op| old_op.name == op.name)
        {
            Some(old_op) => differ.compare_operation(old_op, op),
            None => differ.push_operation(op, Class::Additive, ChangeKind::Added, None, None),
        }
    }
    for op in old.operations() {
        if !new.operations().iter().any(|new_op| new_op.name == op.name) {
            differ.push_operation(op, Class::Breaking, ChangeKind::Removed, None, None);
        }
    }
    let mut changes = differ.changes;
    // A stable sort keeps each group's changes in the order they were found.
    changes.sort_by_cached_key(|change| match &change.scope {
        Scope::Type { key, .. } => (0, key.xml_name.to_lowercase(), Some(key.clone())),
        Scope::Operation { name, .. } => (1, name.to_lowercase(), None),
    });
    changes
}

struct Differ<'s> {
    old: &'s Summary,
    new: &'s Summary,
    documentation: bool,
    changes: Vec<Change>,
}

/// A change inside a type, before its scope is attached.
struct Entry {
    class: Class,
    kind: ChangeKind,
    item: Option<Item>,
    old: Option<String>,
    new: Option<String>,
}

impl Entry {
    fn new(class: Class, kind: ChangeKind) -> Self {
        Entry {
            class,
            kind,
            item: None,
            old: None,
            new: None,
        }
    }

    fn item(mut self, kind: ItemKind, xml_name: &str, rust_name: &str) -> Self {
        self.item = Some(Item {
            kind,
            xml_name: xml_name.to_owned(),
            rust_name: rust_name.to_owned(),
        });
        self
    }

    fn values(mut self, old: Option<String>, new: Option<String>) -> Self {
        self.old = old;
        self.new = new;
        self
    }
}

impl Differ<'_> {
    /// Records a type that exists in one schema only.
    fn push_type(&mut self, ty: &TypeSummary, class: Class, kind: ChangeKind) {
        self.changes.push(Change {
            class,
            kind,
            scope: Scope::Type {
                key: ty.key.clone(),
                rust_name: ty.rust_name.clone(),
            },
            item: None,
            old: None,
            new: None,
        });
    }

    fn push_operation(
        &mut self,
        op: &OperationSummary,
        class: Class,
        kind: ChangeKind,
        old: Option<String>,
        new: Option<String>,
    ) {
        self.changes.push(Change {
            class,
            kind,
            scope: Scope::Operation {
                name: op.name.clone(),
                rust_name: op.rust_name.clone(),
            },
            item: None,
            old,
            new,
        });
    }

    fn compare_type(&mut self, old: &TypeSummary, new: &TypeSummary) {
        let mut entries = Vec::new();
        if old.rust_name != new.rust_name {
            entries.push(
                Entry::new(Class::Breaking, ChangeKind::Renamed)
                    .values(Some(old.rust_name.clone()), Some(new.rust_name.clone())),
            );
        }
        match (&old.shape, &new.shape) {
            (Shape::Struct(old_shape), Shape::Struct(new_shape)) => {
                self.compare_struct(&new.key, old_shape, new_shape, &mut entries);
            }
            (Shape::Enum(old_shape), Shape::Enum(new_shape)) => {
                self.compare_enum(old_shape, new_shape, &mut entries);
            }
            (Shape::Alias(old_builtin), Shape::Alias(new_builtin)) => {
                if old_builtin != new_builtin {
                    entries.push(
                        Entry::new(Class::Breaking, ChangeKind::Retyped)
                            .values(builtin_name(*old_builtin), builtin_name(*new_builtin)),
                    );
                }
            }
            (Shape::Choice(old_variants), Shape::Choice(new_variants)) => {
                self.compare_choice(old_variants, new_variants, &mut entries);
            }
            (old_shape, new_shape) => {
                entries.push(Entry::new(Class::Breaking, ChangeKind::KindChanged).values(
                    Some(shape_name(old_shape).to_owned()),
                    Some(shape_name(new_shape).to_owned()),
                ))
            }
        }
        if self.documentation && old.documentation != new.documentation {
            entries.push(
                Entry::new(Class::Documentation, ChangeKind::DocumentationChanged)
                    .values(old.documentation.clone(), new.documentation.clone()),
            );
        }
        let scope = Scope::Type {
            key: new.key.clone(),
            rust_name: new.rust_name.clone(),
        };
        self.changes.extend(entries.into_iter().map(|entry| Change {
            class: entry.class,
            kind: entry.kind,
            scope: scope.clone(),
            item: entry.item,
            old: entry.old,
            new: entry.new,
        }));
    }

    /// Returns true when two values have the same Rust type, up to changes reported at the
    /// type they refer to. A reference to the same type counts as the same even if that type
    /// became polymorphic or changed. An alias counts as the built-in it names.
    fn same_value(&self, old: &ValueType, new: &ValueType) -> bool {
        match (old, new) {
            (
                ValueType::Named(a) | ValueType::Family(a),
                ValueType::Named(b) | ValueType::Family(b),
            )
            | (ValueType::Choice(a), ValueType::Choice(b))
                if a == b =>
            {
                true
            }
            _ => {
                let old_builtin = resolved_builtin(self.old, old);
                old_builtin.is_some() && old_builtin == resolved_builtin(self.new, new)
            }
        }
    }

    fn compare_operation(&mut self, old: &OperationSummary, new: &OperationSummary) {
        let renamed = |old_name: &str, new_name: &str| {
            (old_name != new_name).then(|| {
                (
                    Class::Breaking,
                    ChangeKind::Renamed,
                    Some(old_name.to_owned()),
                    Some(new_name.to_owned()),
                )
            })
        };
        let message = |old_key: &TypeKey, new_key: &TypeKey, kind: ChangeKind| {
            (old_key != new_key).then(|| {
                (
                    Class::Breaking,
                    kind,
                    self.old.get(old_key).map(|ty| ty.rust_name.clone()),
                    self.new.get(new_key).map(|ty| ty.rust_name.clone()),
                )
            })
        };
        let mut found = vec![
            renamed(&old.rust_name, &new.rust_name),
            renamed(&old.method_name, &new.method_name),
            (old.soap_action != new.soap_action).then(|| {
                (
                    Class::WireOnly,
                    ChangeKind::SoapActionChanged,
                    Some(old.soap_action.clone()),
                    Some(new.soap_action.clone()),
                )
            }),
            message(&old.request, &new.request, ChangeKind::RequestChanged),
            message(&old.response, &new.response, ChangeKind::ResponseChanged),
        ];
        if self.documentation && old.documentation != new.documentation {
            found.push(Some((
                Class::Documentation,
                ChangeKind::DocumentationChanged,
                old.documentation.clone(),
                new.documentation.clone(),
            )));
        }
        for (class, kind, before, after) in found.into_iter().flatten() {
            self.push_operation(new, class, kind, before, after);
        }
    }
}

/// Returns true when one value refers to a type and the other to the same type's family
/// enum, whose boxing follows from the switch: family enums box their variants already.
fn switches_family(old: &ValueType, new: &ValueType) -> bool {
    matches!(
        (old, new),
        (ValueType::Named(a), ValueType::Family(b)) | (ValueType::Family(a), ValueType::Named(b))
            if a == b
    )
}

/// Returns the built-in a value is, directly or through a type alias.
fn resolved_builtin(summary: &Summary, value: &ValueType) -> Option<Builtin> {
    match value {
        ValueType::Builtin(builtin) => Some(*builtin),
        ValueType::Named(key) => match &summary.get(key)?.shape {
            Shape::Alias(builtin) => Some(*builtin),
            _ => None,
        },
        ValueType::Family(_) | ValueType::Choice(_) => None,
    }
}

fn builtin_name(builtin: Builtin) -> Option<String> {
    Some(super::summary::builtin_rust_name(builtin).to_owned())
}

fn shape_name(shape: &Shape) -> &'static str {
    match shape {
        Shape::Struct(_) => "struct",
        Shape::Enum(_) => "enum",
        Shape::Alias(_) => "type alias",
        Shape::Choice(_) => "choice enum",
    }
}
