//! Rust names for XML names: type and variant names in UpperCamelCase, field names in
//! snake_case, keywords escaped as raw identifiers.

/// Splits an XML name into words: at separators, at a lower-to-upper change
/// (`IsSendLogging`), after a digit before a capital (`V2Enabled`), and before the last
/// capital of an acronym (`APIObject` is `API`, `Object`). Digits stay with the word before
/// them.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (index, &ch) in chars.iter().enumerate() {
        if !ch.is_ascii_alphanumeric() {
            push_word(&mut words, &mut current);
            continue;
        }
        let previous = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1).copied();
        let boundary = match previous {
            Some(prev) if ch.is_ascii_uppercase() => {
                prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary {
            push_word(&mut words, &mut current);
        }
        current.push(ch);
    }
    push_word(&mut words, &mut current);
    words
}

fn push_word(words: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

/// Returns the UpperCamelCase form of an XML name, for types and enum variants.
pub fn upper_camel(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// Returns the snake_case form of an XML name, for fields.
pub fn snake(name: &str) -> String {
    let words: Vec<String> = words(name).iter().map(|w| w.to_ascii_lowercase()).collect();
    let mut out = words.join("_");
    if out.is_empty() {
        out.push_str("value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Returns the SCREAMING_SNAKE_CASE form of an XML name, for constants.
pub fn screaming_snake(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

/// Words Rust reserves, which a field may only use as a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot even be raw identifiers; these get a trailing underscore.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self", "_"];

/// The spelling of an identifier in Rust source.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Identifier {
    /// A plain identifier.
    Plain(String),
    /// A raw identifier, written `r#name`.
    Raw(String),
}

impl Identifier {
    /// Returns the identifier as it appears in source, such as `r#type`.
    pub fn source(&self) -> String {
        match self {
            Identifier::Plain(name) => name.clone(),
            Identifier::Raw(name) => format!("r#{name}"),
        }
    }
}

/// Escapes a generated name so that it is a valid identifier.
pub fn escape(name: &str) -> Identifier {
    if NOT_RAW.contains(&name) {
        Identifier::Plain(format!("{name}_"))
    } else if KEYWORDS.contains(&name) {
        Identifier::Raw(name.to_owned())
    } else {
        Identifier::Plain(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! name_cases {
        ($function:ident: $($input:literal => $expected:literal),* $(,)?) => {
            $(assert_eq!($function($input), $expected, "{}({:?})", stringify!($function), $input);)*
        };
    }

    #[test]
    fn upper_camel_of_schema_names() {
        name_cases! { upper_camel:
            "APIObject" => "ApiObject",
            "TriggeredSendDefinition" => "TriggeredSendDefinition",
            "instanceid" => "Instanceid",
            "DataExtension/Fields" => "DataExtensionFields",
            "BUSINESS_UNIT_ONLY" => "BusinessUnitOnly",
            "ENTERPRISE_2" => "Enterprise2",
            "xsd:dateTime" => "XsdDateTime",
            "IN" => "In",
            "tns:ID" => "TnsId",
            "URLIDLong" => "UrlidLong",
            "SMTPCode" => "SmtpCode",
            "Base16EncryptedEmail" => "Base16EncryptedEmail",
            "3DES" => "V3Des",
            "" => "Empty",
        }
    }

    #[test]
    fn snake_of_schema_names() {
        name_cases! { snake:
            "IsSendLogging" => "is_send_logging",
            "ObjectID" => "object_id",
            "ID" => "id",
            "Id" => "id",
            "URLIDLong" => "urlid_long",
            "SMTPCode" => "smtp_code",
            "__AdditionalEmailAttribute1" => "additional_email_attribute1",
            "Client.ID" => "client_id",
            "Type" => "type",
            "Base16EncryptedEmail" => "base16_encrypted_email",
            "EmailV2Enabled" => "email_v2_enabled",
            "3DLogo" => "_3_d_logo",
        }
    }

    #[test]
    fn escape_keywords() {
        assert_eq!(escape("type"), Identifier::Raw("type".to_owned()));
        assert_eq!(escape("type").source(), "r#type");
        assert_eq!(escape("async").source(), "r#async");
        assert_eq!(escape("self").source(), "self_");
        assert_eq!(escape("Self").source(), "Self_");
        assert_eq!(escape("crate").source(), "crate_");
        assert_eq!(escape("name").source(), "name");
    }
}
