//! Connecting to PostgreSQL: the URL (only `postgresql://` and `postgres://`), TLS with rustls
//! (`sslmode` honoured; `require` by default off loopback, where the traffic leaves the
//! machine), a bounded connection pool and statement timeouts.
//!
//! The driver is tokio-postgres with deadpool-postgres: async on the tokio runtime the
//! clients already use, plain SQL with explicit transactions (the advisory lock of the shared
//! token cache lives in one), and TLS through the same rustls and ring as the HTTP client.

use std::{
    fmt,
    net::IpAddr,
    sync::{Arc, Once},
    time::Duration,
};

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::{pem::PemObject, CertificateDer};
use tokio_postgres::{config::Host, config::SslMode, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::{Error, Result};

/// Connections per pool unless the URL says `pool_size=N`.
const DEFAULT_POOL_SIZE: usize = 4;
const MAX_POOL_SIZE: usize = 64;
/// Every statement of ours is short; a stuck one must not hold a caller for long.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

static CRYPTO: Once = Once::new();

/// How to reach the database, parsed from its URL.
#[derive(Clone)]
pub(crate) struct Target {
    config: Config,
    tls: Tls,
    pool_size: usize,
    /// The URL without password or query, for messages.
    location: String,
}

#[derive(Clone)]
enum Tls {
    Off,
    Rustls(Arc<ClientConfig>),
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("location", &self.location)
            .field("pool_size", &self.pool_size)
            .field("tls", &matches!(self.tls, Tls::Rustls(_)))
            .finish()
    }
}

impl Target {
    /// Parses `postgresql://user[:password]@host[:port]/db[?params]`.
    ///
    /// Besides the parameters libpq and tokio-postgres know (`connect_timeout`,
    /// `application_name`, `options`, …): `sslmode` (`disable`, `allow`/`prefer`, `require`,
    /// `verify-ca`, `verify-full`; certificates are always verified when TLS is used),
    /// `sslrootcert` (a PEM file of CA certificates instead of the system's) and `pool_size`.
    pub(crate) fn parse(what: &str, url: &str) -> Result<Self> {
        let url = url.trim();
        let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
        if !matches!(scheme, "postgresql" | "postgres") {
            let found = if scheme.is_empty() || scheme.len() > 20 {
                "no URL scheme".to_owned()
            } else {
                format!("the scheme {scheme:?}")
            };
            return Err(Error::invalid_input(format!(
                "{what}: expected a postgresql:// or postgres:// URL; found {found}"
            )));
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut sslmode: Option<String> = None;
        let mut rootcert: Option<String> = None;
        let mut pool_size = DEFAULT_POOL_SIZE;
        let mut rest = url::form_urlencoded::Serializer::new(String::new());
        let mut passed = false;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "sslmode" => sslmode = Some(value.into_owned()),
                "sslrootcert" => rootcert = Some(value.into_owned()),
                "pool_size" => {
                    pool_size = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_POOL_SIZE).contains(n))
                        .ok_or_else(|| {
                            Error::invalid_input(format!(
                                "{what}: pool_size: expected 1 to {MAX_POOL_SIZE}; found {value:?}"
                            ))
                        })?;
                }
                _ => {
                    rest.append_pair(&name, &value);
                    passed = true;
                }
            }
        }
        let rebuilt = if passed {
            format!("{base}?{}", rest.finish())
        } else {
            base.to_owned()
        };
        let mut config: Config = rebuilt.parse().map_err(|e: tokio_postgres::Error| {
            // tokio-postgres names the parameter at fault, never the password.
            Error::invalid_input(format!("{what}: not a valid PostgreSQL URL: {e}"))
        })?;
        if config.get_hosts().is_empty() {
            return Err(Error::invalid_input(format!(
                "{what}: expected a host in the URL (postgresql://user@host/db); found none"
            )));
        }
        let loopback = config.get_hosts().iter().all(is_loopback);
        let mode = match sslmode.as_deref() {
            None if loopback => SslMode::Disable,
            None => SslMode::Require,
            Some("disable") => SslMode::Disable,
            Some("allow" | "prefer") => SslMode::Prefer,
            Some("require" | "verify-ca" | "verify-full") => SslMode::Require,
            Some(other) => {
                return Err(Error::invalid_input(format!(
                    "{what}: sslmode: expected disable, allow, prefer, require, verify-ca or verify-full; found {other:?}"
                )))
            }
        };
        config.ssl_mode(mode);
        let tls = match mode {
            SslMode::Disable => Tls::Off,
            _ => Tls::Rustls(Arc::new(tls_config(what, rootcert.as_deref())?)),
        };
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.keepalives(true);
        if config.get_application_name().is_none() {
            config.application_name("jtl-connect");
        }
        // Ours first: the URL's own `options` come after and win.
        let ours = format!("-c statement_timeout={}", STATEMENT_TIMEOUT.as_millis());
        let options = match config.get_options() {
            Some(theirs) => format!("{ours} {theirs}"),
            None => ours,
        };
        config.options(options);
        Ok(Self {
            location: location(base),
            config,
            tls,
            pool_size,
        })
    }

    /// Where the database is, without the password: safe for messages and logs.
    pub(crate) fn location(&self) -> &str {
        &self.location
    }

    /// A pool of at most `pool_size` connections, opened on first use.
    pub(crate) fn pool(&self) -> Result<Pool> {
        let manager_config = ManagerConfig {
            // Closed connections (a restarted server) are dropped when they come back.
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match &self.tls {
            Tls::Off => Manager::from_config(self.config.clone(), NoTls, manager_config),
            Tls::Rustls(tls) => Manager::from_config(
                self.config.clone(),
                MakeRustlsConnect::new((**tls).clone()),
                manager_config,
            ),
        };
        Pool::builder(manager)
            .max_size(self.pool_size)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(STATEMENT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT + Duration::from_secs(1)))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| Error::config(format!("{}: cannot build the pool: {e}", self.location)))
    }
}

