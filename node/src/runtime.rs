//! Core futures as JavaScript Promises.
//!
//! A future runs on napi's tokio runtime (worker threads, never the event loop's thread);
//! when it finishes, its value is converted on the JavaScript thread by `map`, or its error
//! becomes a `JtlError` (see [`crate::errors`]).
//!
//! The hop back to the JavaScript thread is the cost that matters for short calls (issue 19):
//! napi-rs's own bridge creates (and tears down) a threadsafe function, and with it a libuv
//! async handle, for every Promise. Here one threadsafe function per JavaScript thread
//! (main thread, each worker) carries every completion: a finished future queues its
//! Promise and result on it, Node wakes the thread once for however many are queued, and
//! the function keeps the event loop alive only while Promises are pending.
//! `JTL_CONNECT_NODE_HOP=napi` (or the internal `__setHop('napi')`) selects napi-rs's bridge
//! instead, so `bench/node/hop.mjs` can measure both in one process.

// Node-API calls are FFI; each block says why it is sound (see node/Cargo.toml).
#![allow(unsafe_code)]

use std::{
    cell::RefCell,
    ffi::c_void,
    future::Future,
    ptr,
    sync::{
        atomic::{AtomicU8, Ordering},
        OnceLock,
    },
};

use napi::{
    bindgen_prelude::{PromiseRaw, ToNapiValue},
    sys, Env, JsError,
};
use napi_derive::napi;

use crate::errors;

/// Runs `future` off the event loop; the Promise resolves with `map(env, value)` or rejects
/// with the `JtlError` of the core error.
pub(crate) fn spawn<'env, T, V, F, M>(
    env: &'env Env,
    future: F,
    map: M,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = jtl_connect::Result<T>> + Send + 'static,
    M: FnOnce(&'env Env, T) -> napi::Result<V> + Send + 'static,
{
    if napi_bridge() {
        return env.spawn_future_with_callback(
            async move { Ok(future.await) },
            move |env, outcome| match outcome {
                Ok(value) => map(env, value),
                Err(error) => Err(errors::to_js(env, &error)),
            },
        );
    }
    let raw = env.raw();
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    // SAFETY: a valid env of the calling JavaScript thread.
    check(unsafe { sys::napi_create_promise(raw, &mut deferred, &mut promise) })?;
    let hop = Hop::acquire(raw)?;
    let deferred = Deferred(deferred);
    napi::bindgen_prelude::spawn(async move {
        let outcome = future.await;
        let settle: Box<Settle> = Box::new(move |raw_env| {
            let env = Env::from_raw(raw_env);
            // SAFETY: `env` lives for this call, on the JavaScript thread, as `'env` did.
            let env: &'env Env = unsafe { std::mem::transmute::<&Env, &'env Env>(&env) };
            match outcome {
                // SAFETY: the value is converted on the JavaScript thread of `env`.
                Ok(value) => map(env, value).and_then(|v| unsafe { V::to_napi_value(raw_env, v) }),
                Err(error) => Err(errors::to_js(env, &error)),
            }
        });
        hop.queue(Done { deferred, settle });
    });
    Ok(PromiseRaw::new(raw, promise))
}

/// Converts a finished future's outcome on the JavaScript thread.
type Settle = dyn FnOnce(sys::napi_env) -> napi::Result<sys::napi_value> + Send;

/// A napi deferred: created and settled on the JavaScript thread only.
struct Deferred(sys::napi_deferred);
// SAFETY: carried through the worker thread untouched; used on the JavaScript thread.
unsafe impl Send for Deferred {}

/// What a finished future queues: the Promise and how to settle it.
struct Done {
    deferred: Deferred,
    settle: Box<Settle>,
}

/// The threadsafe function of one JavaScript thread.
#[derive(Clone, Copy)]
struct Hop(sys::napi_threadsafe_function);
// SAFETY: napi's threadsafe functions are made to be called from any thread.
unsafe impl Send for Hop {}

/// This thread's function and how many Promises wait on it.
struct Shared {
    tsfn: sys::napi_threadsafe_function,
    pending: usize,
}

