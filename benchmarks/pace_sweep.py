"""Issue 20's whole range on the simulated clock: the pace beside a known rate (``nox -s sweep``).

Each job is drawn at random (a fixed seed) from the range issue 20 asks the pace to fill:
a leaky bucket of 5-100 requests/s, burst 1-20, 0-100 ms of latency, ``Retry-After`` in
seconds, as an HTTP date or absent; 1-16 requests in flight, in input order (as
``list_query_runs_many``) or not; 20, 30 or 60 s of the bucket's time; with and without
timing noise (jitter on the way, answers read late, runners woken late, first connections).
Jobs whose workers cannot carry the rate at all (``workers / round trip < rate``) are set
aside. Each job runs twice on ``tests/pace_sim.py``: the pace learning the bucket (no
``rate_limit``), and the baseline of the same run, a client told the bucket's true rate
(``rate_limit=rate``: no learning, only timing noise). A job *meets* issue 20 when no
request ran out of tries, at most 3% of the answers were ``429`` and, on jobs of 30 s or
more, the throughput reached 0.9 of the rate.

Prints, for both, how many jobs meet it and why the others miss, by family (slow buckets,
one-request buckets, one or two in flight, in input order); the ratio of the pace's count
to the baseline's; and with ``--json PATH`` every job's figures (to compare two commits
job by job). Nothing asserts. Usage: ``pace_sweep.py [--jobs N] [--seed S] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pace_sim import Bucket, simulate

Job = dict[str, Any]

FAMILIES: dict[str, Callable[[Job], bool]] = {
    "all": lambda job: True,
    "slow (5-10/s)": lambda job: job["rate"] <= 10,
    "one-request (burst 1)": lambda job: job["burst"] == 1,
    "1-2 in flight": lambda job: job["workers"] <= 2,
    "in input order": lambda job: job["in_order"],
    "no timing noise": lambda job: not any(k in job for k in ("jitter", "back", "late")),
}


def draw_jobs(count: int, seed: int) -> list[Job]:
    """``count`` jobs of issue 20's range, drawn with ``seed``; those the workers cannot
    carry are left out (so fewer may come back)."""
    draw = random.Random(seed)
    jobs = []
    for index in range(count):
        job: Job = {
            "id": index,
            "rate": draw.choice([5, 8, 12, 20, 30, 50, 70, 100]),
            "burst": draw.choice([1, 2, 3, 5, 10, 20]),
            "latency": draw.choice([0, 0.001, 0.005, 0.02, 0.05, 0.1]),
            "retry_after": draw.choice(["seconds", "date", "absent"]),
            "workers": draw.choice([1, 2, 4, 8, 16]),
            "in_order": draw.random() < 0.5,
            "seconds": draw.choice([20, 30, 60]),
            "seed": draw.randrange(4),
        }
        if draw.random() < 0.5:
            job["jitter"] = round(draw.uniform(0.0005, 0.002), 5)
        if draw.random() < 0.5:
            job["back"] = round(draw.uniform(0.0005, 0.005), 5)
        if draw.random() < 0.3:
            job["connect"] = round(draw.uniform(0.01, 0.04), 4)
        if draw.random() < 0.3:
            job["late"] = 0.001
        trip = job["latency"] + sum(job.get(k, 0.0) for k in ("jitter", "back", "late"))
        if trip == 0 or job["workers"] / trip >= job["rate"]:
            jobs.append(job)
    return jobs


def run_job(job: Job) -> Job:
    """The job's figures, learnt and with the rate known: throughput (of the rate), share
    of ``429`` answers, requests that ran out of tries."""
    bucket = Bucket(job["rate"], job["burst"], job["latency"], job["retry_after"])
    options = {
        k: job[k]
        for k in ("workers", "in_order", "seed", "jitter", "back", "connect", "late")
        if k in job
    }
    found: Job = {"id": job["id"]}
    for name, rate_limit in (("pace", None), ("known", float(job["rate"]))):
        outcome = simulate(bucket, float(job["seconds"]), rate_limit=rate_limit, **options)
        found[name] = {
            "throughput": round(outcome.throughput, 4),
            "share_429": round(outcome.share_429, 4),
            "failed": outcome.failed,
        }
    return found


def misses(job: Job, figures: Job) -> list[str]:
    """Why a job misses issue 20 (empty: it meets it)."""
    why = []
    if figures["failed"]:
        why.append("failed")
    if figures["share_429"] > 0.03:
        why.append("429 > 3%")
    if job["seconds"] >= 30 and figures["throughput"] < 0.9:
        why.append("< 0.9")
    return why


def report(jobs: list[Job], results: dict[int, Job]) -> None:
    """Print the counts of jobs meeting issue 20, by family, learnt beside known."""
    print(f"{len(jobs)} jobs the workers can carry; met / jobs (why the others miss)")
    for family, member in FAMILIES.items():
        chosen = [job for job in jobs if member(job)]
        if not chosen:
            continue
        cells = []
        for name in ("pace", "known"):
            why: Counter[str] = Counter()
            met = 0
            for job in chosen:
                missed = misses(job, results[job["id"]][name])
                met += not missed
                why.update(missed)
            reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(why.items()))
            cells.append((met, f"{met} ({reasons or 'none'})"))
        failed = sum(results[job["id"]]["pace"]["failed"] for job in chosen)
        ratio = cells[0][0] / cells[1][0] if cells[1][0] else float("nan")
        print(
            f"{family:24} {len(chosen):6}  pace {cells[0][1]:52}  rate known {cells[1][1]:40}"
            f"  pace / known {ratio:.3f}  requests failed {failed}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=3000, help="jobs to draw (default 3000)")
    parser.add_argument("--seed", type=int, default=20, help="the draw's seed (default 20)")
    parser.add_argument("--json", type=Path, help="write every job and its figures here")
    args = parser.parse_args()
    jobs = draw_jobs(args.jobs, args.seed)
    with multiprocessing.Pool(os.cpu_count()) as pool:
        results = {found["id"]: found for found in pool.imap_unordered(run_job, jobs, 8)}
    report(jobs, results)
    if args.json:
        rows = [{**job, **results[job["id"]]} for job in jobs]
        args.json.write_text(json.dumps(rows, indent=0) + "\n", "utf-8")


if __name__ == "__main__":
    main()
