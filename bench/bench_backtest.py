"""Backtest engine speed: 1M bars x 1 column and 1M bars x 100 columns with fees and slippage, against vectorbt's
`Portfolio.from_orders` on the same orders in the same process; plus the equivalence checks that make the comparison fair.

Fair inputs. Every peer gets its fastest input: vectorbt is given a **tz-naive** index (with a UTC index it converts the index
on every call, about ten times slower at 1M bars; that slow path is timed once at 1 column, for the record). `backtest()` takes
the project's UTC bars (it is as fast on a tz-naive index: it only checks the index and labels its outputs with it).

Equivalence (why the two simulate the same thing). `mltrade.backtest.engine.backtest(close, positions, open=...)` trades at
the open of bar t+1 to the target `positions[t]` whenever it differs from the target held; between changes the units are held.
In vectorbt that is: at bar t+1 an order with `size = positions[t]`, `size_type="targetpercent"`, `price = open[t+1]`,
`direction="both"`, only where the target changed (NaN elsewhere, so vectorbt does not re-balance), with `val_price` left at
its default (the order price), so vectorbt sizes it as `target x (cash + units x open) / open`, our cost-free formula.
At zero cost the two equities (vectorbt's `value()`, cash + units x close) must agree to 1e-9 relative. With costs the two
differ by design: we size the order so the position is on target *after* its slippage and fees, vectorbt sizes it before
them. The cost accounting itself (fill price open x (1 +/- slippage), fee = fees x |units| x fill price) is checked by
replaying our fills into vectorbt as `size_type="amount"` orders: equities again equal to 1e-9.

What is timed. `backtest()` end to end: argument checks, the kernel, the equity labelled as a Series/DataFrame (the fill,
trade and stop tables, units, positions and metrics are built on first access: timed separately at 1 column, as "with
tables"; at 100 columns they would hold several GB of temporaries). vectorbt's
`from_orders` likewise simulates and keeps records; its `value()` and `trades` are computed on access. "Kernel only" is
`simulate_nb` on prepared inputs with preallocated outputs.

Workload: seeded 1-minute GBM prices, opens off the previous close, targets in {-1, -0.5, 0, 0.5, 1} that change on about 1% of
bars (~8,000 fills per column over 1M bars), fees 10 bps, slippage 5 bps, starting cash 1e6 (vectorbt treats amounts within
1e-12 of zero as zero, so the account must not be dust). vectorbt is given `max_orders` = the number of orders (its default,
one record per cell, would allocate 5.6 GB for 100M cells). Equity comparisons run vectorbt 20 columns at a time to bound memory.
Timings are best-of-15 at 1 column, each function called in a row as `timeit` does (its inputs, 8 MB an array, partly left in
cache by the call before), and again with cold caches: 64 MB streamed before each call, the calls of `backtest()`, the kernel and
vectorbt interleaved round by round (a busy spell of the shared machine hits all three). At 100 columns (800 MB an array, never
in cache) best-of-3, interleaved. Numba compilation is excluded for both.

    python bench/bench_backtest.py            # or: python bench/run.py backtest
    BENCH_BACKTEST_COLUMNS=1 python bench/bench_backtest.py    # only the 1-column shape
"""
from __future__ import annotations
import gc, os, sys, time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import best_time, best_times, report  # noqa: E402
from mltrade.backtest.engine import SimInputs, backtest, backtest_reference, fill_dt, simulate_nb, stop_dt, trade_dt  # noqa: E402

N = int(os.environ.get("BENCH_BACKTEST_BARS", 1_000_000))
SHAPES = [int(m) for m in os.environ.get("BENCH_BACKTEST_COLUMNS", "1,100").split(",")]
FEES, SLIP, CASH, CHUNK = 0.001, 0.0005, 1e6, 20
TARGET = {1: 20.0, 100: 10.0}                                      # >= 20x at 1 column, >= 10x at 100 (the targets)

def make_data(n:int, m:int, seed:int=0, change:float=0.01):
    "Seeded GBM closes, opens off the previous close, and m columns of targets in {-1,-.5,0,.5,1} changing on ~`change` of bars"
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2020-01-01", periods=n, freq="1min", tz="UTC")
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.001, n)))
    open_ = np.r_[100.0, close[:-1]] * np.exp(rng.normal(0, 0.0002, n))
    pos = np.empty((n, m), order="F")
    levels = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    for j in range(m):
        flips = rng.random(n) < change
        flips[0] = True
        last = np.maximum.accumulate(np.where(flips, np.arange(n), 0))
        pos[:, j] = rng.choice(levels, n)[last]
    return pd.Series(close, idx, name="close"), pd.Series(open_, idx, name="open"), pd.DataFrame(pos, idx, columns=[f"c{j}" for j in range(m)])

