//! The second stage: turns the [`Model`] into an [`Ir`] that answers every Rust question.
//!
//! Every named and anonymous type gets a [`TypeId`] before anything is converted, so forward
//! and cyclic references resolve by lookup.

mod boxing;
mod builtins;
mod names;

use std::collections::BTreeMap;

use crate::error::{Error, Location};
use crate::ir::{
    Cardinality, ChoiceDef, ChoiceVariant, EnumDef, Field, FieldType, Ir, OperationDef, StructDef,
    TypeDef, TypeId, TypeKind,
};
use crate::model::{
    ChoiceDecl, ComplexTypeDecl, ElementDecl, Model, Name, Occurs, Particle, SimpleTypeDecl,
    TypeRef, XSD_NAMESPACE,
};

/// Builds the intermediate representation of a model.
///
/// # Errors
/// Fails on references to undefined types, unknown built-ins, cyclic inheritance and message
/// parts the generator cannot express.
pub fn resolve(model: &Model) -> Result<Ir, Error> {
    let declarations = collect(model);
    let mut resolver = Resolver {
        declarations: &declarations,
        lookup: BTreeMap::new(),
        ir: Ir::default(),
    };
    resolver.register()?;
    resolver.convert()?;
    resolver.flatten_inheritance()?;
    resolver.mark_families();
    names::assign(&mut resolver.ir);
    boxing::mark_boxed(&mut resolver.ir);
    resolver.messages(model)?;
    resolver.operations(model)?;
    Ok(resolver.ir)
}

/// A declaration waiting for its [`TypeId`].
enum Declaration<'m> {
    Complex(&'m ComplexTypeDecl),
    Simple(&'m SimpleTypeDecl),
    Choice {
        owner: &'m ComplexTypeDecl,
        index: usize,
        choice: &'m ChoiceDecl,
    },
}

/// Lists every type declaration in a stable order: named complex types, the top-level
/// elements' anonymous types, named simple types, each followed by the anonymous types and
/// choices nested in it.
fn collect(model: &Model) -> Vec<Declaration<'_>> {
    let mut out = Vec::new();
    for decl in &model.complex_types {
        collect_complex(decl, &mut out);
    }
    for element in &model.elements {
        collect_element(element, &mut out);
    }
    for decl in &model.simple_types {
        out.push(Declaration::Simple(decl));
    }
    out
}

fn collect_complex<'m>(decl: &'m ComplexTypeDecl, out: &mut Vec<Declaration<'m>>) {
    out.push(Declaration::Complex(decl));
    let mut choices = 0;
    for particle in &decl.particles {
        match particle {
            Particle::Element(element) => collect_element(element, out),
            Particle::Choice(choice) => {
                out.push(Declaration::Choice {
                    owner: decl,
                    index: choices,
                    choice,
                });
                choices += 1;
                choice
                    .elements
                    .iter()
                    .for_each(|element| collect_element(element, out));
            }
            Particle::Any { .. } => {}
        }
    }
}

fn collect_element<'m>(element: &'m ElementDecl, out: &mut Vec<Declaration<'m>>) {
    match &element.ty {
        TypeRef::AnonymousComplex(decl) => collect_complex(decl, out),
        TypeRef::AnonymousSimple(decl) => out.push(Declaration::Simple(decl)),
        TypeRef::Named(_) | TypeRef::Untyped => {}
    }
}

/// Returns the key a declaration is found by: its name, or for a choice its owner's name and index.
fn key_of(declaration: &Declaration<'_>) -> Name {
    match declaration {
        Declaration::Complex(decl) => type_key(&decl.name, decl.anonymous),
        Declaration::Simple(decl) => type_key(&decl.name, decl.anonymous),
        Declaration::Choice { owner, index, .. } => Name::new(
            &owner.name.namespace,
            &format!("{}#choice{index}", owner.name.local),
        ),
    }
}

/// Returns the lookup key of a type. Anonymous types are keyed apart, so an element whose inline type
/// shares its name with a named type does not collide with it.
fn type_key(name: &Name, anonymous: bool) -> Name {
    if anonymous {
        Name::new(&name.namespace, &format!("{}#element", name.local))
    } else {
        name.clone()
    }
}

struct Resolver<'d, 'm> {
    declarations: &'d [Declaration<'m>],
    lookup: BTreeMap<Name, TypeId>,
    ir: Ir,
}

