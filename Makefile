# jtl-connect: every target installs what it needs, so a fresh clone works.
#   make demo   the Accounts Integration page on the emulator (the main job)
#   make test   run every suite, the offline smoke tests of make dist included (what .ci/run calls)
#   make dist   what users install, into dist/ (make test-dist: offline smoke tests of it)

SHELL := /bin/bash
# One target directory for every crate and every target below.
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never
DEMO_PORT ?= 8787

.PHONY: demo test dist test-dist test-rust test-python test-node test-kotlin test-browser chromium jvm lint bench bench-rust bench-python bench-node fuzz rust-toolchain emulator

# The Accounts Integration page on the emulator: builds what it needs, prints the URL and
# the demo credentials to paste.
demo: rust-toolchain
	bash scripts/demo.sh

# Only the emulator of JTL's servers.
emulator: rust-toolchain
	cargo build -q -p jtl-emulator
	$(CARGO_TARGET_DIR)/debug/jtl-emulator --port $(DEMO_PORT)

test: test-rust test-python test-node test-kotlin test-browser test-dist

# The suites that use PostgreSQL (shared token cache) run inside a private cluster that
# scripts/postgres.sh starts and stops (JTL_CONNECT_TEST_PG); those tests fail without it.
test-rust: rust-toolchain lint
	bash scripts/postgres.sh cargo test
	cargo run -q -p jtl-connect-example --bin quickstart

# Python: a venv in python/.venv, the package built from ./python (dev profile, sharing
# this target directory), ruff, stubtest, mypy --strict, pytest.
test-python: rust-toolchain
	bash scripts/postgres.sh bash python/scripts/test.sh

# Node: npm ci (locked napi-rs CLI), the addon built in debug, node --test.
test-node: rust-toolchain
	bash scripts/postgres.sh bash node/scripts/test.sh

# Kotlin (JUnit 5 through Maven, PostgreSQL tests inside scripts/postgres.sh) and the Swift sources: UniFFI bindings generated from the
# cdylib in library mode (Swift tests need a Swift toolchain, which this machine lacks).
test-kotlin: rust-toolchain jvm
	bash scripts/postgres.sh bash bindings/uniffi/scripts/test.sh

# The linux x86_64 artifacts (release builds, glibc 2.17+): the Python wheel and sdist, the
# two npm packages, the jar in a Maven repository folder, the CLI tarball, SHA256SUMS.
dist: rust-toolchain jvm
	bash scripts/dist/build.sh

# dist/, then each artifact installed and used without Rust, network or checkout.
test-dist: dist
	bash scripts/dist/smoke.sh

jvm:
	@command -v mvn >/dev/null && command -v javac >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven; }

# The accounts page, and a user signing in through the Express example, in a real (Debian)
# Chromium driven by playwright-core.
test-browser: rust-toolchain chromium
	bash examples/accounts-page/scripts/test.sh
	bash examples/user-signin-express/scripts/test.sh

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# Benchmarks (release builds; not part of test): criterion for the Rust core, then
# jtl-connect against its peers from Python (PyJWT, requests, httpx) and Node (jose, fetch);
# each writes bench/*/RESULTS.md.
bench: bench-rust bench-python bench-node

bench-rust: rust-toolchain
	bash scripts/postgres.sh cargo bench -p jtl-connect-bench

bench-python: rust-toolchain
	bash bench/python/run.sh

bench-node: rust-toolchain
	bash bench/node/run.sh

# cargo-fuzz on the stable toolchain (RUSTC_BOOTSTRAP=1), FUZZ_SECONDS per target; not part of test.
FUZZ_SECONDS ?= 30
fuzz: rust-toolchain
	bash fuzz/run.sh $(FUZZ_SECONDS)

lint: rust-toolchain
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# cargo comes with the machine (rustup); the lint components may not.
rust-toolchain:
	@command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
