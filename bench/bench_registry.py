"""Registry benchmark: logging a run (parameters, metrics, a figure, a pyfunc model and the gate's evidence), registering it
(a new version, its gate report scored against the champion, the challenger alias) and loading the champion, on the default
local store (SQLite) and through a real `mlflow server` on loopback. The references are plain MLflow calls doing the
storage part alone: a fluent run logging the same parameters, metrics and model; `mlflow.register_model`; and
`mlflow.pyfunc.load_model` of the run's model. Predict latency of the research pipeline's pyfunc comes with that pyfunc.

No target in the issue; the point is to know what tracking costs a research run (seconds) and what loading costs a server."""
from __future__ import annotations
import logging, os, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's mltrade, not an installed one
import mlflow
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.linear_model import LogisticRegression

from _common import best_time, report
from mltrade.backtest.engine import backtest
from mltrade.calibration import double_threshold, round_trip_cost
from mltrade.core import Settings, set_settings
from mltrade.registry import cpcv_trial_returns, load_champion, model_name, promote, register
from mltrade.servers import MlflowServer
from mltrade.tracking import GateEvidence, RunRecord, digest, experiment_id, log_record, prior_log_loss

N_BARS, SPLIT = 3000, 0.6

def planted(n:int=N_BARS, seed:int=0) -> tuple[pd.DataFrame, pd.DataFrame]:
    "Hourly bars whose volume at bar t carries the sign of bar t+1's return, and every bar's next-bar label"
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2022-01-01", periods=n, freq="h", tz="UTC", name="open_time")
    s = rng.standard_normal(n)
    r = np.r_[0.0, 0.004 * s[:-1] + 0.008 * rng.standard_normal(n - 1)]
    close = 100 * np.exp(np.cumsum(r)); open_ = np.r_[100.0, close[:-1]]
    bars = pd.DataFrame({"open": open_, "high": np.maximum(open_, close) * 1.001, "low": np.minimum(open_, close) * 0.999, "close": close,
                         "volume": np.exp(2 + 0.5 * s + 0.1 * rng.standard_normal(n))}, index=idx)
    ret = (bars["close"].shift(-1) / bars["close"] - 1).iloc[:-1]
    labels = pd.DataFrame({"t1": pd.Series(idx[1:], index=ret.index), "ret": ret, "label": np.where(ret > 0.004, 1, np.where(ret < -0.004, -1, 0))})
    return bars, labels

def features(bars:pd.DataFrame) -> pd.DataFrame:
    lv = np.log(bars["volume"])
    return pd.DataFrame({"volume_z": (lv - lv.rolling(48).mean()) / lv.rolling(48).std(), "ret_1": bars["close"].pct_change()}).dropna()

class Model(mlflow.pyfunc.PythonModel):
    "predict(bars) -> p_down p_flat p_up signal size, from a logistic regression on features of the bars"
    def __init__(self, lr): self.lr = lr
    def predict(self, context, model_input, params=None):
        X = features(model_input)
        p = pd.DataFrame(self.lr.predict_proba(X), index=X.index, columns=self.lr.classes_)
        sig = double_threshold(p[1], p[-1], 0.45, 0.45).astype(np.int64)
        return pd.DataFrame({"p_down": p[-1], "p_flat": p[0], "p_up": p[1], "signal": sig, "size": sig.astype(float)})

