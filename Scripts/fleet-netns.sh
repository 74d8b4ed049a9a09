#!/usr/bin/env bash
# Runs the Kubernetes Job's segments on three generator hosts in network namespaces (root with
# CAP_NET_ADMIN; FleetNamespaceTests) and keeps everything under OUT: meta.json (environment),
# command.txt, and per run (open-loop, closed-loop, host-2-unreachable) the pods' command lines,
# each segment's output and JSON, and the merge report, merged.json and merged.hgrm.
#   Scripts/fleet-netns.sh Results/fleet-$(date -u +%Y%m%d)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: $0 OUT}
dirty=$([ -z "$(git status --porcelain)" ] && echo false || echo true)   # before OUT exists
mkdir -p "$out"
out=$(cd "$out" && pwd)
swift build --build-tests >/dev/null
cat > "$out/meta.json" <<JSON
{
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$(git rev-parse HEAD)",
  "dirty": $dirty,
  "kernel": "$(uname -r)",
  "cpu": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')",
  "cores": $(nproc),
  "swift": "$(swift --version 2>&1 | head -1)",
  "build": "debug",
  "note": "server (rover-bench serve Scenarios/hello, 1 thread) and 3 generator processes share this machine's cores; namespaces give each its own network stack, not its own CPU"
}
JSON
echo "ROVER_FLEET_OUT=$out swift test --skip-build --filter FleetNamespaceTests" > "$out/command.txt"
ROVER_FLEET_OUT="$out" swift test --skip-build --filter FleetNamespaceTests 2>&1 | tee "$out/test.txt" | grep -E "✔|✘|skipped|passed|failed" || true
grep -q "Test run with 1 test .* passed" "$out/test.txt"
python3 Scripts/fleet-figures.py "$out" | tee "$out/figures.txt"
