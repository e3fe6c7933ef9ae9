//! The exit codes of `jtl-connect`, defined here and nowhere else. `--help` shows
//! [`HELP`]; `cli/README.md` repeats the same table.

/// Success.
pub(crate) const OK: u8 = 0;
/// Something unexpected: output could not be written, an internal failure.
pub(crate) const FAILURE: u8 = 1;
/// Usage: unknown command or flag, missing or malformed argument (reported by clap).
pub(crate) const USAGE: u8 = 2;
/// Configuration or input: `invalid_input`, `config` (bad JSON for `--data`, unknown system,
/// missing field, unknown account, no credentials, ...).
pub(crate) const INPUT: u8 = 3;
/// Authentication: `invalid_credentials`, `unauthorized`, `forbidden`,
/// `registration_rejected`, `sign_in_required`, `state_mismatch`.
pub(crate) const AUTH: u8 = 4;
/// API: `api`, `not_found`, `conflict`, `rate_limited`, `network`, `timeout`, `graphql`.
pub(crate) const API: u8 = 5;
/// Verification: `token_invalid` (the reason is printed with it).
pub(crate) const VERIFY: u8 = 6;
/// Account store: `store` (database or master key).
pub(crate) const STORE: u8 = 7;
/// Interrupted by Ctrl-C while waiting (128 + SIGINT, as shells do).
pub(crate) const INTERRUPTED: u8 = 130;

/// The exit-code table shown after `--help`.
pub(crate) const HELP: &str = "\
Exit codes:
    0    ok
    1    unexpected failure (output could not be written)
    2    usage: unknown command or flag, missing argument
    3    config or input: invalid_input, config (bad --data JSON, unknown system or
         account, missing field, no credentials)
    4    authentication: invalid_credentials, unauthorized, forbidden,
         registration_rejected, sign_in_required (run `login` again), state_mismatch
    5    API: api, not_found, conflict, rate_limited, network, timeout, graphql
    6    verification: token_invalid (with its reason)
    7    account store: store (database, master key)
  130    interrupted (Ctrl-C)

Errors go to stderr as `error [code]: message`, or as {\"error\": {...}} with --json.
Environment: JTL_CLIENT_ID, JTL_CLIENT_SECRET, JTL_TENANT_ID, JTL_ENVIRONMENT,
JTL_CONNECT_DB, JTL_CONNECT_MASTER_KEY.";

/// The exit code for an error `code` of jtl-connect's taxonomy.
pub(crate) fn for_code(code: &str) -> u8 {
    match code {
        "invalid_input" | "config" => INPUT,
        "invalid_credentials"
        | "unauthorized"
        | "forbidden"
        | "registration_rejected"
        | "sign_in_required"
        | "state_mismatch" => AUTH,
        "api" | "not_found" | "conflict" | "rate_limited" | "network" | "timeout" | "graphql" => {
            API
        }
        "token_invalid" => VERIFY,
        "store" => STORE,
        _ => FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_and_distinct() {
        let codes = [
            OK,
            FAILURE,
            USAGE,
            INPUT,
            AUTH,
            API,
            VERIFY,
            STORE,
            INTERRUPTED,
        ];
        for (i, a) in codes.iter().enumerate() {
            assert!(HELP.contains(&format!("{a:>5}    ")), "{a} missing in HELP");
            assert!(codes[i + 1..].iter().all(|b| a != b), "{a} used twice");
        }
        for code in [
            "invalid_input",
            "config",
            "invalid_credentials",
            "unauthorized",
            "forbidden",
            "not_found",
            "conflict",
            "rate_limited",
            "api",
            "network",
            "timeout",
            "token_invalid",
            "store",
            "registration_rejected",
            "graphql",
        ] {
            assert_ne!(for_code(code), FAILURE, "{code}");
            assert!(HELP.contains(code), "{code} missing in HELP");
        }
    }
}
