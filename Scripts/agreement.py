#!/usr/bin/env python3
"""Do sweeps of the same plan (e.g. default sweeps run back to back) reach the same verdicts?
Reads each run's summary.json and compares, verdict by verdict:
  - the duet's (paired, simultaneous) CPU/request and req/s verdicts of every comparison and A/A;
  - the sequential phase's verdicts of every cell against eager + channel on every metric.
A verdict is its word (faster, slower, no difference, inconclusive, too few runs); a duet verdict
marked "(unsettled)" in the tables counts by its word alone.

Usage: Scripts/agreement.py RUN_A RUN_B
         each disagreement, the agreement per kind and in total, how many are opposite (faster in
         one run, slower in the other), and the per-cell CV of sequential req/s.
       Scripts/agreement.py --line RUN
         one run's A/A controls, the process pairs its comparisons took and what stayed unsettled.
       Scripts/agreement.py --latency RUN...
         the latency phase's verdicts (mean, p50, p99, p99.9 of each pool against eager + channel at
         each open-loop point; the latency duet's when the run has one) in every run side by side,
         and how many are settled and agree.
       Scripts/agreement.py --validity RUN...
         the check of each duet comparison against running alone, in every run side by side.
       Scripts/agreement.py --many RUN...
         per run: each A/A control, the process pairs its comparisons took and what stayed
         unsettled; then the headline: of the distinct duet comparisons on CPU per request (A/A
         controls left out; req/s is not counted again, its log ratios correlate with CPU's at
         0.996), how many read the same verdict in every run, how many never read opposite
         directions, and which are borderline (unsettled in some run, or in a too-noisy run: those
         are listed apart, not counted as agreeing); then the old tallies over every pair of runs
         (CPU, A/A left out) and every verdict that differed."""
import itertools, json, statistics, sys

def load(run):
    with open(f"{run}/summary.json") as f:
        return json.load(f)["summary"]

def duet_verdicts(s, metrics=("cpu", "rps"), controls=True):
    out = {}
    duet = s.get("duet") or {}
    for r in duet.get("rows", []):
        if r["isControl"] and not controls:
            continue
        for m in metrics:
            if r.get(m):
                t = r[m]["test"]
                out[(r["id"], m)] = (r[m]["verdict"], t["ratio"], t["interval"]["lower"], t["interval"]["upper"])
    return out

def unsettled_ids(s):
    """CPU comparisons whose verdict this run did not settle (every one, in a too-noisy run)."""
    duet = s.get("duet") or {}
    rows = [r for r in duet.get("rows", []) if not r["isControl"] and r.get("cpu")]
    if duet.get("machineTooNoisy"):
        return {r["id"] for r in rows}
    return {r["id"] for r in rows if r["cpu"].get("settled") is False}

def seq_verdicts(s):
    out = {}
    for c in s.get("comparisons", []):
        k = c["cell"]
        cid = f'{k["scenario"]}.{k["context"]}.{k["dispatcher"]}.w{k["workers"]}.c{k["connections"]}'
        if k.get("rate"): cid += f'.r{k["rate"]}'
        if k.get("runtime", "lua5.4") != "lua5.4": cid += f'.{k["runtime"]}'
        out[(cid, c["metric"])] = (c["verdict"], c["ratio"]["value"], c["ratio"]["interval"]["lower"], c["ratio"]["interval"]["upper"])
    return out

def fmt(v):
    return f"{v[0]} {100*(v[1]-1):+.2f}% [{100*(v[2]-1):+.2f}, {100*(v[3]-1):+.2f}]"

def tally(va, vb):
    keys = [k for k in va if k in vb]
    agree = sum(va[k][0] == vb[k][0] for k in keys)
    opposite = sum({va[k][0], vb[k][0]} == {"faster", "slower"} for k in keys)
    return agree, len(keys), opposite

