//! Where JTL's services live: [`Endpoints`] for production, beta, dev/qa, the SCX sandbox,
//! the emulator, or custom URLs. Plain `http://` is refused except for loopback hosts, so a
//! token can never travel unencrypted over a network by accident.

use std::net::IpAddr;

use reqwest::Url;

use crate::{Error, Result};

/// The URLs of JTL's services that a client talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    name: String,
    token_url: Url,
    /// The OAuth authorize endpoint of the user sign-in (authorization code + PKCE).
    authorize_url: Url,
    api_base: Url,
    jwks_url: Url,
    scx_base: Url,
    app_issuer: Url,
    /// `None`: `{api_base}graphql`, following the API base when it changes.
    graphql_url: Option<Url>,
}

const PRODUCTION_TOKEN: &str = "https://auth.jtl-cloud.com/oauth2/token";
/// The authorize URL of JTL's OpenAPI scheme `oauth2-cloud-id-accessCode` (facts §5.4).
#[cfg(test)]
const PRODUCTION_AUTHORIZE: &str = "https://auth.jtl-cloud.com/oauth2/auth";
const PRODUCTION_API: &str = "https://api.jtl-cloud.com/erp/v2/";
const PRODUCTION_JWKS: &str = "https://api.jtl-cloud.com/account/.well-known/jwks.json";
const PRODUCTION_SCX: &str = "https://scx.api.jtl-software.com/v1/";
const SANDBOX_SCX: &str = "https://scx-sbx.api.jtl-software.com/v1/";
/// `JTL_ISSUER`, the platform IdP that signs app tokens (facts §0; COMM, used as default).
const PRODUCTION_APP_ISSUER: &str = "https://id.jtl-cloud.com";

impl Endpoints {
    fn fixed(name: &str, token: &str, api: &str, jwks: &str, scx: &str) -> Self {
        // These literals are valid URLs; `parse_fixed` falls back to about:blank only to
        // avoid a panic path, and the unit tests pin every one of them.
        Self {
            name: name.to_owned(),
            token_url: parse_fixed(token),
            // The authorize endpoint sits beside the token endpoint on every JTL auth host.
            authorize_url: parse_fixed(&token.replace("/oauth2/token", "/oauth2/auth")),
            api_base: parse_fixed(api),
            jwks_url: parse_fixed(jwks),
            scx_base: parse_fixed(scx),
            app_issuer: parse_fixed(PRODUCTION_APP_ISSUER),
            graphql_url: None,
        }
    }

    /// JTL Cloud production, and the production SCX Channel API.
    pub fn production() -> Self {
        Self::fixed(
            "production",
            PRODUCTION_TOKEN,
            PRODUCTION_API,
            PRODUCTION_JWKS,
            PRODUCTION_SCX,
        )
    }

    /// JTL Cloud beta: the same hosts as production (beta is a property of the app).
    pub fn beta() -> Self {
        Self::fixed(
            "beta",
            PRODUCTION_TOKEN,
            PRODUCTION_API,
            PRODUCTION_JWKS,
            PRODUCTION_SCX,
        )
    }

    /// JTL's dev stage (`auth.dev.jtl-cloud.com`, `api.dev.jtl-cloud.com`), SCX sandbox.
    pub fn dev() -> Self {
        Self::stage("dev")
    }

    /// JTL's qa stage (`auth.qa.jtl-cloud.com`, `api.qa.jtl-cloud.com`), SCX sandbox.
    pub fn qa() -> Self {
        Self::stage("qa")
    }

    fn stage(stage: &str) -> Self {
        Self::fixed(
            stage,
            &format!("https://auth.{stage}.jtl-cloud.com/oauth2/token"),
            &format!("https://api.{stage}.jtl-cloud.com/erp/v2/"),
            &format!("https://api.{stage}.jtl-cloud.com/account/.well-known/jwks.json"),
            SANDBOX_SCX,
        )
    }

    /// Production Cloud with the SCX sandbox (`scx-sbx.api.jtl-software.com`).
    pub fn sandbox() -> Self {
        Self::fixed(
            "sandbox",
            PRODUCTION_TOKEN,
            PRODUCTION_API,
            PRODUCTION_JWKS,
            SANDBOX_SCX,
        )
    }

