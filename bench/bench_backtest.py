"""Backtest engine speed: 1M bars x 1 column and 1M bars x 100 columns with fees and slippage, against vectorbt's
`Portfolio.from_orders` on the same orders in the same process; plus the equivalence checks that make the comparison fair.

Equivalence (why the two simulate the same thing). `mltrade.backtest.engine.backtest(close, positions, open=...)` trades at
the open of bar t+1 to the target `positions[t]` whenever it differs from the target held; between changes the units are held.
In vectorbt that is: at bar t+1 an order with `size = positions[t]`, `size_type="targetpercent"`, `price = open[t+1]`,
`direction="both"`, only where the target changed (NaN elsewhere, so vectorbt does not re-balance), with `val_price` left at
its default (the order price), so vectorbt sizes it as `target x (cash + units x open) / open`, our cost-free formula.
At zero cost the two equities (vectorbt's `value()`, cash + units x close) must agree to 1e-9 relative. With costs the two
differ by design: we size the order so the position is on target *after* its slippage and fees, vectorbt sizes it before
them. The cost accounting itself (fill price open x (1 +/- slippage), fee = fees x |units| x fill price) is checked by
replaying our fills into vectorbt as `size_type="amount"` orders: equities again equal to 1e-9.

Workload: seeded 1-minute GBM prices, opens off the previous close, targets in {-1, -0.5, 0, 0.5, 1} that change on about 1% of
bars (~10,000 fills per column over 1M bars), fees 10 bps, slippage 5 bps, starting cash 1e6 (vectorbt treats amounts within
1e-12 of zero as zero, so the account must not be dust). vectorbt is given `max_orders` = the number of orders (its default,
one record per cell, would allocate 5.6 GB for 100M cells). Equity comparisons run vectorbt 20 columns at a time to bound memory.
Timings are best-of-3 (vectorbt at 100 columns: best-of-2) after numba compilation, which is excluded for both.

    python bench/bench_backtest.py            # or: python bench/run.py backtest
"""
from __future__ import annotations
import os, sys, time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import best_time, report  # noqa: E402
from mltrade.backtest.engine import _simulate_nb, backtest, backtest_reference  # noqa: E402

N = int(os.environ.get("BENCH_BACKTEST_BARS", 1_000_000))
FEES, SLIP, TARGET, CASH, CHUNK = 0.001, 0.0005, 10.0, 1e6, 20

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
    a = pos.to_numpy()
    fill = np.vstack([np.zeros((1, a.shape[1])), a[:-1]])            # target to reach at bar t: decided at t-1 (0 held at start)
    prev = np.vstack([np.zeros((1, a.shape[1])), fill[:-1]])
    return pd.DataFrame(np.where(fill != prev, fill, np.nan), pos.index, pos.columns)

def fill_orders(res, index, columns) -> pd.DataFrame:
    "Our fills as vectorbt amount orders (units traded at each fill bar), NaN elsewhere"
    fr = res.fill_records
    amounts = np.full((len(index), len(columns)), np.nan)
    amounts[fr[:, 1].astype(np.int64), fr[:, 0].astype(np.int64)] = fr[:, 3] - fr[:, 2]
    return pd.DataFrame(amounts, index, columns)

def max_rel_diff(ours:pd.DataFrame, vbt, close, orders:pd.DataFrame, **kw) -> float:
    "Largest relative difference between our equity and vectorbt's value(), in column chunks to bound memory"
    worst = 0.0
    for k in range(0, orders.shape[1], CHUNK):
        cols = orders.columns[k:k + CHUNK]
        v = vbt.Portfolio.from_orders(close, orders[cols], max_orders=int(orders[cols].notna().to_numpy().sum()) + len(cols), **kw).value()
        worst = max(worst, float(np.max(np.abs(ours[cols].to_numpy() - v.to_numpy()) / np.abs(v.to_numpy()))))
        del v
    return worst

def kernel_args(close, open_, pos, fees, slip):
    return (close.to_numpy()[None, :], open_.to_numpy()[None, :], np.ascontiguousarray(pos.to_numpy().T), np.full((1, 1), slip),
            np.zeros((1, 1)), np.ones((1, 1)), fees, 0.0, np.inf, 0.0, -1, CASH)

def run(m:int, vbt) -> bool:
    close, open_, pos = make_data(N, m)
    label = f"{N / 1e6:g}M bars x {m} column{'s' if m > 1 else ''}"
    ours = lambda: backtest(close, pos, open=open_, fees=FEES, slippage=SLIP, init_cash=CASH)
    t_ours = best_time(ours, repeat=3)
    res = ours()
    n_fills = len(res.fill_records)
    args = kernel_args(close, open_, pos, FEES, SLIP)
    out = (np.empty((m, N)), np.empty((m, N)), np.empty((n_fills, 8)), np.empty((len(res.trade_records), 12)), np.empty((1, 5)))
    t_kernel = best_time(lambda: _simulate_nb(*args, *out), repeat=3)
    out = ()  # free the preallocated outputs before vectorbt runs
    if vbt is None:
        report(f"backtest() {label}, fees+slippage ({n_fills:,} fills)", N * m, t_ours, unit="bars", target="vectorbt not installed: no ratio")
        report(f"simulation kernel only (outputs preallocated) {label}", N * m, t_kernel, unit="bars")
        return True
    orders = vbt_orders(pos)
    n_orders = int(orders.notna().to_numpy().sum())
    kw = dict(size_type="targetpercent", direction="both", price=open_, init_cash=CASH, freq="1min")
    vbt.Portfolio.from_orders(close.iloc[:1000], orders.iloc[:1000], fees=FEES, slippage=SLIP, **{**kw, "price": open_.iloc[:1000]})  # compile
    t_vbt = best_time(lambda: vbt.Portfolio.from_orders(close, orders, fees=FEES, slippage=SLIP, max_orders=n_orders + m, **kw),
                      repeat=3 if m == 1 else 2, warmup=0)
    report(f"backtest() {label}, fees+slippage ({n_fills:,} fills)", N * m, t_ours, unit="bars", ref_name="vectorbt Portfolio.from_orders",
           ref_seconds=t_vbt, target=f">= {TARGET:g}x", ok=t_vbt / t_ours >= TARGET)
    report(f"simulation kernel only (outputs preallocated) {label}", N * m, t_kernel, unit="bars", ref_name="vectorbt Portfolio.from_orders",
           ref_seconds=t_vbt, target=f">= {TARGET:g}x", ok=t_vbt / t_kernel >= TARGET)
    # equivalence 1: zero cost, target-percent orders at the next open
    free = backtest(close, pos, open=open_, fees=0, slippage=0, init_cash=CASH).equity
    d0 = max_rel_diff(free, vbt, close, orders, fees=0.0, slippage=0.0, **kw)
    del free
    print(f"  equity vs vectorbt at zero cost, all {m} column(s): max relative difference {d0:.2e} (required <= 1e-9): {'ok' if d0 <= 1e-9 else 'FAILED'}",
          flush=True)
    # equivalence 2: with costs, our fills replayed as amount orders -> the same fee and slippage accounting
    d1 = max_rel_diff(res.equity, vbt, close, fill_orders(res, pos.index, pos.columns), fees=FEES, slippage=SLIP, **{**kw, "size_type": "amount"})
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
    ok = all([run(1, vbt), run(100, vbt)])
    run_reference()
    sys.exit(0 if ok else 1)
