//! Removing the client's own secrets from server text before it becomes part of an
//! [`Error`]: a hostile or buggy server may echo the client secret, the HTTP Basic value,
//! an access token, a Wawi API key or an SCX refresh token in any field of its error answer
//! (message, code, validation errors, description, hint), or cut one at the quote limit.
//!
//! A [`Redactor`] is built only when a call fails (a successful call never pays for it),
//! from every secret the client holds and every credential the call carried. It replaces,
//! ASCII case-insensitively:
//! - every whole occurrence of each secret in the forms it travels or is echoed in: plain,
//!   JSON-escaped, URL- and form-encoded, base64 (standard and URL-safe, padded or not), and
//!   for HTTP Basic the base64 of `id:secret` in the same four alphabets;
//! - every run of text that contains [`FRAGMENT`] or more consecutive characters of a secret
//!   (a secret the server cut, or only part of it);
//! - a trailing piece of a field that is the start of a secret (cut at the end of the field).

use std::collections::{BTreeMap, HashSet};

use base64::{
    engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD},
    Engine,
};
use zeroize::Zeroize;

use crate::{error::ApiDetail, Error, Secret};

/// What a removed secret is replaced with.
pub(crate) const MARK: &str = "***";

/// Shorter secrets are not searched for: a 3-character "secret" would blank ordinary words.
const MIN_SECRET: usize = 4;

/// A run of this many bytes of a secret (or of its Basic value) counts as a leak.
const FRAGMENT: usize = 10;

/// At the end of a field, a piece this long that starts a secret is removed.
const MIN_TRAILING: usize = 4;

/// A long-lived secret a client holds, kept by its transport so that every error of every
/// call is cleaned of it, whether or not that call sent it.
#[derive(Clone, Debug)]
pub(crate) enum Known {
    /// An API key, refresh token or any secret string.
    Plain(Secret),
    /// A client id and secret, sent as HTTP Basic.
    Basic {
        /// The client id (not secret itself; part of the Basic value).
        user: String,
        /// The client secret.
        password: Secret,
    },
}

/// The forms of a client's secrets to remove from server text.
#[derive(Default)]
pub(crate) struct Redactor {
    /// Forms removed wherever they occur whole (ASCII lower case).
    whole: Vec<String>,
    /// Every [`FRAGMENT`]-byte window of the plain secrets and Basic values (ASCII lower case).
    windows: HashSet<Vec<u8>>,
    /// Public text (client ids): a window it contains is no evidence of a leak, so
    /// `demo-client-id` in a message survives next to the secret `demo-client-secret`.
    public: Vec<String>,
}

impl Drop for Redactor {
    fn drop(&mut self) {
        self.whole.iter_mut().for_each(Zeroize::zeroize);
        self.windows.drain().for_each(|mut window| window.zeroize());
    }
}

