//! The first stage: reads WSDL and XSD files with roxmltree into a [`Model`].
//!
//! Constructs that change what travels on the wire and that the generator cannot express
//! (attributes, simple content, groups, element references) are errors naming their place.
//! Annotations, patterns and other facets do not change the wire format and are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node};

use crate::error::{Error, Location};
use crate::model::{
    ChoiceDecl, ComplexTypeDecl, ElementDecl, Model, Name, Occurs, OperationDecl, Particle,
    SimpleTypeDecl, TypeRef, XSD_NAMESPACE,
};

const WSDL_NAMESPACE: &str = "http://schemas.xmlsoap.org/wsdl/";
const WSDL_SOAP_NAMESPACE: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
const WSDL_SOAP12_NAMESPACE: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";

/// Reads a WSDL (or a bare XSD) and every schema it imports into one model.
///
/// `locations` maps an import's `schemaLocation` or namespace to a local file; imports are
/// never fetched.
///
/// # Errors
/// Fails on unreadable files, malformed XML, unsupported constructs and unmapped imports.
pub fn read_model(
    path: &Path,
    locations: &BTreeMap<String, PathBuf>,
) -> Result<(Model, Vec<PathBuf>), Error> {
    let mut reader = ModelReader {
        locations,
        loaded: BTreeSet::new(),
        files: Vec::new(),
        model: Model::default(),
    };
    reader.read_file(path)?;
    Ok((reader.model, reader.files))
}

struct ModelReader<'m> {
    locations: &'m BTreeMap<String, PathBuf>,
    loaded: BTreeSet<PathBuf>,
    files: Vec<PathBuf>,
    model: Model,
}

/// A parsed file with the helpers every reading step needs.
struct Source<'d, 'i> {
    path: &'d Path,
    document: &'d Document<'i>,
}

impl<'d, 'i> Source<'d, 'i> {
    fn location(&self, node: Node<'_, '_>) -> Location {
        let position = self.document.text_pos_at(node.range().start);
        Location {
            file: self.path.to_owned(),
            line: position.row,
            column: position.col,
        }
    }

    fn invalid(&self, node: Node<'_, '_>, message: impl Into<String>) -> Error {
        Error::Invalid {
            message: message.into(),
            location: self.location(node),
        }
    }

    fn unsupported(&self, node: Node<'_, '_>, reason: &str) -> Error {
        Error::Unsupported {
            construct: format!("`<{}>`", node.tag_name().name()),
            location: self.location(node),
            reason: reason.to_owned(),
        }
    }

    fn required_attribute(&self, node: Node<'d, 'i>, name: &str) -> Result<&'d str, Error> {
        node.attribute(name).ok_or_else(|| {
            let tag = node.tag_name().name();
            self.invalid(node, format!("`<{tag}>` has no `{name}` attribute"))
        })
    }

    /// Resolves a QName attribute value through the namespace declarations in scope.
    fn qname(&self, node: Node<'_, '_>, value: &str) -> Result<Name, Error> {
        let (prefix, local) = match value.split_once(':') {
            Some((prefix, local)) => (Some(prefix), local),
            None => (None, value),
        };
        match node.lookup_namespace_uri(prefix) {
            Some(namespace) => Ok(Name::new(namespace, local)),
            None if prefix.is_none() => Ok(Name::new("", local)),
            None => Err(self.invalid(
                node,
                format!("the prefix of `{value}` is not bound to a namespace"),
            )),
        }
    }
}

fn is_xsd(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node.tag_name().namespace() == Some(XSD_NAMESPACE)
}

fn is_wsdl(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node.tag_name().namespace() == Some(WSDL_NAMESPACE)
}

