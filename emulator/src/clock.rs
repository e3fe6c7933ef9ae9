//! The emulator's clock: Unix seconds and SCX's RFC 3339 text. A leaf: the state, the catalogue
//! and the handlers all read the time, so it lives apart from each of them.

use time::OffsetDateTime;

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// RFC 3339 text of a Unix time, in UTC with an explicit `+00:00` offset as SCX writes it.
pub(crate) fn rfc3339(unix: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    at.format(&format).unwrap_or_default()
}