fn is_loopback(host: &Host) -> bool {
    match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            name.eq_ignore_ascii_case("localhost")
                || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
    }
}

/// `postgresql://user@host:port/db`: the URL up to its query, without a password.
fn location(base: &str) -> String {
    match base.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let authority = match authority.rsplit_once('@') {
                Some((user, host)) => {
                    let user = user.split_once(':').map(|(u, _)| u).unwrap_or(user);
                    format!("{user}@{host}")
                }
                None => authority.to_owned(),
            };
            format!("{scheme}://{authority}/{path}")
        }
        None => String::new(),
    }
}

fn tls_config(what: &str, rootcert: Option<&str>) -> Result<ClientConfig> {
    // As the HTTP client does: ring, unless the application installed a provider first.
    CRYPTO.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let builder = ClientConfig::builder();
    match rootcert {
        Some(path) => {
            let mut roots = RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(path).map_err(|e| {
                Error::config(format!("{what}: sslrootcert: cannot read {path}: {e}"))
            })?;
            for cert in certs {
                let cert = cert.map_err(|e| {
                    Error::config(format!("{what}: sslrootcert: {path} is not PEM: {e}"))
                })?;
                roots.add(cert).map_err(|e| {
                    Error::config(format!("{what}: sslrootcert: a certificate in {path}: {e}"))
                })?;
            }
            if roots.is_empty() {
                return Err(Error::config(format!(
                    "{what}: sslrootcert: expected CA certificates in {path}; found none"
                )));
            }
            Ok(builder.with_root_certificates(roots).with_no_client_auth())
        }
        None => {
            use rustls_platform_verifier::BuilderVerifierExt;
            Ok(builder
                .with_platform_verifier()
                .map_err(|e| {
                    Error::config(format!(
                        "{what}: cannot load the system's CA certificates: {e}"
                    ))
                })?
                .with_no_client_auth())
        }
    }
}

/// A `store` error for a failed database call, with PostgreSQL's message but never a value.
pub(crate) fn store_error(location: &str, doing: &str, error: &tokio_postgres::Error) -> Error {
    let why = match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => error.to_string(),
    };
    Error::Store {
        message: format!("{location}: {doing}: {why}"),
    }
}

/// A `store` error for a connection that could not be had from the pool.
pub(crate) fn pool_error(location: &str, error: &PoolError) -> Error {
    let why = match error {
        PoolError::Backend(e) => match e.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => e.to_string(),
        },
        PoolError::Timeout(_) => "no connection within the timeout".to_owned(),
        other => other.to_string(),
    };
    Error::Store {
        message: format!("{location}: cannot connect: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_schemes_are_invalid_input() {
        for url in [
            "sqlite:///tmp/x",
            "/var/lib/accounts.db",
            "mysql://u@h/db",
            "",
        ] {
            let error = Target::parse("token_cache", url).unwrap_err();
            assert_eq!(error.code(), "invalid_input", "{url}");
            assert!(error.to_string().contains("postgresql://"), "{error}");
        }
    }

    #[test]
    fn loopback_defaults_to_plain_and_remote_to_tls() {
        let local = Target::parse("t", "postgresql://u:pw@127.0.0.1:5432/db").unwrap();
        assert!(matches!(local.tls, Tls::Off));
        assert_eq!(local.location(), "postgresql://u@127.0.0.1:5432/db");
        let remote = Target::parse("t", "postgres://u:pw@db.example.com/db").unwrap();
        assert!(matches!(remote.tls, Tls::Rustls(_)));
        assert_eq!(remote.config.get_ssl_mode(), SslMode::Require);
        let off = Target::parse("t", "postgres://u@db.example.com/db?sslmode=disable").unwrap();
        assert!(matches!(off.tls, Tls::Off));
        let on = Target::parse("t", "postgres://u@localhost/db?sslmode=verify-full").unwrap();
        assert!(matches!(on.tls, Tls::Rustls(_)));
    }

    #[test]
    fn bad_parameters_are_named_without_the_password() {
        let error =
            Target::parse("t", "postgresql://u:hunter2@h/db?sslmode=sometimes").unwrap_err();
        assert_eq!(error.code(), "invalid_input");
        assert!(error.to_string().contains("sslmode"), "{error}");
        assert!(!error.to_string().contains("hunter2"), "{error}");
        let error = Target::parse("t", "postgresql://u:hunter2@h/db?pool_size=0").unwrap_err();
        assert!(error.to_string().contains("pool_size"), "{error}");
        let error = Target::parse("t", "postgresql://u:hunter2@h/db?colour=blue").unwrap_err();
        assert_eq!(error.code(), "invalid_input");
        assert!(!error.to_string().contains("hunter2"), "{error}");
        let ok = Target::parse("t", "postgresql://u@h/db?pool_size=9&application_name=x").unwrap();
        assert_eq!(ok.pool_size, 9);
    }
}