fn documentation(node: Node<'_, '_>) -> Option<String> {
    let annotation = node
        .children()
        .find(|child| is_xsd(*child, "annotation") || is_wsdl(*child, "documentation"))?;
    let texts: Vec<String> = if is_wsdl(annotation, "documentation") {
        vec![all_text(annotation)]
    } else {
        annotation
            .children()
            .filter(|child| is_xsd(*child, "documentation"))
            .map(all_text)
            .collect()
    };
    let joined = texts.join(" ");
    let collapsed = joined.split_whitespace().collect::<Vec<_>>().join(" ");
    (!collapsed.is_empty()).then_some(collapsed)
}

fn all_text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

impl ModelReader<'_> {
    fn read_file(&mut self, path: &Path) -> Result<(), Error> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        if !self.loaded.insert(canonical) {
            return Ok(());
        }
        self.files.push(path.to_owned());
        let text = std::fs::read_to_string(path).map_err(|error| Error::io("read", path, error))?;
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        };
        let document = Document::parse_with_options(&text, options).map_err(|error| {
            let position = error.pos();
            Error::Xml {
                location: Location {
                    file: path.to_owned(),
                    line: position.row,
                    column: position.col,
                },
                message: without_position(&error.to_string()),
            }
        })?;
        let source = Source {
            path,
            document: &document,
        };
        let root = document.root_element();
        if is_wsdl(root, "definitions") {
            self.read_wsdl(&source, root)
        } else if is_xsd(root, "schema") {
            self.read_schema(&source, root)
        } else {
            Err(source.invalid(
                root,
                format!(
                    "the root element `{}` is neither a WSDL `definitions` nor an XSD `schema`",
                    root.tag_name().name()
                ),
            ))
        }
    }

    fn read_wsdl(&mut self, source: &Source<'_, '_>, root: Node<'_, '_>) -> Result<(), Error> {
        for types in root.children().filter(|n| is_wsdl(*n, "types")) {
            for schema in types.children().filter(|n| is_xsd(*n, "schema")) {
                self.read_schema(source, schema)?;
            }
        }
        let operations = read_operations(source, root)?;
        self.model.operations.extend(operations);
        Ok(())
    }

    fn read_schema(&mut self, source: &Source<'_, '_>, schema: Node<'_, '_>) -> Result<(), Error> {
        let target = schema.attribute("targetNamespace").unwrap_or("");
        let qualified = schema.attribute("elementFormDefault") == Some("qualified");
        let scope = Scope { target, qualified };
        for child in schema.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "import" | "include" if is_xsd(child, child.tag_name().name()) => {
                    self.read_import(source, child)?
                }
                "complexType" => {
                    let name = source.required_attribute(child, "name")?;
                    let decl =
                        read_complex_type(source, &scope, child, Name::new(target, name), false)?;
                    self.model.complex_types.push(decl);
                }
                "simpleType" => {
                    let name = source.required_attribute(child, "name")?;
                    let decl = read_simple_type(source, child, Name::new(target, name), false)?;
                    self.model.simple_types.push(decl);
                }
                "element" => {
                    let decl = read_element(source, &scope, child, None, true)?;
                    self.model.elements.push(decl);
                }
                "annotation" | "notation" => {}
                _ => {
                    return Err(source.unsupported(
                        child,
                        "the generator reads complexType, simpleType, element and import at the top of a schema",
                    ));
                }
            }
        }
        Ok(())
    }

    fn read_import(&mut self, source: &Source<'_, '_>, import: Node<'_, '_>) -> Result<(), Error> {
        let location = import.attribute("schemaLocation");
        let namespace = import.attribute("namespace");
        let mapped = location
            .and_then(|location| self.locations.get(location))
            .or_else(|| namespace.and_then(|namespace| self.locations.get(namespace)))
            .cloned();
        let path = match (mapped, location) {
            (Some(path), _) => path,
            (None, Some(location)) if !location.contains("://") => {
                let base = source.path.parent().unwrap_or(Path::new("."));
                base.join(location)
            }
            (None, Some(location)) => {
                return Err(Error::UnmappedImport {
                    import: location.to_owned(),
                    location: source.location(import),
                });
            }
            // An import with neither a location nor a mapping only declares that names from
            // that namespace may be used. Any such use fails later as an undefined name.
            (None, None) => return Ok(()),
        };
        self.read_file(&path)
    }
}

