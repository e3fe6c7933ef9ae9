//! The systems an account can belong to, the fields each one takes and how they are
//! checked, which of them say where the secret is sent, and how a client is built from them.

use std::{collections::BTreeMap, fmt};

use serde::{Serialize, Serializer};

use crate::{
    endpoints::parse_url_with, ClientCredentials, CloudClient, Endpoints, Error, HttpOptions,
    Result, ScxClient, Secret, WawiClient,
};

use super::AccountClient;

const MAX_FIELD_LEN: usize = 4096;

/// A JTL system an account connects to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum System {
    /// JTL Cloud (`jtl-cloud`): client id and secret, optional default tenant.
    Cloud,
    /// JTL-Wawi OnPremise (`jtl-wawi`): base URL and API key.
    Wawi,
    /// SCX Channel API (`jtl-scx`): refresh token.
    Scx,
}

/// What kind of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    /// Text in UUID form (a tenant id); the page checks the form, the API decides.
    Uuid,
    Url,
    Bool,
    Environment,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Uuid => "uuid",
            Self::Url => "url",
            Self::Bool => "bool",
            Self::Environment => "environment",
        }
    }
}

/// One field of an account form.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    /// What a form calls it.
    pub(crate) label: &'static str,
    pub(crate) required: bool,
    pub(crate) secret: bool,
    pub(crate) kind: Kind,
    /// The field decides where the secret is sent: changing it needs the secret again.
    pub(crate) destination: bool,
}

const fn field(
    name: &'static str,
    label: &'static str,
    required: bool,
    secret: bool,
    kind: Kind,
) -> Field {
    Field {
        name,
        label,
        required,
        secret,
        kind,
        destination: false,
    }
}

const fn destination(name: &'static str, label: &'static str, required: bool, kind: Kind) -> Field {
    Field {
        destination: true,
        ..field(name, label, required, false, kind)
    }
}

const CLOUD: [Field; 4] = [
    field("client_id", "Client ID", true, false, Kind::Text),
    field("client_secret", "Client Secret", true, true, Kind::Text),
    field("tenant_id", "Tenant ID", false, false, Kind::Uuid),
    destination("environment", "Environment", false, Kind::Environment),
];
const WAWI: [Field; 4] = [
    destination("base_url", "Base URL", true, Kind::Url),
    field("api_key", "API Key", true, true, Kind::Text),
    field("app_id", "App ID", true, false, Kind::Text),
    field("app_version", "App version", true, false, Kind::Text),
];
const SCX: [Field; 3] = [
    field("refresh_token", "Refresh Token", true, true, Kind::Text),
    destination("sandbox", "SCX sandbox", false, Kind::Bool),
    destination("environment", "Environment", false, Kind::Environment),
];

impl System {
    /// Every system.
    pub const ALL: [System; 3] = [System::Cloud, System::Wawi, System::Scx];

