//! `decode_unverified`: any string, never a panic; a token comes back only if it is three
//! segments within the size limit, and every refusal is `token_invalid` with a shape reason
//! and a short message that does not quote the input.
#![no_main]

use jtl_connect::{decode_unverified, TokenInvalidReason};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    match decode_unverified(token) {
        Ok(decoded) => {
            assert_eq!(
                token.split('.').count(),
                3,
                "decoded a token of other shape"
            );
            assert!(token.len() <= 16 * 1024, "decoded a token over the limit");
            // Both parts are JSON objects by contract; re-serialising them must work.
            assert!(serde_json::to_string(&decoded.header).is_ok());
            assert!(serde_json::to_string(&decoded.claims).is_ok());
        }
        Err(error) => {
            assert_eq!(error.code(), "token_invalid");
            assert!(matches!(
                error.reason(),
                Some(TokenInvalidReason::Malformed | TokenInvalidReason::TooLarge)
            ));
            let message = error.to_string();
            assert!(message.len() < 1024, "a message of {} bytes", message.len());
            // A long base64url segment (a signature, a payload) is never quoted. (Not the
            // whole input: the fuzzer soon offers the message's own words as a token.)
            for segment in token.split('.').filter(|s| {
                s.len() > 24
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            }) {
                assert!(!message.contains(segment), "the message quotes the token");
            }
        }
    }
});
