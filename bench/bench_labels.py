"""Labels benchmark: triple-barrier labeling of ~100k CUSUM events on 1M one-minute bars, numba against the pure-Python
reference in the same run (close-only and high/low touches); sample weights on 1M events (and against the plain loops on 100k).

Targets (issue 5): triple barrier >= 100x faster than the reference and under 0.5 s; sample weights on 1M events under 1 s.
Numba compilation is excluded from the timings (warm-up call) and reported on its own line. The labeler's default uses every
core (threads over slices of the events); the one-thread time, the time with cold caches and the CPU time summed over threads
are printed too."""
from __future__ import annotations
import sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's mltrade, not an installed one
import numba
import numpy as np
import pandas as pd

from _common import best_time, cold_time, report
from mltrade import kernels as K
from mltrade import labels as L
from mltrade.labels import cusum_events, ewm_volatility, sample_weights, sample_weights_reference, triple_barrier_labels, triple_barrier_reference

N_BARS, HORIZON, SEED = 1_000_000, 60, 0

def minute_bars(n:int, seed:int) -> pd.DataFrame:
    "Seeded geometric random walk, 0.1 % per minute, with highs and lows around each bar"
    rng = np.random.default_rng(seed)
    close = 30_000 * np.exp(np.cumsum(rng.normal(0, 0.001, n)))
    open_ = np.r_[close[0], close[:-1]]
    wick = np.abs(rng.normal(0, 0.0005, (2, n)))
    idx = pd.date_range("2024-01-01", periods=n, freq="min", tz="UTC", name="open_time")
    return pd.DataFrame(dict(high=np.maximum(open_, close) * np.exp(wick[0]), low=np.minimum(open_, close) * np.exp(-wick[1]), close=close), index=idx)

def best_cpu(fn, repeat:int) -> float:
    "Best CPU time (process_time) of `repeat` calls: less sensitive than wall time to other jobs on a shared machine"
    times = []
    for _ in range(repeat):
        t = time.process_time(); fn(); times.append(time.process_time() - t)
    return min(times)

def compile_seconds() -> float:
    "Time to compile the labeler's kernel and its scan from scratch (fresh, uncached dispatchers)"
    scan, fresh = numba.njit(K.first_outside.py_func), numba.njit(L._first_touch.py_func)
    c = np.linspace(100, 101, 50)
    t = time.perf_counter()
    scan(c, c, 101.0, 99.0, 1, 50)
    out = np.empty(5, dtype=np.int64), np.empty(5), np.empty(5), np.empty(5, dtype=np.int8)
    fresh(c, c, c, np.arange(50, dtype=np.int64), np.arange(5, dtype=np.int64), np.full(5, 0.01), np.ones(1), False, 0.0, 1.0, 1.0, 10, False, *out, 0, 5)
    return time.perf_counter() - t

def main():
    bars = minute_bars(N_BARS, SEED)
    events = cusum_events(bars.close, 0.0032)                    # about one event per 10 bars
    target = ewm_volatility(bars.close, span=100) * np.sqrt(HORIZON)
    print(f"data: {N_BARS:,} one-minute bars, {len(events):,} CUSUM events; pt_sl=(1, 1), target = EWM vol x sqrt(max_holding)", flush=True)
    report("numba compile of the labeler kernel (excluded below)", 1, compile_seconds(), unit="compiles")
    cases = [("close-only", {}, HORIZON), ("high/low", dict(high=bars.high, low=bars.low), HORIZON), ("close-only", {}, 1440)]
    for mode, kw, horizon in cases:
        tgt = target if horizon == HORIZON else target * np.sqrt(horizon / HORIZON)
        args = dict(close=bars.close, events=events, target=tgt, pt_sl=(1, 1), max_holding=horizon, **kw)
        fast = lambda a=args: triple_barrier_labels(**a)
        ref = lambda a=args: triple_barrier_reference(**a)
        out = fast()
        secs = best_time(fast, repeat=15)
        ref_secs = best_time(ref, repeat=3 if horizon == HORIZON else 2, warmup=0)   # best of several for both: the machine is shared
        pd.testing.assert_frame_equal(out, ref(), check_exact=True)   # same labels, bit for bit
        n = len(out)
        report(f"triple_barrier_labels {mode}, max_holding={horizon}", n, secs, unit="events", ref_name="pure-Python reference",
               ref_seconds=ref_secs, target=">= 100x and < 0.5 s", ok=ref_secs / secs >= 100 and secs < 0.5)
        cold = cold_time(fast, repeat=15)
        print(f"  caches cold (a full gc.collect() before each call): {cold * 1e3:.1f} ms = {ref_secs / cold:.1f}x", flush=True)
        one = best_time(lambda a=args: triple_barrier_labels(**a, n_jobs=1), repeat=15)
        print(f"  one thread (n_jobs=1): {one * 1e3:.1f} ms = {ref_secs / one:.1f}x; the default uses {K.available_cores()} threads", flush=True)
        cpu, ref_cpu = best_cpu(fast, 15), best_cpu(ref, 2)
        print(f"  cpu time (all threads): {cpu * 1e3:.1f} ms vs {ref_cpu:.3f} s = {ref_cpu / cpu:.1f}x", flush=True)
        scanned = np.searchsorted(bars.index.asi8, pd.DatetimeIndex(out.t1.dropna()).asi8) - np.searchsorted(bars.index.asi8, out.dropna().index.asi8)
        print(f"  barriers: {out.barrier.value_counts(dropna=False).to_dict()}; mean bars scanned {scanned.mean():.1f}", flush=True)

    rng = np.random.default_rng(SEED)
    close = minute_bars(N_BARS + HORIZON, SEED + 1).close
    t0 = close.index[:N_BARS]
    t1 = pd.Series(close.index[np.arange(N_BARS) + rng.integers(1, HORIZON + 1, N_BARS)], index=t0)
    secs = best_time(lambda: sample_weights(t1, close), repeat=5)
    report("sample_weights, 1M events (1-60 bar lives)", N_BARS, secs, unit="events", target="< 1 s", ok=secs < 1)
    sub, sub_close = t1.iloc[:100_000], close.iloc[:100_000 + HORIZON]
    secs = best_time(lambda: sample_weights(sub, sub_close), repeat=5)
    ref_secs = best_time(lambda: sample_weights_reference(sub, sub_close), repeat=1, warmup=0)
    np.testing.assert_allclose(sample_weights(sub, sub_close).to_numpy(), sample_weights_reference(sub, sub_close).to_numpy(), rtol=1e-9)
    report("sample_weights, first 100k of those events", len(sub), secs, unit="events", ref_name="plain loops", ref_seconds=ref_secs)

if __name__ == "__main__": main()