impl Resolver<'_, '_> {
    fn register(&mut self) -> Result<(), Error> {
        for (index, declaration) in self.declarations.iter().enumerate() {
            let key = key_of(declaration);
            if self.lookup.insert(key.clone(), TypeId(index)).is_some() {
                let location = match declaration {
                    Declaration::Complex(decl) => decl.location.clone(),
                    Declaration::Simple(decl) => decl.location.clone(),
                    Declaration::Choice { choice, .. } => choice.location.clone(),
                };
                return Err(Error::Invalid {
                    message: format!("type `{}` is defined twice", key.local),
                    location,
                });
            }
        }
        Ok(())
    }

    fn convert(&mut self) -> Result<(), Error> {
        for declaration in self.declarations {
            let def = match declaration {
                Declaration::Complex(decl) => self.convert_complex(decl)?,
                Declaration::Simple(decl) => self.convert_simple(decl)?,
                Declaration::Choice {
                    owner,
                    index,
                    choice,
                } => self.convert_choice(owner, *index, choice)?,
            };
            self.ir.types.push(def);
        }
        Ok(())
    }

    fn convert_complex(&self, decl: &ComplexTypeDecl) -> Result<TypeDef, Error> {
        let id = self.lookup[&type_key(&decl.name, decl.anonymous)];
        let base = match &decl.base {
            Some((base, location)) => Some(self.complex_base(base, location)?),
            None => None,
        };
        let mut fields = Vec::new();
        let mut has_wildcard = false;
        let mut choices = 0;
        for particle in &decl.particles {
            match particle {
                Particle::Element(element) => fields.push(self.element_field(element, id)?),
                Particle::Choice(choice) => {
                    let key = Name::new(
                        &decl.name.namespace,
                        &format!("{}#choice{choices}", decl.name.local),
                    );
                    choices += 1;
                    fields.push(Field {
                        xml_name: String::new(),
                        rust_name: String::new(),
                        ty: FieldType::Choice(self.lookup[&key]),
                        cardinality: if choice.occurs.min == 0 {
                            Cardinality::Optional
                        } else {
                            Cardinality::Required
                        },
                        nillable: false,
                        boxed: false,
                        declared_in: id,
                        documentation: None,
                    });
                }
                Particle::Any { .. } => has_wildcard = true,
            }
        }
        Ok(TypeDef {
            xml_name: decl.name.local.clone(),
            namespace: decl.name.namespace.clone(),
            rust_name: String::new(),
            documentation: decl.documentation.clone(),
            kind: TypeKind::Struct(StructDef {
                base,
                is_abstract: decl.is_abstract,
                anonymous: decl.anonymous,
                fields,
                has_wildcard,
                descendants: Vec::new(),
                family_name: None,
            }),
        })
    }

    fn complex_base(&self, base: &Name, location: &Location) -> Result<TypeId, Error> {
        match self.lookup.get(base) {
            Some(&id) if matches!(self.declarations[id.0], Declaration::Complex(_)) => Ok(id),
            Some(_) => Err(Error::Invalid {
                message: format!("the extension base `{}` is not a complex type", base.local),
                location: location.clone(),
            }),
            None => Err(undefined(base, "extension base", location)),
        }
    }

    fn element_field(&self, element: &ElementDecl, owner: TypeId) -> Result<Field, Error> {
        Ok(Field {
            xml_name: element.name.local.clone(),
            rust_name: String::new(),
            ty: self.element_type(element)?,
            cardinality: cardinality(element.occurs),
            nillable: element.nillable,
            boxed: false,
            declared_in: owner,
            documentation: element.documentation.clone(),
        })
    }

    fn element_type(&self, element: &ElementDecl) -> Result<FieldType, Error> {
        match &element.ty {
            TypeRef::Named(name) if name.namespace == XSD_NAMESPACE => {
                builtins::field_type(&name.local)
                    .ok_or_else(|| undefined(name, "built-in type", &element.location))
            }
            TypeRef::Named(name) => self
                .lookup
                .get(name)
                .map(|&id| FieldType::Named(id))
                .ok_or_else(|| undefined(name, "type", &element.location)),
            TypeRef::AnonymousComplex(decl) => {
                Ok(FieldType::Named(self.lookup[&type_key(&decl.name, true)]))
            }
            TypeRef::AnonymousSimple(decl) => {
                Ok(FieldType::Named(self.lookup[&type_key(&decl.name, true)]))
            }
            TypeRef::Untyped => Ok(builtins::any_type()),
        }
    }