def vbt_orders(pos:pd.DataFrame) -> pd.DataFrame:
    "The T+1 target-percent orders equivalent to `positions`: positions[t] at bar t+1 where the target changes, NaN elsewhere"
    a = pos.to_numpy()                                                # the target to reach at bar t was decided at t-1 (0 held at start)
    orders = np.full(a.shape, np.nan)
    np.copyto(orders[1], a[0], where=a[0] != 0)
    np.copyto(orders[2:], a[1:-1], where=a[1:-1] != a[:-2])           # in place: no n x m temporaries but the mask
    return pd.DataFrame(orders, pos.index, pos.columns, copy=False)

def fill_orders(res, index, columns) -> pd.DataFrame:
    "Our fills as vectorbt amount orders (units traded at each fill bar), NaN elsewhere"
    fr = res.fill_records
    amounts = np.full((len(index), len(columns)), np.nan)
    amounts[fr["bar"], fr["column"]] = fr["units_after"] - fr["units_before"]
    return pd.DataFrame(amounts, index, columns, copy=False)

def max_rel_diff(ours:pd.DataFrame, vbt, close, orders:pd.DataFrame, **kw) -> float:
    "Largest relative difference between our equity and vectorbt's value(), in column chunks to bound memory"
    worst = 0.0
    for k in range(0, orders.shape[1], CHUNK):
        cols = orders.columns[k:k + CHUNK]
        v = vbt.Portfolio.from_orders(close, orders[cols], max_orders=int(orders[cols].notna().to_numpy().sum()) + len(cols), **kw).value()
        worst = max(worst, float(np.max(np.abs(ours[cols].to_numpy() - v.to_numpy()) / np.abs(v.to_numpy()))))
        del v
        gc.collect()                                                    # vectorbt's objects hold reference cycles: free them now
    return worst

def kernel_inputs(close, open_, pos) -> SimInputs:
    "The kernel's inputs for this workload, laid out as `backtest` lays them out: (columns, bars), one shared price row"
    return SimInputs(close.to_numpy()[None], open_.to_numpy()[None], 0, np.ascontiguousarray(pos.to_numpy().T), np.full((1, 1), SLIP),
                     np.ones((1, 1)), np.zeros(2, np.int64), np.zeros(0, np.int64), np.zeros(0), FEES, 0.0, np.inf, 0.0, -1, CASH)

