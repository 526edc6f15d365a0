//! The little JSON the OAuth token exchange needs: an object of string members for the
//! request, and a reader of the flat object the token endpoint returns.
//!
//! A full JSON library would bring serde and serde_json for two small documents.

use std::fmt;

/// Builds a JSON object whose members are all strings.
pub(crate) struct JsonObject {
    text: String,
}

impl JsonObject {
    pub(crate) fn new() -> Self {
        JsonObject {
            text: String::from("{"),
        }
    }

    /// Appends the member `"key":"value"`.
    pub(crate) fn string(mut self, key: &str, value: &str) -> Self {
        if self.text.len() > 1 {
            self.text.push(',');
        }
        push_string(&mut self.text, key);
        self.text.push(':');
        push_string(&mut self.text, value);
        self
    }

    pub(crate) fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

/// Appends `value` as a JSON string literal, escaping quotes, backslashes and control
/// characters.
pub(crate) fn push_string(out: &mut String, value: &str) {
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A member value of a JSON object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum JsonValue {
    String(String),
    /// A number, kept as written.
    Number(String),
    Bool(bool),
    Null,
    /// An object or an array, checked for syntax and then dropped: the token response has none
    /// that the client reads.
    Nested,
}

/// A JSON syntax error, with the byte offset where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JsonError {
    offset: usize,
    reason: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}: {}", self.offset, self.reason)
    }
}

/// The members of a JSON object, in document order.
#[derive(Debug, Default)]
pub(crate) struct JsonMembers(Vec<(String, JsonValue)>);

impl JsonMembers {
    /// Returns the value of the first member named `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&JsonValue> {
        self.0
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// Returns the member `key` when it is a string.
    pub(crate) fn string(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(JsonValue::String(text)) => Some(text),
            _ => None,
        }
    }
}

/// Parses a document whose top level is an object.
pub(crate) fn parse_object(text: &str) -> Result<JsonMembers, JsonError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        position: 0,
    };
    parser.skip_whitespace();
    let members = parser.object_members()?;
    parser.skip_whitespace();
    if parser.position != parser.bytes.len() {
        return Err(parser.error("unexpected text after the object"));
    }
    Ok(JsonMembers(members))
}

