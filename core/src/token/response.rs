//! Reading token answers. Servers are trusted to sign tokens, not to send sane lifetimes:
//! `expires_in` of 0, negative, absurd or missing falls back to the other expiry the answer
//! carries (SCX `tokenExpireAt`, the JWT's own `exp`), is capped at a day, and is an error
//! only when nothing usable is left.

use std::time::{Duration, SystemTime};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::Value;
use tracing::warn;

use crate::{clock, Error, Result, Secret};

use super::IssuedToken;

/// The longest lifetime believed: JTL's documents speak of one hour to one day.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// `{"access_token","token_type","expires_in"}` of the OAuth token endpoint.
pub(crate) fn oauth(body: &Value, now: SystemTime) -> Result<IssuedToken> {
    let value = token_text(body, "access_token")?;
    if let Some(kind) = body.get("token_type").and_then(Value::as_str) {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(invalid(format!(
                "expected token_type Bearer; found {kind:?}"
            )));
        }
    }
    let lifetime = lifetime(body.get("expires_in"), None, &value, now)?;
    let scope = body.get("scope").and_then(Value::as_str).map(str::to_owned);
    Ok(IssuedToken {
        value: Secret::new(value),
        lifetime,
        scope,
    })
}

/// `{"scope","authToken","tokenExpireAt","expiresIn"}` of SCX's `POST /v1/auth`.
pub(crate) fn scx(body: &Value, now: SystemTime) -> Result<IssuedToken> {
    let value = token_text(body, "authToken")?;
    let expire_at = body
        .get("tokenExpireAt")
        .and_then(Value::as_str)
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        .map(|t| clock::from_unix_seconds(t.unix_timestamp()));
    let lifetime = lifetime(body.get("expiresIn"), expire_at, &value, now)?;
    let scope = body.get("scope").and_then(Value::as_str).map(str::to_owned);
    Ok(IssuedToken {
        value: Secret::new(value),
        lifetime,
        scope,
    })
}

fn invalid(message: String) -> Error {
    Error::Api {
        message: format!("the token endpoint's answer is unusable: {message}"),
        detail: crate::error::ApiDetail {
            status: 200,
            ..Default::default()
        },
    }
}

fn token_text(body: &Value, field: &str) -> Result<String> {
    match body.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Some(_) => Err(invalid(format!(
            "expected {field} to be a non-empty string"
        ))),
        None if body.is_object() => Err(invalid(format!("{field} is missing"))),
        None => Err(invalid("expected a JSON object".into())),
    }
}

fn seconds(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|s| s.is_finite())
}

/// The `exp` claim of a JWT, read without verification: only to schedule a refresh.
fn jwt_exp(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    Some(clock::from_unix_seconds(claims.get("exp")?.as_i64()?))
}

fn lifetime(
    expires_in: Option<&Value>,
    expire_at: Option<SystemTime>,
    token: &str,
    now: SystemTime,
) -> Result<Duration> {
    let said = seconds(expires_in);
    if let Some(secs) = said.filter(|s| *s > 0.0) {
        let lifetime = Duration::from_secs_f64(secs.min(MAX_LIFETIME.as_secs_f64()));
        if secs > MAX_LIFETIME.as_secs_f64() {
            warn!(
                expires_in = secs,
                "token lifetime above one day; refreshing as if it were a day"
            );
        }
        return Ok(lifetime);
    }
    let fallback = expire_at
        .or_else(|| jwt_exp(token))
        .and_then(|at| at.duration_since(now).ok())
        .filter(|left| !left.is_zero());
    match fallback {
        Some(left) => {
            warn!(expires_in = ?said, "unusable expires_in; using the expiry the token carries");
            Ok(left.min(MAX_LIFETIME))
        }
        None => Err(invalid(match said {
            Some(s) => format!("expected a positive lifetime in seconds; found expires_in {s}"),
            None => "expires_in is missing and the token carries no expiry".into(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt_with_exp(exp: i64) -> String {
        let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        format!(
            "{}.{}.sig",
            part(json!({"alg":"EdDSA"})),
            part(json!({"exp": exp}))
        )
    }

    #[test]
    fn lifetimes_sane_and_otherwise() {
        let now = SystemTime::now();
        let unix = clock::unix_seconds(now);
        let t = oauth(
            &json!({"access_token":"a","token_type":"Bearer","expires_in":3600}),
            now,
        )
        .unwrap();
        assert_eq!(t.lifetime, Duration::from_secs(3600));
        let t = oauth(&json!({"access_token":"a","expires_in":"120"}), now).unwrap();
        assert_eq!(t.lifetime, Duration::from_secs(120));
        let t = oauth(&json!({"access_token":"a","expires_in":1e15}), now).unwrap();
        assert_eq!(t.lifetime, MAX_LIFETIME, "absurd lifetimes are capped");
        let token = jwt_with_exp(unix + 600);
        for bad in [json!(0), json!(-5), json!(null), json!("soon")] {
            let t = oauth(&json!({"access_token": token, "expires_in": bad}), now).unwrap();
            assert!(
                t.lifetime <= Duration::from_secs(600) && t.lifetime >= Duration::from_secs(598),
                "{bad}"
            );
        }
        let err = oauth(&json!({"access_token":"opaque","expires_in":0}), now).unwrap_err();
        assert_eq!(err.code(), "api");
        assert!(err.to_string().contains("expires_in 0"), "{err}");
        assert!(oauth(&json!({"access_token":"", "expires_in": 5}), now).is_err());
        assert!(oauth(
            &json!({"access_token":"a","token_type":"mac","expires_in":5}),
            now
        )
        .is_err());
        assert!(oauth(&json!([1]), now).is_err());
    }

    #[test]
    fn scx_falls_back_to_token_expire_at() {
        let now = SystemTime::now();
        let at = time::OffsetDateTime::from_unix_timestamp(clock::unix_seconds(now) + 900).unwrap();
        let text = at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let t = scx(
            &json!({"authToken":"opaque","tokenExpireAt": text, "expiresIn": 0}),
            now,
        )
        .unwrap();
        assert!(t.lifetime > Duration::from_secs(890) && t.lifetime <= Duration::from_secs(900));
        let t = scx(
            &json!({"authToken":"opaque","tokenExpireAt": text, "expiresIn": 3600}),
            now,
        )
        .unwrap();
        assert_eq!(t.lifetime, Duration::from_secs(3600));
    }
}
