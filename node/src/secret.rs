//! [`Secret`]: a secret value handed to JavaScript (wraps [`jtl_connect::Secret`]), e.g. the
//! API key of an approved Wawi registration. It never prints.

use napi_derive::napi;

/// A secret string: `toString()`, `toJSON()` and `util.inspect` show `Secret(***)`; read it
/// with `expose()` where it is stored or sent.
#[napi]
pub struct Secret {
    pub(crate) inner: jtl_connect::Secret,
}

impl From<jtl_connect::Secret> for Secret {
    fn from(inner: jtl_connect::Secret) -> Self {
        Self { inner }
    }
}

#[napi]
impl Secret {
    /// Wraps a value.
    #[napi(constructor)]
    pub fn new(value: String) -> Self {
        Self {
            inner: jtl_connect::Secret::new(value),
        }
    }

    /// The secret itself.
    #[napi]
    pub fn expose(&self) -> String {
        self.inner.expose().to_owned()
    }

    /// First 8 hex digits of its SHA-256: tells secrets apart in logs.
    #[napi(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// `"Secret(***)"`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        "Secret(***)".to_owned()
    }

    /// `"Secret(***)"`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        "Secret(***)".to_owned()
    }
}
