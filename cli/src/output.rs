//! Writing results: pretty JSON or aligned text on stdout, errors on stderr, progress only
//! on a terminal's stderr. Every write error becomes a [`CliError`] (a closed pipe quietly).

use std::{
    io::{self, IsTerminal, Write},
    time::{Duration, SystemTime},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

use crate::error::{CliError, CliResult};

/// Writes `text` and a newline to stdout.
pub(crate) fn line(text: &str) -> CliResult {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| CliError::output(&e))
}

/// Writes `value` as pretty JSON to stdout.
pub(crate) fn json(value: &Value) -> CliResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::new("io", format!("cannot format JSON: {e}")))?;
    line(&text)
}

/// Writes `text` and a newline to stderr (notes and hints, never data).
pub(crate) fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Prints `error` to stderr: `error [code]: message` or, with `--json`, `{"error": ...}`.
pub(crate) fn error(error: &CliError, as_json: bool) {
    if error.silent {
        return;
    }
    if as_json {
        let text = serde_json::to_string_pretty(&error.to_json()).unwrap_or_default();
        note(&text);
    } else {
        note(&error.to_string());
    }
}

/// Rows of `(label, value)` as two aligned columns.
pub(crate) fn table(rows: &[(&str, String)]) -> CliResult {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let text: Vec<String> = rows
        .iter()
        .map(|(k, v)| format!("{k:<width$}  {v}"))
        .collect();
    line(&text.join("\n"))
}

/// Unix seconds as RFC 3339 (UTC), or the number itself if out of range.
pub(crate) fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

/// Seconds since the Unix epoch (negative before it).
pub(crate) fn unix(time: SystemTime) -> i64 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Seconds from now until `unix` (negative when past).
pub(crate) fn seconds_left(unix_time: i64) -> i64 {
    unix_time.saturating_sub(unix(SystemTime::now()))
}

/// `in 59m 58s` or `3m 2s ago`.
pub(crate) fn relative(seconds: i64) -> String {
    let span = human(seconds.unsigned_abs());
    if seconds >= 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

fn human(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// Whether progress may be drawn: stderr is a terminal and the output is not `--json`.
pub(crate) fn show_progress(as_json: bool) -> bool {
    !as_json && io::stderr().is_terminal()
}

/// A progress bar on stderr (hidden unless [`show_progress`]); its length is set once known.
pub(crate) fn progress_bar(visible: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, target(visible));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} items, {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Switches `bar` to a bar of `total` items.
pub(crate) fn set_total(bar: &ProgressBar, total: u64) {
    bar.set_length(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40.cyan/blue} {pos}/{len} items, {msg} [{elapsed}, eta {eta}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
}

/// A spinner with `message` on stderr (hidden unless `visible`).
pub(crate) fn spinner(visible: bool, message: String) -> ProgressBar {
    let spinner = ProgressBar::with_draw_target(None, target(visible));
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message(message);
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

fn target(visible: bool) -> ProgressDrawTarget {
    if visible {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_well() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(relative(3599), "in 59m 59s");
        assert_eq!(relative(-5), "5s ago");
        assert_eq!(relative(90_000), "in 1d 1h");
    }
}
