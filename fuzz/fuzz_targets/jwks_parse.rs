//! The JWKS parser (`jtl_connect::__fuzz::parse_jwks`) and the `Cache-Control` reading of
//! its TTL (`jwks_ttl`): any bytes, no panic; never more usable keys than listed nor more
//! than the 64 kept; a TTL always within 1 min..1 h (or the default).
#![no_main]

use std::time::Duration;

use jtl_connect::__fuzz::{jwks_ttl, parse_jwks};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const DEFAULT_TTL: Duration = Duration::from_secs(600);

fuzz_target!(|data: &[u8]| {
    if let Ok(document) = serde_json::from_slice::<Value>(data) {
        if let Ok((usable, listed)) = parse_jwks(&document) {
            assert!(usable <= listed, "{usable} usable of {listed} listed");
            assert!(usable <= 64, "{usable} keys kept");
        }
    }
    if let Ok(header) = std::str::from_utf8(data) {
        let ttl = jwks_ttl(Some(header), DEFAULT_TTL);
        assert!(
            ttl == DEFAULT_TTL
                || (Duration::from_secs(60)..=Duration::from_secs(3600)).contains(&ttl),
            "TTL {ttl:?} for {header:?}"
        );
    }
});