    /// What a form calls it (`JTL Cloud`, `JTL-Wawi`, `JTL SCX`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Cloud => "JTL Cloud",
            Self::Wawi => "JTL-Wawi",
            Self::Scx => "JTL SCX",
        }
    }

    /// The field that best tells two accounts of this system apart in a list.
    pub fn summary_field(self) -> &'static str {
        match self {
            Self::Cloud => "client_id",
            Self::Wawi => "base_url",
            Self::Scx => "environment",
        }
    }

    /// This system's row of the table every language, the CLI and the page read:
    /// `{id, label, summary, secret_field, fields: [{name, label, required, secret, kind,
    /// destination}]}` (names in snake_case).
    pub fn table(self) -> serde_json::Value {
        let fields: Vec<serde_json::Value> = self
            .fields()
            .iter()
            .map(|f| {
                serde_json::json!({
                    "name": f.name, "label": f.label, "required": f.required, "secret": f.secret,
                    "kind": f.kind.name(), "destination": f.destination,
                })
            })
            .collect();
        serde_json::json!({
            "id": self.as_str(), "label": self.label(), "summary": self.summary_field(),
            "secret_field": self.secret_field(), "fields": fields,
        })
    }

    /// `jtl-cloud`, `jtl-wawi` or `jtl-scx`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cloud => "jtl-cloud",
            Self::Wawi => "jtl-wawi",
            Self::Scx => "jtl-scx",
        }
    }

    /// Parses `jtl-cloud`, `jtl-wawi` or `jtl-scx`.
    pub fn parse(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                Error::invalid_input(format!(
                    "system: expected jtl-cloud, jtl-wawi or jtl-scx; found {name:?}"
                ))
            })
    }

    pub(crate) fn fields(self) -> &'static [Field] {
        match self {
            Self::Cloud => &CLOUD,
            Self::Wawi => &WAWI,
            Self::Scx => &SCX,
        }
    }

    /// The name of the field that holds the secret.
    pub fn secret_field(self) -> &'static str {
        match self {
            Self::Cloud => "client_secret",
            Self::Wawi => "api_key",
            Self::Scx => "refresh_token",
        }
    }

    /// Names of the fields that decide where the secret is sent (`environment` for Cloud,
    /// `base_url` for Wawi, `environment` and `sandbox` for SCX): an update that changes one
    /// must give the secret again.
    pub fn destination_fields(self) -> Vec<&'static str> {
        self.fields()
            .iter()
            .filter(|f| f.destination)
            .map(|f| f.name)
            .collect()
    }

    /// Checks non-secret fields the way [`AccountStore::add`](super::AccountStore::add)
    /// does (known names, required ones present, URL/environment/boolean formats), leaving
    /// the secret aside: a caller can validate a form before asking for the secret.
    pub fn check_fields(self, fields: &[(&str, &str)]) -> Result<()> {
        let secret = self.secret_field();
        let mut with_secret: Vec<(&str, &str)> = fields
            .iter()
            .copied()
            .filter(|(n, _)| *n != secret)
            .collect();
        with_secret.push((secret, "placeholder"));
        check_fields(self, &with_secret, None).map(|_| ())
    }

    /// The first destination field that `given` would change on an account whose fields are
    /// `current` (values compared after the store's normalisation), or `None`: a caller such
    /// as a command line asks for the secret again before it calls
    /// [`AccountStore::update`](super::AccountStore::update). Invalid values are errors, as
    /// in `update`.
    pub fn moved_destination(
        self,
        current: &BTreeMap<String, String>,
        given: &[(&str, &str)],
    ) -> Result<Option<&'static str>> {
        let secret = self.secret_field();
        let given: Vec<(&str, &str)> = given
            .iter()
            .copied()
            .filter(|(n, _)| *n != secret)
            .collect();
        let (after, _) = check_fields(self, &given, Some(current))?;
        Ok(self
            .fields()
            .iter()
            .filter(|f| f.destination)
            .find(|f| current.get(f.name) != after.get(f.name))
            .map(|f| f.name))
    }

    /// Names of the fields this system takes, secret included.
    pub fn field_names(self) -> Vec<&'static str> {
        self.fields().iter().map(|f| f.name).collect()
    }

    pub(crate) fn field(self, name: &str) -> Result<&'static Field> {
        self.fields()
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| {
                Error::invalid_input(format!(
                    "{name}: not a field of {} accounts; expected one of {}",
                    self.as_str(),
                    self.field_names().join(", ")
                ))
            })
    }
}

