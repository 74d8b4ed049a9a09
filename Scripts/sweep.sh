#!/usr/bin/env bash
# The README's quick start: install what the build needs, build a release binary, run the default
# sweep (every context builder × dispatcher on params-only, hello and all-fields; ~5 minutes on
# 2 cores) and print its tables. Arguments go to `rover-bench sweep` (try --quick, or --help).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product rover-bench >&2
exec .build/release/rover-bench sweep "$@"
