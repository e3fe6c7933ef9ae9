//! [`Captured`]: a `tracing-subscriber` writer that keeps every log line in memory, so a
//! test can search all of them for secrets after a flow has run.

use std::{
    io::Write,
    sync::{Arc, Mutex, PoisonError},
};

use tracing_subscriber::fmt::MakeWriter;

/// Log output kept in memory; clones share it.
#[derive(Clone, Debug, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// A subscriber that writes every event, down to TRACE, without colours, here.
    pub fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + 'static {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(self.clone())
            .with_ansi(false)
            .finish()
    }

    /// Runs `f` with [`Captured::subscriber`] as this thread's default subscriber.
    ///
    /// Beside it a second, silent dispatcher is kept alive for the duration. Why: while
    /// exactly one dispatcher exists, tracing-core decides whether an event is wanted from
    /// the default subscriber of whichever thread reaches it first; a test running in
    /// parallel without a subscriber would switch the event off for good and this capture
    /// would miss it. With two dispatchers registered every one is asked.
    pub fn during<T>(&self, f: impl FnOnce() -> T) -> T {
        let capture = tracing::Dispatch::new(self.subscriber());
        let silent = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
        let result = tracing::dispatcher::with_default(&capture, f);
        drop(silent);
        result
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
