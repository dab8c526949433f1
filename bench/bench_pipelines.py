"""Pipelines benchmark: the wall time of one symbol's run of the training template (`nbs/pipelines/train.ipynb` with its
small default range, three months of hourly bars) through `run_pipelines`, and the speed-up of two symbols on two Dask
workers over the same two on one.

The two symbols carry the same load: the bundled BTC hourly sample for January-March 2019, and the same bars for
January-March 2018 written to a parquet file and read back as the user's own data (`source="file"`). Each configuration
runs on a LocalCluster started beforehand (its start is timed apart), after a warm-up run on it, so the timed runs
measure the executions: a fresh kernel per symbol, its imports, the data, the features, the labels, the research run (tuning,
calibration, thresholds, hold-out backtest), MLflow logging and registration, the HTML rendering. The runs' home (settings,
MLflow store, Optuna studies) is the benchmark's temporary folder, never ~/.mltrade.
Every run is checked to have succeeded. Target (issue 14): report the figures; two workers on two cores should approach
2x, less whatever the kernels' start and the machine's other load take."""
from __future__ import annotations
import os, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's mltrade, not an installed one
from distributed import Client, LocalCluster

from _common import report
from mltrade.data.sources import load_bars
from mltrade.pipelines import run_pipelines

TEMPLATE = Path(__file__).resolve().parents[1]/"nbs"/"pipelines"/"train.ipynb"

def timed_batch(address:str, symbols:list[str], out:Path, overrides:dict) -> float:
    "Wall time of one batch on the cluster at `address`; every run must succeed"
    t = time.perf_counter()
    mine = {s: p for s, p in overrides.items() if s in symbols}
    batch = run_pipelines(symbols, TEMPLATE, out=out, scheduler=address, overrides=mine, progress=False)
    secs = time.perf_counter() - t
    if not batch.ok: raise SystemExit(f"a run failed:\n{batch.table[['status', 'error']]}")
    return secs

def main():
    work = Path(tempfile.mkdtemp(prefix="bench-pipelines-"))
    os.environ["MLTRADE_HOME"] = str(work)   # the kernels on the workers read their settings from the environment
    own = load_bars("BTCUSDT", "1h", "2018-01-01", "2018-04-01", source="sample")
    own.to_parquet(work/"btc_2018q1.parquet")
    overrides = {"BTCFILE": {"source": "file", "data_path": str(work/"btc_2018q1.parquet"), "start": None, "end": None}}
    print(f"template {TEMPLATE.name}: BTCUSDT 1h 2019-01..03 (sample) and BTCFILE 1h 2018-01..03 (parquet file), {len(own)} bars each", flush=True)
    results, one = {}, float("nan")
    for n in (1, 2):
        t = time.perf_counter()
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        started = time.perf_counter() - t
        try:
            timed_batch(cluster.scheduler_address, ["BTCUSDT", "BTCFILE"], work/f"warm{n}", overrides)   # warm-up: workers import mltrade
            if n == 1:
                one = timed_batch(cluster.scheduler_address, ["BTCUSDT"], work/"one", overrides)
                report("one symbol, one worker: run_pipelines end to end (kernel start, imports, bars, features, labels, HTML)", 1, one, unit="runs")
            results[n] = timed_batch(cluster.scheduler_address, ["BTCUSDT", "BTCFILE"], work/f"two{n}", overrides)
        finally:
            client.close(); cluster.close()
        print(f"LocalCluster of {n} worker(s) started in {started:.1f} s (not in the times)", flush=True)
    report("two symbols, one worker", 2, results[1], unit="runs")
    report("two symbols, two workers", 2, results[2], unit="runs", ref_name="one worker", ref_seconds=results[1], target="approach 2x on 2 cores")
    print(f"per symbol: {one:.1f} s alone; {results[1] / 2:.1f} s each, two on one worker; {results[2] / 2:.1f} s each, two on two workers "
          f"(speed-up {results[1] / results[2]:.2f}x)", flush=True)
    print(f"reports under {work}")

if __name__ == "__main__":
    main()
