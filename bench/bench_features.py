"""Feature benchmarks (issue 4).

- the full technical set on 1M synthetic 1-minute bars, and the TA-Lib table alone against the same TA-Lib calls made
  directly in a plain loop (target: pipeline overhead under 1.5x);
- microstructure features on 1M bars, against the same statistics with pandas rolling windows (target under 2 s);
- microstructure features on 1M trades (trades on a 1-minute clock, anchored volume-bucket VPIN), against pandas
  groupby aggregation and a pure-Python bucket loop (target under 2 s);
- the order-book replay of the bundled Binance capture, against a dict-based pure-Python book.
"""
from __future__ import annotations
import heapq, math, os, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np
import pandas as pd
import talib
from scipy.special import ndtr

from _common import best_time, report
from mltrade.features.microstructure import (check_depth_sequence, depth_events, microstructure_features, replay_depth, synthetic_trades,
                                             trades_to_bars, trades_to_ohlcv)
from mltrade.features.pipeline import build_features
from mltrade.features.technical import TALIB_SPECS, TECHNICAL_SPECS, synthetic_bars, talib_inputs, technical_features

N = int(os.environ.get("BENCH_FEATURES_N", 1_000_000))
REPEAT = int(os.environ.get("BENCH_REPEAT", 3))


def talib_loop(bars: pd.DataFrame):
    "The reference: every TA-Lib call of the table, made directly on numpy arrays, outputs kept"
    arrays = {c: np.ascontiguousarray(bars[c].to_numpy(dtype="float64")) for c in ("open", "high", "low", "close", "volume")}
    calls = [(getattr(talib, s.func), [arrays[c] for c in (s.inputs or talib_inputs(s.func))], dict(s.params)) for s in TALIB_SPECS]
    return lambda: [f(*a, **p) for f, a, p in calls]


def bench_technical(bars: pd.DataFrame):
    n_ta = sum(len(s.columns) for s in TALIB_SPECS)
    n_all = sum(len(s.columns) for s in TECHNICAL_SPECS)
    loop = best_time(talib_loop(bars), repeat=REPEAT)
    ta = best_time(lambda: technical_features(bars, specs=TALIB_SPECS), repeat=REPEAT)
    report(f"technical: TA-Lib table ({len(TALIB_SPECS)} calls, {n_ta} columns, scale-free, one frame) | overhead {ta / loop:.2f}x",
           len(bars), ta, "bars", ref_name="the same TA-Lib calls in a plain loop", ref_seconds=loop, target="overhead < 1.5x", ok=ta / loop < 1.5)
    full = best_time(lambda: technical_features(bars), repeat=REPEAT)
    report(f"technical: full set ({n_all} columns: TA-Lib + returns, moments, range vol, flow, calendar)", len(bars), full, "bars",
           ref_name="TA-Lib calls alone in a loop", ref_seconds=loop)
    bf = best_time(lambda: build_features(bars, groups=("technical",), warmup="keep", n_jobs=1, progress=False), repeat=REPEAT)
    report("technical: build_features(groups=('technical',), n_jobs=1)", len(bars), bf, "bars", ref_name="TA-Lib calls alone in a loop", ref_seconds=loop)
    bf2 = best_time(lambda: build_features(bars, groups=("technical",), warmup="keep", n_jobs=2, progress=False), repeat=REPEAT)
    report("technical: build_features(groups=('technical',), n_jobs=2: families in 2 threads)", len(bars), bf2, "bars",
           ref_name="the same with n_jobs=1", ref_seconds=bf)


def pandas_bar_micro(bars: pd.DataFrame, windows=(20, 100), sigma_window=100) -> pd.DataFrame:
    "The reference: the same bar microstructure statistics written with pandas rolling windows"
    c, h, l, v = bars["close"], bars["high"], bars["low"], bars["volume"]
    qv = bars["quote_volume"] if "quote_volume" in bars else c * v
    r = np.log(c).diff()
    sqv = 2 * bars["taker_buy_quote"] - qv
    out = {}
    for w in windows:
        out[f"roll_{w}"] = 2 * np.sqrt((-r.rolling(w).cov(r.shift(1))).clip(lower=0))
        hl2 = np.log(h / l) ** 2
        beta = (hl2 + hl2.shift(1)).rolling(w).mean()
        gamma = np.log(pd.concat([h, h.shift(1)], axis=1).max(axis=1) / pd.concat([l, l.shift(1)], axis=1).min(axis=1)) ** 2
        den = 3 - 2 * math.sqrt(2)
        alpha = ((np.sqrt(2 * beta) - np.sqrt(beta)) / den - np.sqrt(gamma / den)).clip(lower=0)
        out[f"cs_{w}"] = 2 * (np.exp(alpha) - 1) / (1 + np.exp(alpha))
        out[f"amihud_{w}"] = (r.abs() * 1e6 / qv.where(qv > 0)).rolling(w).mean()
        out[f"kyle_{w}"] = r.rolling(w).cov(sqv) / sqv.rolling(w).var() * qv.rolling(w).mean()
        z = r / r.rolling(sigma_window).std()
        out[f"vpin_{w}"] = (v * (2 * pd.Series(ndtr(z), index=z.index) - 1).abs()).rolling(w).sum() / v.rolling(w).sum()
        net = 2 * bars["taker_buy_base"] - v
        out[f"vpin_taker_{w}"] = net.abs().rolling(w).sum() / v.rolling(w).sum()
        out[f"imb_{w}"] = net.rolling(w).sum() / v.rolling(w).sum()
    return pd.DataFrame(out)