thread_local! {
    static SHARED: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

impl Hop {
    /// Hands `done` to the JavaScript thread (any thread may call this).
    fn queue(self, done: Done) {
        let done = Box::into_raw(Box::new(done));
        // SAFETY: the function lives until the environment is torn down; after that the
        // call fails and the completion is dropped here (the Promise is gone with it).
        let status = unsafe {
            sys::napi_call_threadsafe_function(
                self.0,
                done.cast(),
                sys::ThreadsafeFunctionCallMode::nonblocking,
            )
        };
        if status != sys::Status::napi_ok {
            // SAFETY: not queued, so still ours.
            drop(unsafe { Box::from_raw(done) });
        }
    }

    /// This thread's function (created on first use), counting one more pending Promise: the
    /// first keeps the event loop alive until the last is settled.
    fn acquire(env: sys::napi_env) -> napi::Result<Hop> {
        SHARED.with(|shared| {
            let mut shared = shared.borrow_mut();
            let state = match shared.as_mut() {
                Some(state) => state,
                None => shared.insert(Shared {
                    tsfn: create(env)?,
                    pending: 0,
                }),
            };
            if state.pending == 0 {
                // SAFETY: on the function's own JavaScript thread.
                check(unsafe { sys::napi_ref_threadsafe_function(env, state.tsfn) })?;
            }
            state.pending += 1;
            Ok(Hop(state.tsfn))
        })
    }
}

fn create(env: sys::napi_env) -> napi::Result<sys::napi_threadsafe_function> {
    const NAME: &str = "jtl-connect";
    let mut name = ptr::null_mut();
    let mut tsfn = ptr::null_mut();
    // SAFETY: a valid env; no JavaScript function (the completions run `call_js`).
    unsafe {
        check(sys::napi_create_string_utf8(
            env,
            NAME.as_ptr().cast(),
            NAME.len() as isize,
            &mut name,
        ))?;
        check(sys::napi_create_threadsafe_function(
            env,
            ptr::null_mut(),
            ptr::null_mut(),
            name,
            0,
            1,
            ptr::null_mut(),
            Some(finalize),
            ptr::null_mut(),
            Some(call_js),
            &mut tsfn,
        ))?;
        check(sys::napi_unref_threadsafe_function(env, tsfn))?;
    }
    Ok(tsfn)
}

/// The environment is torn down: the function is gone.
unsafe extern "C" fn finalize(_env: sys::napi_env, _data: *mut c_void, _hint: *mut c_void) {
    SHARED.with(|shared| shared.borrow_mut().take());
}

/// On the JavaScript thread: settles one queued Promise.
unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _callback: sys::napi_value,
    _context: *mut c_void,
    data: *mut c_void,
) {
    // SAFETY: `data` is the `Done` queued by `spawn`, handed over once.
    let done = unsafe { Box::from_raw(data.cast::<Done>()) };
    if env.is_null() {
        return; // the environment is closing: nothing to settle any more
    }
    SHARED.with(|shared| {
        if let Some(state) = shared.borrow_mut().as_mut() {
            state.pending = state.pending.saturating_sub(1);
            if state.pending == 0 {
                // SAFETY: on the function's own JavaScript thread.
                unsafe { sys::napi_unref_threadsafe_function(env, state.tsfn) };
            }
        }
    });
    let Done { deferred, settle } = *done;
    // SAFETY: env is this thread's; the deferred was created on it and is settled once.
    unsafe {
        match settle(env) {
            Ok(value) => sys::napi_resolve_deferred(env, deferred.0, value),
            Err(error) => {
                sys::napi_reject_deferred(env, deferred.0, JsError::from(error).into_value(env))
            }
        };
    }
}

/// The bridge chosen by `__setHop`: 0 not set (the environment decides), 1 shared, 2 napi-rs.
static CHOSEN: AtomicU8 = AtomicU8::new(0);

/// Whether napi-rs's own bridge is used: `__setHop('napi')`, or `JTL_CONNECT_NODE_HOP=napi`.
fn napi_bridge() -> bool {
    static FROM_ENV: OnceLock<bool> = OnceLock::new();
    match CHOSEN.load(Ordering::Relaxed) {
        1 => false,
        2 => true,
        _ => *FROM_ENV
            .get_or_init(|| std::env::var("JTL_CONNECT_NODE_HOP").is_ok_and(|v| v == "napi")),
    }
}

/// Chooses the bridge back to JavaScript: `'shared'` (the default) or `'napi'` (napi-rs's
/// own); for the benchmark that compares them, not part of the public API.
#[napi(js_name = "__setHop", skip_typescript)]
pub fn set_hop(kind: String) -> napi::Result<()> {
    let chosen = match kind.as_str() {
        "shared" => 1,
        "napi" => 2,
        other => {
            return Err(napi::Error::from_reason(format!(
                "hop: expected 'shared' or 'napi'; found {other:?}"
            )))
        }
    };
    CHOSEN.store(chosen, Ordering::Relaxed);
    Ok(())
}

fn check(status: sys::napi_status) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::from_reason(format!(
            "a Node-API call failed (status {status})"
        )))
    }
}
