"""Registry benchmark on a real research model: a small research run on the bundled BTCUSDT 1h sample, logged to MLflow
(`log_research`: parameters, metrics, trials, report, figures, gate evidence, the SignalModel as one pyfunc), registered
(a new version with its gate report), force-promoted and loaded as `models:/<name>@champion`; then the champion pyfunc's
predict latency for 1 and 1,000 new bars (each call gets the model's `min_bars` warm-up bars before them, as a server
scoring the newest bars does). Done on the default local store (SQLite) and through a real `mlflow server` on loopback.
The references are the same steps without mltrade: `mlflow.register_model`, `mlflow.pyfunc.load_model(runs:/...)`, and
the in-memory `SignalModel.predict` on the same bars (what the pyfunc wraps: the gap is MLflow's input handling).

No target in the issue; the point is to know what tracking costs a research run (seconds) and what a served champion
costs per call."""
from __future__ import annotations
import logging, os, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's mltrade, not an installed one
import mlflow
import optuna
import pandas as pd

from _common import best_time, report
from mltrade.core import Settings, set_settings
from mltrade.data.sources import load_bars
from mltrade.registry import load_champion, promote, register
from mltrade.research import ResearchConfig, run_research
from mltrade.servers import MlflowServer
from mltrade.tracking import log_research, model_name, tracking

CFG = ResearchConfig(symbol="BTCUSDT", interval="1h", source="sample", start="2018-01-01", end="2018-12-31", n_trials=4,
                     n_splits=3, n_estimators=60, require_heldout_edge=False)

def bench(where:str, uri:str, res, bars:pd.DataFrame, home:str) -> None:
    name = model_name(CFG.symbol, CFG.interval)
    runs: list[str] = []
    t_log = best_time(lambda: runs.append(log_research(res, "bench", uri, report_dir=Path(home)/f"report{len(runs)}", storage="memory")), repeat=2, warmup=1)
    report(f"log_research to {where} (report, trials, figures, gate evidence, SignalModel pyfunc)", 1, t_log, unit="runs")
    versions: list[int] = []
    t_reg = best_time(lambda: versions.append(register(runs.pop(), uri)), repeat=1, warmup=1)
    with tracking(uri): t_plain_reg = best_time(lambda: mlflow.register_model(f"runs:/{runs[0]}/model", name + "-plain"), repeat=1, warmup=1)
    report(f"register on {where} (new version, gate report against the champion, challenger alias)", 1, t_reg, unit="versions",
           ref_name="mlflow.register_model", ref_seconds=t_plain_reg)
    promote(name, versions[0], force=True, reason="bench", uri=uri)
    t_load = best_time(lambda: load_champion(name, uri), repeat=2, warmup=1)
    with tracking(uri): t_plain_load = best_time(lambda: mlflow.pyfunc.load_model(f"runs:/{runs[0]}/model"), repeat=2, warmup=1)
    report(f"load_champion from {where}", 1, t_load, unit="loads", ref_name="mlflow.pyfunc.load_model(runs:/...)", ref_seconds=t_plain_load)
    m, sm = load_champion(name, uri), res.signal_model
    for n in (1, 1000):
        x = bars.iloc[-(sm.min_bars + n):]
        pd.testing.assert_frame_equal(m.predict(x), sm.predict(x))      # the served model is the research pipeline, bit for bit
        t_pred = best_time(lambda x=x: m.predict(x), repeat=5, warmup=1)
        t_mem = best_time(lambda x=x: sm.predict(x), repeat=5, warmup=1)
        report(f"champion pyfunc predict, {n:,} new bar{'s' * (n > 1)} (+{sm.min_bars} warm-up bars, {sm.kind}, {where})", n, t_pred, unit="bars",
               ref_name="in-memory SignalModel.predict", ref_seconds=t_mem)

def main():
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    with tempfile.TemporaryDirectory() as home:
        set_settings(Settings(home=home, track=False))
        bars = load_bars(CFG.symbol, CFG.interval, CFG.start, CFG.end, source="sample")
        res = run_research(CFG, bars=bars, storage="memory", track=False)
        bench("a local SQLite store", f"sqlite:///{home}/mlflow.db", res, bars, home)
        with MlflowServer() as srv:
            bench("a tracking server on loopback", srv.url, res, bars, home)

if __name__ == "__main__": main()
