"""Splits benchmark: generating every (train, test) split for 1M overlapping labels with PurgedKFold, CombinatorialPurgedKFold
and walk_forward, and checking them with check_no_leakage; sklearn's KFold on the same samples is the peer (it does no purging).

Target (issue 5): PurgedKFold split generation on 1M events under 1 s."""
from __future__ import annotations
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's mltrade, not an installed one
import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

from _common import best_time, report
from mltrade.splits import CombinatorialPurgedKFold, PurgedKFold, check_no_leakage, walk_forward

N, HORIZON, SEED = 1_000_000, 60, 0

def generate(splits) -> int:
    "Materialise every split; return the number of train positions (so nothing is optimised away)"
    return sum(len(tr) for tr, _ in splits)

def main():
    rng = np.random.default_rng(SEED)
    bars = pd.date_range("2024-01-01", periods=N + HORIZON, freq="min", tz="UTC")
    t1 = pd.Series(bars[np.arange(N) + rng.integers(1, HORIZON + 1, N)], index=bars[:N])
    X = pd.DataFrame(index=t1.index)
    print(f"data: {N:,} labels, one per minute, each lasting 1-{HORIZON} bars", flush=True)
    kfold = best_time(lambda: generate(KFold(5).split(X)), repeat=3)
    secs = best_time(lambda: generate(PurgedKFold(5, t1=t1, embargo=0.01).split(X)), repeat=3)
    report("PurgedKFold(5, embargo=0.01) split generation", N, secs, unit="events", ref_name="sklearn KFold(5), no purging", ref_seconds=kfold,
           target="< 1 s", ok=secs < 1)
    secs = best_time(lambda: check_no_leakage(PurgedKFold(5, t1=t1, embargo=0.01), t1), repeat=3)
    report("check_no_leakage on those 5 splits", N, secs, unit="events")
    kfold15 = best_time(lambda: generate(KFold(15).split(X)), repeat=2)
    secs = best_time(lambda: generate(CombinatorialPurgedKFold(6, 2, t1=t1, embargo=0.01).split(X)), repeat=2)
    report("CombinatorialPurgedKFold(6, 2) split generation (15 splits)", N, secs, unit="events", ref_name="sklearn KFold(15)", ref_seconds=kfold15)
    secs = best_time(lambda: generate(walk_forward(t1.index, 200_000, 100_000, mode="expanding", t1=t1, embargo=0.01)), repeat=3)
    report("walk_forward(expanding, purged, 8 splits) generation", N, secs, unit="events")

if __name__ == "__main__": main()
