#!/usr/bin/env bash
# The README's pooled findings: every run listed in Results/findings.runs, pooled across the
# environments they were measured in (`rover-bench report --across`), printed, written between the
# README's `rover-bench:across` markers and saved as Results/findings.json. A test
# (ReadmeFindingsTests) checks that the README's block is exactly what these runs give.
# Extra arguments go to `report --across` (e.g. --by-commit, --metric rps; then the README test fails
# until the default is regenerated).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-.build/release/rover-bench}
if [ ! -x "$bin" ]; then Scripts/setup.sh; Scripts/build-release.sh --product rover-bench >&2; fi
mapfile -t runs < <(grep -v '^#' Results/findings.runs | grep .)
exec "$bin" report --across "${runs[@]}" --update README.md --json Results/findings.json "$@"
