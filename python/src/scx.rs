//! SCX: [`ScxClient`] / [`AsyncScxClient`] with the event queue (and the
//! acknowledge-on-success helper `process_events`), [`ScxEvent`], and the Seller API's
//! sign-up link ([`SellerSignUp`]).

use jtl_connect::options::SCX_CLIENT;
use pyo3::{
    exceptions::PyTypeError,
    prelude::*,
    types::{PyDict, PyString},
};

use crate::{
    convert::{repr_str, to_python, type_name, unix_seconds},
    endpoints::Endpoints,
    errors,
    options::{flat, Given},
    runtime::{block, spawn},
    secret::secret_arg,
    surface::{async_client, sync_client},
    token::AccessToken,
};

/// One event of the SCX event queue.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct ScxEvent {
    inner: jtl_connect::ScxEvent,
}

#[pymethods]
impl ScxEvent {
    /// Event id, used to acknowledge it.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// Event type, e.g. `Seller:Order.Accepted` or `Channel:Order.Return`.
    #[getter]
    fn r#type(&self) -> &str {
        &self.inner.kind
    }

    /// When it was created (ISO 8601), if given.
    #[getter]
    fn created_at(&self) -> Option<&str> {
        self.inner.created_at.as_deref()
    }

    /// The event's payload.
    #[getter]
    fn event<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.event)
    }

    fn __repr__(&self) -> String {
        format!(
            "ScxEvent(id={}, type={})",
            repr_str(&self.inner.id),
            repr_str(&self.inner.kind)
        )
    }
}

/// What `process_events` did: the acknowledged ids, and the events whose handler raised
/// (not acknowledged, so SCX delivers them again).
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct ProcessedEvents {
    inner: jtl_connect::ProcessedEvents,
}

#[pymethods]
impl ProcessedEvents {
    /// Ids of the events whose handler returned normally; all acknowledged.
    #[getter]
    fn acknowledged(&self) -> Vec<String> {
        self.inner.acknowledged.clone()
    }

    /// The events whose handler raised, as `{"id", "type", "message"}` dicts.
    #[getter]
    fn failed(&self) -> Vec<std::collections::BTreeMap<&'static str, String>> {
        self.inner
            .failed
            .iter()
            .map(|f| {
                std::collections::BTreeMap::from([
                    ("id", f.id.clone()),
                    ("type", f.kind.clone()),
                    ("message", f.message.clone()),
                ])
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "ProcessedEvents(acknowledged={}, failed={})",
            self.inner.acknowledged.len(),
            self.inner.failed.len()
        )
    }
}

/// A seller sign-up link (Seller API).
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct SellerSignUp {
    inner: jtl_connect::SellerSignUp,
}

#[pymethods]
impl SellerSignUp {
    /// Where the seller signs up with the channel.
    #[getter]
    fn sign_up_url(&self) -> &str {
        &self.inner.sign_up_url
    }

    /// When the link expires, as Unix seconds (`time.time()` scale).
    #[getter]
    fn expires_at(&self) -> f64 {
        unix_seconds(self.inner.expires_at)
    }

    fn __repr__(&self) -> String {
        format!(
            "SellerSignUp(sign_up_url={}, expires_at={})",
            repr_str(&self.inner.sign_up_url),
            unix_seconds(self.inner.expires_at)
        )
    }
}

/// Runs the core's `process_events` with a Python callable as the handler: called with the
/// GIL, once per event; a raised exception marks the event as failed.
async fn process_with(
    client: jtl_connect::ScxClient,
    handler: Py<PyAny>,
) -> jtl_connect::Result<ProcessedEvents> {
    client
        .process_events(|event| {
            let outcome = Python::attach(|py| {
                handler
                    .call1(py, (ScxEvent { inner: event },))
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
            std::future::ready(outcome)
        })
        .await
        .map(|inner| ProcessedEvents { inner })
}

fn wrap_events(events: Vec<jtl_connect::ScxEvent>) -> Vec<ScxEvent> {
    events.into_iter().map(|inner| ScxEvent { inner }).collect()
}

/// Event ids from a sequence of `str` ids or `ScxEvent`s.
fn event_ids(ids: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if ids.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "ids: expected a list of event ids (or ScxEvents); found a single str",
        ));
    }
    let mut out = Vec::new();
    for id in ids.try_iter()? {
        let id = id?;
        if let Ok(event) = id.cast::<ScxEvent>() {
            out.push(event.get().inner.id.clone());
        } else if id.is_instance_of::<PyString>() {
            out.push(id.extract()?);
        } else {
            return Err(PyTypeError::new_err(format!(
                "ids: expected str or ScxEvent items; found {}",
                type_name(&id)
            )));
        }
    }
    Ok(out)
}

/// A client of the SCX Channel API: the refresh token is exchanged for short-lived auth
/// tokens (cached and refreshed like Cloud tokens); paths are relative to the SCX base
/// (`client.get("channel/event")`).
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct ScxClient {
    pub(crate) inner: jtl_connect::ScxClient,
}

/// The same client for asyncio: every request method is a coroutine.
#[pyclass(module = "jtl_connect.aio", frozen)]
pub(crate) struct AsyncScxClient {
    pub(crate) inner: jtl_connect::ScxClient,
}

/// Builds the core client from the constructor's arguments; the keyword options are
/// core's `scx_client` schema with the HTTP options flat beside them.
fn build(
    py: Python<'_>,
    refresh_token: &Bound<'_, PyAny>,
    endpoints: Option<&Bound<'_, Endpoints>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<jtl_connect::ScxClient> {
    let token = secret_arg(refresh_token, "refresh_token")?;
    let Given { own, http } = flat(py, options, &SCX_CLIENT)?;
    let mut builder = jtl_connect::ScxClient::builder(token)
        .endpoints(Endpoints::or_production(endpoints))
        .http_options(http);
    if let Some(language) = own.text("accept_language") {
        builder = builder.accept_language(language);
    }
    if let Some(url) = own.text("token_cache") {
        builder = builder.token_cache(url);
    }
    builder.build().map_err(|e| errors::to_py(py, &e))
}