    fn convert_simple(&self, decl: &SimpleTypeDecl) -> Result<TypeDef, Error> {
        let kind = if decl.enumerations.is_empty() {
            TypeKind::Alias(self.simple_base(decl)?)
        } else {
            self.simple_base(decl)?;
            TypeKind::Enum(EnumDef {
                values: decl
                    .enumerations
                    .iter()
                    .map(|(value, documentation)| crate::ir::EnumValue {
                        xml_value: value.clone(),
                        rust_name: String::new(),
                        documentation: documentation.clone(),
                    })
                    .collect(),
                catch_all: String::new(),
            })
        };
        Ok(TypeDef {
            xml_name: decl.name.local.clone(),
            namespace: decl.name.namespace.clone(),
            rust_name: String::new(),
            documentation: decl.documentation.clone(),
            kind,
        })
    }

    /// Returns the built-in a simple type restricts, following restrictions of other simple
    /// types.
    fn simple_base(&self, decl: &SimpleTypeDecl) -> Result<crate::ir::Builtin, Error> {
        let mut current = decl;
        for _ in 0..self.declarations.len() + 1 {
            if current.base.namespace == XSD_NAMESPACE {
                return match builtins::field_type(&current.base.local) {
                    Some(FieldType::Builtin(builtin)) => Ok(builtin),
                    _ => Err(undefined(
                        &current.base,
                        "built-in simple type",
                        &current.location,
                    )),
                };
            }
            match self
                .lookup
                .get(&current.base)
                .map(|id| &self.declarations[id.0])
            {
                Some(Declaration::Simple(base)) => current = base,
                _ => return Err(undefined(&current.base, "simple type", &current.location)),
            }
        }
        Err(Error::Invalid {
            message: format!("simple type `{}` restricts itself", decl.name.local),
            location: decl.location.clone(),
        })
    }

    fn convert_choice(
        &self,
        owner: &ComplexTypeDecl,
        index: usize,
        choice: &ChoiceDecl,
    ) -> Result<TypeDef, Error> {
        let mut variants = Vec::new();
        for element in &choice.elements {
            variants.push(ChoiceVariant {
                xml_name: element.name.local.clone(),
                rust_name: String::new(),
                ty: self.element_type(element)?,
                nillable: element.nillable,
                boxed: false,
                documentation: element.documentation.clone(),
            });
        }
        let suffix = if index == 0 {
            String::new()
        } else {
            (index + 1).to_string()
        };
        Ok(TypeDef {
            xml_name: format!("{}/choice{suffix}", owner.name.local),
            namespace: owner.name.namespace.clone(),
            rust_name: String::new(),
            documentation: None,
            kind: TypeKind::Choice(ChoiceDef { variants }),
        })
    }

    /// Puts each struct's inherited fields before its own, bases first.
    fn flatten_inheritance(&mut self) -> Result<(), Error> {
        let mut done = vec![false; self.ir.types.len()];
        for index in 0..self.ir.types.len() {
            self.flatten(TypeId(index), &mut done, 0)?;
        }
        for index in 0..self.ir.types.len() {
            self.check_unique_elements(TypeId(index))?;
        }
        Ok(())
    }

