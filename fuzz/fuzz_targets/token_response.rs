//! Token answers (`jtl_connect::__fuzz::oauth_token`, `scx_token`): any JSON, no panic; an
//! accepted answer has a non-blank token and a lifetime above zero and at most a day,
//! whatever `expires_in`, `expiresIn`, `tokenExpireAt` or the JWT's `exp` claim.
#![no_main]

use std::time::{Duration, SystemTime};

use jtl_connect::__fuzz::{oauth_token, scx_token};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let now = SystemTime::now();
    for issued in [oauth_token(&body, now), scx_token(&body, now)] {
        match issued {
            Ok(token) => {
                assert!(!token.value.is_blank(), "a blank token accepted");
                assert!(token.lifetime > Duration::ZERO, "a lifetime of zero");
                assert!(
                    token.lifetime <= Duration::from_secs(86_400),
                    "a lifetime of {:?}",
                    token.lifetime
                );
            }
            Err(error) => assert_eq!(error.code(), "api"),
        }
    }
});