impl fmt::Display for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for System {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Validates `given` for `system`, merged over `existing` on update. Returns the plain
/// fields to store and the secret if one was given (a blank one counts as not given).
pub(crate) fn check_fields(
    system: System,
    given: &[(&str, &str)],
    existing: Option<&BTreeMap<String, String>>,
) -> Result<(BTreeMap<String, String>, Option<Secret>)> {
    let mut plain = existing.cloned().unwrap_or_default();
    let mut secret = None;
    for (name, value) in given {
        let spec = system.field(name)?;
        let value = value.trim();
        if value.chars().count() > MAX_FIELD_LEN {
            return Err(Error::invalid_input(format!(
                "{name}: longer than {MAX_FIELD_LEN} characters"
            )));
        }
        if spec.secret {
            secret = Some(Secret::new(value));
            continue;
        }
        if value.is_empty() {
            plain.remove(*name);
            continue;
        }
        let value = match spec.kind {
            Kind::Text | Kind::Uuid => value.to_owned(),
            Kind::Url => parse_url_with(name, value, true)?
                .as_str()
                .trim_end_matches('/')
                .to_owned(),
            Kind::Environment => {
                Endpoints::from_name(value)
                    .map_err(|e| Error::invalid_input(format!("{name}: {e}")))?;
                value.to_owned()
            }
            Kind::Bool => match value.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => "true".to_owned(),
                "false" | "0" | "no" | "off" => "false".to_owned(),
                _ => {
                    return Err(Error::invalid_input(format!(
                        "{name}: expected true or false; found {value:?}"
                    )))
                }
            },
        };
        plain.insert((*name).to_owned(), value);
    }
    for spec in system.fields().iter().filter(|f| f.required) {
        let present = if spec.secret {
            // On update the stored secret counts; a blank new one does not replace it.
            existing.is_some() || secret.as_ref().is_some_and(|s| !s.is_blank())
        } else {
            plain.contains_key(spec.name)
        };
        if !present {
            return Err(Error::invalid_input(format!(
                "{}: required for {} accounts",
                spec.name,
                system.as_str()
            )));
        }
    }
    let secret = secret.filter(|s| !s.is_blank());
    Ok((plain, secret))
}

/// On update: the first destination field whose stored value `after` changes, unless the
/// secret is given again (`invalid_input` naming the secret field, so a form shows the error
/// at the secret's input).
pub(crate) fn check_destination_change(
    system: System,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
    secret_given: bool,
) -> Result<()> {
    if secret_given {
        return Ok(());
    }
    let moved = system
        .fields()
        .iter()
        .filter(|f| f.destination)
        .find(|f| before.get(f.name) != after.get(f.name));
    match moved {
        None => Ok(()),
        Some(field) => Err(Error::invalid_input(format!(
            "{secret}: required again when {changed} changes: the stored {secret} is only sent to a new destination when it is given again in the same update",
            secret = system.secret_field(),
            changed = field.name,
        ))),
    }
}

/// A client for an account whose fields and secret were opened from their seal.
pub(crate) fn build_client(
    system: System,
    fields: &BTreeMap<String, String>,
    secret: Secret,
    http: &HttpOptions,
) -> Result<AccountClient> {
    let field = |name: &str| fields.get(name).map(String::as_str);
    let environment = |default: Endpoints| match field("environment") {
        Some(name) => Endpoints::from_name(name),
        None => Ok(default),
    };
    Ok(match system {
        System::Cloud => {
            let credentials =
                ClientCredentials::new(field("client_id").unwrap_or_default(), secret)?;
            let mut builder = CloudClient::builder(credentials)
                .endpoints(environment(Endpoints::production())?)
                .http_options(http.clone());
            if let Some(tenant) = field("tenant_id") {
                builder = builder.tenant_id(tenant);
            }
            AccountClient::Cloud(builder.build()?)
        }
        System::Wawi => {
            let mut builder = WawiClient::builder(field("base_url").unwrap_or_default(), secret)
                .http_options(http.clone());
            if let Some(app_id) = field("app_id") {
                builder = builder.app_id(app_id);
            }
            if let Some(version) = field("app_version") {
                builder = builder.app_version(version);
            }
            AccountClient::Wawi(builder.build()?)
        }
        System::Scx => {
            let default = if field("sandbox") == Some("true") {
                Endpoints::sandbox()
            } else {
                Endpoints::production()
            };
            AccountClient::Scx(
                ScxClient::builder(secret)
                    .endpoints(environment(default)?)
                    .http_options(http.clone())
                    .build()?,
            )
        }
    })
}