/// The settings every declaration inside one schema shares.
struct Scope<'s> {
    target: &'s str,
    qualified: bool,
}

fn read_occurs(source: &Source<'_, '_>, node: Node<'_, '_>) -> Result<Occurs, Error> {
    let parse =
        |name: &str, default: u32| -> Result<Option<u32>, Error> {
            match node.attribute(name) {
                None => Ok(Some(default)),
                Some("unbounded") if name == "maxOccurs" => Ok(None),
                Some(value) => value.trim().parse().map(Some).map_err(|_| {
                    source.invalid(node, format!("`{name}=\"{value}\"` is not a number"))
                }),
            }
        };
    let min = parse("minOccurs", 1)?.unwrap_or(1);
    let max = parse("maxOccurs", 1)?;
    Ok(Occurs { min, max })
}

fn read_complex_type(
    source: &Source<'_, '_>,
    scope: &Scope<'_>,
    node: Node<'_, '_>,
    name: Name,
    anonymous: bool,
) -> Result<ComplexTypeDecl, Error> {
    if node.attribute("mixed") == Some("true") {
        return Err(source.unsupported(node, "mixed content (`mixed=\"true\"`) is not supported"));
    }
    let mut decl = ComplexTypeDecl {
        name,
        anonymous,
        is_abstract: node.attribute("abstract") == Some("true"),
        base: None,
        particles: Vec::new(),
        documentation: documentation(node),
        location: source.location(node),
    };
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "annotation" => {}
            "sequence" | "all" => read_sequence(source, scope, child, &mut decl)?,
            "choice" => {
                let choice = read_choice(source, scope, child, &decl.name)?;
                decl.particles.push(Particle::Choice(choice));
            }
            "complexContent" => read_complex_content(source, scope, child, &mut decl)?,
            "attribute" | "attributeGroup" | "anyAttribute" => {
                return Err(source.unsupported(
                    child,
                    "attributes travel on the wire and the generator has no field for them",
                ));
            }
            _ => {
                return Err(source.unsupported(
                    child,
                    "a complex type may hold sequence, all, choice or complexContent/extension",
                ));
            }
        }
    }
    Ok(decl)
}

fn read_complex_content(
    source: &Source<'_, '_>,
    scope: &Scope<'_>,
    node: Node<'_, '_>,
    decl: &mut ComplexTypeDecl,
) -> Result<(), Error> {
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "annotation" => {}
            "extension" => {
                let base = source.required_attribute(child, "base")?;
                decl.base = Some((source.qname(child, base)?, source.location(child)));
                for part in child.children().filter(Node::is_element) {
                    match part.tag_name().name() {
                        "annotation" => {}
                        "sequence" | "all" => read_sequence(source, scope, part, decl)?,
                        "choice" => {
                            let choice = read_choice(source, scope, part, &decl.name)?;
                            decl.particles.push(Particle::Choice(choice));
                        }
                        _ => {
                            return Err(source.unsupported(
                                part,
                                "an extension may hold a sequence, all or choice",
                            ));
                        }
                    }
                }
            }
            _ => {
                return Err(source.unsupported(
                    child,
                    "only complexContent/extension is supported; a restriction of a complex type has no Rust mapping here",
                ));
            }
        }
    }
    Ok(())
}

