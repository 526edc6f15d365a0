//! Finds where a type contains itself by value and boxes those fields.
//!
//! A struct contains another by value through a required or optional field (a `Vec` and a
//! family enum already allocate), and a choice contains its variants' types. Every such
//! edge inside a strongly connected component of that graph is boxed, which breaks every
//! cycle and leaves other fields alone.

use std::collections::BTreeSet;

use crate::ir::{Cardinality, FieldType, Ir, TypeKind};

/// Sets `boxed` on every field and choice variant that closes a cycle of by-value containment.
///
/// An inherited field is boxed in every type that has it as soon as it closes a cycle in one
/// of them, so a field keeps one Rust type across a family.
pub fn mark_boxed(ir: &mut Ir) {
    let edges: Vec<Vec<usize>> = ir
        .types
        .iter()
        .map(|ty| by_value_targets(&ty.kind))
        .collect();
    let component = strongly_connected(&edges);
    let cyclic = |from: usize, to: usize| component[from] == component[to];
    for index in 0..ir.types.len() {
        match &mut ir.types[index].kind {
            TypeKind::Struct(def) => {
                // A choice field is never boxed: the choice's own variants are, when they
                // close the cycle, and one box is enough.
                for field in def
                    .fields
                    .iter_mut()
                    .filter(|f| !matches!(f.ty, FieldType::Choice(_)))
                {
                    if let Some(target) = by_value_target(&field.ty, field.cardinality) {
                        field.boxed = cyclic(index, target);
                    }
                }
            }
            TypeKind::Choice(def) => {
                for variant in &mut def.variants {
                    if let Some(target) = by_value_target(&variant.ty, Cardinality::Required) {
                        variant.boxed = cyclic(index, target);
                    }
                }
            }
            TypeKind::Enum(_) | TypeKind::Alias(_) => {}
        }
    }
    box_every_inheritor(ir);
}

fn box_every_inheritor(ir: &mut Ir) {
    let mut boxed = BTreeSet::new();
    for ty in &ir.types {
        if let TypeKind::Struct(def) = &ty.kind {
            for field in def.fields.iter().filter(|field| field.boxed) {
                boxed.insert((field.declared_in, field.xml_name.clone()));
            }
        }
    }
    for ty in &mut ir.types {
        if let TypeKind::Struct(def) = &mut ty.kind {
            for field in &mut def.fields {
                field.boxed |= boxed.contains(&(field.declared_in, field.xml_name.clone()));
            }
        }
    }
}

fn by_value_target(ty: &FieldType, cardinality: Cardinality) -> Option<usize> {
    match (ty, cardinality) {
        (_, Cardinality::Repeated) => None,
        (FieldType::Named(id) | FieldType::Choice(id), _) => Some(id.0),
        (FieldType::Builtin(_) | FieldType::Family(_), _) => None,
    }
}

fn by_value_targets(kind: &TypeKind) -> Vec<usize> {
    match kind {
        TypeKind::Struct(def) => def
            .fields
            .iter()
            .filter_map(|field| by_value_target(&field.ty, field.cardinality))
            .collect(),
        TypeKind::Choice(def) => def
            .variants
            .iter()
            .filter_map(|variant| by_value_target(&variant.ty, Cardinality::Required))
            .collect(),
        TypeKind::Enum(_) | TypeKind::Alias(_) => Vec::new(),
    }
}

/// Returns a component number per node, computed with an iterative Tarjan algorithm. Two
/// nodes share a number exactly when each reaches the other.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut component = vec![UNVISITED; count];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..count {
        if index[root] != UNVISITED {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == UNVISITED {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_of_cycles_and_chains() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 3 is a self-loop; 4 -> 0 is outside the cycle.
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let component = strongly_connected(&edges);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[3], component[0]);
        assert_ne!(component[4], component[0]);
    }
}