def two(run_a, run_b):
    a, b = load(run_a), load(run_b)
    grand = [0, 0, 0]
    for kind, fn in (("duet", duet_verdicts), ("sequential", seq_verdicts)):
        va, vb = fn(a), fn(b)
        agree, n, opposite = tally(va, vb)
        settled = sum(va[k][0] in ("faster", "slower", "no difference") for k in va if k in vb)
        print(f"\n## {kind}: {agree} of {n} verdicts agree, {opposite} opposite "
              f"({settled} of run A's are faster/slower/no difference)")
        for k in va:
            if k in vb and va[k][0] != vb[k][0]:
                print(f"- {k[0]} {k[1]}: {fmt(va[k])}  vs  {fmt(vb[k])}")
        grand[0] += agree; grand[1] += n; grand[2] += opposite
    cv = [c["cvRps"] for s in (a, b) for c in s["cells"] if c.get("cvRps") is not None]
    if cv:
        print(f"\nsequential req/s CV per cell: median {statistics.median(cv)*100:.1f}%, max {max(cv)*100:.1f}%")
    print(f"\ntotal: {grand[0]} of {grand[1]} verdicts agree; {grand[2]} opposite")

LATENCY = ("lat_mean_us", "lat_p50_us", "lat_p99_us", "lat_p999_us")

def latency(runs):
    """The latency phase's verdicts (open-loop groups) in each run, side by side, matched by
    connection count and rank of rate (each run measures its own capacity, so rates differ)."""
    tables = []
    for run in runs:
        s = load(run)
        rows = {}
        rates = {}
        # The latency duet's comparisons when the run has them, else the sequential phase's.
        comparisons = (s.get("latencyDuet") or {}).get("comparisons") or s.get("comparisons", [])
        for c in comparisons:
            k = c["cell"]
            if not k.get("rate") or c["metric"] not in LATENCY: continue
            rates.setdefault((k.get("runtime", "lua5.4"), k["connections"]), set()).add(k["rate"])
        for c in comparisons:
            k = c["cell"]
            if not k.get("rate") or c["metric"] not in LATENCY: continue
            group = (k.get("runtime", "lua5.4"), k["connections"])
            rank = sorted(rates[group]).index(k["rate"])
            rows[(group, rank, k["dispatcher"], c["metric"])] = (c["verdict"], c["ratio"]["value"], c["ratio"]["interval"]["lower"],
                                                               c["ratio"]["interval"]["upper"], k["rate"])
        tables.append(rows)
    keys = sorted({k for t in tables for k in t})
    settled = ("faster", "slower", "no difference")
    agree = all_settled = 0
    for key in keys:
        vs = [t.get(key) for t in tables]
        (rt, conn), rank, disp, metric = key
        words = [v[0] if v else "-" for v in vs]
        ok = all(w in settled for w in words)
        same = len(set(words)) == 1
        all_settled += ok; agree += ok and same
        print(f"{rt} c{conn} rate#{rank} {disp} {metric}: " + " | ".join(
            f"{v[0]} {100*(v[1]-1):+.1f}% [{100*(v[2]-1):+.1f}, {100*(v[3]-1):+.1f}] @{v[4]}" if v else "-" for v in vs))
    print(f"\nlatency rows: {len(keys)}; settled (faster/slower/no difference) in every run: {all_settled}; "
          f"of those the same verdict in every run: {agree}")

def validity(runs):
    """Each duet comparison's check against running alone, per run."""
    tables = [{v["id"]: v for v in (load(r).get("validity") or [])} for r in runs]
    for key in sorted({k for t in tables for k in t}):
        cells = []
        for t in tables:
            v = t.get(key)
            if not v:
                cells.append("-"); continue
            d, a, r = v["duet"], v["standalone"], v["ratio"]
            cells.append(f"{v['outcome']}: duet {100*(d['value']-1):+.1f}%, alone {100*(a['value']-1):+.1f}% "
                         f"[{100*(a['interval']['lower']-1):+.1f}, {100*(a['interval']['upper']-1):+.1f}] ({v.get('method', 'sequential')}), "
                         f"duet/alone {100*(r['value']-1):+.1f}% [{100*(r['interval']['lower']-1):+.1f}, {100*(r['interval']['upper']-1):+.1f}]")
        print(f"{key}:\n  " + "\n  ".join(cells))

