#!/usr/bin/env python3
"""Do two sweeps of the same plan (e.g. two default sweeps run back to back) reach the same
verdicts? Reads each run's summary.json and compares, verdict by verdict:
  - the duet's (paired, simultaneous) CPU/request and req/s verdicts of every comparison and A/A;
  - the sequential phase's verdicts of every cell against eager + channel on every metric.
Prints each disagreement, then the agreement per kind and in total, and how many are opposite
(faster in one run, slower in the other). Also the per-cell CV of sequential req/s.
Usage: Scripts/agreement.py RUN_A RUN_B"""
import json, statistics, sys

def load(run):
    with open(f"{run}/summary.json") as f:
        return json.load(f)["summary"]

def duet_verdicts(s):
    out = {}
    for r in (s.get("duet") or {}).get("rows", []):
        rid = r["id"]
        for m in ("cpu", "rps"):
            if r.get(m):
                t = r[m]["test"]
                out[(rid, m)] = (r[m]["verdict"], t["ratio"], t["interval"]["lower"], t["interval"]["upper"])
    return out

def seq_verdicts(s):
    out = {}
    for c in s.get("comparisons", []):
        k = c["cell"]
        cid = f'{k["scenario"]}.{k["context"]}.{k["dispatcher"]}.w{k["workers"]}.c{k["connections"]}'
        out[(cid, c["metric"])] = (c["verdict"], c["ratio"]["value"], c["ratio"]["interval"]["lower"], c["ratio"]["interval"]["upper"])
    return out

a, b = load(sys.argv[1]), load(sys.argv[2])
grand = [0, 0, 0]
for kind, fn in (("duet", duet_verdicts), ("sequential", seq_verdicts)):
    va, vb = fn(a), fn(b)
    keys = [k for k in va if k in vb]
    agree = sum(va[k][0] == vb[k][0] for k in keys)
    opposite = sum({va[k][0], vb[k][0]} == {"faster", "slower"} for k in keys)
    settled = sum(va[k][0] in ("faster", "slower", "no difference") for k in keys)
    print(f"\n## {kind}: {agree} of {len(keys)} verdicts agree, {opposite} opposite "
          f"({settled} of run A's are faster/slower/no difference)")
    for k in keys:
        if va[k][0] != vb[k][0]:
            fmt = lambda v: f"{v[0]} {100*(v[1]-1):+.1f}% [{100*(v[2]-1):+.1f}, {100*(v[3]-1):+.1f}]"
            print(f"- {k[0]} {k[1]}: {fmt(va[k])}  vs  {fmt(vb[k])}")
    grand[0] += agree; grand[1] += len(keys); grand[2] += opposite
cv = [c["cvRps"] for s in (a, b) for c in s["cells"] if c.get("cvRps") is not None]
if cv:
    print(f"\nsequential req/s CV per cell: median {statistics.median(cv)*100:.1f}%, max {max(cv)*100:.1f}%")
print(f"\ntotal: {grand[0]} of {grand[1]} verdicts agree; {grand[2]} opposite")
