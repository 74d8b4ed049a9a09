#!/usr/bin/env bash
# The concurrency tests under ThreadSanitizer (dispatchers, HTTP layer, engine, load generator,
# sweep). Tests/tsan.supp silences only the Swift concurrency runtime's continuation hand-off,
# which TSan cannot see (the runtime is not instrumented); nothing of this project is suppressed.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
TSAN_OPTIONS="suppressions=$PWD/Tests/tsan.supp halt_on_error=0" \
  swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
  --filter "RoverEngineTests|RoverStrategiesTests|RoverLoadTests|RoverLuaTests|RoverRunnerTests"