SCRATCH = np.zeros(64 * 2**20 // 8)                                # 64 MB, twice the last-level cache

def evict_caches():
    "Collect the last call's garbage (vectorbt's objects hold reference cycles); stream 64 MB so the next call reads from memory"
    gc.collect()
    SCRATCH.fill(1.0)

def with_tables(res):
    "Build what a report reads: the trade and fill tables and the metrics"
    return res.trades, res.fills, res.metrics

def run(m:int, vbt) -> bool:
    close, open_, pos = make_data(N, m)
    label = f"{N / 1e6:g}M bars x {m} column{'s' if m > 1 else ''}"
    repeat = 15 if m == 1 else 3
    ours = lambda: backtest(close, pos, open=open_, fees=FEES, slippage=SLIP, init_cash=CASH)
    res = ours()
    n_fills = len(res.fill_records)
    inp = kernel_inputs(close, open_, pos)
    out = (np.empty((m, N)), np.empty(n_fills, fill_dt), np.empty(len(res.trade_records), trade_dt), np.empty(1, stop_dt))
    timed = {"ours": ours, "kernel": lambda: simulate_nb(inp, *out)}
    target = TARGET.get(m, 10.0)
    if vbt is not None:
        orders = vbt_orders(pos)
        n_orders = int(orders.notna().to_numpy().sum())
        naive = lambda x: x.tz_localize(None)                         # vectorbt's fast path: a tz-naive index
        v_close, v_open, v_orders = naive(close), naive(open_), naive(orders)
        kw = dict(size_type="targetpercent", direction="both", price=v_open, init_cash=CASH, freq="1min")
        vbt.Portfolio.from_orders(v_close.iloc[:1000], v_orders.iloc[:1000], fees=FEES, slippage=SLIP, **{**kw, "price": v_open.iloc[:1000]})  # compile
        timed["vbt"] = lambda: vbt.Portfolio.from_orders(v_close, v_orders, fees=FEES, slippage=SLIP, max_orders=n_orders + m, **kw)
    if m == 1:                                                         # as timeit times: each in a row, inputs left in cache by the call before
        t = {k: best_time(fn, repeat=repeat, warmup=0) for k, fn in timed.items()}
        cold = best_times(timed, repeat=repeat, warmup=0, before=evict_caches)   # interleaved, every call from memory
    else:                                                              # 800 MB an array: never in cache; interleaved
        t = cold = best_times(timed, repeat=repeat, warmup=0, before=gc.collect)
    out = ()  # free the preallocated outputs
    t_tables = best_time(lambda: with_tables(ours()), repeat=repeat) if m == 1 else None   # at 100 columns: GBs of tables, skipped
    t_ours, t_kernel = t["ours"], t["kernel"]
    ref = "vectorbt Portfolio.from_orders, tz-naive index" if vbt is not None else None
    t_vbt = t.get("vbt")
    report(f"backtest() {label}, fees+slippage ({n_fills:,} fills)", N * m, t_ours, unit="bars", ref_name=ref, ref_seconds=t_vbt,
           target=f">= {target:g}x" if vbt is not None else "vectorbt not installed: no ratio", ok=None if t_vbt is None else t_vbt / t_ours >= target)
    if t_tables is not None:
        report(f"backtest() with tables (.trades, .fills, .metrics) {label}", N * m, t_tables, unit="bars", ref_name=ref, ref_seconds=t_vbt)
    report(f"simulation kernel only (outputs preallocated) {label}", N * m, t_kernel, unit="bars", ref_name=ref, ref_seconds=t_vbt)
    print(f"  checks and output around the kernel: {(t_ours - t_kernel) * 1e3:.1f} ms, {(t_ours - t_kernel) / t_kernel:.2f}x the kernel "
          f"(target <= 1x): {'met' if t_ours <= 2 * t_kernel else 'MISSED'}", flush=True)
    if cold is not t:
        ratio = f", {cold['vbt'] / cold['ours']:.1f}x vectorbt ({cold['vbt']:.3f}s)" if vbt is not None else ""
        print(f"  cold caches (64 MB streamed before each call, the three interleaved): backtest() {cold['ours'] * 1e3:.1f} ms{ratio}; "
              f"kernel {cold['kernel'] * 1e3:.1f} ms; around the kernel {(cold['ours'] - cold['kernel']) / cold['kernel']:.2f}x it", flush=True)
    if vbt is None: return True
    if m == 1:                                                         # the slow path, once, for the record
        t_utc = best_time(lambda: vbt.Portfolio.from_orders(close, orders, fees=FEES, slippage=SLIP, max_orders=n_orders + m,
                                                           **{**kw, "price": open_}), repeat=2, warmup=0)
        print(f"  (vectorbt given a UTC index instead: {t_utc:.3f}s, {t_utc / t_vbt:.1f}x its tz-naive time; "
              f"backtest() is {t_utc / t_ours:.0f}x that)", flush=True)
    # equivalence 1: zero cost, target-percent orders at the next open
    free = backtest(close, pos, open=open_, fees=0, slippage=0, init_cash=CASH).equity
    d0 = max_rel_diff(free, vbt, v_close, v_orders, fees=0.0, slippage=0.0, **kw)
    del free
    print(f"  equity vs vectorbt at zero cost, all {m} column(s): max relative difference {d0:.2e} (required <= 1e-9): {'ok' if d0 <= 1e-9 else 'FAILED'}",
          flush=True)
    # equivalence 2: with costs, our fills replayed as amount orders -> the same fee and slippage accounting
    d1 = max_rel_diff(res.equity, vbt, v_close, naive(fill_orders(res, pos.index, pos.columns)), fees=FEES, slippage=SLIP,
                      **{**kw, "size_type": "amount"})
    print(f"  equity vs vectorbt replaying our fills with fees+slippage: max relative difference {d1:.2e} (<= 1e-9): {'ok' if d1 <= 1e-9 else 'FAILED'}",
          flush=True)
    return d0 <= 1e-9 and d1 <= 1e-9

def run_reference(n:int=100_000):
    "The plain-Python reference on a slice, for scale"
    close, open_, pos = make_data(n, 1, seed=1)
    c, o, p = close.to_numpy(), open_.to_numpy(), pos.iloc[:, 0].to_numpy()
    sl, zf, vol = np.full(n, SLIP), np.zeros(n), np.ones(n)
    t_ref = best_time(lambda: backtest_reference(c, o, p, sl, zf, vol, FEES, 0.0, np.inf, 0.0, -1, CASH), repeat=1, warmup=0)
    t_ours = best_time(lambda: backtest(close, pos.iloc[:, 0], open=open_, fees=FEES, slippage=SLIP, init_cash=CASH), repeat=3)
    report(f"backtest() {n / 1e3:g}k bars x 1 column", n, t_ours, unit="bars", ref_name="pure-Python reference", ref_seconds=t_ref)

if __name__ == "__main__":
    try:
        import vectorbt as vbt
    except ImportError:
        vbt = None
    t = time.perf_counter()
    close, open_, pos = make_data(1000, 2)
    backtest(close, pos, open=open_); backtest(close, pos.iloc[:, 0], open=open_)
    print(f"numba compile / cache load: {time.perf_counter() - t:.2f}s", flush=True)
    ok = all([run(m, vbt) for m in SHAPES])
    run_reference()
    sys.exit(0 if ok else 1)
