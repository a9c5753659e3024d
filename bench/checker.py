"""Benchmark of the post checker on its labelled drafts: `python -m bench.checker`.

Reads data/checker_corpus.yaml (drafts written for the purpose, French and English, labelled
risky or safe, with a category) and checks each with the rules of data/post_rules.yaml and the
run-time lists at the top of the corpus. Prints, per category, how many risky drafts were flagged
(recall) and how many safe drafts were flagged (false alarms), the totals, the time per draft, and
with --verbose the drafts it got wrong. The drafts come in sets (first, second, holdout: see the
corpus file) so that the figures on drafts the rules were not tuned to can be read apart. Speed is
measured here, not in the tests. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from lib.activity.post_checker import find_issues, load_rules
from lib.core.config import DATA_DIR

CORPUS = DATA_DIR / "checker_corpus.yaml"


def load_corpus(path: Path = CORPUS) -> tuple[dict, list[dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["settings"], data["drafts"]


def evaluate(path: Path = CORPUS, customers: int = 0) -> dict:
    """Recall on risky drafts and false alarms on safe ones, overall and per category and language;
    `customers` adds that many made-up customer names (a large signal ledger) to time the checker."""
    settings, drafts = load_corpus(path)
    if customers:
        made_up = [f"Customer{i} {('SA', 'SAS', 'Group')[i % 3]}" for i in range(customers)]
        settings = {**settings, "checker.customer_names": settings["checker.customer_names"] + made_up}
    start = time.perf_counter()
    for rule in load_rules():  # compiles the rules and the lists' expressions once
        find_issues(rule["examples"]["en"]["fail"], "linkedin", settings)
    cold = (time.perf_counter() - start) * 1000
    per: defaultdict[str, dict[str, Any]] = defaultdict(lambda: {"label": "", "n": 0, "flagged": 0})
    wrong = []
    times: list[float] = []
    cpu_times: list[float] = []  # this thread's CPU time: what other work on the machine does not inflate
    for d in drafts:
        start, cpu = time.perf_counter(), time.thread_time()
        findings = find_issues(d["text"], "linkedin", settings)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.thread_time() - cpu) * 1000)
        flagged = bool(findings)
        keys = (
            d["category"],
            f"{d['label']} ({d['lang']})",
            f"{d['label']} [{d.get('set', 'first')}]",
            d["label"],
        )
        for key in keys:
            per[key]["label"] = d["label"]
            per[key]["n"] += 1
            per[key]["flagged"] += flagged
        if flagged != (d["label"] == "risky"):
            wrong.append({**d, "found": [f.rule for f in findings]})
    risky, safe = per["risky"], per["safe"]
    return {
        "drafts": len(drafts),
        "recall": risky["flagged"] / risky["n"],
        "false_alarms": safe["flagged"] / safe["n"],
        "per_category": {k: v for k, v in per.items() if k not in ("risky", "safe")},
        "ms_first": cold,
        "ms_median": statistics.median(times),
        "ms_p95": statistics.quantiles(times, n=20)[-1],
        "cpu_ms_median": statistics.median(cpu_times),
        "cpu_ms_p95": statistics.quantiles(cpu_times, n=20)[-1],
        "cpu_ms_max": max(cpu_times),
        "ms_max": max(times),
        "wrong": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--verbose", action="store_true", help="list the drafts the checker got wrong")
    parser.add_argument("--customers", type=int, default=0, help="add N made-up customer names (timing)")
    args = parser.parse_args()
    r = evaluate(args.corpus, args.customers)
    print(f"{'category':<28} {'label':<6} {'drafts':>6} {'flagged':>8} {'rate':>6}")
    for name, v in sorted(r["per_category"].items(), key=lambda kv: (kv[1]["label"], kv[0])):
        print(f"{name:<28} {v['label']:<6} {v['n']:>6} {v['flagged']:>8} {v['flagged'] / v['n']:>6.0%}")
    print(
        f"\n{r['drafts']} drafts: recall on risky drafts {r['recall']:.1%}, "
        f"false alarms on safe drafts {r['false_alarms']:.1%}; "
        f"time per draft: median {r['ms_median']:.2f} ms, p95 {r['ms_p95']:.2f} ms, max {r['ms_max']:.2f} ms "
        f"(after {r['ms_first']:.0f} ms once to compile the rules and lists); CPU time per draft: median "
        f"{r['cpu_ms_median']:.2f} ms, p95 {r['cpu_ms_p95']:.2f} ms, max {r['cpu_ms_max']:.2f} ms"
    )
    if args.verbose:
        for w in r["wrong"]:
            print(f"- [{w['label']}/{w['category']}/{w['lang']}] {w['text']}  -> {w['found'] or 'nothing'}")
    summary = {
        k: r[k]
        for k in (
            "drafts",
            "recall",
            "false_alarms",
            "ms_first",
            "ms_median",
            "ms_p95",
            "ms_max",
            "cpu_ms_median",
            "cpu_ms_p95",
            "cpu_ms_max",
        )
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
