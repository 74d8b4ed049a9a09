#!/usr/bin/env bash
# Does the gate catch what it should? Applies each known regression to a scratch copy of HEAD
# (a git worktree on a throw-away branch), rebuilds, runs the CI gate (Scripts/ci-gate.sh against
# the committed Results/baseline) RUNS times (default 3), and prints every exit code. Each must
# be 2, except for `none`, where every exit 2 is a false alarm. The injections:
#   none      nothing changed: false alarms (Scripts/gate-injections.sh 10 none)
#   closure   one extra accessor closure per request in the lazy builder
#   loop      a small loop on Engine.handle's path (about +2% instructions on params-only)
#   crash     the hello scenario's handler kills its server (os.exit)
#   alloc     one extra heap allocation per response on the HTTP path (a class instance stored in
#             a global, in HTTPConnectionHandler.send): hotpath.csv's allocs rows +1.00
# Usage: Scripts/gate-injections.sh [RUNS] [closure loop crash alloc]
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift || true
kinds=("$@"); [ ${#kinds[@]} -gt 0 ] || kinds=(closure loop crash)
root=$PWD
wt=$(mktemp -d /tmp/rover-bench-inject.XXXXXX)
git worktree add -q --detach "$wt" HEAD || exit 1
trap 'git -C "$root" worktree remove --force "$wt"' EXIT

inject() {
  case $1 in
    none) ;;
    closure) python3 - "$wt/Sources/RoverLua/Context/LazyContext.swift" <<'PY'
import sys; p = sys.argv[1]; s = open(p).read()
line = "        HiddenRequestContext(metatable: vm.makeContextMetatable { rover_push_lazy_index(vm.L, 0) })\n"
assert line in s, "closure: LazyContext.prepare moved; update Scripts/gate-injections.sh"
s = s.replace(line, "        Injected(base: " + line.strip() + ")\n", 1)
s += ("\nstruct Injected: PreparedContext {  // INJECTED: one closure nobody uses, per lazy ctx\n"
      "    let base: HiddenRequestContext\n"
      "    func push(_ vm: LuaVM) {\n"
      "        base.push(vm)\n"
      "        let ref = vm.pushRequestRef()\n"
      "        vm.pushAccessorClosure(.params, requestRef: ref)\n"
      "        vm.pop()\n"
      "        vm.pop()\n"
      "    }\n"
      "}\n")
open(p, "w").write(s)
PY
    ;;
    loop) python3 - "$wt/Sources/RoverEngine/App/Engine.swift" <<'PY'
import sys; p = sys.argv[1]; s = open(p).read()
s = s.replace("    public func handle(_ request: Request) -> Response {\n",
              "    public func handle(_ request: Request) -> Response {\n"
              "        var spin = UInt64(request.target.count)  // INJECTED: ~250 instructions\n"
              "        for i in 0..<60 { spin = (spin &* 6364136223846793005) ^ (spin >> 7) &+ UInt64(i) }\n"
              "        injectedSink &+= spin\n", 1)
s += "\nnonisolated(unsafe) var injectedSink: UInt64 = 0\n"
open(p, "w").write(s)
PY
    ;;
    alloc) python3 - "$wt/Sources/RoverEngine/HTTP/HTTPConnectionHandler.swift" <<'PY'
import sys; p = sys.argv[1]; s = open(p).read()
old = "        context.write(wrapOutboundOut(bytes), promise: nil)\n"
assert s.count(old) == 1, "alloc injection: the write in send() moved"
s = s.replace(old, "        injectedAllocSink = InjectedBox(UInt64(unflushed))  // INJECTED: one heap allocation per response\n" + old, 1)
s += "\nfinal class InjectedBox { let seq: UInt64; init(_ seq: UInt64) { self.seq = seq } }\n"
s += "nonisolated(unsafe) var injectedAllocSink: InjectedBox?\n"
open(p, "w").write(s)
PY
    ;;
    crash) printf 'local api = rover.server {}\nfunction api.hello.get(ctx) os.exit(3) end\nreturn api\n' \
             > "$wt/Scenarios/hello/app.lua" ;;
    *) echo "gate-injections.sh: unknown injection $1" >&2; exit 64 ;;
  esac
}

for kind in "${kinds[@]}"; do
  git -C "$wt" checkout -q -- .
  inject "$kind"
  (cd "$wt" && Scripts/build-release.sh --product rover-bench >/dev/null 2>&1) || { echo "$kind: build failed" >&2; exit 1; }
  codes=""
  for i in $(seq 1 "$runs"); do
    (cd "$wt" && Scripts/ci-gate.sh >"/tmp/gate-inject.$kind.$i.md" 2>&1)
    code=$?
    codes="$codes $code"
  done
  twos=$(echo "$codes" | tr ' ' '\n' | grep -c '^2$')
  echo "$kind: exit codes$codes; $twos of $runs are exit 2  ($(grep -m1 -E '^[0-9]+ (regression|failed|missing|pass)' /tmp/gate-inject.$kind.1.md))"
done
