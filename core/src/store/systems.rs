//! The systems an account can belong to, and the fields each one takes.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::{Error, Result};

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
    Url,
    Bool,
    Environment,
}

/// One field of an account form.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
    pub(crate) secret: bool,
    pub(crate) kind: Kind,
}

const fn field(name: &'static str, required: bool, secret: bool, kind: Kind) -> Field {
    Field {
        name,
        required,
        secret,
        kind,
    }
}

const CLOUD: [Field; 4] = [
    field("client_id", true, false, Kind::Text),
    field("client_secret", true, true, Kind::Text),
    field("tenant_id", false, false, Kind::Text),
    field("environment", false, false, Kind::Environment),
];
const WAWI: [Field; 4] = [
    field("base_url", true, false, Kind::Url),
    field("api_key", true, true, Kind::Text),
    field("app_id", false, false, Kind::Text),
    field("app_version", false, false, Kind::Text),
];
const SCX: [Field; 3] = [
    field("refresh_token", true, true, Kind::Text),
    field("sandbox", false, false, Kind::Bool),
    field("environment", false, false, Kind::Environment),
];

impl System {
    /// Every system.
    pub const ALL: [System; 3] = [System::Cloud, System::Wawi, System::Scx];

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
