"""The paper trader's bar-to-decision latency on a live replay of the bundled BTC hourly series (FakeBinance, real
sockets): from a closed bar reaching `PaperTrader.process` to its transaction committed (signal, fill, mark, risk limits,
one SQLite transaction with full sync). Two signals: a signal model trained here (technical features rebuilt on its
warm-up window every bar: the realistic case) and a one-line rule (the trader's own cost: book and database)."""
from __future__ import annotations
import math, tempfile, time
from pathlib import Path

import numpy as np

from mltrade.data.binance import BinanceClient
from mltrade.data.sources import load_bars
from mltrade.features.pipeline import build_features
from mltrade.labels import cusum_events, ewm_volatility, sample_weights, triple_barrier_labels
from mltrade.paper import ModelSignal, PaperConfig, PaperTrader, SignalSource, paper_feed
from mltrade.signal import train_signal_model
from mltrade.testing import FakeBinance, ReplayClock

START = "2019-01-01"
RUNS = {"rule": (200, 20.0), "model": (60, 2.0)}     # bars, bars a second: slow enough for each to keep up, so every bar is timed as it closes

class MeanRule(SignalSource):
    "Long above the 24-bar mean, short below (half size)"
    version, min_bars = "rule/1", 24
    def target(self, bars): return 0.5 if bars.close.iloc[-1] > bars.close.iloc[-24:].mean() else -0.5

def signal_model():
    "A small XGBoost signal model on the first half of 2018 (the signal chapter's recipe)"
    hist = load_bars("BTCUSDT", "1h", start="2018-01-01", end="2018-07-01", source="sample")
    feats = build_features(hist, groups=("technical",), n_jobs=1)
    vol = ewm_volatility(hist.close, 100)
    tb = triple_barrier_labels(hist.close, cusum_events(hist.close, (3 * vol).where(hist.close.index.isin(feats.index))), vol * math.sqrt(24),
                               pt_sl=(1, 1), max_holding=24).dropna(subset=["label"])
    tb = tb[tb.t1 < feats.index[-1]]
    trained = train_signal_model(feats.loc[tb.index], tb.label.astype(int), tb.t1, tb.ret, sample_weights(tb.t1, hist.close), n_trials=2, seed=1,
                                 storage="memory", n_splits=3, model_params=dict(n_estimators=40, n_jobs=1), fees=0.0, slippage=0.0,
                                 require_heldout_edge=False)
    return trained.signal_model(feats)

def latencies(source:SignalSource, bars:int, speed:float) -> np.ndarray:
    "Seconds from each bar's arrival to its commit, over `bars` bars of a replay at `speed` bars a second"
    got: list[float] = []
    with tempfile.TemporaryDirectory() as d, FakeBinance(clock=ReplayClock(START, speed=speed)) as fb:
        tr = PaperTrader("BTCUSDT", "1h", source, Path(d)/"paper.db", PaperConfig(max_leverage=1.0, max_drawdown=0.2))
        with paper_feed(tr, BinanceClient(fb.url), start=START, stream_url=fb.stream_url(), clock=fb.clock.now) as feed:
            tr.run(feed, bars=bars, on_bar=lambda r: got.append(r.latency))
    return np.array(got[1:])                          # the first bar pays one-time costs (numba, imports)

def main():
    model = ModelSignal(signal_model(), "bench/1")
    for (name, source), (bars, speed) in zip((("rule (book + SQLite alone)", MeanRule()), ("signal model (features + XGBoost + calibration)", model)),
                                             RUNS.values()):
        t = time.perf_counter(); lat = latencies(source, bars, speed); wall = time.perf_counter() - t
        p50, p99 = np.percentile(lat, [50, 99]) * 1000
        print(f"paper: bar-to-decision latency, {name}, {len(lat)} bars at {speed:g} bars/s: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
              f"max {lat.max() * 1000:.1f} ms (session {wall:.1f} s)", flush=True)

if __name__ == "__main__": main()
