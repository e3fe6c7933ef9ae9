//! Faults a test arms per service: the next N requests to that service fail in a chosen way.

use serde::{Deserialize, Serialize};

use crate::{service::Service, Error};

/// How an armed fault spoils a response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` with the service's own error body (or `body`), and `Retry-After`
    /// if `retry_after` is set. `status: 401` on `api` is "401 on the next N API calls".
    #[default]
    Status,
    /// Wait `delay_ms`, then answer normally (for client timeouts).
    Delay,
    /// Answer the real response cut in half: a complete HTTP message with invalid JSON.
    MalformedJson,
    /// Announce the real response's length, send half of it, then close the connection.
    Truncated,
    /// Close the connection without answering.
    Drop,
    /// Answer an HTML page (`text/html`), as a proxy in front of the service would;
    /// `status` defaults to 502.
    WrongContentType,
    /// Let the request through but make the token answer say `expires_in` (Cloud) or
    /// `expiresIn` (SCX) = `expires_in`: 0, negative or absurd values included.
    ExpiresIn,
}

/// A fault to inject: `POST /_emulator/faults` takes it as JSON, e.g.
/// `{"service": "api", "kind": "status", "status": 503, "count": 2, "retry_after": "1"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The service whose requests are spoiled.
    pub service: Service,
    /// How they are spoiled.
    #[serde(default)]
    pub kind: FaultKind,
    /// HTTP status, for `status` (required) and `wrong_content_type` (default 502).
    #[serde(default)]
    pub status: Option<u16>,
    /// How many requests the fault applies to: default 1; 0 means until cleared.
    #[serde(default)]
    pub count: Option<u32>,
    /// Delay before the fault (or, for `delay`, before the normal answer), in milliseconds.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Value of a `Retry-After` header to send with a `status` fault (seconds or HTTP date).
    #[serde(default)]
    pub retry_after: Option<String>,
    /// A body to send instead of the service's error body, for `status`.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// The lifetime the token answer claims, for `expires_in`.
    #[serde(default)]
    pub expires_in: Option<i64>,
}

impl Fault {
    /// A `status` fault on `service` for one request.
    pub fn status(service: Service, status: u16) -> Self {
        Self {
            service,
            kind: FaultKind::Status,
            status: Some(status),
            count: None,
            delay_ms: None,
            retry_after: None,
            body: None,
            expires_in: None,
        }
    }

    /// A fault of `kind` on `service` for one request.
    pub fn kind(service: Service, kind: FaultKind) -> Self {
        Self {
            kind,
            status: None,
            ..Self::status(service, 0)
        }
    }

    /// An `expires_in` fault: the next token answer claims this lifetime.
    pub fn expires_in(service: Service, seconds: i64) -> Self {
        Self {
            expires_in: Some(seconds),
            ..Self::kind(service, FaultKind::ExpiresIn)
        }
    }

    /// Applies to the next `count` requests (0: until cleared).
    pub fn times(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Waits this many milliseconds first.
    pub fn delay_ms(mut self, millis: u64) -> Self {
        self.delay_ms = Some(millis);
        self
    }

    /// Sends this `Retry-After` value.
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }

    /// Says what is wrong with this fault, if anything.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if matches!(self.service, Service::Admin | Service::Unknown) {
            return Err(Error::InvalidInput(format!(
                "service must be one of token, api, jwks, scx_auth, scx, wawi, wawi_registration; found {}",
                self.service.name()
            )));
        }
        if let Some(status) = self.status {
            if !(200..=599).contains(&status) {
                return Err(Error::InvalidInput(format!(
                    "status must be an HTTP status from 200 to 599; found {status}"
                )));
            }
        }
        match self.kind {
            FaultKind::Status if self.status.is_none() => Err(Error::InvalidInput(
                "a fault of kind status needs a status (e.g. 503)".into(),
            )),
            FaultKind::Delay if self.delay_ms.is_none() => Err(Error::InvalidInput(
                "a fault of kind delay needs delay_ms".into(),
            )),
            FaultKind::ExpiresIn => match (self.service, self.expires_in) {
                (Service::Token | Service::ScxAuth, Some(_)) => Ok(()),
                (Service::Token | Service::ScxAuth, None) => Err(Error::InvalidInput(
                    "a fault of kind expires_in needs expires_in (seconds)".into(),
                )),
                (other, _) => Err(Error::InvalidInput(format!(
                    "expires_in faults apply to token or scx_auth; found {}",
                    other.name()
                ))),
            },
            _ => Ok(()),
        }
    }
}

struct Armed {
    id: u64,
    fault: Fault,
    remaining: Option<u32>,
}

/// The armed faults, first armed first served.
#[derive(Default)]
pub(crate) struct FaultQueue {
    armed: Vec<Armed>,
    next_id: u64,
}

impl FaultQueue {
    pub(crate) fn arm(&mut self, fault: Fault) -> Result<u64, Error> {
        fault.validate()?;
        self.next_id += 1;
        let remaining = match fault.count.unwrap_or(1) {
            0 => None,
            n => Some(n),
        };
        self.armed.push(Armed {
            id: self.next_id,
            fault,
            remaining,
        });
        Ok(self.next_id)
    }

    /// Takes one use of the first fault armed for `service`.
    pub(crate) fn take(&mut self, service: Service) -> Option<Fault> {
        let index = self.armed.iter().position(|a| a.fault.service == service)?;
        let armed = &mut self.armed[index];
        let fault = armed.fault.clone();
        if let Some(remaining) = armed.remaining.as_mut() {
            *remaining -= 1;
            if *remaining == 0 {
                self.armed.remove(index);
            }
        }
        Some(fault)
    }

    pub(crate) fn list(&self) -> Vec<serde_json::Value> {
        self.armed
            .iter()
            .map(|a| serde_json::json!({ "id": a.id, "fault": a.fault, "remaining": a.remaining }))
            .collect()
    }

    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }
}

/// Set on a request by the gateway when an `expires_in` fault applies to it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpiresInOverride(pub(crate) i64);