    /// The emulator (or anything else laid out like JTL) at `base_url`:
    /// `/oauth2/token`, `/erp/v2/`, `/account/.well-known/jwks.json`, `/v1/`.
    pub fn emulator(base_url: &str) -> Result<Self> {
        let base = parse_url("emulator URL", base_url)?;
        let root = base.as_str().trim_end_matches('/');
        Ok(Self {
            name: "emulator".to_owned(),
            token_url: parse_url("token URL", &format!("{root}/oauth2/token"))?,
            authorize_url: parse_url("authorize URL", &format!("{root}/oauth2/auth"))?,
            api_base: parse_url("API base", &format!("{root}/erp/v2/"))?,
            jwks_url: parse_url("JWKS URL", &format!("{root}/account/.well-known/jwks.json"))?,
            scx_base: parse_url("SCX base", &format!("{root}/v1/"))?,
            // The emulator is its own app-token issuer: `{root}/oauth/v2/keys`.
            app_issuer: parse_url("app-token issuer", root)?,
            graphql_url: None,
        })
    }

    /// Endpoints by name: `production`, `beta`, `dev`, `qa`, `sandbox`, or a URL (the
    /// emulator layout at that URL). This is how `JTL_ENVIRONMENT` is read.
    pub fn from_name(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "production" | "prod" => Ok(Self::production()),
            "beta" => Ok(Self::beta()),
            "dev" => Ok(Self::dev()),
            "qa" => Ok(Self::qa()),
            "sandbox" => Ok(Self::sandbox()),
            _ if name.contains("://") => Self::emulator(name.trim()),
            other => Err(Error::invalid_input(format!(
                "unknown environment {other:?}; expected production, beta, dev, qa, sandbox or a URL"
            ))),
        }
    }

    /// Replaces the token endpoint.
    pub fn with_token_url(mut self, url: &str) -> Result<Self> {
        self.token_url = parse_url("token URL", url)?;
        self.name = "custom".into();
        Ok(self)
    }

    /// Replaces the authorize endpoint of the user sign-in (default
    /// `https://auth.jtl-cloud.com/oauth2/auth`).
    pub fn with_authorize_url(mut self, url: &str) -> Result<Self> {
        self.authorize_url = parse_url("authorize URL", url)?;
        self.name = "custom".into();
        Ok(self)
    }

    /// Replaces the ERP API base (paths of requests are joined to it).
    pub fn with_api_base(mut self, url: &str) -> Result<Self> {
        self.api_base = with_trailing_slash(parse_url("API base", url)?);
        self.name = "custom".into();
        Ok(self)
    }

    /// Replaces the JWKS URL.
    pub fn with_jwks_url(mut self, url: &str) -> Result<Self> {
        self.jwks_url = parse_url("JWKS URL", url)?;
        self.name = "custom".into();
        Ok(self)
    }

    /// Replaces the SCX base.
    pub fn with_scx_base(mut self, url: &str) -> Result<Self> {
        self.scx_base = with_trailing_slash(parse_url("SCX base", url)?);
        self.name = "custom".into();
        Ok(self)
    }

    /// Replaces the app-token issuer (`JTL_ISSUER`; keys at `{issuer}/oauth/v2/keys`).
    pub fn with_app_issuer(mut self, url: &str) -> Result<Self> {
        self.app_issuer = parse_url("app-token issuer", url)?;
        self.name = "custom".into();
        Ok(self)
    }

    /// Replaces the GraphQL endpoint (default: `graphql` under the API base,
    /// `https://api.jtl-cloud.com/erp/v2/graphql`).
    pub fn with_graphql_url(mut self, url: &str) -> Result<Self> {
        self.graphql_url = Some(parse_url("GraphQL URL", url)?);
        self.name = "custom".into();
        Ok(self)
    }

    /// The issuer of JTL app tokens (`JTL_ISSUER`): `https://id.jtl-cloud.com` for every named
    /// environment (no other is documented), the emulator's URL for [`Endpoints::emulator`].
    pub fn app_issuer(&self) -> &Url {
        &self.app_issuer
    }

    /// The GraphQL endpoint: `{api_base}graphql` unless replaced.
    pub fn graphql_url(&self) -> Url {
        match &self.graphql_url {
            Some(url) => url.clone(),
            None => self
                .api_base
                .join("graphql")
                .unwrap_or_else(|_| self.api_base.clone()),
        }
    }

    /// `production`, `beta`, `dev`, `qa`, `sandbox`, `emulator` or `custom`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The OAuth token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// The OAuth authorize endpoint where users sign in (`/oauth2/auth`, facts §5.4).
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    /// The ERP API base, ending in `/`.
    pub fn api_base(&self) -> &Url {
        &self.api_base
    }

    /// The JWKS of App Shell session tokens.
    pub fn jwks_url(&self) -> &Url {
        &self.jwks_url
    }

    /// The SCX Channel API base, ending in `/`.
    pub fn scx_base(&self) -> &Url {
        &self.scx_base
    }
}

