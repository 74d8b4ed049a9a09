#!/usr/bin/env bash
# The README's test command: install what the build needs, build, run every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
swift test --skip-build
# The Lua-facing suites again on LuaJIT (one runtime per process: ROVER_LUA picks it), so every
# context builder × dispatcher and the VM's limits are checked on both runtimes.
ROVER_LUA=luajit swift test --skip-build --filter 'RoverLuaTests|RoverEngineTests|RoverStrategiesTests\.'

