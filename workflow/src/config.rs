//! Settings from flags, then environment variables, then a TOML file, then defaults.
//! Each setting keeps its source, and the SOAP client is built from them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use sfmc_runtime::client::{Client, ClientCredentials, UsernameToken};

use crate::error::Failure;

/// One setting: its name in the TOML file, its flag, its environment variable and default.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    /// The name in the TOML file, such as `client_id`.
    pub name: &'static str,
    /// The environment variable, for the account settings.
    pub env: Option<&'static str>,
    /// True for passwords and client secrets, which are never printed.
    pub secret: bool,
    /// The value used when no source sets one.
    pub default: Option<&'static str>,
}

const fn key(
    name: &'static str,
    env: Option<&'static str>,
    secret: bool,
    default: Option<&'static str>,
) -> Key {
    Key {
        name,
        env,
        secret,
        default,
    }
}

/// Every setting, account settings first. The flag of each is `--` and its name with `-`
/// for `_`.
pub const KEYS: &[Key] = &[
    key("subdomain", Some("SFMC_SUBDOMAIN"), false, None),
    key("client_id", Some("SFMC_CLIENT_ID"), false, None),
    key("client_secret", Some("SFMC_CLIENT_SECRET"), true, None),
    key("account_id", Some("SFMC_ACCOUNT_ID"), false, None),
    key("username", Some("SFMC_USERNAME"), false, None),
    key("password", Some("SFMC_PASSWORD"), true, None),
    key("soap_endpoint", Some("SFMC_SOAP_ENDPOINT"), false, None),
    key("auth_endpoint", Some("SFMC_AUTH_ENDPOINT"), false, None),
    key("attribute", None, false, Some("UniqueID")),
    key("send_log_name", None, false, Some("SendLog")),
    key("send_log_key", None, false, Some("SendLog")),
    key(
        "send_log_template",
        None,
        false,
        Some("TriggeredSendDataExtension"),
    ),
    key("definition_key", None, false, Some("sfmc-track")),
    key(
        "definition_name",
        None,
        false,
        Some("sfmc-track one-to-one tracking"),
    ),
    key("email_id", None, false, None),
    key(
        "send_classification_key",
        None,
        false,
        Some("Default Commercial"),
    ),
];

/// The source of a setting's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An environment variable.
    Env(&'static str),
    /// A line of the TOML file.
    File(PathBuf, usize),
    /// The built-in default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => write!(f, "flag"),
            Source::Env(name) => write!(f, "environment variable {name}"),
            Source::File(path, line) => write!(f, "{}:{line}", path.display()),
            Source::Default => write!(f, "default"),
        }
    }
}

/// A setting's value and its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The value, as text.
    pub value: String,
    /// The source of the value.
    pub source: Source,
}

/// The way the client logs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Login {
    /// OAuth client credentials of an installed package, exchanged for an access token.
    ClientCredentials,
    /// A WS-Security UsernameToken with an API user's name and password.
    UsernameToken,
}

/// A credential setting with its environment variable and its name in messages.
struct CredentialName {
    key: &'static str,
    env: &'static str,
    noun: &'static str,
}

/// The two credential pairs, each of whose settings needs the other.
const CREDENTIAL_PAIRS: [[CredentialName; 2]; 2] = [
    [
        CredentialName {
            key: "client_id",
            env: "SFMC_CLIENT_ID",
            noun: "client ID",
        },
        CredentialName {
            key: "client_secret",
            env: "SFMC_CLIENT_SECRET",
            noun: "client secret",
        },
    ],
    [
        CredentialName {
            key: "username",
            env: "SFMC_USERNAME",
            noun: "user name",
        },
        CredentialName {
            key: "password",
            env: "SFMC_PASSWORD",
            noun: "password",
        },
    ],
];

/// The resolved settings.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    values: BTreeMap<&'static str, Setting>,
    /// The TOML file read, if any.
    pub file: Option<PathBuf>,
}

