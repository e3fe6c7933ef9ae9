//! [`SessionClaims`], and the checks of a signature-verified payload: `exp`, `nbf`, `iat`,
//! the lifetime, `iss`, `aud` and the required claims, against the verifier's clock.
//!
//! Session tokens (facts §4.1) name tenant and user `tenantId` and `userId`, and carry the
//! customer id in the payload `kid`; app tokens (§4.2) name them `urn:jtl:tenant_id` and
//! `sub`, and the app `urn:jtl:app_id`. Both come out as the same [`SessionClaims`].

use std::time::SystemTime;

use serde_json::{Map, Value};

use super::{config::VerifierConfig, decode::malformed, keys::json_kind};
use crate::{clock::from_unix_seconds, Error, Result, TokenInvalidReason};

/// Longest claim value quoted in an error message.
const QUOTE_LIMIT: usize = 100;

/// How app-token failures begin: `app token: the issuer check failed: ...`.
const APP_PREFIX: &str = "app token: ";

/// Which kind of token a verifier checks: where tenant and user are, and how failures are named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// App Shell session token: `tenantId`, `userId`, payload `kid` = customer id.
    Session,
    /// JTL app token: `urn:jtl:tenant_id`, `sub`, `urn:jtl:app_id`; failures name the check.
    App,
}

impl TokenKind {
    pub(crate) fn tenant_claim(self) -> &'static str {
        match self {
            Self::Session => "tenantId",
            Self::App => "urn:jtl:tenant_id",
        }
    }

    pub(crate) fn user_claim(self) -> &'static str {
        match self {
            Self::Session => "userId",
            Self::App => "sub",
        }
    }

    /// An error naming the failed `check` (signature, issuer, audience, expiry, ...), as
    /// JTL's `verifyAppToken` reports per check; session-token messages stay as they are.
    pub(crate) fn invalid(
        self,
        check: &str,
        reason: TokenInvalidReason,
        message: impl Into<String>,
    ) -> Error {
        match self {
            Self::Session => Error::token_invalid(reason, message),
            Self::App => Error::token_invalid(
                reason,
                format!("{APP_PREFIX}the {check} check failed: {}", message.into()),
            ),
        }
    }

    /// `error` with its check named (for app tokens); other errors unchanged.
    pub(crate) fn name_check(self, check: &str, error: Error) -> Error {
        match (self, error) {
            (Self::App, Error::TokenInvalid { reason, message })
                if !message.starts_with(APP_PREFIX) =>
            {
                let check = match reason {
                    TokenInvalidReason::Malformed | TokenInvalidReason::TooLarge => "format",
                    _ => check,
                };
                self.invalid(check, reason, message)
            }
            (_, other) => other,
        }
    }
}

/// What a verified session token (or app token) says.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionClaims {
    /// The JTL tenant the user works in: `tenantId` of a session token, `urn:jtl:tenant_id`
    /// of an app token. Non-empty unless that claim was removed from
    /// [`VerifierConfig::required_claims`] and the token lacks it (then empty).
    pub tenant_id: String,
    /// The JTL user: `userId` of a session token, `sub` of an app token. Non-empty unless
    /// that claim was removed from [`VerifierConfig::required_claims`] and the token lacks it
    /// (then empty).
    pub user_id: String,
    /// The customer id from JTL's customer service: the payload `kid` of a session token
    /// (facts §4.1; never a key id). `None` for app tokens and tokens without it.
    pub customer_id: Option<String>,
    /// `urn:jtl:app_id` of an app token, if it carries one; `None` for session tokens.
    pub app_id: Option<String>,
    /// `tenantSlug`, if the token carries it.
    pub tenant_slug: Option<String>,
    /// `exp`, in seconds since the Unix epoch.
    pub expires_at: i64,
    /// Every claim of the payload, including the ones above.
    pub claims: Map<String, Value>,
}

impl SessionClaims {
    /// `exp` as a [`SystemTime`].
    pub fn expires_at_time(&self) -> SystemTime {
        from_unix_seconds(self.expires_at)
    }

    /// One claim by name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.claims.get(name)
    }
}

/// `"value"`, shortened: claim values are attacker-chosen and may be long.
fn quote(value: &str) -> String {
    if value.chars().count() <= QUOTE_LIMIT {
        format!("{value:?}")
    } else {
        let short: String = value.chars().take(QUOTE_LIMIT).collect();
        format!("{short:?}...")
    }
}

