#!/usr/bin/env python3
"""Compares two sweep run folders of the same plan (e.g. two default sweeps run back to back):
per cell, the coefficient of variation of req/s and server CPU/request across repeats in each run,
and whether the two runs' verdicts against eager+channel agree.
Usage: Scripts/agreement.py RUN_A RUN_B"""
import csv, sys, statistics

def load(run):
    with open(f"{run}/summary.csv") as f:
        return {r["cell"]: r for r in csv.DictReader(f)}

a, b = load(sys.argv[1]), load(sys.argv[2])
cells = [c for c in a if c in b]
print("| cell | CV rps A | CV rps B | CV CPU A | CV CPU B | rps verdict A / B | CPU verdict A / B |")
print("|---|---:|---:|---:|---:|---|---|")
cvs, agree, total, opposite = [], 0, 0, 0
for c in cells:
    x, y = a[c], b[c]
    row = [float(x["rps_cv"]), float(y["rps_cv"]), float(x["server_cpu_cv"]), float(y["server_cpu_cv"])]
    cvs.append(row)
    verdicts = []
    for m in ("rps_verdict", "server_cpu_verdict"):
        va, vb = x[m], y[m]
        verdicts.append(f"{va or '—'} / {vb or '—'}")
        if va and vb:
            total += 1
            agree += va == vb
            opposite += {va, vb} == {"faster", "slower"}
    print(f"| `{c}` | " + " | ".join(f"{v * 100:.1f}%" for v in row) + " | " + " | ".join(verdicts) + " |")
flat = lambda i: [r[i] for r in cvs]
for name, i, j in (("rps", 0, 1), ("server CPU/req", 2, 3)):
    both = flat(i) + flat(j)
    print(f"\n{name}: median CV {statistics.median(both) * 100:.1f}%, max {max(both) * 100:.1f}%, "
          f"cells with CV <= 5%: {sum(v <= 0.05 for v in both)} of {len(both)}")
print(f"verdicts: {agree} of {total} agree; {opposite} opposite (faster in one run, slower in the other)")