fn read_sequence(
    source: &Source<'_, '_>,
    scope: &Scope<'_>,
    node: Node<'_, '_>,
    decl: &mut ComplexTypeDecl,
) -> Result<(), Error> {
    let occurs = read_occurs(source, node)?;
    if occurs.max != Some(1) {
        return Err(source.unsupported(
            node,
            "a repeated sequence has no Rust mapping here; repeat its elements instead",
        ));
    }
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "annotation" => {}
            "element" => {
                let element = read_element(source, scope, child, Some(&decl.name), false)?;
                decl.particles.push(Particle::Element(element));
            }
            "sequence" => read_sequence(source, scope, child, decl)?,
            "choice" => {
                let choice = read_choice(source, scope, child, &decl.name)?;
                decl.particles.push(Particle::Choice(choice));
            }
            "any" => decl.particles.push(Particle::Any {
                location: source.location(child),
            }),
            _ => {
                return Err(source.unsupported(
                    child,
                    "a sequence may hold element, sequence, choice and any",
                ));
            }
        }
    }
    Ok(())
}

fn read_choice(
    source: &Source<'_, '_>,
    scope: &Scope<'_>,
    node: Node<'_, '_>,
    owner: &Name,
) -> Result<ChoiceDecl, Error> {
    let occurs = read_occurs(source, node)?;
    if occurs.max != Some(1) {
        return Err(source.unsupported(node, "a repeated choice has no Rust mapping here"));
    }
    let mut elements = Vec::new();
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "annotation" => {}
            "element" => {
                let element = read_element(source, scope, child, Some(owner), false)?;
                if element.occurs
                    != (Occurs {
                        min: 1,
                        max: Some(1),
                    })
                {
                    return Err(
                        source.unsupported(child, "an element of a choice must occur exactly once")
                    );
                }
                elements.push(element);
            }
            _ => {
                return Err(source.unsupported(child, "a choice may hold only elements here"));
            }
        }
    }
    Ok(ChoiceDecl {
        occurs,
        elements,
        location: source.location(node),
    })
}

fn read_element(
    source: &Source<'_, '_>,
    scope: &Scope<'_>,
    node: Node<'_, '_>,
    owner: Option<&Name>,
    top_level: bool,
) -> Result<ElementDecl, Error> {
    if node.attribute("ref").is_some() {
        return Err(source.unsupported(
            node,
            "element references (`ref=`) are not supported; declare the element locally",
        ));
    }
    if node.attribute("substitutionGroup").is_some() {
        return Err(source.unsupported(node, "substitution groups are not supported"));
    }
    let local = source.required_attribute(node, "name")?;
    let qualified = top_level || scope.qualified || node.attribute("form") == Some("qualified");
    let namespace = if qualified { scope.target } else { "" };
    let name = Name::new(namespace, local);
    let path = match owner {
        Some(owner) => Name::new(scope.target, &format!("{}/{local}", owner.local)),
        None => Name::new(scope.target, local),
    };
    let ty = read_element_type(source, scope, node, path)?;
    Ok(ElementDecl {
        name,
        ty,
        occurs: if top_level {
            Occurs {
                min: 1,
                max: Some(1),
            }
        } else {
            read_occurs(source, node)?
        },
        nillable: node.attribute("nillable") == Some("true"),
        documentation: documentation(node),
        location: source.location(node),
    })
}

fn read_element_type(
    source: &Source<'_, '_>,
    scope: &Scope<'_>,
    node: Node<'_, '_>,
    path: Name,
) -> Result<TypeRef, Error> {
    if let Some(ty) = node.attribute("type") {
        return Ok(TypeRef::Named(source.qname(node, ty)?));
    }
    for child in node.children().filter(Node::is_element) {
        match child.tag_name().name() {
            "complexType" => {
                let decl = read_complex_type(source, scope, child, path, true)?;
                return Ok(TypeRef::AnonymousComplex(Box::new(decl)));
            }
            "simpleType" => {
                let decl = read_simple_type(source, child, path, true)?;
                return Ok(TypeRef::AnonymousSimple(Box::new(decl)));
            }
            _ => {}
        }
    }
    Ok(TypeRef::Untyped)
}