/// Nested objects and arrays deeper than this are rejected, so that a hostile response
/// cannot exhaust the stack.
const MAX_DEPTH: usize = 32;

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    position: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &'static str) -> JsonError {
        JsonError {
            offset: self.position,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.position += 1;
        }
    }

    fn expect(&mut self, byte: u8, reason: &'static str) -> Result<(), JsonError> {
        if self.peek() != Some(byte) {
            return Err(self.error(reason));
        }
        self.position += 1;
        Ok(())
    }

    fn object_members(&mut self) -> Result<Vec<(String, JsonValue)>, JsonError> {
        self.expect(b'{', "expected `{`")?;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.position += 1;
            return Ok(members);
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.skip_whitespace();
            self.expect(b':', "expected `:` after a member name")?;
            self.skip_whitespace();
            let value = self.value(1)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b'}') => {
                    self.position += 1;
                    return Ok(members);
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        match self.peek() {
            Some(b'"') => self.string().map(JsonValue::String),
            Some(b'{' | b'[') => {
                self.skip_nested(depth)?;
                Ok(JsonValue::Nested)
            }
            Some(b't') => self.literal("true", JsonValue::Bool(true)),
            Some(b'f') => self.literal("false", JsonValue::Bool(false)),
            Some(b'n') => self.literal("null", JsonValue::Null),
            Some(b'-' | b'0'..=b'9') => Ok(JsonValue::Number(self.number()?)),
            _ => Err(self.error("expected a value")),
        }
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, JsonError> {
        if !self.bytes[self.position..].starts_with(word.as_bytes()) {
            return Err(self.error("expected `true`, `false` or `null`"));
        }
        self.position += word.len();
        Ok(value)
    }

    fn number(&mut self) -> Result<String, JsonError> {
        let start = self.position;
        while matches!(
            self.peek(),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.position += 1;
        }
        let number = &self.text[start..self.position];
        let digits_start = number.strip_prefix('-').unwrap_or(number);
        if !digits_start.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(self.error("invalid number"));
        }
        Ok(number.to_owned())
    }

    fn skip_nested(&mut self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("objects and arrays nest too deeply"));
        }
        if self.peek() == Some(b'{') {
            self.position += 1;
            self.skip_whitespace();
            if self.peek() == Some(b'}') {
                self.position += 1;
                return Ok(());
            }
            loop {
                self.skip_whitespace();
                self.string()?;
                self.skip_whitespace();
                self.expect(b':', "expected `:` after a member name")?;
                self.skip_whitespace();
                self.value(depth + 1)?;
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.position += 1,
                    Some(b'}') => {
                        self.position += 1;
                        return Ok(());
                    }
                    _ => return Err(self.error("expected `,` or `}`")),
                }
            }
        }
        self.expect(b'[', "expected `[`")?;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.position += 1;
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            self.value(depth + 1)?;
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b']') => {
                    self.position += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"', "expected a string")?;
        let mut out = String::new();
        loop {
            let start = self.position;
            while !matches!(self.peek(), None | Some(b'"' | b'\\')) {
                if self.bytes[self.position] < 0x20 {
                    return Err(self.error("control character in a string"));
                }
                self.position += 1;
            }
            // The loop stops only at ASCII bytes, which are character boundaries.
            out.push_str(&self.text[start..self.position]);
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.position += 1;
                    return Ok(out);
                }
                _ => {
                    self.position += 1;
                    self.escape(&mut out)?;
                }
            }
        }
    }

    /// Reads the escape sequence after a backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.position += 1;
        let ch = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error("invalid escape sequence")),
        };
        out.push(ch);
        Ok(())
    }

    /// Reads the four hex digits after `\u`, and a second `\uXXXX` for a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high).ok_or_else(|| self.error("unpaired surrogate"));
        }
        if !self.bytes[self.position..].starts_with(b"\\u") {
            return Err(self.error("unpaired surrogate"));
        }
        self.position += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(self.error("unpaired surrogate"));
        }
        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char::from_u32(code).ok_or_else(|| self.error("invalid surrogate pair"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.position..self.position + 4)
            .ok_or_else(|| self.error("expected four hex digits"))?;
        let value =
            u32::from_str_radix(digits, 16).map_err(|_| self.error("expected four hex digits"))?;
        self.position += 4;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_escapes_strings() {
        let json = JsonObject::new()
            .string("grant_type", "client_credentials")
            .string("client_secret", "a\"b\\c\n\u{1}é")
            .finish();
        assert_eq!(
            json,
            r#"{"grant_type":"client_credentials","client_secret":"a\"b\\c\n\u0001é"}"#
        );
    }

    #[test]
    fn object_empty() {
        assert_eq!(JsonObject::new().finish(), "{}");
    }

    #[test]
    fn parse_token_response() {
        let members = parse_object(
            r#" {"access_token":"eyJ\u0041\/x","token_type":"Bearer","expires_in":1079,
               "scope":"email_read","soap_instance_url":"https://mc.soap.example/",
               "rest_instance_url":null,"ok":true,"list":[1,{"a":[]}],"obj":{}} "#,
        )
        .unwrap();
        assert_eq!(members.string("access_token"), Some("eyJA/x"));
        assert_eq!(
            members.get("expires_in"),
            Some(&JsonValue::Number("1079".to_owned()))
        );
        assert_eq!(
            members.string("soap_instance_url"),
            Some("https://mc.soap.example/")
        );
        assert_eq!(members.get("rest_instance_url"), Some(&JsonValue::Null));
        assert_eq!(members.get("ok"), Some(&JsonValue::Bool(true)));
        assert_eq!(members.get("list"), Some(&JsonValue::Nested));
        assert_eq!(members.get("obj"), Some(&JsonValue::Nested));
        assert_eq!(members.get("missing"), None);
    }

    #[test]
    fn parse_surrogate_pair() {
        let members = parse_object(r#"{"a":"\ud83d\ude00"}"#).unwrap();
        assert_eq!(members.string("a"), Some("😀"));
    }

    #[test]
    fn parse_errors() {
        let cases = [
            ("", "invalid JSON at byte 0: expected `{`"),
            ("<html>", "invalid JSON at byte 0: expected `{`"),
            (r#"{"a":1"#, "invalid JSON at byte 6: expected `,` or `}`"),
            (r#"{"a":"b"#, "invalid JSON at byte 7: unterminated string"),
            (
                r#"{"a":tru}"#,
                "invalid JSON at byte 5: expected `true`, `false` or `null`",
            ),
            (
                r#"{"a":"\x"}"#,
                "invalid JSON at byte 8: invalid escape sequence",
            ),
            (
                r#"{"a":"\ud800"}"#,
                "invalid JSON at byte 12: unpaired surrogate",
            ),
            (
                r#"{"a":1} x"#,
                "invalid JSON at byte 8: unexpected text after the object",
            ),
            (r#"{"a":-}"#, "invalid JSON at byte 6: invalid number"),
            (
                "{\"a\":\"\u{1}\"}",
                "invalid JSON at byte 6: control character in a string",
            ),
        ];
        for (text, expected) in cases {
            let error = parse_object(text).unwrap_err();
            assert_eq!(error.to_string(), expected, "{text}");
        }
    }

    #[test]
    fn parse_rejects_deep_nesting() {
        let text = format!("{{\"a\":{}{}}}", "[".repeat(40), "]".repeat(40));
        let error = parse_object(&text).unwrap_err();
        assert_eq!(error.reason, "objects and arrays nest too deeply");
    }
}
