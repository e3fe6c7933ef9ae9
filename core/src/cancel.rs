//! [`Cancellation`]: lets synchronous callers (and other threads) stop a long wait, such as
//! polling a Wawi registration. Async callers can also just drop the future.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use tokio::sync::Notify;

/// A flag that, once set, stops the operations watching it. Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct Cancellation {
    inner: Arc<(AtomicBool, Notify)>,
}

impl Cancellation {
    /// A new, unset flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag and wakes every waiter.
    pub fn cancel(&self) {
        self.inner.0.store(true, Ordering::SeqCst);
        self.inner.1.notify_waiters();
    }

    /// Whether it is set.
    pub fn is_cancelled(&self) -> bool {
        self.inner.0.load(Ordering::SeqCst)
    }

    /// Completes once the flag is set.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.1.notified();
            tokio::pin!(notified);
            // Registered before the check, so a cancel() in between is not missed.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}