def run_line(run):
    """One run's A/A controls, process pairs per comparison and unsettled verdicts."""
    rows = (load(run).get("duet") or {}).get("rows", [])
    aa, pairs, unsettled = [], [], []
    for r in rows:
        ref = r["reference"]
        if r["isControl"]:
            t = r.get("cpu")
            aa.append(f"A/A {ref['context']}+{ref['dispatcher']} " + (
                f"{100*(t['test']['ratio']-1):+.2f}% [{100*(t['test']['interval']['lower']-1):+.2f}, "
                f"{100*(t['test']['interval']['upper']-1):+.2f}] {t['verdict']} ({r['starts']} pairs)" if t else "failed"))
        else:
            pairs.append(r["starts"])
        unsettled += [f"{r['id']} {m}" for m in ("cpu", "rps") if r.get(m) and r[m].get("settled") is False]
    more = [p for p in pairs if p > min(pairs, default=0)]
    return (" | ".join(aa) + f"; comparisons: {len(pairs)}, {len(more)} given more pairs ({', '.join(map(str, sorted(more))) or '-'})"
            + (f"; unsettled: {', '.join(unsettled)}" if unsettled
               else "; every verdict settled" if any("settled" in (r.get("cpu") or {}) for r in rows)
               else ""))

def many(runs):
    summaries = [load(r) for r in runs]
    name = lambda r: r.rstrip("/").split("/")[-1]
    for r in runs:
        print(f"{name(r)}: {run_line(r)}")
    aa_ok = sum(all(v[0] == "no difference" for (rid, m), v in x.items() if rid.startswith("a/a.") and m == "cpu")
                for x in (duet_verdicts(s) for s in summaries))
    noisy = sum(bool((s.get("duet") or {}).get("machineTooNoisy")) for s in summaries)
    print(f"\nA/A controls all 'no difference' (CPU/request) in {aa_ok} of {len(runs)} runs; too noisy: {noisy}")
    # The headline: distinct comparisons, CPU per request, A/A controls left out.
    vs = [duet_verdicts(s, ("cpu",), controls=False) for s in summaries]
    border = set().union(*(unsettled_ids(s) for s in summaries)) if summaries else set()
    ids = sorted({k[0] for v in vs for k in v})
    same = [i for i in ids if i not in border and len({v[(i, "cpu")][0] for v in vs if (i, "cpu") in v}) == 1]
    opposite = [i for i in ids if {"faster", "slower"} <= {v[(i, "cpu")][0] for v in vs if (i, "cpu") in v}]
    settled_ids = [i for i in ids if i not in border]
    print(f"\ndistinct comparisons (CPU per request, A/A left out): {len(ids)}; "
          f"settled in every run: {len(settled_ids)}, of which the same verdict in all {len(runs)} runs: {len(same)}; "
          f"opposite directions in some pair of runs: {len(opposite)}")
    for i in ids:
        counts = {}
        for v in vs:
            if (i, "cpu") in v: counts[v[(i, "cpu")][0]] = counts.get(v[(i, "cpu")][0], 0) + 1
        unsettled_in = sum(i in unsettled_ids(s) for s in summaries)
        tag = "borderline, unsettled in %d run(s)" % unsettled_in if i in border else "settled"
        print(f"  {i}: {counts} ({tag})")
    agree = total = opposite_n = 0; worst = 1.0
    for a, b in itertools.combinations(vs, 2):
        ag, n, op = tally(a, b)
        agree += ag; total += n; opposite_n += op
        if n: worst = min(worst, ag / n)
    if total:
        print(f"\nover {len(vs) * (len(vs) - 1) // 2} pairs of runs (CPU, A/A left out): {agree} of {total} verdicts agree "
              f"({100*agree/total:.1f}%), {opposite_n} opposite; the least agreeing pair: {100*worst:.1f}%")
    print("\nconsecutive runs (back to back):")
    for (ra, a), (rb, b) in zip(zip(runs, vs), zip(runs[1:], vs[1:])):
        ag, n, op = tally(a, b)
        print(f"  {name(ra)} vs {name(rb)}: {ag} of {n} agree, {op} opposite")
    keys = sorted({k for v in vs for k in v})
    differing = [k for k in keys if len({v[k][0] for v in vs if k in v}) > 1]
    print(f"\nverdicts that differed between runs: {len(differing)} of {len(keys)}")
    for k in differing:
        print(f"\n{k[0]} {k[1]}:")
        for r, v in zip(runs, vs):
            if k in v: print(f"   {name(r)}  {fmt(v[k])}")

if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--latency":
        latency(sys.argv[2:])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--validity":
        validity(sys.argv[2:])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--many":
        many(sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "--line":
        print(run_line(sys.argv[2]))
    elif len(sys.argv) == 3:
        two(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