def python_buckets(t_ns, qty, sign, bucket, anchor_ns):
    "The reference volume-bucket loop in plain Python (same anchoring)"
    out, b, s, filled, cur = [], 0.0, 0.0, 0.0, t_ns[0] // anchor_ns
    for ti, q, sg in zip(t_ns.tolist(), qty.tolist(), sign.tolist()):
        if ti // anchor_ns != cur: cur, b, s, filled = ti // anchor_ns, 0.0, 0.0, 0.0
        while q > 0:
            take = min(q, bucket - filled)
            if sg > 0: b += take
            else: s += take
            filled += take; q -= take
            if filled >= bucket * (1 - 1e-12):
                out.append((ti, b, s)); b = s = filled = 0.0
                if q <= bucket * 1e-12: q = 0.0
    return out


def pandas_trade_bars(trades: pd.DataFrame, bucket: float):
    "The reference: per-minute trade aggregates with pandas groupby, plus the Python bucket loop"
    sign = np.where(trades["is_buyer_maker"].to_numpy(), -1.0, 1.0)
    df = pd.DataFrame({"q": trades["qty"].to_numpy(), "sq": sign * trades["qty"].to_numpy(), "pq": (trades["price"] * trades["qty"]).to_numpy(),
                       "p": trades["price"].to_numpy()}, index=trades.index.floor("1min"))
    g = df.groupby(level=0)
    agg = g.agg(n=("q", "size"), vol=("q", "sum"), net=("sq", "sum"), pq=("pq", "sum"), last=("p", "last"))
    agg["imbalance"], agg["vwap_rel"] = agg["net"] / agg["vol"], agg["pq"] / agg["vol"] / agg["last"] - 1
    buckets = python_buckets(trades.index.as_unit("ns").asi8, trades["qty"].to_numpy(), sign, bucket, 3_600_000_000_000)
    return agg, buckets


def bench_microstructure(bars: pd.DataFrame):
    cols = microstructure_features(bars).shape[1]
    ours = best_time(lambda: microstructure_features(bars), repeat=REPEAT)
    ref = best_time(lambda: pandas_bar_micro(bars), repeat=REPEAT)
    report(f"microstructure: bar features ({cols} columns: Roll, Corwin-Schultz, Amihud, Kyle, VPIN BVC/taker; windows 20, 100)", len(bars), ours, "bars",
           ref_name="pandas rolling equivalents", ref_seconds=ref, target="< 2 s", ok=ours < 2.0)
    trades = synthetic_trades(N, rate=12.0, seed=1)
    tbars = trades_to_ohlcv(trades, "1min")
    tf = best_time(lambda: trades_to_bars(trades, tbars, bucket_volume=5.0, n_buckets=50), repeat=REPEAT)
    tref = best_time(lambda: pandas_trade_bars(trades, 5.0), repeat=1)
    report(f"microstructure: trades on the bar clock ({len(tbars):,} 1-min bars; counts, imbalance, VWAP, Kyle per bar, anchored VPIN)", len(trades), tf,
           "trades", ref_name="pandas groupby + Python bucket loop", ref_seconds=tref, target="< 2 s", ok=tf < 2.0)


def python_book(capture, depths=(1, 5, 10, 20)):
    "The reference: the same replay with dict books and heapq for the top levels"
    ev = depth_events(capture)
    use = ev.iloc[check_depth_sequence(capture, events=ev)]
    u = capture.updates
    side, px, qt = u["side"].to_numpy().astype(str), u["price"].to_numpy(), u["qty"].to_numpy()
    bids = dict(zip(capture.bids.price, capture.bids.qty)); asks = dict(zip(capture.asks.price, capture.asks.qty))
    rows = []
    for s, e in zip(use["start"], use["end"]):
        for i in range(s, e):
            book = bids if side[i] == "bid" else asks
            if qt[i] > 0: book[px[i]] = qt[i]
            else: book.pop(px[i], None)
        tb, ta = heapq.nlargest(max(depths), bids), heapq.nsmallest(max(depths), asks)
        mid = (tb[0] + ta[0]) / 2
        row = [tb[0], ta[0], (ta[0] - tb[0]) / mid * 1e4]
        for d in depths:
            sb, sa = sum(bids[p] for p in tb[:d]), sum(asks[p] for p in ta[:d])
            row.append((sb - sa) / (sb + sa))
        rows.append(row)
    return rows


def bench_book():
    from mltrade.data.sources import load_depth
    cap = load_depth("BTCUSDT", "spot", source="sample")
    n = len(cap.updates)
    ours = best_time(lambda: replay_depth(cap), repeat=REPEAT)
    ref = best_time(lambda: python_book(cap), repeat=1)
    report("microstructure: order-book replay, bundled Binance BTCUSDT spot capture (6,495 events)", n, ours, "level changes",
           ref_name="dict book + heapq in Python", ref_seconds=ref)


if __name__ == "__main__":
    print(f"bars: {N:,} synthetic 1-minute bars; cores: {os.cpu_count()}; repeats: best of {REPEAT}", flush=True)
    bars = synthetic_bars(N, "1m", seed=0)
    bench_technical(bars)
    bench_microstructure(bars)
    bench_book()
