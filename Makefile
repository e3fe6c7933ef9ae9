# jtl-connect: every target installs what it needs, so a fresh clone works.
#   make demo   run the main job (for now: the emulator, with how to use it)
#   make test   run every suite (what .ci/run calls)

SHELL := /bin/bash
# One target directory for every crate and every target below.
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never
DEMO_PORT ?= 8787

.PHONY: demo test test-rust test-python lint bench rust-toolchain emulator

demo: rust-toolchain
	cargo build -q -p jtl-emulator
	$(CARGO_TARGET_DIR)/debug/jtl-emulator --port $(DEMO_PORT)

emulator: demo

test: test-rust test-python

test-rust: rust-toolchain lint
	cargo test
	cargo run -q -p jtl-connect-example --bin quickstart

# Python: a venv in python/.venv, the package built from ./python (dev profile, sharing
# this target directory), ruff, stubtest, mypy --strict, pytest.
test-python: rust-toolchain
	bash python/scripts/test.sh

# Criterion benchmarks against the in-process emulator (release build; not part of test).
bench: rust-toolchain
	cargo bench -p jtl-connect-bench

lint: rust-toolchain
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# cargo comes with the machine (rustup); the lint components may not.
rust-toolchain:
	@command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