    /// Rejects a type in which two fields (own or inherited) read the same element name,
    /// since a reader could not tell which field an element belongs to.
    fn check_unique_elements(&self, id: TypeId) -> Result<(), Error> {
        let TypeKind::Struct(def) = &self.ir.types[id.0].kind else {
            return Ok(());
        };
        let mut seen = std::collections::BTreeSet::new();
        for field in &def.fields {
            let names: Vec<&str> = match &field.ty {
                FieldType::Choice(choice) => match &self.ir.types[choice.0].kind {
                    TypeKind::Choice(choice) => choice
                        .variants
                        .iter()
                        .map(|v| v.xml_name.as_str())
                        .collect(),
                    _ => Vec::new(),
                },
                _ => vec![field.xml_name.as_str()],
            };
            for name in names {
                if !seen.insert(name) {
                    let Declaration::Complex(decl) = self.declarations[id.0] else {
                        return Ok(());
                    };
                    return Err(Error::Unsupported {
                        construct: format!("element `{name}`"),
                        location: decl.location.clone(),
                        reason: format!(
                            "type `{}` declares or inherits two elements named `{name}`, so a reader could not tell them apart",
                            decl.name.local
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    fn flatten(&mut self, id: TypeId, done: &mut [bool], depth: usize) -> Result<(), Error> {
        if done[id.0] {
            return Ok(());
        }
        let TypeKind::Struct(def) = &self.ir.types[id.0].kind else {
            done[id.0] = true;
            return Ok(());
        };
        let Some(base) = def.base else {
            done[id.0] = true;
            return Ok(());
        };
        if depth > self.ir.types.len() {
            let Declaration::Complex(decl) = self.declarations[id.0] else {
                unreachable!("only complex declarations become structs")
            };
            return Err(Error::Invalid {
                message: format!("type `{}` extends itself", decl.name.local),
                location: decl.location.clone(),
            });
        }
        self.flatten(base, done, depth + 1)?;
        let TypeKind::Struct(base_def) = &self.ir.types[base.0].kind else {
            unreachable!("bases are checked to be complex types")
        };
        let mut fields = base_def.fields.clone();
        let has_wildcard = base_def.has_wildcard;
        if let TypeKind::Struct(def) = &mut self.ir.types[id.0].kind {
            fields.append(&mut def.fields);
            def.fields = fields;
            def.has_wildcard |= has_wildcard;
        }
        done[id.0] = true;
        Ok(())
    }

    /// Records every struct's descendants and makes fields of polymorphic types hold their
    /// family enum.
    fn mark_families(&mut self) {
        let count = self.ir.types.len();
        let mut descendants: Vec<Vec<TypeId>> = vec![Vec::new(); count];
        for index in 0..count {
            let mut current = index;
            while let TypeKind::Struct(StructDef {
                base: Some(base), ..
            }) = &self.ir.types[current].kind
            {
                descendants[base.0].push(TypeId(index));
                current = base.0;
            }
        }
        for (index, list) in descendants.into_iter().enumerate() {
            if let TypeKind::Struct(def) = &mut self.ir.types[index].kind {
                def.descendants = list;
            }
        }
        let polymorphic: Vec<bool> = self
            .ir
            .types
            .iter()
            .map(|ty| matches!(&ty.kind, TypeKind::Struct(def) if !def.descendants.is_empty()))
            .collect();
        let retarget = |ty: &mut FieldType| {
            if let FieldType::Named(id) = *ty {
                if polymorphic[id.0] {
                    *ty = FieldType::Family(id);
                }
            }
        };
        for ty in &mut self.ir.types {
            match &mut ty.kind {
                TypeKind::Struct(def) => def.fields.iter_mut().for_each(|f| retarget(&mut f.ty)),
                TypeKind::Choice(def) => def.variants.iter_mut().for_each(|v| retarget(&mut v.ty)),
                TypeKind::Enum(_) | TypeKind::Alias(_) => {}
            }
        }
    }

    fn messages(&mut self, model: &Model) -> Result<(), Error> {
        for element in &model.elements {
            if let TypeRef::AnonymousComplex(decl) = &element.ty {
                self.ir
                    .messages
                    .push(self.lookup[&type_key(&decl.name, true)]);
            }
        }
        Ok(())
    }

    fn operations(&mut self, model: &Model) -> Result<(), Error> {
        for operation in &model.operations {
            let request = self.message_type(&operation.request, operation)?;
            let response = self.message_type(&operation.response, operation)?;
            self.ir.operations.push(OperationDef {
                name: operation.name.clone(),
                rust_name: crate::naming::upper_camel(&operation.name),
                method_name: crate::naming::snake(&operation.name),
                soap_action: operation.soap_action.clone(),
                request,
                response,
                documentation: operation.documentation.clone(),
            });
        }
        Ok(())
    }

    fn message_type(
        &self,
        element: &Name,
        operation: &crate::model::OperationDecl,
    ) -> Result<TypeId, Error> {
        let found = self.ir.messages.iter().copied().find(|&id| {
            let ty = self.ir.get(id);
            ty.xml_name == element.local && ty.namespace == element.namespace
        });
        found.ok_or_else(|| Error::Unsupported {
            construct: format!("message element `{}`", element.local),
            location: operation.location.clone(),
            reason: format!(
                "operation `{}` sends an element that is undefined or has a named type; \
                 message elements must declare their type inline",
                operation.name
            ),
        })
    }
}

fn cardinality(occurs: Occurs) -> Cardinality {
    match occurs.max {
        Some(max) if max <= 1 && occurs.min == 0 => Cardinality::Optional,
        Some(max) if max <= 1 => Cardinality::Required,
        _ => Cardinality::Repeated,
    }
}

fn undefined(name: &Name, what: &str, location: &Location) -> Error {
    let namespace = if name.namespace.is_empty() {
        "no namespace".to_owned()
    } else {
        format!("namespace `{}`", name.namespace)
    };
    Error::Invalid {
        message: format!("undefined {what} `{}` in {namespace}", name.local),
        location: location.clone(),
    }
}