impl Redactor {
    /// A redactor for `known` secrets.
    pub(crate) fn new<'a>(known: impl IntoIterator<Item = &'a Known>) -> Self {
        let mut redactor = Self::default();
        for known in known {
            redactor.add_known(known);
        }
        redactor
    }

    /// Adds a long-lived secret.
    pub(crate) fn add_known(&mut self, known: &Known) {
        match known {
            Known::Plain(secret) => self.add(secret.expose()),
            Known::Basic { user, password } => self.add_basic(user, password.expose()),
        }
    }

    /// Adds a secret in every form it travels or is echoed in.
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.trim().len() < MIN_SECRET {
            return;
        }
        self.add_form(secret, true);
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let escaped = escaped.strip_prefix('"').unwrap_or(&escaped);
        self.add_form(escaped.strip_suffix('"').unwrap_or(escaped), false);
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        self.add_form(&form, false);
        self.add_form(&percent_encode(secret), false);
        self.add_base64(secret.as_bytes(), false);
    }

    /// Adds a client secret and its HTTP Basic value `base64(id:secret)`, also with id and
    /// secret form-encoded first (RFC 6749 §2.3.1).
    pub(crate) fn add_basic(&mut self, user: &str, password: &str) {
        if password.trim().len() < MIN_SECRET {
            return;
        }
        let public = user.to_ascii_lowercase();
        for window in public.as_bytes().windows(FRAGMENT) {
            self.windows.remove(window);
        }
        self.public.push(public);
        self.add(password);
        self.add_base64(format!("{user}:{password}").as_bytes(), true);
        let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
        let (user, password): (String, String) = (encode(user), encode(password));
        self.add_base64(format!("{user}:{password}").as_bytes(), true);
    }

    fn add_base64(&mut self, bytes: &[u8], fragments: bool) {
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            self.add_form(&engine.encode(bytes), fragments);
        }
    }

    fn add_form(&mut self, form: &str, fragments: bool) {
        if form.len() < MIN_SECRET {
            return;
        }
        let form = form.to_ascii_lowercase();
        if fragments && form.len() > FRAGMENT {
            for window in form.as_bytes().windows(FRAGMENT) {
                let public = self
                    .public
                    .iter()
                    .any(|p| p.as_bytes().windows(FRAGMENT).any(|w| w == window));
                if !public {
                    self.windows.insert(window.to_vec());
                }
            }
        }
        if !self.whole.contains(&form) {
            self.whole.push(form);
        }
    }

    /// Whether there is nothing to remove.
    pub(crate) fn is_empty(&self) -> bool {
        self.whole.is_empty()
    }

    /// `text` without the secrets (each removed run becomes [`MARK`]).
    pub(crate) fn text(&self, text: &str) -> String {
        self.clean(text, MIN_TRAILING)
    }

    /// `text` without the secrets, then cut to `limit` characters (with `…` if cut); a cut
    /// that leaves the start of a secret at the end drops that start too.
    pub(crate) fn capped(&self, text: &str, limit: usize) -> String {
        let clean = self.text(text);
        if clean.chars().count() <= limit {
            return clean;
        }
        let cut: String = clean.chars().take(limit).collect();
        let mut cut = self.clean(&cut, 1);
        // A cut through a mark leaves `*` or `**`: say it was removed.
        let stars = cut.len() - cut.trim_end_matches('*').len();
        if stars > 0 && stars < MARK.len() {
            cut.truncate(cut.len() - stars);
            cut.push_str(MARK);
        }
        cut.push('…');
        cut
    }

    /// Removes secrets; a trailing piece of `min_trailing` or more bytes that starts one is
    /// removed too.
    fn clean(&self, text: &str, min_trailing: usize) -> String {
        if self.is_empty() || text.is_empty() {
            return text.to_owned();
        }
        let lower = text.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let mut hit = vec![false; bytes.len()];
        for needle in &self.whole {
            for (at, _) in lower.match_indices(needle.as_str()) {
                hit[at..at + needle.len()].fill(true);
            }
        }
        if !self.windows.is_empty() && bytes.len() >= FRAGMENT {
            for at in 0..=bytes.len() - FRAGMENT {
                if self.windows.contains(&bytes[at..at + FRAGMENT]) {
                    hit[at..at + FRAGMENT].fill(true);
                }
            }
        }
        let longest = self.whole.iter().map(String::len).max().unwrap_or(0);
        for length in (min_trailing.max(1)..=longest.min(bytes.len())).rev() {
            let tail = &bytes[bytes.len() - length..];
            if self.whole.iter().any(|n| n.as_bytes().starts_with(tail)) {
                hit[bytes.len() - length..].fill(true);
                break;
            }
        }
        lower.into_bytes().zeroize();
        if !hit.contains(&true) {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut in_run = false;
        for (at, c) in text.char_indices() {
            if hit[at..at + c.len_utf8()].contains(&true) {
                if !in_run {
                    out.push_str(MARK);
                }
                in_run = true;
            } else {
                out.push(c);
                in_run = false;
            }
        }
        out
    }

    /// Validation errors with fields and messages cleaned.
    pub(crate) fn fields(&self, fields: BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut validation_errors = BTreeMap::new();
        for (field, message) in fields {
            let mut field = self.text(&field);
            // Two fields that differed only in a secret must not overwrite each other.
            let base = field.clone();
            let mut n = 2;
            while validation_errors.contains_key(&field) {
                field = format!("{base} ({n})");
                n += 1;
            }
            validation_errors.insert(field, self.text(&message));
        }
        validation_errors
    }

    fn detail(&self, detail: ApiDetail) -> ApiDetail {
        ApiDetail {
            status: detail.status,
            error_code: detail.error_code.map(|c| self.text(&c)),
            validation_errors: self.fields(detail.validation_errors),
        }
    }

    /// `error` with every text field cleaned: message, JTL's code, validation errors.
    pub(crate) fn error(&self, error: Error) -> Error {
        if self.is_empty() {
            return error;
        }
        let t = |message: String| self.text(&message);
        // Exhaustive on purpose: a new variant must say here how its fields are cleaned.
        match error {
            Error::InvalidInput { message } => Error::InvalidInput {
                message: t(message),
            },
            Error::Config { message } => Error::Config {
                message: t(message),
            },
            Error::InvalidCredentials { message, detail } => Error::InvalidCredentials {
                message: t(message),
                detail: self.detail(detail),
            },
            Error::Unauthorized { message, detail } => Error::Unauthorized {
                message: t(message),
                detail: self.detail(detail),
            },
            Error::Forbidden { message, detail } => Error::Forbidden {
                message: t(message),
                detail: self.detail(detail),
            },
            Error::NotFound { message, detail } => Error::NotFound {
                message: t(message),
                detail: self.detail(detail),
            },
            Error::Conflict { message, detail } => Error::Conflict {
                message: t(message),
                detail: self.detail(detail),
            },
            Error::RateLimited {
                message,
                retry_after,
                detail,
            } => Error::RateLimited {
                message: t(message),
                retry_after,
                detail: self.detail(detail),
            },
            Error::Api { message, detail } => Error::Api {
                message: t(message),
                detail: self.detail(detail),
            },
            Error::Network { message } => Error::Network {
                message: t(message),
            },
            Error::Timeout { message } => Error::Timeout {
                message: t(message),
            },
            Error::TokenInvalid { reason, message } => Error::TokenInvalid {
                reason,
                message: t(message),
            },
            Error::Store { message } => Error::Store {
                message: t(message),
            },
            Error::RegistrationRejected { message } => Error::RegistrationRejected {
                message: t(message),
            },
            Error::SignInRequired { message, detail } => Error::SignInRequired {
                message: t(message),
                detail: self.detail(detail),
            },
            Error::StateMismatch { message } => Error::StateMismatch {
                message: t(message),
            },
            Error::Graphql {
                message,
                errors,
                data,
            } => Error::Graphql {
                message: t(message),
                errors: errors
                    .into_iter()
                    .map(|e| crate::graphql::GraphqlError {
                        message: t(e.message),
                        locations: e.locations,
                        path: e.path.into_iter().map(|p| self.value(p)).collect(),
                        extensions: e.extensions.map(|x| self.value(x)),
                    })
                    .collect(),
                data: data.map(|d| self.value(d)),
            },
        }
    }

    /// `value` with every string in it (keys too) cleaned: GraphQL paths, extensions and data.
    fn value(&self, value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::String(s) => Value::String(self.text(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.value(v)).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (self.text(&k), self.value(v)))
                    .collect(),
            ),
            other => other,
        }
    }
}