impl Settings {
    /// Resolves every key from `flags` (name → value), then `env`, then the TOML file at
    /// `config_path` (or the default path when it exists), then the defaults.
    ///
    /// # Errors
    /// A usage failure when the named file cannot be read or is not valid TOML of the
    /// supported subset, or when it sets an unknown key.
    pub fn resolve(
        flags: &BTreeMap<&'static str, String>,
        env: &dyn Fn(&str) -> Option<String>,
        config_path: Option<&Path>,
    ) -> Result<Settings, Failure> {
        let (file, file_values) = match config_path {
            Some(path) => (Some(path.to_owned()), read_file(path)?),
            None => match default_config_path(env) {
                Some(path) if path.is_file() => (Some(path.clone()), read_file(&path)?),
                _ => (None, BTreeMap::new()),
            },
        };
        let mut values = BTreeMap::new();
        for key in KEYS {
            let from_env = key
                .env
                .and_then(|name| env(name).map(|value| (name, value)))
                .filter(|(_, value)| !value.is_empty());
            let setting = if let Some(value) = flags.get(key.name) {
                Some(Setting {
                    value: value.clone(),
                    source: Source::Flag,
                })
            } else if let Some((name, value)) = from_env {
                Some(Setting {
                    value,
                    source: Source::Env(name),
                })
            } else if let Some((value, line)) = file_values.get(key.name) {
                Some(Setting {
                    value: value.clone(),
                    source: Source::File(file.clone().unwrap_or_default(), *line),
                })
            } else {
                key.default.map(|value| Setting {
                    value: value.to_owned(),
                    source: Source::Default,
                })
            };
            if let Some(setting) = setting {
                values.insert(key.name, setting);
            }
        }
        Ok(Settings { values, file })
    }

    /// Returns the value of the setting `name`, if any source set it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|setting| setting.value.as_str())
    }

    /// Returns the setting `name` with its source.
    pub fn setting(&self, name: &str) -> Option<&Setting> {
        self.values.get(name)
    }

    /// Returns the value of a setting that has a default.
    pub fn value(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    /// Returns the login the client uses: OAuth client credentials when `client_id` and
    /// `client_secret` are set, else a UsernameToken when `username` and `password` are.
    pub fn login(&self) -> Option<Login> {
        let set = |name| self.get(name).is_some();
        if set("client_id") && set("client_secret") {
            Some(Login::ClientCredentials)
        } else if set("username") && set("password") {
            Some(Login::UsernameToken)
        } else {
            None
        }
    }

    /// Builds the SOAP client with the credentials [`Settings::login`] chooses.
    ///
    /// # Errors
    /// A usage failure when no credentials are complete, naming the missing setting, or
    /// when the endpoints are invalid.
    pub fn client(&self) -> Result<Client, Failure> {
        let step = "configuration";
        let mut builder = Client::builder();
        if let Some(subdomain) = self.get("subdomain") {
            builder = builder.subdomain(subdomain);
        }
        if let Some(url) = self.get("soap_endpoint") {
            builder = builder.soap_endpoint(url);
        }
        if let Some(url) = self.get("auth_endpoint") {
            builder = builder.auth_endpoint(url);
        }
        builder = match self.login() {
            Some(Login::ClientCredentials) => {
                let id = self.value("client_id");
                let mut credentials = ClientCredentials::new(id, self.value("client_secret"));
                if let Some(account_id) = self.get("account_id") {
                    credentials = credentials.account_id(account_id);
                }
                builder.credentials(credentials)
            }
            Some(Login::UsernameToken) => builder.credentials(UsernameToken::new(
                self.value("username"),
                self.value("password"),
            )),
            None => return Err(self.missing_credentials()),
        };
        builder.build().map_err(|error| {
            Failure::usage(step, error.to_string())
                .hint("check the subdomain and the endpoint URLs")
        })
    }

    /// Returns the failure for settings without a complete login, naming the setting that
    /// is missing from each half-set pair.
    fn missing_credentials(&self) -> Failure {
        let mut halves = Vec::new();
        let mut missing = Vec::new();
        for [first, second] in &CREDENTIAL_PAIRS {
            let (set, unset) = match (self.get(first.key), self.get(second.key)) {
                (Some(_), None) => (first, second),
                (None, Some(_)) => (second, first),
                _ => continue,
            };
            halves.push(format!(
                "the {} is set but the {} is not",
                set.noun, unset.noun
            ));
            missing.push(format!(
                "{} (flag --{}, or {} in the config file)",
                unset.env,
                unset.key.replace('_', "-"),
                unset.key
            ));
        }
        if halves.is_empty() {
            return Failure::usage("configuration", "no credentials are configured").hint(
                "set SFMC_CLIENT_ID and SFMC_CLIENT_SECRET (with SFMC_SUBDOMAIN), or \
                 SFMC_USERNAME and SFMC_PASSWORD (with SFMC_SOAP_ENDPOINT), as flags, \
                 environment variables or in the config file",
            );
        }
        Failure::usage("configuration", halves.join(", and "))
            .hint(format!("set {}", missing.join(", or ")))
    }

    /// Writes one line per setting: its name, its value (or `set` for a secret) and its
    /// source. An unset setting is written as `not set`.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        match &self.file {
            Some(path) => text.push_str(&format!("config file: {}\n", path.display())),
            None => text.push_str("config file: none\n"),
        }
        for key in KEYS {
            let line = match self.values.get(key.name) {
                Some(setting) if key.secret => format!("{}: set ({})", key.name, setting.source),
                Some(setting) => {
                    format!("{}: {} ({})", key.name, setting.value, setting.source)
                }
                None => format!("{}: not set", key.name),
            };
            text.push_str(&line);
            text.push('\n');
        }
        text
    }
}

