#!/usr/bin/env bash
# The README's test command: build and run every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