/// RFC 3986 percent-encoding: everything but the unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "Zq8-secret/with+odd chars=";

    fn redactor() -> Redactor {
        Redactor::new(&[Known::Basic {
            user: "my-client".into(),
            password: Secret::new(SECRET),
        }])
    }

    #[test]
    fn removes_every_form() {
        let r = redactor();
        let pair = format!("my-client:{SECRET}");
        let forms = [
            SECRET.to_owned(),
            SECRET.to_ascii_uppercase(),
            STANDARD.encode(&pair),
            URL_SAFE_NO_PAD.encode(&pair),
            STANDARD.encode(SECRET),
            url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect(),
            percent_encode(SECRET),
            percent_encode(SECRET).to_ascii_lowercase(),
        ];
        for form in forms {
            let text = format!("before {form} after");
            let clean = r.text(&text);
            assert_eq!(clean, "before *** after", "{form}");
        }
        let basic = format!("Authorization: Basic {}", STANDARD.encode(&pair));
        assert_eq!(r.text(&basic), "Authorization: Basic ***");
    }

    #[test]
    fn removes_fragments_and_trailing_starts() {
        let r = redactor();
        // A server that cut the secret, or sent only its middle.
        assert_eq!(r.text(&format!("x {}", &SECRET[..12])), "x ***");
        assert_eq!(r.text(&format!("x {} y", &SECRET[3..15])), "x *** y");
        assert_eq!(
            r.text(&format!("ends with {}", &SECRET[..5])),
            "ends with ***"
        );
        assert_eq!(r.text("nothing to see"), "nothing to see");
        // Short common words are left alone.
        assert_eq!(r.text("the secret is wrong"), "the secret is wrong");
        // The client id is public, even where it shares a start with the secret.
        let demo = Redactor::new(&[Known::Basic {
            user: "demo-client-id".into(),
            password: Secret::new("demo-client-secret"),
        }]);
        assert_eq!(
            demo.text("demo-client-id: demo-client-secret"),
            "demo-client-id: ***"
        );
        assert_eq!(demo.text("x demo-client-secr"), "x ***");
    }

    #[test]
    fn caps_without_leaving_a_prefix() {
        let r = redactor();
        for at in 0..40 {
            let text = format!("{}{SECRET} {}", "a".repeat(200 - at), "b".repeat(50));
            let capped = r.capped(&text, 200);
            assert!(!capped.contains(&SECRET[..3]), "{at}: {capped}");
            assert!(capped.ends_with('…'), "{capped}");
        }
        // Without a redactor the prefix could not be told from text; with one, a cut that
        // ends in the start of a secret drops it.
        let empty = Redactor::default();
        assert_eq!(empty.capped("abc", 2), "ab…");
    }

    #[test]
    fn cleans_every_field_of_an_error() {
        let r = redactor();
        let error = Error::Api {
            message: format!("said {SECRET}"),
            detail: ApiDetail {
                status: 422,
                error_code: Some(SECRET.into()),
                validation_errors: [
                    (SECRET.to_owned(), SECRET.to_owned()),
                    (format!("{SECRET}!"), "x".into()),
                ]
                .into(),
            },
        };
        let error = r.error(error);
        let shown = format!("{error:?}");
        assert!(!shown.contains("Zq8-secret"), "{shown}");
        assert_eq!(
            error.detail().unwrap().validation_errors.len(),
            2,
            "{shown}"
        );
    }
}
