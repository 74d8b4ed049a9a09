#!/usr/bin/env bash
# The README's architecture block, drawn from Package.swift (`swift package dump-package`): each
# target of ours and the targets of ours it depends on, tests and external packages left out.
# Usage: Scripts/architecture.sh            (prints the block)
#        Scripts/architecture.sh --update   (rewrites it in README.md between its markers)
set -euo pipefail
cd "$(dirname "$0")/.."
block=$(swift package dump-package | python3 -c '
import json, sys
p = json.load(sys.stdin)
ours = {t["name"]: t for t in p["targets"] if t["type"] in ("regular", "executable", "system")}
def deps(t):
    out = []
    for d in t.get("dependencies", []):
        for kind in ("byName", "target"):
            if kind in d and d[kind][0] in ours: out.append(d[kind][0])
    return out
order = sorted(ours, key=lambda n: (-len(deps(ours[n])), n))
print("```")
for n in order:
    d = deps(ours[n])
    shown = ", ".join(d) if d else "(nothing of ours)"
    print(f"{n:16} ──► {shown}")
print("```")
')
if [ "${1:-}" = --update ]; then
    python3 - "$block" <<'PY'
import sys, re
block = sys.argv[1]
text = open("README.md").read()
new = re.sub(r"(<!-- architecture:begin -->\n).*?(<!-- architecture:end -->)", lambda m: m.group(1) + block + "\n" + m.group(2), text, flags=re.S)
assert new != text or block in text, "README.md has no architecture markers"
open("README.md", "w").write(new)
PY
else
    echo "$block"
fi
