//! Chooses every Rust name and resolves clashes deterministically.
//!
//! Names come from XML names alone (anonymous types from their schema path, never from a
//! counter), so a name only changes when its own part of the schema does. Where two XML
//! names convert to one Rust name, the first in schema order keeps it and the other gets a
//! longer name, recorded in [`Ir::renames`].

use std::collections::BTreeSet;

use crate::ir::{Ir, Rename, TypeId, TypeKind};
use crate::naming::{escape, snake, upper_camel};

/// The field every struct has for undeclared and absent elements.
pub const EXTRA_FIELD: &str = "extra";

/// Assigns type, field, variant and family names.
pub fn assign(ir: &mut Ir) {
    assign_type_names(ir);
    assign_family_names(ir);
    let mut done = vec![false; ir.types.len()];
    for index in 0..ir.types.len() {
        assign_field_names(ir, TypeId(index), &mut done);
    }
    for index in 0..ir.types.len() {
        assign_variant_names(ir, index);
    }
    ir.renames.sort();
}

/// Orders types for naming: named types first, then anonymous ones, then choices, each in
/// schema order.
fn naming_rank(kind: &TypeKind) -> u8 {
    match kind {
        TypeKind::Struct(def) if def.anonymous => 1,
        TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Alias(_) => 0,
        TypeKind::Choice(_) => 2,
    }
}

fn assign_type_names(ir: &mut Ir) {
    let mut order: Vec<usize> = (0..ir.types.len()).collect();
    order.sort_by_key(|&index| (naming_rank(&ir.types[index].kind), index));
    let mut taken = BTreeSet::new();
    for index in order {
        let ty = &ir.types[index];
        let plain = upper_camel(&ty.xml_name);
        let suffix = if naming_rank(&ty.kind) == 1 {
            "Element"
        } else {
            ""
        };
        let chosen = unique(&plain, suffix, &taken);
        if chosen != plain {
            ir.renames.push(Rename {
                item: ty.xml_name.clone(),
                plain: plain.clone(),
                chosen: chosen.clone(),
                reason: format!("`{plain}` is the name of a type earlier in the schema"),
            });
        }
        taken.insert(chosen.clone());
        ir.types[index].rust_name = chosen;
    }
    // Family enums are named after types that are already unique, so only they can clash.
    let _ = taken;
}

/// Returns `plain` if free, else `plain` + `suffix`, else that followed by 2, 3, ….
fn unique(plain: &str, suffix: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(plain) {
        return plain.to_owned();
    }
    let with_suffix = format!("{plain}{suffix}");
    if !suffix.is_empty() && !taken.contains(&with_suffix) {
        return with_suffix;
    }
    (2..)
        .map(|n| format!("{with_suffix}{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_default()
}

fn assign_family_names(ir: &mut Ir) {
    let mut taken: BTreeSet<String> = ir.types.iter().map(|ty| ty.rust_name.clone()).collect();
    for index in 0..ir.types.len() {
        let rust_name = ir.types[index].rust_name.clone();
        let TypeKind::Struct(def) = &mut ir.types[index].kind else {
            continue;
        };
        if def.descendants.is_empty() {
            continue;
        }
        let plain = format!("Any{rust_name}");
        let chosen = unique(&plain, "Family", &taken);
        if chosen != plain {
            ir.renames.push(Rename {
                item: format!("family of {}", ir.types[index].xml_name),
                plain: plain.clone(),
                chosen: chosen.clone(),
                reason: format!("`{plain}` is the name of a schema type"),
            });
        }
        taken.insert(chosen.clone());
        if let TypeKind::Struct(def) = &mut ir.types[index].kind {
            def.family_name = Some(chosen);
        }
    }
}

/// Names a struct's fields: inherited fields keep the names their base chose, own fields
/// get the snake_case of their XML name unless an inherited or earlier field has it.
fn assign_field_names(ir: &mut Ir, id: TypeId, done: &mut [bool]) {
    if done[id.0] {
        return;
    }
    done[id.0] = true;
    let TypeKind::Struct(def) = &ir.types[id.0].kind else {
        return;
    };
    let inherited = match def.base {
        Some(base) => {
            assign_field_names(ir, base, done);
            match &ir.types[base.0].kind {
                TypeKind::Struct(base_def) => base_def
                    .fields
                    .iter()
                    .map(|f| f.rust_name.clone())
                    .collect(),
                _ => Vec::new(),
            }
        }
        None => Vec::new(),
    };
    let type_name = ir.types[id.0].rust_name.clone();
    let xml_type = ir.types[id.0].xml_name.clone();
    let mut taken: BTreeSet<String> = inherited.iter().map(|name| bare(name)).collect();
    taken.insert(EXTRA_FIELD.to_owned());
    let mut renames = Vec::new();
    let TypeKind::Struct(def) = &mut ir.types[id.0].kind else {
        return;
    };
    for (index, field) in def.fields.iter_mut().enumerate() {
        if let Some(name) = inherited.get(index) {
            field.rust_name = name.clone();
            continue;
        }
        let plain = if field.xml_name.is_empty() {
            "choice".to_owned()
        } else {
            snake(&field.xml_name)
        };
        let chosen = if taken.contains(&plain) {
            let longer = format!("{}_{plain}", snake(&type_name));
            let chosen = unique(&longer, "", &taken);
            renames.push(Rename {
                item: format!(
                    "{xml_type}.{}",
                    if field.xml_name.is_empty() {
                        "choice"
                    } else {
                        &field.xml_name
                    }
                ),
                plain: plain.clone(),
                chosen: chosen.clone(),
                reason: format!(
                    "`{plain}` is already a field of `{type_name}`, inherited or declared earlier"
                ),
            });
            chosen
        } else {
            plain
        };
        taken.insert(chosen.clone());
        field.rust_name = escape(&chosen).source();
    }
    ir.renames.extend(renames);
}

/// Returns a field name without its raw-identifier prefix.
fn bare(name: &str) -> String {
    name.trim_start_matches("r#").to_owned()
}

fn assign_variant_names(ir: &mut Ir, index: usize) {
    let xml_type = ir.types[index].xml_name.clone();
    let mut renames = Vec::new();
    match &mut ir.types[index].kind {
        TypeKind::Enum(def) => {
            let mut taken = BTreeSet::new();
            for value in &mut def.values {
                value.rust_name =
                    choose_variant(&value.xml_value, &mut taken, &xml_type, &mut renames);
            }
            def.catch_all = unique("Unknown", "Value", &taken);
        }
        TypeKind::Choice(def) => {
            let mut taken = BTreeSet::new();
            for variant in &mut def.variants {
                variant.rust_name =
                    choose_variant(&variant.xml_name, &mut taken, &xml_type, &mut renames);
            }
        }
        TypeKind::Struct(_) | TypeKind::Alias(_) => {}
    }
    ir.renames.extend(renames);
}

fn choose_variant(
    xml: &str,
    taken: &mut BTreeSet<String>,
    xml_type: &str,
    renames: &mut Vec<Rename>,
) -> String {
    let plain = upper_camel(xml);
    let chosen = unique(&plain, "", taken);
    if chosen != plain {
        renames.push(Rename {
            item: format!("{xml_type} value `{xml}`"),
            plain: plain.clone(),
            chosen: chosen.clone(),
            reason: format!("`{plain}` is the variant of an earlier value"),
        });
    }
    taken.insert(chosen.clone());
    chosen
}
