//! The claim checks behind the signature (`jtl_connect::__fuzz::check_claims`): any JSON
//! object as claims, under the default configuration and one without issuer and required
//! claims. Claims are accepted only with an `exp` after now (within the leeway), no
//! `nbf`/`iat` ahead, the expected issuer and a non-blank tenant and user when required.
#![no_main]

use jtl_connect::{__fuzz::check_claims, VerifierConfig};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const NOW: i64 = 1_800_000_000;
const LEEWAY: i64 = 60;

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let strict = VerifierConfig::default();
    let lax = VerifierConfig {
        issuer: None,
        required_claims: Vec::new(),
        ..VerifierConfig::default()
    };
    for (config, is_strict) in [(&strict, true), (&lax, false)] {
        let Ok(accepted) = check_claims(claims.clone(), config, NOW) else {
            continue;
        };
        assert!(
            accepted.expires_at.saturating_add(LEEWAY) > NOW,
            "expired accepted"
        );
        for name in ["nbf", "iat"] {
            if let Some(at) = accepted.claims.get(name).and_then(Value::as_f64) {
                assert!(at.floor() <= (NOW + LEEWAY) as f64, "{name} ahead accepted");
            }
        }
        if is_strict {
            assert_eq!(
                accepted.claims.get("iss").and_then(Value::as_str),
                Some("https://api.jtl-cloud.com")
            );
            assert!(!accepted.tenant_id.trim().is_empty());
            assert!(!accepted.user_id.trim().is_empty());
        }
    }
});