/// Returns `$XDG_CONFIG_HOME/sfmc-track/config.toml`, else
/// `$HOME/.config/sfmc-track/config.toml`.
pub fn default_config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = env("XDG_CONFIG_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some(base.join("sfmc-track").join("config.toml"))
}

fn read_file(path: &Path) -> Result<BTreeMap<String, (String, usize)>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Failure::usage(
            "configuration",
            format!("cannot read the config file {}: {error}", path.display()),
        )
    })?;
    let values = parse_toml(&text).map_err(|(line, reason)| {
        Failure::usage(
            "configuration",
            format!("invalid config file {}:{line}: {reason}", path.display()),
        )
    })?;
    for name in values.keys() {
        if !KEYS.iter().any(|key| key.name == name) {
            let line = values[name].1;
            return Err(Failure::usage(
                "configuration",
                format!(
                    "unknown key `{name}` in the config file {}:{line}",
                    path.display()
                ),
            )
            .hint(format!(
                "the known keys are {}",
                KEYS.iter()
                    .map(|key| key.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(values)
}

/// Parses the TOML subset the config file needs: comments, `key = value` lines with a basic
/// string, a literal string, an integer or a boolean, and the tables `[account]` and
/// `[workflow]`. Keys in a table are read as if they were at the top level. Returns each key's
/// value as text with its 1-based line, or the line and reason of the first error.
pub fn parse_toml(text: &str) -> Result<BTreeMap<String, (String, usize)>, (usize, String)> {
    let mut values = BTreeMap::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let table = strip_comment(rest)
                .strip_suffix(']')
                .ok_or((number, "a table header must end with `]`".to_owned()))?
                .trim();
            if !matches!(table, "account" | "workflow") {
                return Err((
                    number,
                    format!("unknown table `[{table}]`: use `[account]` or `[workflow]`"),
                ));
            }
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .ok_or((number, "expected `key = value`".to_owned()))?;
        let name = name.trim();
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid_name {
            return Err((number, format!("invalid key `{name}`")));
        }
        let value = parse_value(value.trim()).map_err(|reason| (number, reason))?;
        if values.insert(name.to_owned(), (value, number)).is_some() {
            return Err((number, format!("the key `{name}` is set twice")));
        }
    }
    Ok(values)
}

fn strip_comment(text: &str) -> &str {
    text.split_once('#')
        .map_or(text, |(before, _)| before)
        .trim()
}

fn parse_value(text: &str) -> Result<String, String> {
    if let Some(rest) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return expect_end(chars.as_str()).map(|()| value),
                '\\' => value.push(unescape(&mut chars)?),
                c => value.push(c),
            }
        }
        return Err("the string has no closing `\"`".to_owned());
    }
    if let Some(rest) = text.strip_prefix('\'') {
        let (value, after) = rest
            .split_once('\'')
            .ok_or("the string has no closing `'`")?;
        return expect_end(after).map(|()| value.to_owned());
    }
    let bare = strip_comment(text);
    let is_integer = bare
        .strip_prefix(['-', '+'])
        .unwrap_or(bare)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '_');
    if (is_integer && !bare.is_empty()) || bare == "true" || bare == "false" {
        return Ok(bare.replace('_', ""));
    }
    Err(format!(
        "unsupported value `{bare}`: use a quoted string, an integer or a boolean"
    ))
}

