#!/usr/bin/env python3
"""Pools the per-round lines of several parser-probe logs (run*.err): median (min-max) per
corpus and variant over all rounds, and the median of per-round paired ratios oxc/swc
(each oxc round against the swc round of the same round number, same run)."""
import re, sys, statistics as st
rows = {}   # (corpus, variant) -> list of (parse, drop)
pairs = {}  # (corpus, variant) -> list of (ratio parse, ratio parse+drop)
sizes = {}
for log in sys.argv[1:]:
    corpus = None
    per_round = {}
    for line in open(log):
        m = re.match(r'== (\w+): (\d+) files .*?, (\d+) bytes', line)
        if m:
            corpus = m.group(1); sizes[corpus] = (m.group(2), m.group(3)); continue
        m = re.match(r'\s+round (\d+)\s+(swc|oxc fresh|oxc reset): parse ([\d.]+) s, drop ([\d.]+) s', line)
        if m:
            r, v, p, d = int(m.group(1)), m.group(2), float(m.group(3)), float(m.group(4))
            rows.setdefault((corpus, v), []).append((p, d))
            per_round[(corpus, r, v)] = (p, d)
    for (c, r, v), (p, d) in per_round.items():
        if v == 'swc':
            continue
        sp, sd = per_round[(c, r, 'swc')]
        pairs.setdefault((c, v), []).append((p / sp, (p + d) / (sp + sd)))
def s(xs):
    return f"{st.median(xs):.3f} ({min(xs):.3f}–{max(xs):.3f})"
print(f"Pooled over {len(sys.argv)-1} runs: seconds, median (min–max) of all rounds.\n")
print("| corpus | files | MB | rounds | swc parse | swc drop | oxc parse (fresh) | oxc drop (fresh) | oxc parse (reset) | oxc reset |")
print("|---|---|---|---|---|---|---|---|---|---|")
for c in sizes:
    sw, fr, re_ = rows[(c, 'swc')], rows[(c, 'oxc fresh')], rows[(c, 'oxc reset')]
    print(f"| {c} | {sizes[c][0]} | {int(sizes[c][1])/1e6:.1f} | {len(sw)} | {s([p for p,_ in sw])} | {s([d for _,d in sw])} | "
          f"{s([p for p,_ in fr])} | {s([d for _,d in fr])} | {s([p for p,_ in re_])} | {s([d for _,d in re_])} |")
print("\nRatio oxc/swc, per round (paired with the swc round of the same run and round): median (min–max).\n")
print("| corpus | parse, fresh alloc | parse, reset alloc | parse+drop, fresh alloc | parse+drop, reset alloc |")
print("|---|---|---|---|---|")
for c in sizes:
    f, r = pairs[(c, 'oxc fresh')], pairs[(c, 'oxc reset')]
    print(f"| {c} | {s([a for a,_ in f])} | {s([a for a,_ in r])} | {s([b for _,b in f])} | {s([b for _,b in r])} |")
