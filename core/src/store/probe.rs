//! [`AccountStore::test_connection`](super::AccountStore::test_connection): one call per
//! system, reported as ok or as a status, an error code and a message of our own words.
//! The target's answer is never quoted: a test that pointed at an internal service must not
//! turn the store into a way of reading it.

use std::{collections::BTreeMap, time::Instant};

use super::{AccountClient, ConnectionTest, System};
use crate::{ApiClient, Endpoints, Error, Result};

/// Calls the service through `client` and reports what happened.
pub(crate) async fn run(
    client: &AccountClient,
    system: System,
    fields: &BTreeMap<String, String>,
) -> ConnectionTest {
    let started = Instant::now();
    let outcome: Result<(Option<u16>, String)> = match client {
        AccountClient::Cloud(cloud) => match cloud.tenant_id() {
            Some(_) => cloud.get("info").await.map(|r| {
                (
                    Some(r.status()),
                    format!("token obtained; GET /info answered {}", r.status()),
                )
            }),
            None => cloud.access_token().await.map(|_| {
                (
                    None,
                    "token obtained (no tenant set, so /info was not called)".to_owned(),
                )
            }),
        },
        AccountClient::Wawi(wawi) => wawi.page("v1/items", &[], 1, 1).await.map(|p| {
            (
                None,
                format!(
                    "API key accepted; {} items",
                    p.total_items.map_or("some".into(), |n| n.to_string())
                ),
            )
        }),
        AccountClient::Scx(scx) => scx.access_token().await.map(|_| {
            (
                None,
                "refresh token accepted; auth token obtained".to_owned(),
            )
        }),
    };
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match outcome {
        Ok((status, message)) => ConnectionTest {
            ok: true,
            status,
            code: None,
            message,
            elapsed_ms,
        },
        Err(error) => ConnectionTest {
            ok: false,
            status: error.status(),
            code: Some(error.code().to_owned()),
            message: describe(&error, system, &destination(system, fields)),
            elapsed_ms,
        },
    }
}

/// Where the account's secret goes: the host (and port) of its token or API endpoint.
fn destination(system: System, fields: &BTreeMap<String, String>) -> String {
    let field = |name: &str| fields.get(name).map(String::as_str);
    let url = match system {
        System::Wawi => reqwest::Url::parse(field("base_url").unwrap_or_default()).ok(),
        System::Cloud | System::Scx => {
            let endpoints = match (field("environment"), field("sandbox")) {
                (Some(name), _) => Endpoints::from_name(name).ok(),
                (None, Some("true")) if system == System::Scx => Some(Endpoints::sandbox()),
                (None, _) => Some(Endpoints::production()),
            };
            endpoints.map(|e| match system {
                System::Scx => e.scx_base().clone(),
                _ => e.token_url().clone(),
            })
        }
    };
    url.and_then(|u| {
        u.host_str().map(|host| match u.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        })
    })
    .unwrap_or_else(|| "the service".to_owned())
}

/// A human message for a failed test, from the error's code and status only. Errors the
/// library made itself (bad configuration, timeouts) keep their own message: it holds no
/// server text.
fn describe(error: &Error, system: System, host: &str) -> String {
    let status = error
        .status()
        .map_or_else(String::new, |s| format!(" (HTTP {s})"));
    let secret = match system {
        System::Cloud => "client credentials",
        System::Wawi => "API key",
        System::Scx => "refresh token",
    };
    match error {
        Error::InvalidCredentials { .. } => format!("{host} refused the {secret}{status}"),
        Error::Unauthorized { .. } => format!("{host} did not accept the {secret}{status}"),
        Error::Forbidden { .. } => {
            format!("{host} denied access{status}: a missing scope, or no access to the tenant")
        }
        Error::NotFound { .. } => {
            format!("{host} has no such service{status}: check the address or environment")
        }
        Error::RateLimited { .. } => format!("{host} asked to slow down{status}; try again later"),
        Error::Api { .. } => format!("{host} answered with an error{status}"),
        Error::Network { .. } => {
            format!("could not reach {host}, or its answer could not be read")
        }
        Error::Timeout { .. } => format!("{host} did not answer in time: {error}"),
        Error::InvalidInput { .. } | Error::Config { .. } | Error::Store { .. } => {
            error.to_string()
        }
        _ => format!("the connection test failed ({}){status}", error.code()),
    }
}
