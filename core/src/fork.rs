//! Surviving `fork()`. A forked child (Python's multiprocessing, gunicorn workers) inherits
//! memory but not threads: tasks in flight and pooled connections of the parent's runtime
//! are dead there. State that holds them remembers the process it belongs to and starts
//! over in a child, as the shared runtime itself does.

/// Remembers the process that made a value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Owner(u32);

impl Owner {
    pub(crate) fn current() -> Self {
        Self(std::process::id())
    }

    /// True once, in a forked child: the caller then drops what the parent left behind.
    pub(crate) fn changed(&mut self) -> bool {
        let now = std::process::id();
        if self.0 == now {
            return false;
        }
        self.0 = now;
        true
    }
}

impl Default for Owner {
    fn default() -> Self {
        Self::current()
    }
}

/// Drops `in_flight` in a forked child: work in flight at fork() ran on the parent's runtime
/// and never ends here. Called off the caches' fast paths, since getpid is a system call.
pub(crate) fn forget_if_forked<T>(owner: &mut Owner, in_flight: &mut Option<T>) {
    if owner.changed() {
        *in_flight = None;
    }
}
