//! Masking of passwords, client secrets and tokens in request and response bodies before
//! they are logged.
//!
//! Two passes run: one by structure (the text of secret elements and the values of secret
//! JSON members), and one by value (every place the known secrets occur, raw or escaped).

use super::json::push_string;

/// The text that replaces a secret.
pub(crate) const MASK: &str = "***";

/// Local names of XML elements whose text is a secret.
const SECRET_ELEMENTS: &[&str] = &["Password", "fueloauth", "oAuthToken"];

/// Names of JSON members whose value is a secret.
const SECRET_MEMBERS: &[&str] = &["client_secret", "access_token", "refresh_token"];

/// Known secrets shorter than this are not searched for by value, since masking every
/// occurrence of a one- or two-letter password would garble the log. The structural pass
/// still masks them where the client puts them.
const MIN_VALUE_LENGTH: usize = 4;

/// Returns `xml` with the text of secret elements and every occurrence of `secrets` masked.
pub(crate) fn redact_xml(xml: &str, secrets: &[&str]) -> String {
    mask_values(&mask_elements(xml), secrets)
}

/// Returns `json` with the values of secret members and every occurrence of `secrets`
/// masked. Text that is not JSON is masked by value only.
pub(crate) fn redact_json(json: &str, secrets: &[&str]) -> String {
    mask_values(&mask_members(json), secrets)
}

fn mask_elements(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let name_end = rest[1..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(rest.len(), |end| end + 1);
        let name = &rest[1..name_end];
        let local = name.rsplit(':').next().unwrap_or(name);
        let Some(tag_end) = start_tag_end(rest) else {
            out.push_str(rest);
            return out;
        };
        let start_tag = &rest[..tag_end];
        out.push_str(start_tag);
        rest = &rest[tag_end..];
        let is_secret = SECRET_ELEMENTS.contains(&local) && !start_tag.ends_with("/>");
        if !is_secret {
            continue;
        }
        let close = format!("</{name}");
        match rest.find(&close) {
            Some(content_end) => {
                if content_end > 0 {
                    out.push_str(MASK);
                }
                rest = &rest[content_end..];
            }
            None => {
                // A truncated body: everything after the start tag may be the secret.
                out.push_str(MASK);
                return out;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Returns the length of the tag that `text` starts with, up to and including its `>`,
/// skipping `>` inside quoted attribute values.
fn start_tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (index, ch) in text.char_indices() {
        match (quote, ch) {
            (None, '"' | '\'') => quote = Some(ch),
            (Some(open), _) if ch == open => quote = None,
            (None, '>') => return Some(index + 1),
            _ => {}
        }
    }
    None
}

fn mask_members(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut position = 0;
    let mut previous_key: Option<&str> = None;
    while let Some(offset) = json[position..].find('"') {
        let start = position + offset;
        let Some(end) = string_end(json, start) else {
            out.push_str(&json[position..]);
            return out;
        };
        let between = &json[position..start];
        let is_value = between.trim() == ":";
        let masked_value =
            is_value && previous_key.is_some_and(|key| SECRET_MEMBERS.contains(&key));
        out.push_str(between);
        if masked_value {
            out.push('"');
            out.push_str(MASK);
            out.push('"');
            previous_key = None;
        } else {
            out.push_str(&json[start..end]);
            previous_key = (!is_value).then(|| &json[start + 1..end - 1]);
        }
        position = end;
    }
    out.push_str(&json[position..]);
    out
}

/// Returns the index just past the string literal that starts with the quote at `start`.
fn string_end(json: &str, start: usize) -> Option<usize> {
    let bytes = json.as_bytes();
    let mut index = start + 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'"' => return Some(index + 1),
            _ => index += 1,
        }
    }
    None
}

fn mask_values(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if secret.chars().count() < MIN_VALUE_LENGTH {
            continue;
        }
        let mut json = String::new();
        push_string(&mut json, secret);
        let json_inner = &json[1..json.len() - 1];
        let xml = quick_xml::escape::escape(*secret);
        for form in [*secret, json_inner, xml.as_ref()] {
            if out.contains(form) {
                out = out.replace(form, MASK);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_masks_secret_elements() {
        let xml = concat!(
            r#"<h><wsse:Username>user</wsse:Username>"#,
            r#"<wsse:Password Type="a>b">p&amp;w</wsse:Password>"#,
            r#"<fueloauth xmlns="http://exacttarget.com">tok</fueloauth>"#,
            r#"<Password/><Password></Password><PasswordHint>x</PasswordHint></h>"#,
        );
        assert_eq!(
            redact_xml(xml, &[]),
            concat!(
                r#"<h><wsse:Username>user</wsse:Username>"#,
                r#"<wsse:Password Type="a>b">***</wsse:Password>"#,
                r#"<fueloauth xmlns="http://exacttarget.com">***</fueloauth>"#,
                r#"<Password/><Password></Password><PasswordHint>x</PasswordHint></h>"#,
            )
        );
    }

    #[test]
    fn xml_masks_truncated_secret() {
        assert_eq!(redact_xml("<a><Password>sec", &[]), "<a><Password>***");
        assert_eq!(
            redact_xml("<a><Password Type=\"x", &[]),
            "<a><Password Type=\"x"
        );
    }

    #[test]
    fn xml_masks_known_values_in_any_form() {
        let xml = "<faultstring>bad token a&lt;b&amp;c; also a<b&c</faultstring>";
        assert_eq!(
            redact_xml(xml, &["a<b&c"]),
            "<faultstring>bad token ***; also ***</faultstring>"
        );
    }

    #[test]
    fn short_values_only_masked_by_structure() {
        assert_eq!(
            redact_xml("<x><Password>abc</Password>abc</x>", &["abc"]),
            "<x><Password>***</Password>abc</x>"
        );
    }

    #[test]
    fn json_masks_secret_members() {
        let json = r#"{"client_id":"id","client_secret":"s\"x","note":"client_secret","access_token" : "t","n":1}"#;
        assert_eq!(
            redact_json(json, &[]),
            r#"{"client_id":"id","client_secret":"***","note":"client_secret","access_token" : "***","n":1}"#
        );
    }

    #[test]
    fn json_masks_known_values() {
        assert_eq!(
            redact_json(r#"<html>secret-1 "se\"cr"</html>"#, &["secret-1", "se\"cr"]),
            r#"<html>*** "***"</html>"#
        );
    }
}