fn parse_fixed(url: &str) -> Url {
    Url::parse(url)
        .unwrap_or_else(|_| Url::parse("about:blank").unwrap_or_else(|_| unreachable_url()))
}

#[allow(clippy::panic)]
fn unreachable_url() -> Url {
    // `about:blank` always parses; this cannot run.
    panic!("about:blank failed to parse")
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

/// Parses a service URL: `https://`, or `http://` for loopback hosts only; no credentials.
pub(crate) fn parse_url(what: &str, value: &str) -> Result<Url> {
    parse_url_with(what, value, false)
}

/// Like [`parse_url`]; `plain_http_anywhere` allows `http://` to any host (JTL-Wawi
/// OnPremise runs on the local network without TLS).
pub(crate) fn parse_url_with(what: &str, value: &str, plain_http_anywhere: bool) -> Result<Url> {
    let url = Url::parse(value.trim()).map_err(|e| {
        Error::invalid_input(format!(
            "{what}: expected an absolute http(s) URL; found {value:?} ({e})"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_input(format!(
            "{what}: credentials must not be part of the URL; pass them as credentials"
        )));
    }
    refuse_link_local(what, value, &url)?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if plain_http_anywhere || is_loopback(&url) => Ok(url),
        "http" => Err(Error::invalid_input(format!(
            "{what}: plain http:// is only allowed for loopback hosts (localhost, 127.0.0.1, ::1); found {value:?}, use https://"
        ))),
        other => Err(Error::invalid_input(format!(
            "{what}: expected an http(s) URL; found scheme {other:?}"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Refuses link-local and cloud metadata destinations (169.254.0.0/16, fe80::/10, the
/// metadata hosts): a secret sent there reaches the machine's metadata service, which hands
/// out cloud credentials, never JTL. The `url` crate has already normalised the host
/// (decimal and hex IPv4 forms, IPv6 compression), so the checks see the real address.
fn refuse_link_local(what: &str, value: &str, url: &Url) -> Result<()> {
    let refused = match url.host() {
        Some(url::Host::Ipv4(ip)) => is_link_local_v4(ip),
        Some(url::Host::Ipv6(ip)) => {
            let segments = ip.segments();
            (segments[0] & 0xffc0) == 0xfe80
                // AWS's IPv6 metadata address.
                || ip == std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
                || ip.to_ipv4_mapped().is_some_and(is_link_local_v4)
        }
        Some(url::Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            domain == "metadata" || domain.starts_with("metadata.")
        }
        None => false,
    };
    if refused {
        return Err(Error::invalid_input(format!(
            "{what}: link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, metadata.*) are never a destination; found {value:?}"
        )));
    }
    Ok(())
}

fn is_link_local_v4(ip: std::net::Ipv4Addr) -> bool {
    // 100.100.100.200 is Alibaba Cloud's metadata service.
    ip.is_link_local() || ip == std::net::Ipv4Addr::new(100, 100, 100, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_environments_have_real_urls() {
        for e in [
            Endpoints::production(),
            Endpoints::beta(),
            Endpoints::dev(),
            Endpoints::qa(),
            Endpoints::sandbox(),
        ] {
            for url in [e.token_url(), e.api_base(), e.jwks_url(), e.scx_base()] {
                assert_eq!(url.scheme(), "https", "{e:?}");
            }
        }
        assert_eq!(
            Endpoints::production().token_url().as_str(),
            PRODUCTION_TOKEN
        );
        assert_eq!(
            Endpoints::dev().api_base().as_str(),
            "https://api.dev.jtl-cloud.com/erp/v2/"
        );
        assert_eq!(Endpoints::sandbox().scx_base().as_str(), SANDBOX_SCX);
        assert_eq!(
            Endpoints::production().authorize_url().as_str(),
            PRODUCTION_AUTHORIZE
        );
        assert_eq!(
            Endpoints::qa().authorize_url().as_str(),
            "https://auth.qa.jtl-cloud.com/oauth2/auth"
        );
    }

    #[test]
    fn plain_http_only_for_loopback() {
        assert!(Endpoints::emulator("http://127.0.0.1:8787").is_ok());
        assert!(Endpoints::emulator("http://localhost:8787/").is_ok());
        assert!(Endpoints::emulator("http://[::1]:8787").is_ok());
        let err = Endpoints::emulator("http://example.com").unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("loopback"), "{err}");
        assert!(Endpoints::production()
            .with_api_base("http://10.0.0.1/erp/v2")
            .is_err());
        assert!(Endpoints::production()
            .with_api_base("ftp://example.com")
            .is_err());
        assert!(Endpoints::emulator("https://user:pw@example.com").is_err());
        assert!(parse_url_with("Wawi", "http://192.168.0.5:5883/api/eazybusiness", true).is_ok());
    }

    #[test]
    fn emulator_layout_and_names() {
        let e = Endpoints::emulator("http://127.0.0.1:9/").unwrap();
        assert_eq!(e.token_url().as_str(), "http://127.0.0.1:9/oauth2/token");
        assert_eq!(e.api_base().as_str(), "http://127.0.0.1:9/erp/v2/");
        assert_eq!(e.authorize_url().as_str(), "http://127.0.0.1:9/oauth2/auth");
        assert_eq!(Endpoints::from_name("beta").unwrap().name(), "beta");
        assert_eq!(
            Endpoints::from_name("http://127.0.0.1:9").unwrap().name(),
            "emulator"
        );
        assert!(Endpoints::from_name("staging").is_err());
        let custom = Endpoints::production()
            .with_api_base("https://proxy.example/erp/v2")
            .unwrap();
        assert_eq!(custom.api_base().as_str(), "https://proxy.example/erp/v2/");
        assert_eq!(custom.name(), "custom");
        assert_eq!(
            custom.graphql_url().as_str(),
            "https://proxy.example/erp/v2/graphql",
            "the default follows the API base"
        );
        assert_eq!(
            Endpoints::production().graphql_url().as_str(),
            "https://api.jtl-cloud.com/erp/v2/graphql"
        );
        assert_eq!(
            e.graphql_url().as_str(),
            "http://127.0.0.1:9/erp/v2/graphql"
        );
        let moved = Endpoints::production()
            .with_graphql_url("https://gql.example/graphql")
            .unwrap();
        assert_eq!(moved.graphql_url().as_str(), "https://gql.example/graphql");
        assert!(Endpoints::production()
            .with_graphql_url("http://10.0.0.1/graphql")
            .is_err());
    }

    #[test]
    fn link_local_and_metadata_destinations_are_refused() {
        for url in [
            "http://169.254.169.254/latest/meta-data",
            "https://169.254.0.1",
            "http://2852039166/",
            "http://0xa9fea9fe/",
            "http://[fe80::1]/",
            "https://[febf::1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://[fd00:ec2::254]/",
            "http://100.100.100.200/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "https://metadata.google.internal./",
            "http://metadata/",
            "https://METADATA.example/",
        ] {
            let err = parse_url_with("base_url", url, true).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{url}");
            assert!(err.to_string().starts_with("base_url: link-local"), "{err}");
            assert!(Endpoints::emulator(url).is_err(), "{url}");
        }
        for url in [
            "http://192.168.0.5:5883/api/eazybusiness",
            "http://10.0.0.7/",
            "https://metadatas.example/",
            "https://my-metadata.example/",
            "https://[fec0::1]/",
        ] {
            assert!(parse_url_with("base_url", url, true).is_ok(), "{url}");
        }
        assert!(Endpoints::emulator("http://127.0.0.1:8787").is_ok());
    }
}