def record(bars:pd.DataFrame, labels:pd.DataFrame) -> RunRecord:
    "A run record like a research run's: parameters, metrics, a figure, the model and its gate evidence"
    X = features(bars)
    split = bars.index[int(len(bars) * SPLIT)]
    train = labels[(labels["t1"] < split) & labels.index.isin(X.index)]
    hold = labels[labels.index >= split]
    model = Model(LogisticRegression(max_iter=1000).fit(X.loc[train.index], train["label"]))
    out = model.predict(None, bars)
    hb = bars.loc[split:]
    bt = backtest(hb["close"], out["signal"].reindex(hb.index).fillna(0).astype(float), open=hb["open"], fees=0.0002, slippage=0.0001)
    ll = float(-np.log(out.loc[hold.index, ["p_down", "p_flat", "p_up"]].to_numpy()[np.arange(len(hold)), hold["label"].to_numpy() + 1]).mean())
    cost = round_trip_cost(0.0002, 0.0001)
    trades = lambda ev: (lambda s: (s * ev["ret"] - s.abs() * cost)[s != 0])(out["signal"].reindex(ev.index).fillna(0))
    trial = cpcv_trial_returns(LogisticRegression(max_iter=1000), [{"C": c} for c in (1e-5, 1e-4, 1e-3, 1e-2)], X.loc[train.index],
                               train["label"], train["t1"], train["ret"], fees=0.0002, slippage=0.0001)
    w = pd.Series(1.0, index=hold.index)
    ev = GateEvidence(hb.index[0], hb.index[-1], ll, prior_log_loss(train["label"], np.ones(len(train)), hold["label"], w), bt.returns,
                      int(bt.metrics["n_trades"]), trades(train), trades(hold), 4, X.loc[train.index], X.iloc[-500:], trial, bars,
                      hold[["label", "ret"]].assign(weight=w), 0.0002, 0.0001)
    tags = {"mltrade.symbol": "BENCHUSDT", "mltrade.interval": "1h", "mltrade.feature_hash": digest(list(X.columns)), "mltrade.label_hash": digest({})}
    params = {f"param_{i}": i for i in range(40)}
    metrics = {"holdout": {f"metric_{i}": float(i) for i in range(60)}, "cv_selection_biased": {f"fold_{k}": {"log_loss": 1.0} for k in range(5)}}
    fig = go.Figure(go.Scatter(x=bt.equity.index, y=bt.equity.to_numpy()))
    return RunRecord("bench", tags, params, metrics, {"notes.txt": "bench"}, {"equity": fig}, model=model, model_metadata={"min_bars": 48}, evidence=ev)

def plain_mlflow(rec:RunRecord, uri:str) -> None:
    "The storage part alone, with MLflow's fluent API: the same parameters, metrics and model in one run"
    mlflow.set_tracking_uri(uri); mlflow.set_experiment(experiment_id=experiment_id("bench-plain", uri))   # artifacts in the temporary home
    with mlflow.start_run():
        mlflow.log_params(rec.params); mlflow.log_metrics({f"m{i}": float(i) for i in range(65)})
        mlflow.pyfunc.log_model(name="model", python_model=rec.model, pip_requirements=["mlflow"])

def bench(where:str, uri:str, rec:RunRecord, bars:pd.DataFrame) -> None:
    name = model_name("BENCHUSDT", "1h")
    runs: list[str] = []
    t_log = best_time(lambda: runs.append(log_record(rec, "bench", uri)), repeat=3, warmup=1)
    t_plain = best_time(lambda: plain_mlflow(rec, uri), repeat=3, warmup=1)
    report(f"log_record to {where} (40 params, 65 metrics, figure, pyfunc, gate evidence)", 1, t_log, unit="runs",
           ref_name="plain MLflow fluent run with the same params, metrics and model", ref_seconds=t_plain)
    versions: list[int] = []
    t_reg = best_time(lambda: versions.append(register(runs.pop(), uri)), repeat=2, warmup=1)
    t_plain_reg = best_time(lambda: mlflow.register_model(f"runs:/{runs[0]}/model", name + "-plain"), repeat=2, warmup=1)
    report(f"register on {where} (new version, gate scored against no champion, challenger alias)", 1, t_reg, unit="versions",
           ref_name="mlflow.register_model", ref_seconds=t_plain_reg)
    promote(name, versions[0], force=True, reason="bench", uri=uri)
    t_load = best_time(lambda: load_champion(name, uri), repeat=3, warmup=1)
    t_plain_load = best_time(lambda: mlflow.pyfunc.load_model(f"runs:/{runs[0]}/model"), repeat=3, warmup=1)
    report(f"load_champion from {where}", 1, t_load, unit="loads", ref_name="mlflow.pyfunc.load_model(runs:/...)", ref_seconds=t_plain_load)
    m = load_champion(name, uri)
    t_pred = best_time(lambda: m.predict(bars), repeat=5, warmup=1)
    report(f"champion predict over {len(bars):,} bars (planted logistic regression, {where})", len(bars), t_pred, unit="bars")

def main():
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    bars, labels = planted()
    rec = record(bars, labels)
    with tempfile.TemporaryDirectory() as home:
        set_settings(Settings(home=home))
        bench("a local SQLite store", f"sqlite:///{home}/mlflow.db", rec, bars)
        with MlflowServer() as srv:
            bench("a tracking server on loopback", srv.url, rec, bars)

if __name__ == "__main__": main()