/// The methods both classes share besides the request methods and the event helpers.
macro_rules! scx_methods {
    ($client:ident, $class:ident, { $($own:tt)* }) => {
        $client!($class, {
            $($own)*

            #[new]
            #[pyo3(signature = (refresh_token, endpoints=None, **options))]
            fn new(
                py: Python<'_>,
                refresh_token: &Bound<'_, PyAny>,
                endpoints: Option<&Bound<'_, Endpoints>>,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Self> {
                let inner = build(py, refresh_token, endpoints, options)?;
                Ok(Self { inner })
            }

            fn __repr__(&self) -> String {
                format!("{}(refresh_token=Secret('***'))", stringify!($class))
            }
        });
    };
}

scx_methods!(sync_client, ScxClient, {
    /// A valid auth token (cached, refreshed before expiry).
    fn access_token(&self, py: Python<'_>) -> PyResult<AccessToken> {
        // A cached token is answered here, without the runtime.
        if let Some(token) = self.inner.token_cache().fresh() {
            return Ok(AccessToken::from(token));
        }
        let client = self.inner.clone();
        block(py, async move {
            client.access_token().await.map(AccessToken::from)
        })
    }

    /// Unacknowledged events (`GET /v1/channel/event`, at most 100).
    fn events(&self, py: Python<'_>) -> PyResult<Vec<ScxEvent>> {
        let client = self.inner.clone();
        block(py, async move { client.events().await.map(wrap_events) })
    }

    /// Acknowledges events (ids or `ScxEvent`s) so they are not delivered again.
    fn acknowledge(&self, py: Python<'_>, ids: &Bound<'_, PyAny>) -> PyResult<()> {
        let ids = event_ids(ids)?;
        let client = self.inner.clone();
        block(py, async move { client.acknowledge(&ids).await })
    }

    /// Fetches the pending events, calls `handler(event)` on each, and acknowledges only the
    /// events whose handler returned without raising (in batches of at most 100). A failed
    /// event is delivered again after SCX's redelivery timeout (at most 10 deliveries), so
    /// handlers must be idempotent.
    fn process_events(&self, py: Python<'_>, handler: Py<PyAny>) -> PyResult<ProcessedEvents> {
        let client = self.inner.clone();
        block(py, process_with(client, handler))
    }

    /// A sign-up link for a new seller of `channel` (`^\w{5,15}$`). A Seller API call: the
    /// client needs a seller's refresh token; `user_agent` names the seller's JTL-Wawi
    /// (e.g. `Wawi/1.11.0.3`).
    fn seller_sign_up(
        &self,
        py: Python<'_>,
        channel: &str,
        user_agent: &str,
    ) -> PyResult<SellerSignUp> {
        let client = self.inner.clone();
        let (channel, user_agent) = (channel.to_owned(), user_agent.to_owned());
        block(py, async move {
            client
                .seller_sign_up(&channel, &user_agent)
                .await
                .map(|inner| SellerSignUp { inner })
        })
    }
});

scx_methods!(async_client, AsyncScxClient, {
    /// A valid auth token (cached, refreshed before expiry).
    /// A cached token comes back as an already-completed coroutine, without the runtime.
    fn access_token<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        match slf.get().inner.token_cache().fresh() {
            Some(token) => crate::runtime::Ready::awaitable(slf.py(), AccessToken::from(token)),
            None => slf.call_method0("_access_token"),
        }
    }

    /// The coroutine behind `access_token` when the token is not cached.
    async fn _access_token(&self) -> PyResult<AccessToken> {
        let client = self.inner.clone();
        spawn(async move { client.access_token().await.map(AccessToken::from) }).await
    }

    /// Unacknowledged events (`GET /v1/channel/event`, at most 100).
    async fn events(&self) -> PyResult<Vec<ScxEvent>> {
        let client = self.inner.clone();
        spawn(async move { client.events().await.map(wrap_events) }).await
    }

    /// Acknowledges events (ids or `ScxEvent`s) so they are not delivered again.
    async fn acknowledge(&self, ids: Py<PyAny>) -> PyResult<()> {
        let ids = Python::attach(|py| event_ids(ids.bind(py)))?;
        let client = self.inner.clone();
        spawn(async move { client.acknowledge(&ids).await }).await
    }

    /// `process_events` as a coroutine: `handler` is a plain (synchronous) callable, run on
    /// jtl_connect's runtime with the GIL; an `async def` handler is refused (its coroutine
    /// could not be awaited there).
    async fn process_events(&self, handler: Py<PyAny>) -> PyResult<ProcessedEvents> {
        Python::attach(|py| -> PyResult<()> {
            let inspect = py.import("inspect")?;
            if inspect
                .call_method1("iscoroutinefunction", (handler.bind(py),))?
                .is_truthy()?
            {
                return Err(PyTypeError::new_err(
                    "handler: expected a synchronous callable; found an async function",
                ));
            }
            Ok(())
        })?;
        let client = self.inner.clone();
        spawn(process_with(client, handler)).await
    }

    /// A sign-up link for a new seller of `channel` (Seller API; see the sync client).
    async fn seller_sign_up(&self, channel: String, user_agent: String) -> PyResult<SellerSignUp> {
        let client = self.inner.clone();
        spawn(async move {
            client
                .seller_sign_up(&channel, &user_agent)
                .await
                .map(|inner| SellerSignUp { inner })
        })
        .await
    }
});
