#!/usr/bin/env python3
"""Prints the figures of a Scripts/fleet-netns.sh folder, read from its JSON files only:
per run, the target and offered rate, sent and intended sends, and merged totals against the
sums of the segments (requests, errors, each histogram's count). Usage: fleet-figures.py OUT"""
import glob, json, os, sys

out = sys.argv[1]
for run in ("open-loop", "closed-loop", "host-2-unreachable"):
    d = os.path.join(out, run)
    parts = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(d, "segment-*.json")))]
    m = json.load(open(os.path.join(d, "merged.json")))
    def total(key):
        return sum(p[key] or 0 for p in parts)
    def hist(r, name):
        e = r["latency"].get(name)
        return None if e is None else e["histogram"]["totalCount"]
    names = ["%d/%d" % (p["segment"]["index"], p["segment"]["count"]) for p in parts]
    print(f"== {run}: {len(parts)} segments {names}")
    if m["run"].get("targetRate") is not None:
        rate = m["run"]["targetRate"]
        offered = sum(p["sentRequests"] / p["durationSeconds"] for p in parts)
        print(f"  target rate {rate:.1f} req/s; offered (sum of sent/window) {offered:.1f} req/s = {100 * offered / rate:.3f}% of target")
        print(f"  sent {total('sentRequests')} of {total('intendedSends')} intended sends in the windows; missed {m['openLoop']['missedSends']}")
    print(f"  requests: merged {m['requests']}, sum of segments {total('requests')}")
    print(f"  errors: merged {m['errors']}, per segment {[p['errors'] for p in parts]}")
    for name in ("success", "failed", "corrected"):
        if hist(m, name) is not None:
            print(f"  {name} histogram count: merged {hist(m, name)}, sum of segments {sum(hist(p, name) for p in parts)}")
    print(f"  start skew {1000 * m['startSkewSeconds']:.2f} ms; saturated segments {[p['segment'] for p in m['parts'] if p['saturated']]}")