fn expect_end(rest: &str) -> Result<(), String> {
    let rest = rest.trim();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(())
    } else {
        Err(format!("unexpected `{rest}` after the value"))
    }
}

fn unescape(chars: &mut std::str::Chars<'_>) -> Result<char, String> {
    let escaped = match chars.next() {
        Some('"') => '"',
        Some('\\') => '\\',
        Some('n') => '\n',
        Some('t') => '\t',
        Some('r') => '\r',
        Some('u') => {
            let digits: String = chars.by_ref().take(4).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or(format!("invalid escape `\\u{digits}`"))?
        }
        Some(other) => return Err(format!("unsupported escape `\\{other}`")),
        None => return Err("the string ends inside an escape".to_owned()),
    };
    Ok(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_subset_values() {
        let text = "# account\n[account]\nsubdomain = \"mc123\" # tenant\nusername = 'api'\n\n[workflow]\nemail_id = 3_099_626\nflag = true\nname = \"a\\\"b\\u00e9\"\n";
        let values = parse_toml(text).unwrap();
        assert_eq!(values["subdomain"], ("mc123".to_owned(), 3));
        assert_eq!(values["username"], ("api".to_owned(), 4));
        assert_eq!(values["email_id"], ("3099626".to_owned(), 7));
        assert_eq!(values["flag"], ("true".to_owned(), 8));
        assert_eq!(values["name"], ("a\"bé".to_owned(), 9));
    }

    #[test]
    fn toml_subset_errors() {
        let cases = [
            (
                "[other]\n",
                (
                    1,
                    "unknown table `[other]`: use `[account]` or `[workflow]`",
                ),
            ),
            ("a = \"open\n", (1, "the string has no closing `\"`")),
            (
                "\na = [1]\n",
                (
                    2,
                    "unsupported value `[1]`: use a quoted string, an integer or a boolean",
                ),
            ),
            ("a = 1\na = 2\n", (2, "the key `a` is set twice")),
            ("just text\n", (1, "expected `key = value`")),
        ];
        for (text, (line, reason)) in cases {
            assert_eq!(parse_toml(text), Err((line, reason.to_owned())), "{text:?}");
        }
    }

    #[test]
    fn resolve_order_and_secrets() {
        let flags = BTreeMap::from([("username", "from-flag".to_owned())]);
        let env = |name: &str| match name {
            "SFMC_USERNAME" => Some("from-env".to_owned()),
            "SFMC_PASSWORD" => Some("hunter2".to_owned()),
            "SFMC_SUBDOMAIN" => Some("mc-env".to_owned()),
            _ => None,
        };
        let settings = Settings::resolve(&flags, &env, None).unwrap();
        assert_eq!(settings.get("username"), Some("from-flag"));
        assert_eq!(settings.setting("username").unwrap().source, Source::Flag);
        assert_eq!(
            settings.setting("subdomain").unwrap().source,
            Source::Env("SFMC_SUBDOMAIN")
        );
        assert_eq!(settings.get("attribute"), Some("UniqueID"));
        let description = settings.describe();
        assert!(!description.contains("hunter2"), "{description}");
        assert!(description.contains("password: set (environment variable SFMC_PASSWORD)\n"));
        assert!(description.contains("client_secret: not set\n"));
    }
}
