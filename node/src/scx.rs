//! [`ScxClient`]: the SCX Channel API (wraps [`jtl_connect::ScxClient`]).

use std::{cell::Cell, rc::Rc};

use jtl_connect::{options::SCX_CLIENT, Secret};
use napi::{
    bindgen_prelude::{
        CallbackContext, Either, FromNapiValue, Function, Object, PromiseRaw, Reference, Unknown,
    },
    threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode},
    Env, JsDate, JsValue, Status,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    convert::date,
    errors::check,
    options::{self, Given},
    runtime::spawn,
    surface::api_methods,
    token::{AccessToken, HandedOut},
};

/// One event of the SCX event queue.
#[napi(object)]
pub struct ScxEvent {
    /// Event id, used to acknowledge it.
    pub id: String,
    /// Event type, e.g. `Seller:Order.Accepted` or `Channel:Order.Return`.
    #[napi(js_name = "type")]
    pub kind: String,
    /// When it was created (ISO 8601), if given.
    pub created_at: Option<String>,
    /// The event's payload.
    #[napi(ts_type = "any")]
    pub event: Value,
}

/// What `processEvents` did.
#[napi(object, object_from_js = false)]
pub struct ProcessedEvents<'env> {
    /// Ids of the events whose handler resolved, all acknowledged.
    pub acknowledged: Vec<String>,
    /// The events whose handler threw or rejected (not acknowledged: delivered again).
    pub failed: Vec<FailedScxEvent<'env>>,
}

/// An event whose handler threw or rejected.
#[napi(object, object_from_js = false)]
pub struct FailedScxEvent<'env> {
    /// The event id.
    pub id: String,
    /// The event type.
    #[napi(js_name = "type")]
    pub kind: String,
    /// What the handler threw, as an `Error` with its message.
    #[napi(ts_type = "Error")]
    pub error: Object<'env>,
}

/// The handler as called from the tokio side: its return value is looked at on the
/// JavaScript thread (see [`settle`]).
type Handler = ThreadsafeFunction<ScxEvent, Unknown<'static>, ScxEvent, Status, false>;

/// Calls `handler(event)` and waits until it is settled: `Ok` once it returned a plain value
/// or its Promise resolved, `Err(message)` once it threw or its Promise rejected.
async fn settle(handler: &Handler, event: ScxEvent) -> Result<(), String> {
    let (sender, receiver) = tokio::sync::oneshot::channel::<Result<(), String>>();
    let status = handler.call_with_return_value(
        event,
        ThreadsafeFunctionCallMode::NonBlocking,
        move |returned, _| {
            let sender = Rc::new(Cell::new(Some(sender)));
            let send = move |outcome| {
                if let Some(sender) = sender.take() {
                    // The receiver is gone only when processEvents itself was dropped.
                    let _ = sender.send(outcome);
                }
            };
            let value = match returned {
                Ok(value) => value,
                Err(error) => {
                    send(Err(error.reason));
                    return Ok(());
                }
            };
            if !value.is_promise()? {
                send(Ok(()));
                return Ok(());
            }
            let (resolved, rejected) = (send.clone(), send);
            PromiseRaw::<Unknown>::from_unknown(value)?
                .then(move |_| {
                    resolved(Ok(()));
                    Ok(())
                })?
                .catch(move |ctx: CallbackContext<Unknown>| {
                    let error = napi::Error::from_unknown_without_coercion(ctx.value);
                    rejected(Err(error.reason));
                    Ok(())
                })?;
            Ok(())
        },
    );
    if status != Status::Ok {
        return Err(format!("the handler could not be called ({status})"));
    }
    receiver
        .await
        .unwrap_or_else(|_| Err("the handler was dropped".to_owned()))
}

/// A seller sign-up link (Seller API, `POST /v1/seller/channel/{channel}`).
#[napi(object, object_from_js = false)]
pub struct SellerSignUp<'env> {
    /// Where the seller signs up with the channel.
    pub sign_up_url: String,
    /// When the link expires (SCX sends unix seconds).
    pub expires_at: JsDate<'env>,
}

impl From<jtl_connect::ScxEvent> for ScxEvent {
    fn from(event: jtl_connect::ScxEvent) -> Self {
        Self {
            id: event.id,
            kind: event.kind,
            created_at: event.created_at,
            event: event.event,
        }
    }
}

/// A client of the SCX Channel API: exchanges the refresh token for short-lived auth tokens
/// (cached, refreshed before expiry). Paths are relative to the SCX base
/// (`"channel/event"`). Printing it never shows the token.
#[napi]
pub struct ScxClient {
    pub(crate) inner: jtl_connect::ScxClient,
    /// The `AccessToken` object last handed out (see [`HandedOut`]).
    token: HandedOut,
}

impl From<jtl_connect::ScxClient> for ScxClient {
    fn from(inner: jtl_connect::ScxClient) -> Self {
        Self {
            inner,
            token: HandedOut::default(),
        }
    }
}

