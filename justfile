# Everyday recipes. Convenience only: the README's commands and CI never need `just`.

# Run every test (as CI does, without the Python setup).
test:
    cargo test

# fmt check and clippy, as CI runs them.
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings

fmt:
    cargo fmt --all

# Regenerate the published JSON Schema of tenant files.
schema:
    cargo run --quiet -- schema > tenants/schema.json

# The one-minute tour against the built-in emulator.
demo:
    cargo run --release -- demo

# A local Auth0 tenant on port 8787.
emulate *ARGS:
    cargo run --release -- emulate {{ARGS}}

# Benchmarks: requests made and wall time against the rate-limit floor.
bench:
    cargo bench

# tenantform's and Auth0's Deploy CLI's exports side by side at `free` (docs/benchmarks.md).
bench-deploy-cli:
    cd tests/deploy-cli && npm ci --no-audit --no-fund
    cargo build --release
    node tests/deploy-cli/bench.mjs

# Everything CI does, including the Python test dependencies.
ci:
    bash .ci/run
