//! What one hand-off between two threads costs on this machine: a ping-pong of two threads
//! that wake each other in turn (`std::thread::park`/`unpark`, a futex on Linux), once free
//! to run on different CPUs and once pinned to one CPU (`taskset -c 0`, when present).
//!
//! Why it is a benchmark: every asynchronous call from Node or Python asyncio hands its
//! request to a runtime thread and its answer back (issue 19's "binding hop"), where a
//! client that does its I/O on the event loop's own thread (undici, aiohttp) hands off only
//! to the server. On a virtual machine a wake-up of a thread on another, idle CPU is far
//! dearer than on the same CPU; this measures by how much, and writes
//! `bench/rust/WAKEUPS.md`.
//!
//! `cargo bench -p jtl-connect-bench --bench wakeup`

// A benchmark may stop at a broken set-up.
#![allow(clippy::expect_used)]

use std::{
    process::Command,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    thread,
    time::Instant,
};

/// Round trips per measurement, and measurements (the median is reported).
const ROUND_TRIPS: u64 = 20_000;
const ROUNDS: usize = 7;

/// One thread's turn: the shared counter's value it waits for before answering.
struct Baton {
    turn: AtomicU64,
    done: AtomicBool,
}

/// Microseconds per round trip (two wake-ups), median of [`ROUNDS`].
fn round_trip_us() -> f64 {
    let mut samples: Vec<f64> = (0..ROUNDS).map(|_| one_round()).collect();
    samples.sort_by(f64::total_cmp);
    samples[ROUNDS / 2]
}

fn one_round() -> f64 {
    let baton = Arc::new(Baton {
        turn: AtomicU64::new(0),
        done: AtomicBool::new(false),
    });
    let main = thread::current();
    let peer_baton = baton.clone();
    let peer = thread::spawn(move || {
        // Answers each odd turn with the next even one.
        let mut expect = 1;
        while !peer_baton.done.load(Ordering::Acquire) {
            if peer_baton.turn.load(Ordering::Acquire) == expect {
                peer_baton.turn.store(expect + 1, Ordering::Release);
                main.unpark();
                expect += 2;
            } else {
                thread::park();
            }
        }
    });
    let peer_thread = peer.thread().clone();
    let start = Instant::now();
    for i in 0..ROUND_TRIPS {
        baton.turn.store(2 * i + 1, Ordering::Release);
        peer_thread.unpark();
        while baton.turn.load(Ordering::Acquire) != 2 * i + 2 {
            thread::park();
        }
    }
    let elapsed = start.elapsed();
    baton.done.store(true, Ordering::Release);
    peer_thread.unpark();
    peer.join().expect("the peer thread ends");
    elapsed.as_secs_f64() * 1e6 / ROUND_TRIPS as f64
}

/// This benchmark run as a child (`--child`), pinned to CPU 0 by `taskset`: its figure.
fn pinned() -> Option<f64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new("taskset")
        .args(["-c", "0"])
        .arg(exe)
        .arg("--child")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    if std::env::args().any(|a| a == "--child") {
        println!("{:.2}", round_trip_us());
        return;
    }
    // `cargo bench` passes `--bench`; a filter that is not ours skips this benchmark.
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !"wakeup".contains(&filter) {
            return;
        }
    }
    let free = round_trip_us();
    let pinned = pinned();
    let cpus = thread::available_parallelism().map_or(0, usize::from);
    let started = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown".into(), |s| s.trim().to_owned());
    let pinned_row = match pinned {
        Some(us) => format!(
            "| both threads on CPU 0 (`taskset -c 0`) | {us:.2} | {:.2} |\n\n\
             A wake-up of a thread on another CPU costs {:.1}x one on the same CPU here.\n",
            us / 2.0,
            free / us
        ),
        None => "| both threads on CPU 0 | (taskset not available) | |\n".into(),
    };
    let report = format!(
        "# Thread wake-ups (one run)\n\n\
Written by `cargo bench -p jtl-connect-bench --bench wakeup` (`make bench-rust`): two threads\n\
waking each other in turn ({ROUND_TRIPS} round trips, median of {ROUNDS} rounds).\n\n\
- run: {started}; load average {load} at the end ({cpus} CPUs)\n\n\
| threads | µs per round trip | µs per wake-up |\n|---|---:|---:|\n\
| free to run on any CPU | {free:.2} | {:.2} |\n{pinned_row}",
        free / 2.0,
        load = load_average(),
    );
    print!("{report}");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/WAKEUPS.md");
    match std::fs::write(path, report) {
        Ok(()) => println!("wrote {path}"),
        Err(e) => eprintln!("could not write {path}: {e}"),
    }
}
