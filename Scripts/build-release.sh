#!/usr/bin/env bash
# The one release build every measuring script uses (sweep, duet, micro, the CI gate, the nginx
# and wrk comparisons): `swift build -c release` with Swift's dynamic exclusivity checks off in
# every Swift module, SwiftNIO's included (`-enforce-exclusivity=unchecked`), and
# ROVER_BENCH_MEASURING_BUILD defined so the binary can say it was built this way (meta.json's
# build_configuration reads "release, exclusivity unchecked"; sweep, duet and micro warn otherwise).
#
# Why: under callgrind those checks (swift_beginAccess and its access set, 69 calls per request,
# 51 of them inside SwiftNIO) were 6.9k of the 22.2k instructions of a `serve --bare` request and
# 7.0k of 31.2k for Lua 5.4 userdata + affine (Results/hotpath-20261205/exclusivity.txt). nginx,
# which the engine is held against, pays nothing like it. Debug and ThreadSanitizer builds (the
# tests) keep the checks, so an exclusivity violation still fails there.
# Usage: Scripts/build-release.sh [swift build options...]  (e.g. --product rover-bench, --show-bin-path)
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release -Xswiftc -enforce-exclusivity=unchecked -Xswiftc -DROVER_BENCH_MEASURING_BUILD "$@"