fn read_simple_type(
    source: &Source<'_, '_>,
    node: Node<'_, '_>,
    name: Name,
    anonymous: bool,
) -> Result<SimpleTypeDecl, Error> {
    let Some(restriction) = node.children().find(|child| is_xsd(*child, "restriction")) else {
        let construct = node.children().find(Node::is_element).unwrap_or(node);
        return Err(source.unsupported(
            construct,
            "a simple type must be a restriction; list and union types have no Rust mapping here",
        ));
    };
    let base = source.required_attribute(restriction, "base")?;
    let base = source.qname(restriction, base)?;
    let mut enumerations = Vec::new();
    for facet in restriction.children().filter(|n| is_xsd(*n, "enumeration")) {
        let value = source.required_attribute(facet, "value")?;
        enumerations.push((value.to_owned(), documentation(facet)));
    }
    Ok(SimpleTypeDecl {
        name,
        anonymous,
        base,
        enumerations,
        documentation: documentation(node),
        location: source.location(node),
    })
}

/// Joins port type operations with their messages and SOAP binding actions.
fn read_operations(
    source: &Source<'_, '_>,
    root: Node<'_, '_>,
) -> Result<Vec<OperationDecl>, Error> {
    let mut messages = BTreeMap::new();
    for message in root.children().filter(|n| is_wsdl(*n, "message")) {
        let name = source.required_attribute(message, "name")?;
        let Some(part) = message.children().find(|n| is_wsdl(*n, "part")) else {
            return Err(source.invalid(message, format!("message `{name}` has no part")));
        };
        let Some(element) = part.attribute("element") else {
            return Err(source.unsupported(
                part,
                "message parts must name an element (document/literal)",
            ));
        };
        messages.insert(name.to_owned(), source.qname(part, element)?);
    }
    let mut actions = BTreeMap::new();
    for binding in root.children().filter(|n| is_wsdl(*n, "binding")) {
        for operation in binding.children().filter(|n| is_wsdl(*n, "operation")) {
            let name = source.required_attribute(operation, "name")?;
            let action = operation
                .children()
                .filter(|n| n.tag_name().name() == "operation")
                .filter(|n| {
                    matches!(
                        n.tag_name().namespace(),
                        Some(WSDL_SOAP_NAMESPACE | WSDL_SOAP12_NAMESPACE)
                    )
                })
                .find_map(|n| n.attribute("soapAction"));
            actions
                .entry(name.to_owned())
                .or_insert_with(|| action.unwrap_or("").to_owned());
        }
    }
    let mut operations = Vec::new();
    for port_type in root.children().filter(|n| is_wsdl(*n, "portType")) {
        for operation in port_type.children().filter(|n| is_wsdl(*n, "operation")) {
            let name = source.required_attribute(operation, "name")?;
            let message_of = |direction: &str| -> Result<Name, Error> {
                let Some(node) = operation.children().find(|n| is_wsdl(*n, direction)) else {
                    return Err(source
                        .unsupported(operation, "only request-response operations are supported"));
                };
                let message = source.required_attribute(node, "message")?;
                let message = source.qname(node, message)?;
                messages.get(&message.local).cloned().ok_or_else(|| {
                    source.invalid(
                        node,
                        format!(
                            "operation `{name}` names the undefined message `{}`",
                            message.local
                        ),
                    )
                })
            };
            operations.push(OperationDecl {
                name: name.to_owned(),
                soap_action: actions.get(name).cloned().unwrap_or_default(),
                request: message_of("input")?,
                response: message_of("output")?,
                documentation: documentation(operation),
                location: source.location(operation),
            });
        }
    }
    Ok(operations)
}

/// Removes the ` at LINE:COLUMN` roxmltree appends to its messages, since the error prints
/// the location itself.
fn without_position(message: &str) -> String {
    match message.rsplit_once(" at ") {
        Some((text, position)) if position.split(':').all(|part| part.parse::<u32>().is_ok()) => {
            text.to_owned()
        }
        _ => message.to_owned(),
    }
}
