#!/usr/bin/env bash
# The README's test command: install what the build needs, build, run every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
swift test --skip-build