#[napi]
impl ScxClient {
    /// `new ScxClient({ refreshToken, endpoints })`. No request is made yet.
    #[napi(
        constructor,
        ts_args_type = "options: import('./lib/options').ScxClientOptions"
    )]
    pub fn new(env: &Env, options: Object<'_>) -> napi::Result<Self> {
        let given = Given::check(env, &options, SCX_CLIENT)?;
        let endpoints = given.endpoints()?;
        let token: Option<String> = given.get("refresh_token")?;
        let language: Option<String> = given.get("accept_language")?;
        let cache: Option<String> = given.get("token_cache")?;
        let http = given.json("http")?;
        let result = (|| {
            let mut builder =
                jtl_connect::ScxClient::builder(Secret::new(token.unwrap_or_default()))
                    .endpoints(endpoints)
                    .http_options(options::http(http)?);
            if let Some(language) = language {
                builder = builder.accept_language(language);
            }
            if let Some(url) = cache {
                builder = builder.token_cache(url);
            }
            builder.build()
        })();
        Ok(Self::from(check(env, result)?))
    }

    /// A valid auth token (cached, refreshed before expiry). A token that needs no refresh yet is answered at
    /// once, without the async runtime; otherwise a Promise. `await` works for both.
    #[napi(ts_return_type = "AccessToken | Promise<AccessToken>")]
    pub fn access_token<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<Either<Reference<AccessToken>, PromiseRaw<'env, Reference<AccessToken>>>>
    {
        if let Some(token) = self.inner.token_cache().fresh() {
            return self.token.object(env, token).map(Either::A);
        }
        let client = self.inner.clone();
        let handed = self.token.clone();
        spawn(
            env,
            async move { client.access_token().await },
            move |env, token| handed.object(env, token),
        )
        .map(Either::B)
    }

    /// Unacknowledged events (`GET /v1/channel/event`, 100 at most).
    #[napi]
    pub fn events<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Vec<ScxEvent>>> {
        let client = self.inner.clone();
        spawn(env, async move { client.events().await }, |_, events| {
            Ok(events.into_iter().map(ScxEvent::from).collect())
        })
    }

    /// Acknowledges events so they are not delivered again (`DELETE /v1/channel/event`),
    /// in batches of at most 100 ids (SCX takes 1–100 per call).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn acknowledge<'env>(
        &self,
        env: &'env Env,
        event_ids: Vec<String>,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let client = self.inner.clone();
        spawn(
            env,
            async move { client.acknowledge(&event_ids).await },
            |_, ()| Ok(()),
        )
    }

    /// A sign-up link for a new seller of `channel` (`^\w{5,15}$`). A Seller API call: the
    /// client needs a seller's refresh token (auth scope `SELLER`), and `userAgent` names the
    /// seller's JTL-Wawi (e.g. `Wawi/1.11.0.3`).
    #[napi(ts_return_type = "Promise<SellerSignUp>")]
    pub fn seller_sign_up<'env>(
        &self,
        env: &'env Env,
        channel: String,
        user_agent: String,
    ) -> napi::Result<PromiseRaw<'env, SellerSignUp<'env>>> {
        let client = self.inner.clone();
        spawn(
            env,
            async move { client.seller_sign_up(&channel, &user_agent).await },
            |env, link| {
                Ok(SellerSignUp {
                    sign_up_url: link.sign_up_url,
                    expires_at: date(env, link.expires_at)?,
                })
            },
        )
    }

    /// Fetches the pending events, awaits `handler(event)` on each (a Promise is awaited, any
    /// other value counts as done) and acknowledges only the events whose handler resolved
    /// (core's [`jtl_connect::ScxClient::process_events`]). A handler that throws or rejects
    /// leaves its event unacknowledged: SCX delivers it again, so handlers must be idempotent.
    #[napi(
        ts_args_type = "handler: (event: ScxEvent) => unknown",
        ts_return_type = "Promise<ProcessedEvents>"
    )]
    pub fn process_events<'env>(
        &self,
        env: &'env Env,
        handler: Function<'env, ScxEvent, Unknown<'static>>,
    ) -> napi::Result<PromiseRaw<'env, ProcessedEvents<'env>>> {
        let handler: Handler = handler
            .build_threadsafe_function::<ScxEvent>()
            .callee_handled::<false>()
            .build()?;
        let client = self.inner.clone();
        spawn(
            env,
            async move {
                client
                    .process_events(|event| settle(&handler, ScxEvent::from(event)))
                    .await
            },
            |env, outcome| {
                let failed = outcome.failed.into_iter().map(|failed| {
                    let error = env.create_error(napi::Error::from_reason(failed.message))?;
                    Ok(FailedScxEvent {
                        id: failed.id,
                        kind: failed.kind,
                        error,
                    })
                });
                Ok(ProcessedEvents {
                    acknowledged: outcome.acknowledged,
                    failed: failed.collect::<napi::Result<_>>()?,
                })
            },
        )
    }

    /// `{}`: nothing to show without the token.
    #[napi(js_name = "toJSON", ts_return_type = "{}")]
    pub fn to_json(&self) -> Value {
        serde_json::json!({})
    }

    /// `ScxClient`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        "ScxClient".to_owned()
    }
}

api_methods!(ScxClient);
