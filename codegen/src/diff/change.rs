//! One difference between two schema versions, classed by what it does to Rust code.

use super::summary::TypeKey;

/// The effect of a change on code built on the old bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code stops compiling, or a value it handles no longer fits.
    Breaking,
    /// New items only: code that builds structs with `..Default::default()` and matches
    /// generated enums with a `_` arm compiles and behaves as before.
    Additive,
    /// The same Rust, different XML on the wire.
    WireOnly,
    /// Only the schema's documentation, so only rustdoc changes.
    Documentation,
}

impl Class {
    /// Every class, most severe first.
    pub const ALL: [Class; 4] = [
        Class::Breaking,
        Class::Additive,
        Class::WireOnly,
        Class::Documentation,
    ];

    /// Returns the class's name in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::WireOnly => "wire-only",
            Class::Documentation => "documentation",
        }
    }
}

/// The kind of change an item went through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// The item exists only in the new schema.
    Added,
    /// The item exists only in the old schema.
    Removed,
    /// The item's Rust name changed.
    Renamed,
    /// The item has another type: a field, a choice element, or a type alias's target.
    Retyped,
    /// The type became another kind of Rust item (a struct became an enum, …).
    KindChanged,
    /// The type's extension base changed.
    BaseChanged,
    /// The type gained its first subtype, so fields of the type now hold its family enum.
    BecamePolymorphic,
    /// The type lost its last subtype, so fields of the type hold the struct again.
    NoLongerPolymorphic,
    /// The Rust name of the type's family enum changed.
    FamilyRenamed,
    /// The name of the enum's catch-all variant changed.
    CatchAllRenamed,
    /// The value `Default::default()` returns changed: the first enumeration value, choice
    /// element or concrete family member.
    DefaultChanged,
    /// The type now has an `any` wildcard.
    WildcardAdded,
    /// The type no longer has an `any` wildcard.
    WildcardRemoved,
    /// The type's own elements appear in another order.
    Reordered,
    /// A required field became optional.
    MadeOptional,
    /// An optional field became required.
    MadeRequired,
    /// A single field became repeated.
    MadeRepeated,
    /// A repeated field became single.
    MadeSingle,
    /// The element became nillable.
    MadeNillable,
    /// The element is no longer nillable.
    MadeNotNillable,
    /// The value became boxed.
    Boxed,
    /// The value is no longer boxed.
    Unboxed,
    /// The operation's `soapAction` changed.
    SoapActionChanged,
    /// The operation sends another request message.
    RequestChanged,
    /// The operation receives another response message.
    ResponseChanged,
    /// The schema's documentation of the item changed.
    DocumentationChanged,
}

impl ChangeKind {
    /// Returns the kind's name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Retyped => "retyped",
            ChangeKind::KindChanged => "kind-changed",
            ChangeKind::BaseChanged => "base-changed",
            ChangeKind::BecamePolymorphic => "became-polymorphic",
            ChangeKind::NoLongerPolymorphic => "no-longer-polymorphic",
            ChangeKind::FamilyRenamed => "family-renamed",
            ChangeKind::CatchAllRenamed => "catch-all-renamed",
            ChangeKind::DefaultChanged => "default-changed",
            ChangeKind::WildcardAdded => "wildcard-added",
            ChangeKind::WildcardRemoved => "wildcard-removed",
            ChangeKind::Reordered => "reordered",
            ChangeKind::MadeOptional => "made-optional",
            ChangeKind::MadeRequired => "made-required",
            ChangeKind::MadeRepeated => "made-repeated",
            ChangeKind::MadeSingle => "made-single",
            ChangeKind::MadeNillable => "made-nillable",
            ChangeKind::MadeNotNillable => "made-not-nillable",
            ChangeKind::Boxed => "boxed",
            ChangeKind::Unboxed => "unboxed",
            ChangeKind::SoapActionChanged => "soap-action-changed",
            ChangeKind::RequestChanged => "request-changed",
            ChangeKind::ResponseChanged => "response-changed",
            ChangeKind::DocumentationChanged => "documentation-changed",
        }
    }
}

/// The group of a change: a type or an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A schema type.
    Type {
        /// The type's identity.
        key: TypeKey,
        /// Its Rust name, in the new schema when it exists there.
        rust_name: String,
    },
    /// A WSDL operation.
    Operation {
        /// The operation's name.
        name: String,
        /// The Rust name of its marker type, in the new schema when it exists there.
        rust_name: String,
    },
}

impl Scope {
    /// Returns the XML name of the type or the operation's name.
    pub fn name(&self) -> &str {
        match self {
            Scope::Type { key, .. } => &key.xml_name,
            Scope::Operation { name, .. } => name,
        }
    }

    /// Returns the Rust name of the type or the operation's marker type.
    pub fn rust_name(&self) -> &str {
        match self {
            Scope::Type { rust_name, .. } | Scope::Operation { rust_name, .. } => rust_name,
        }
    }
}

/// The kinds of item inside a type that a change can be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    /// A struct field; a choice inside a struct counts as one field.
    Field,
    /// An enumeration value.
    Value,
    /// A member of a polymorphic type's family enum.
    Subtype,
    /// An element of a choice.
    Element,
}

impl ItemKind {
    /// Returns the item kind's name in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Field => "field",
            ItemKind::Value => "value",
            ItemKind::Subtype => "subtype",
            ItemKind::Element => "element",
        }
    }
}

/// The item inside a type that a change is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The kind of item.
    pub kind: ItemKind,
    /// Its XML identity: the element name, the enumeration value, the subtype's XML name; for
    /// a choice field, the choice's name such as `Owner/choice`.
    pub xml_name: String,
    /// Its Rust name, in the new schema when it exists there.
    pub rust_name: String,
}

/// One difference between two schema versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The effect on code built on the old bindings.
    pub class: Class,
    /// What happened.
    pub kind: ChangeKind,
    /// The type or operation it is grouped under.
    pub scope: Scope,
    /// The item inside the type it is about; `None` when it is about the type or operation.
    pub item: Option<Item>,
    /// The value before: a Rust type, a Rust name, a base type's XML name, a soapAction or
    /// documentation text, depending on the kind.
    pub old: Option<String>,
    /// The value after, as for `old`.
    pub new: Option<String>,
}