/// A NumericDate claim, whole seconds; `None` if absent or null.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(seconds), _) => Ok(Some(seconds)),
            // Fractional seconds count as whole ones; beyond i64 is no date at all.
            (None, Some(f)) if f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
                Ok(Some(f.floor() as i64))
            }
            _ => Err(malformed(format!(
                "claim {name}: expected a number of seconds since 1970; found {n}, beyond any date"
            ))),
        },
        Some(other) => Err(malformed(format!(
            "claim {name}: expected a number of seconds since 1970; found {}",
            json_kind(other)
        ))),
    }
}

fn text<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(malformed(format!(
            "claim {name}: expected a string; found {}",
            json_kind(other)
        ))),
    }
}

/// Checks the claims of a token whose signature has been verified, at `now` (Unix seconds).
pub(crate) fn check(
    claims: Map<String, Value>,
    config: &VerifierConfig,
    now: i64,
    kind: TokenKind,
) -> Result<SessionClaims> {
    checked(claims, config, now, kind).map_err(|e| kind.name_check("claims", e))
}

fn checked(
    claims: Map<String, Value>,
    config: &VerifierConfig,
    now: i64,
    kind: TokenKind,
) -> Result<SessionClaims> {
    let leeway = i64::try_from(config.leeway.as_secs()).unwrap_or(i64::MAX);
    let exp = numeric_date(&claims, "exp")?.ok_or_else(|| {
        kind.invalid(
            "expiry",
            TokenInvalidReason::MissingClaim,
            "expected an exp claim (expiry); the token has none",
        )
    })?;
    if now >= exp.saturating_add(leeway) {
        return Err(kind.invalid(
            "expiry",
            TokenInvalidReason::Expired,
            format!(
                "expected exp after now ({now}) minus the leeway of {leeway} s; found exp {exp}, {} s ago",
                now.saturating_sub(exp)
            ),
        ));
    }
    let iat = numeric_date(&claims, "iat")?;
    for (name, at) in [("nbf", numeric_date(&claims, "nbf")?), ("iat", iat)] {
        if let Some(at) = at {
            if at > now.saturating_add(leeway) {
                return Err(kind.invalid(
                    "expiry",
                    TokenInvalidReason::NotYetValid,
                    format!(
                        "expected {name} at or before now ({now}) plus the leeway of {leeway} s; found {name} {at}, {} s ahead",
                        at.saturating_sub(now)
                    ),
                ));
            }
        }
    }
    if let Some(max) = config.max_lifetime {
        let max = i64::try_from(max.as_secs()).unwrap_or(i64::MAX);
        // Without iat, what is left of it must fit (the leeway covers clock differences).
        let (lifetime, limit, what) = match iat {
            Some(iat) => (exp.saturating_sub(iat), max, "exp - iat"),
            None => (
                exp.saturating_sub(now),
                max.saturating_add(leeway),
                "exp - now (no iat)",
            ),
        };
        if lifetime > limit {
            return Err(kind.invalid(
                "expiry",
                TokenInvalidReason::LifetimeTooLong,
                format!(
                    "expected a token lifetime of at most {max} s (max_lifetime); found {what} = {lifetime} s"
                ),
            ));
        }
    }
    if let Some(expected) = &config.issuer {
        match text(&claims, "iss")? {
            // JTL's documented session token has no iss (facts §4.1): accepted unless required.
            None if !config.require_issuer => {}
            None => {
                return Err(kind.invalid(
                    "issuer",
                    TokenInvalidReason::MissingClaim,
                    format!(
                        "expected issuer {}; the token has no iss claim (require_issuer is set)",
                        quote(expected)
                    ),
                ))
            }
            Some(found) if found != expected => {
                return Err(kind.invalid(
                    "issuer",
                    TokenInvalidReason::WrongIssuer,
                    format!(
                        "expected issuer {}; found {}",
                        quote(expected),
                        quote(found)
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(expected) = &config.audience {
        let found: Vec<&str> = match claims.get("aud") {
            None | Some(Value::Null) => {
                return Err(kind.invalid(
                    "audience",
                    TokenInvalidReason::MissingClaim,
                    format!("expected audience {expected:?}; the token has no aud claim"),
                ))
            }
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(list)) => list
                .iter()
                .map(|v| {
                    v.as_str().ok_or_else(|| {
                        malformed("claim aud: expected a string or an array of strings")
                    })
                })
                .collect::<Result<_>>()?,
            Some(other) => {
                return Err(malformed(format!(
                    "claim aud: expected a string or an array of strings; found {}",
                    json_kind(other)
                )))
            }
        };
        if !found.iter().any(|aud| expected.iter().any(|e| e == aud)) {
            let found: Vec<String> = found.iter().take(5).map(|a| quote(a)).collect();
            return Err(kind.invalid(
                "audience",
                TokenInvalidReason::WrongAudience,
                format!(
                    "expected audience {expected:?}; found [{}]",
                    found.join(", ")
                ),
            ));
        }
    }
    for name in &config.required_claims {
        let present = match claims.get(name.as_str()) {
            None | Some(Value::Null) => false,
            // A blank tenant or user id is as good as none.
            Some(Value::String(s)) if name == kind.tenant_claim() || name == kind.user_claim() => {
                !s.trim().is_empty()
            }
            Some(_) => true,
        };
        if !present {
            return Err(kind.invalid(
                "claims",
                TokenInvalidReason::MissingClaim,
                format!(
                    "expected the claim {name:?} (required: {}); the token has none",
                    config.required_claims.join(", ")
                ),
            ));
        }
    }
    let tenant_id = text(&claims, kind.tenant_claim())?
        .unwrap_or_default()
        .to_owned();
    let user_id = text(&claims, kind.user_claim())?
        .unwrap_or_default()
        .to_owned();
    let tenant_slug = text(&claims, "tenantSlug")?.map(str::to_owned);
    let (customer_id, app_id) = match kind {
        // The payload kid of a session token is the customer id, never a key id (§4.1).
        TokenKind::Session => (text(&claims, "kid")?.map(str::to_owned), None),
        TokenKind::App => (None, text(&claims, "urn:jtl:app_id")?.map(str::to_owned)),
    };
    Ok(SessionClaims {
        tenant_id,
        user_id,
        customer_id,
        app_id,
        tenant_slug,
        expires_at: exp,
        claims,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn run(claims: Value, config: &VerifierConfig) -> Result<SessionClaims> {
        check(
            claims.as_object().unwrap().clone(),
            config,
            NOW,
            TokenKind::Session,
        )
    }

    fn good() -> Value {
        json!({"tenantId": "t", "userId": "u", "exp": NOW + 600, "iat": NOW, "iss": "https://api.jtl-cloud.com"})
    }

    fn with(change: Value) -> Value {
        let mut claims = good();
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        claims
    }

    fn reason(claims: Value, config: &VerifierConfig) -> Option<TokenInvalidReason> {
        run(claims, config).unwrap_err().reason()
    }

    #[test]
    fn accepts_a_good_payload() {
        let c = run(
            with(json!({"tenantSlug": "shop", "exp": (NOW + 10) as f64 + 0.5})),
            &VerifierConfig::default(),
        )
        .unwrap();
        assert_eq!((c.tenant_id.as_str(), c.user_id.as_str()), ("t", "u"));
        assert_eq!(c.tenant_slug.as_deref(), Some("shop"));
        assert_eq!(c.expires_at, NOW + 10);
        assert_eq!(c.get("iss"), Some(&json!("https://api.jtl-cloud.com")));
    }

    #[test]
    fn time_claims_honour_the_leeway() {
        use TokenInvalidReason::*;
        let config = VerifierConfig::default();
        assert!(run(with(json!({"exp": NOW - 59})), &config).is_ok());
        assert_eq!(
            reason(with(json!({"exp": NOW - 60})), &config),
            Some(Expired)
        );
        assert!(run(with(json!({"nbf": NOW + 60})), &config).is_ok());
        assert_eq!(
            reason(with(json!({"nbf": NOW + 61})), &config),
            Some(NotYetValid)
        );
        assert_eq!(
            reason(with(json!({"iat": NOW + 61})), &config),
            Some(NotYetValid)
        );
        assert_eq!(
            reason(with(json!({"exp": null})), &config),
            Some(MissingClaim)
        );
        assert_eq!(
            reason(with(json!({"exp": "soon"})), &config),
            Some(Malformed)
        );
        assert_eq!(reason(with(json!({"nbf": true})), &config), Some(Malformed));
        let strict = VerifierConfig {
            leeway: Duration::ZERO,
            ..VerifierConfig::default()
        };
        assert_eq!(reason(with(json!({"exp": NOW})), &strict), Some(Expired));
        assert!(run(with(json!({"exp": NOW + 1})), &strict).is_ok());
    }

    #[test]
    fn issuer_audience_and_required_claims() {
        use TokenInvalidReason::*;
        let config = VerifierConfig::default();
        let err = run(with(json!({"iss": "https://evil.example"})), &config).unwrap_err();
        assert_eq!(err.reason(), Some(WrongIssuer));
        assert!(
            err.to_string().contains("https://api.jtl-cloud.com")
                && err.to_string().contains("https://evil.example"),
            "{err}"
        );
        // JTL's documented token has no iss: accepted unless required.
        assert!(run(with(json!({"iss": null})), &config).is_ok());
        let required = VerifierConfig {
            require_issuer: true,
            ..VerifierConfig::default()
        };
        assert_eq!(
            reason(with(json!({"iss": null})), &required),
            Some(MissingClaim)
        );
        assert!(run(good(), &required).is_ok());
        let any_issuer = VerifierConfig {
            issuer: None,
            ..VerifierConfig::default()
        };
        assert!(run(with(json!({"iss": null})), &any_issuer).is_ok());
        assert_eq!(
            reason(with(json!({"userId": null})), &config),
            Some(MissingClaim)
        );
        assert_eq!(
            reason(with(json!({"tenantId": " "})), &config),
            Some(MissingClaim)
        );
        assert_eq!(
            reason(with(json!({"tenantId": 5})), &config),
            Some(Malformed)
        );

        let aud = VerifierConfig {
            audience: Some(vec!["my-app".into()]),
            ..VerifierConfig::default()
        };
        assert_eq!(reason(good(), &aud), Some(MissingClaim));
        assert!(run(with(json!({"aud": "my-app"})), &aud).is_ok());
        assert!(run(with(json!({"aud": ["other", "my-app"]})), &aud).is_ok());
        assert_eq!(
            reason(with(json!({"aud": ["other"]})), &aud),
            Some(WrongAudience)
        );
        assert_eq!(reason(with(json!({"aud": 7})), &aud), Some(Malformed));

        let app = VerifierConfig {
            required_claims: vec![],
            ..VerifierConfig::default()
        };
        let c = run(with(json!({"userId": null})), &app).unwrap();
        assert_eq!(c.user_id, "");
    }

    #[test]
    fn max_lifetime_bounds_exp_minus_iat_or_what_is_left() {
        let config = VerifierConfig {
            max_lifetime: Some(Duration::from_secs(3600)),
            ..VerifierConfig::default()
        };
        assert!(run(with(json!({"exp": NOW + 3600})), &config).is_ok());
        assert_eq!(
            reason(with(json!({"exp": NOW + 3601})), &config),
            Some(TokenInvalidReason::LifetimeTooLong)
        );
        // Without iat: what is left of it, plus the leeway.
        assert!(run(with(json!({"iat": null, "exp": NOW + 3660})), &config).is_ok());
        let err = run(
            with(json!({"iat": null, "exp": NOW + 86_400 * 365})),
            &config,
        )
        .unwrap_err();
        assert_eq!(err.reason(), Some(TokenInvalidReason::LifetimeTooLong));
        assert!(err.to_string().contains("3600"), "{err}");
        assert!(run(
            with(json!({"exp": NOW + 86_400 * 365})),
            &VerifierConfig::default()
        )
        .is_ok());
    }

    #[test]
    fn the_payload_kid_is_the_customer_id_and_app_tokens_have_their_own_names() {
        let c = run(with(json!({"kid": "c-1"})), &VerifierConfig::default()).unwrap();
        assert_eq!(c.customer_id.as_deref(), Some("c-1"));
        assert_eq!(c.app_id, None);
        let app = VerifierConfig {
            required_claims: vec!["urn:jtl:tenant_id".into(), "sub".into()],
            ..VerifierConfig::default()
        };
        let claims = json!({"urn:jtl:tenant_id": "t", "sub": "u", "urn:jtl:app_id": "a",
            "kid": "ignored", "exp": NOW + 60, "iss": "https://api.jtl-cloud.com"});
        let c = check(
            claims.as_object().unwrap().clone(),
            &app,
            NOW,
            TokenKind::App,
        )
        .unwrap();
        assert_eq!((c.tenant_id.as_str(), c.user_id.as_str()), ("t", "u"));
        assert_eq!(c.app_id.as_deref(), Some("a"));
        assert_eq!(c.customer_id, None);
        let blank = json!({"urn:jtl:tenant_id": " ", "sub": "u", "exp": NOW + 60});
        let err = check(
            blank.as_object().unwrap().clone(),
            &app,
            NOW,
            TokenKind::App,
        )
        .unwrap_err();
        assert_eq!(err.reason(), Some(TokenInvalidReason::MissingClaim));
        let wrong = json!({"urn:jtl:tenant_id": "t", "sub": "u", "exp": NOW + 60, "iss": "x"});
        let err = check(
            wrong.as_object().unwrap().clone(),
            &app,
            NOW,
            TokenKind::App,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("app token: the issuer check failed"),
            "{err}"
        );
        let old = json!({"urn:jtl:tenant_id": "t", "sub": "u", "exp": NOW - 600});
        let err = check(old.as_object().unwrap().clone(), &app, NOW, TokenKind::App).unwrap_err();
        assert!(err.to_string().contains("the expiry check failed"), "{err}");
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "x".repeat(5000);
        let err = run(with(json!({"iss": long})), &VerifierConfig::default()).unwrap_err();
        assert!(err.to_string().len() < 400, "{err}");
    }
}
