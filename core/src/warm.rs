//! Spin, then park: a runtime worker kept awake for a short window around the work the
//! bindings hand it, so that the hand-offs of a request in flight cost a queue push instead
//! of a thread wake-up.
//!
//! Why: every asynchronous call from Node or Python's asyncio crosses to a runtime worker
//! and back. A worker parked on an idle CPU is dear to wake on a virtual machine (tens of
//! microseconds, `bench/rust/WAKEUPS.md`, against about 1 µs on a busy CPU), and a call one
//! at a time pays that twice more than undici or aiohttp, which do their I/O on the event
//! loop's thread: once when the call is handed to the worker, once when the server's answer
//! arrives. Go's scheduler and .NET's thread pool answer the same cost the same way: a
//! thread that has just worked looks for more for a moment before it sleeps.
//!
//! [`around`] wraps each call a binding hands the runtime and marks its start and its end;
//! each mark extends the window and starts a spinner task if none runs. The spinner yields to the scheduler in a loop until the window
//! has passed: each yield polls the I/O driver without blocking and runs whatever was woken
//! or queued, so a new call or a server's answer inside the window is picked up at once.
//! Outside the window the worker parks as before. The cost is bounded: at most
//! [`window`] of one CPU after each call starts and ends, whatever the server's latency.
//!
//! `JTL_CONNECT_SPIN_MICROS` sets the window (default [`DEFAULT_WINDOW_MICROS`]); `0` turns
//! spinning off.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        OnceLock,
    },
    time::{Duration, Instant},
};

/// The window's default length, in microseconds: a loopback or LAN answer (the emulator's is
/// 50-250 µs) and the caller's work between two calls fit in it; an Internet round trip to
/// JTL does not, and then the worker parks as it would without spinning.
pub const DEFAULT_WINDOW_MICROS: u64 = 250;

/// The spin window of this process: `JTL_CONNECT_SPIN_MICROS` or the default; zero when
/// spinning is off.
pub fn window() -> Duration {
    static WINDOW: OnceLock<Duration> = OnceLock::new();
    *WINDOW.get_or_init(|| parse_window(std::env::var("JTL_CONNECT_SPIN_MICROS").ok().as_deref()))
}

/// The window `JTL_CONNECT_SPIN_MICROS` asks for: whole microseconds, `0` for none; unset
/// or not a number, the default (a warning says which value was ignored).
fn parse_window(setting: Option<&str>) -> Duration {
    let micros = match setting.map(str::trim) {
        None | Some("") => DEFAULT_WINDOW_MICROS,
        Some(text) => text.parse::<u64>().unwrap_or_else(|_| {
            tracing::warn!(
                value = %text,
                default = DEFAULT_WINDOW_MICROS,
                "JTL_CONNECT_SPIN_MICROS: expected whole microseconds (0 turns spinning off); using the default"
            );
            DEFAULT_WINDOW_MICROS
        }),
    };
    Duration::from_micros(micros)
}

/// Where the window ends (nanoseconds after [`epoch`]), and whether a spinner runs.
struct Window {
    until: AtomicU64,
    spinning: AtomicBool,
}

static WINDOW_STATE: Window = Window {
    until: AtomicU64::new(0),
    spinning: AtomicBool::new(false),
};

/// The clock's zero for [`Window::until`].
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_nanos() -> u64 {
    u64::try_from(epoch().elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Marks activity on the runtime of `handle`: the worker stays awake for [`window`] from
/// now. A no-op when spinning is off.
fn touch(handle: &tokio::runtime::Handle) {
    extend(handle, window());
}

/// [`touch`] with a given window.
fn extend(handle: &tokio::runtime::Handle, window: Duration) {
    if window.is_zero() {
        return;
    }
    let until = now_nanos().saturating_add(u64::try_from(window.as_nanos()).unwrap_or(u64::MAX));
    WINDOW_STATE.until.fetch_max(until, Ordering::AcqRel);
    if !WINDOW_STATE.spinning.swap(true, Ordering::AcqRel) {
        handle.spawn(spin());
    }
}

/// After `fork()`: the parent's spinner is not running in this process, so the next
/// mark must start one.
pub(crate) fn forget_spinner() {
    WINDOW_STATE.spinning.store(false, Ordering::Release);
}

/// Whether a spinner runs now.
#[cfg(test)]
fn spinning() -> bool {
    WINDOW_STATE.spinning.load(Ordering::Acquire)
}

/// Yields until the window has passed. A mark racing with the end either sees
/// `spinning` still set (and this loop sees its later `until`) or starts a new spinner.
async fn spin() {
    loop {
        while now_nanos() < WINDOW_STATE.until.load(Ordering::Acquire) {
            tokio::task::yield_now().await;
        }
        WINDOW_STATE.spinning.store(false, Ordering::Release);
        let extended = now_nanos() < WINDOW_STATE.until.load(Ordering::Acquire);
        if !extended || WINDOW_STATE.spinning.swap(true, Ordering::AcqRel) {
            return;
        }
    }
}

/// `future`, with the worker kept awake for [`window`] after it starts and after it ends:
/// how the bindings (and [`crate::blocking`]) run a call handed to the runtime. Outside a
/// runtime it is `future` alone.
pub async fn around<F: std::future::Future>(future: F) -> F::Output {
    let handle = tokio::runtime::Handle::try_current().ok();
    if let Some(handle) = &handle {
        touch(handle);
    }
    let output = future.await;
    if let Some(handle) = &handle {
        touch(handle);
    }
    output
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_window_setting_reads_whole_microseconds() {
        let default = Duration::from_micros(DEFAULT_WINDOW_MICROS);
        assert_eq!(parse_window(None), default);
        assert_eq!(parse_window(Some("")), default);
        assert_eq!(parse_window(Some("0")), Duration::ZERO);
        assert_eq!(parse_window(Some(" 100 ")), Duration::from_micros(100));
        assert_eq!(parse_window(Some("1.5")), default);
        assert_eq!(parse_window(Some("-3")), default);
        assert_eq!(parse_window(Some("lots")), default);
    }

    // One test for the spinner, since the window is process-wide state.
    #[test]
    fn a_touch_keeps_a_worker_awake_for_its_window_then_lets_it_park() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime.handle().clone();

        // No window: nothing spins.
        extend(&handle, Duration::ZERO);
        assert!(!spinning());

        // A window: a spinner runs, and work queued meanwhile still runs at once.
        extend(&handle, Duration::from_millis(200));
        assert!(spinning());
        let started = Instant::now();
        let answer = runtime.block_on(async { handle.spawn(async { 6 * 7 }).await.unwrap() });
        assert_eq!(answer, 42);
        assert!(
            started.elapsed() < Duration::from_millis(150),
            "queued work waited for the spinner"
        );

        // Extending the window while spinning keeps one spinner, which ends after it.
        extend(&handle, Duration::from_millis(250));
        assert!(spinning());
        let deadline = Instant::now() + Duration::from_secs(5);
        while spinning() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!spinning(), "the spinner outlived its window");
        assert!(started.elapsed() >= Duration::from_millis(250));

        // `around` gives the future's output, outside a runtime and inside.
        assert_eq!(futures_lite(around(async { 1 })), 1);
        assert_eq!(runtime.block_on(around(async { 2 })), 2);
    }

    /// Polls a future that never waits to its end, without a runtime.
    fn futures_lite<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
        }
    }
}
