#!/usr/bin/env bash
# The README's quick start: install what the build needs, build a release binary, run the default
# sweep (the seed's and Rover's 8 cells on params-only: a paired duet with A/A controls, then
# sequential trials; about 4.6 minutes on 2 cores) and print its tables. Arguments go to
# `rover-bench sweep` (try --quick, --full, or --help).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
Scripts/build-release.sh --product rover-bench >&2
exec .build/release/rover-bench sweep "$@"
