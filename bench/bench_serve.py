"""Signal API benchmark: a bounded load run against `mltrade serve` on loopback, as a client sees it. A real signal model (the
pipeline of `mltrade.signal` on the bundled BTC hourly bars: technical features, triple-barrier labels, one XGBoost trial)
is logged as research runs log it (`tracking.log_signal_model`), registered and made champion in a local SQLite registry;
`ApiServer` starts `mltrade serve` (one uvicorn process) over it. Four client threads, each with its own HTTP session, then
send 2,000 `POST /v1/signal` requests of `min_bars` bars each (windows ending at different bars), with a valid key.

Reported per model: the latency of one client sending requests one after another (p50/p99 over 200 requests: the time
one symbol's signal takes, the target's measure), then the load run: p50/p99, requests/s and errors (any answer other
than 200: the target is zero). Under load a request also waits behind the other clients' requests: one uvicorn worker
computes features under one GIL on 2 cores, so 4 clients see about 4x the one-client latency. The server settles its
heap after loading its models (`serve.settle_heap`), and this client freezes its own before timing, so that neither
side's full garbage collections (0.5 s or more each in processes this size) are timed as latency. The reference is the
champion pyfunc's own `predict` on the same windows in this process. A second, light model (a return z-score, 48 bars;
mltrade-ETHUSDT-1h in the same server) shows what the API itself (HTTP, JSON, keys, rate limit, bar validation, access
log, metrics) costs apart from the model. Target: p99 under 50 ms for one symbol's signal, and no error under load.
Not a timed test: the figures depend on the machine and its load (the load average is printed).
"""
from __future__ import annotations
import argparse, gc, logging, math, os, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's mltrade, not an installed one
import numpy as np
import optuna
import pandas as pd
import requests
from mlflow import MlflowClient
from mlflow.pyfunc import PythonModel

from _common import report
from mltrade.data.sources import load_bars
from mltrade.features.pipeline import build_features
from mltrade.labels import cusum_events, ewm_volatility, sample_weights, triple_barrier_labels
from mltrade.registry import load_champion, model_name
from mltrade.serve import ApiServer, KeyStore
from mltrade.signal import train_signal_model
from mltrade.tracking import log_pyfunc, log_signal_model

N_REQUESTS, CLIENTS, TARGET_P99_MS, ONE_CLIENT = 2000, 4, 50.0, 200   # the load run (`--requests N` makes a shorter one); one client's run

def champion_registry(uri:str):
    "Train a small signal model on the bundled BTC hourly bars, log it as a pyfunc, register it and make it champion; return the bars and model"
    bars = load_bars("BTCUSDT", "1h", start="2018-01-01", end="2018-07-01", source="sample")
    train = bars.loc[:"2018-04-30"]
    feats = build_features(train, groups=("technical",), n_jobs=1, progress=False)
    vol = ewm_volatility(train.close, 100)
    tb = triple_barrier_labels(train.close, cusum_events(train.close, vol.where(train.index.isin(feats.index))), vol * math.sqrt(24),
                               pt_sl=(1, 1), max_holding=24).dropna(subset=["label"])
    trained = train_signal_model(feats.loc[tb.index], tb.label.astype(int), tb.t1, tb.ret, sample_weights(tb.t1, train.close), n_trials=1, seed=1,
                                 storage="memory", n_splits=3, model_params=dict(n_estimators=60, n_jobs=1), fees=0.0, slippage=0.0,
                                 require_heldout_edge=False)
    sm = trained.signal_model(feats)
    client, name = MlflowClient(uri), model_name("BTCUSDT", "1h")
    run = client.create_run(client.create_experiment("bench-serve"))
    log_signal_model(client, run.info.run_id, sm, train)
    client.set_terminated(run.info.run_id)
    client.create_registered_model(name)
    v = client.create_model_version(name, f"{run.info.artifact_uri}/model", run_id=run.info.run_id).version
    client.set_registered_model_alias(name, "champion", v)
    return bars, sm

def body(window:pd.DataFrame, symbol:str="BTCUSDT") -> dict:
    "The JSON body of a signal request for `window`"
    t = (window.index.asi8 // 1_000_000).tolist()
    return {"symbol": symbol, "interval": "1h",
            "bars": [{"open_time": ti, **c} for ti, c in zip(t, window[["open", "high", "low", "close", "volume"]].to_dict("records"))]}

def load_run(url:str, key:str, bodies:list[dict], clients:int=CLIENTS) -> tuple[np.ndarray, float, int]:
    "Send every body once over `clients` threads (a session each); return each latency (s), the wall time and the errors"
    sessions = [requests.Session() for _ in range(clients)]
    for s in sessions: s.trust_env = False   # loopback: no proxy lookup in the environment on every request (3 ms a call here)
    def client(c:int) -> list[tuple[float, int]]:
        out, s = [], sessions[c]
        for b in bodies[c::clients]:
            t = time.perf_counter()
            r = s.post(f"{url}/v1/signal", json=b, headers={"X-API-Key": key}, timeout=30)
            out.append((time.perf_counter() - t, r.status_code))
        return out
    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool: res = [x for part in pool.map(client, range(clients)) for x in part]
    wall = time.perf_counter() - t0
    return np.array([x[0] for x in res]), wall, sum(code != 200 for _, code in res)

class Momentum(PythonModel):
    "A light stand-in for the API's own cost: class probabilities from the z-score of the last bar's return over a day's returns"
    def predict(self, context, model_input, params=None):
        r = model_input["close"].pct_change()
        z = ((r - r.rolling(24).mean()) / r.rolling(24).std()).dropna()
        up = 1 / (1 + np.exp(-z)); down = 1 - up
        sig = np.where(up > 0.6, 1, np.where(down > 0.6, -1, 0))
        return pd.DataFrame({"p_down": down * 0.8, "p_flat": 0.2, "p_up": up * 0.8, "signal": sig, "size": sig * 0.5}, index=z.index)

def light_registry(uri:str) -> int:
    "Register `Momentum` (min_bars 48) as champion of mltrade-ETHUSDT-1h; return its min_bars"
    client, name = MlflowClient(uri), model_name("ETHUSDT", "1h")
    run = client.create_run(client.create_experiment("bench-serve-light"))
    log_pyfunc(client, run.info.run_id, Momentum(), {"min_bars": 48})
    client.set_terminated(run.info.run_id)
    client.create_registered_model(name)
    client.set_registered_model_alias(name, "champion", client.create_model_version(name, f"{run.info.artifact_uri}/model", run_id=run.info.run_id).version)
    return 48

def measure(url:str, key:str, bars:pd.DataFrame, symbol:str, min_bars:int, n:int, model_s:float, what:str) -> None:
    "One client's latency over 200 requests, then the load run of `n` requests of `min_bars` bars for `symbol`; one report row"
    ends = [len(bars) - i for i in range(max(n, ONE_CLIENT))]
    bodies = [body(bars.iloc[e - min_bars:e], symbol) for e in ends]
    _, _, warm_errors = load_run(url, key, bodies[:20])                        # warm-up: first calls, connection pools
    one, one_wall, one_errors = load_run(url, key, bodies[:ONE_CLIENT], clients=1)   # one request at a time: no queueing
    lat, wall, errors = load_run(url, key, bodies[:n])
    q = lambda x, p: np.percentile(x, p) * 1000
    errors += warm_errors + one_errors
    print(f"{symbol}, load run: p50 {q(lat, 50):.1f} ms, p99 {q(lat, 99):.1f} ms, {len(lat) / wall:.0f} requests/s over {len(lat)} requests "
          f"from {CLIENTS} clients, errors {errors}; the model alone {model_s * 1000:.1f} ms per window in this process; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    report(f"/v1/signal {what}, one client: p50 {q(one, 50):.1f} ms, p99 {q(one, 99):.1f} ms ({min_bars} bars a request); "
           f"{CLIENTS} clients: p50 {q(lat, 50):.1f} ms, p99 {q(lat, 99):.1f} ms, errors {errors}",
           len(one), one_wall, "requests", "the model's predict in process, one at a time", model_s * len(one),
           f"one-client p99 < {TARGET_P99_MS:.0f} ms, 0 errors", bool(q(one, 99) < TARGET_P99_MS and errors == 0))

def model_seconds(uri:str, name:str, bars:pd.DataFrame, min_bars:int) -> float:
    "Mean seconds of the champion pyfunc's predict on 50 windows of `min_bars` bars, in this process"
    pyfunc = load_champion(name, uri)
    frames = [bars.iloc[len(bars) - i - min_bars:len(bars) - i] for i in range(50)]
    pyfunc.predict(frames[0])
    t = time.perf_counter()
    for f in frames: pyfunc.predict(f)
    return (time.perf_counter() - t) / len(frames)

def main(n:int=N_REQUESTS) -> None:
    logging.getLogger("mlflow").setLevel(logging.ERROR); optuna.logging.set_verbosity(optuna.logging.WARNING)
    os.environ.update(MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR="false", MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT="true")
    home = Path(tempfile.mkdtemp())
    uri = f"sqlite:///{home/'mlflow.db'}"
    t0 = time.perf_counter()
    bars, sm = champion_registry(uri)
    light = light_registry(uri)
    print(f"champions trained and registered in {time.perf_counter() - t0:.1f} s; min_bars {sm.min_bars} (signal model), {light} (light)", flush=True)
    _, key = KeyStore(home/"api_keys.json").create("bench")
    secs = {s: model_seconds(uri, model_name(s, "1h"), bars, m) for s, m in (("BTCUSDT", sm.min_bars), ("ETHUSDT", light))}
    env = {"MLFLOW_TRACKING_URI": uri, "MLTRADE_API_RATE_PER_MINUTE": str(10 * n + 1000)}   # the access log stays on, as served
    with ApiServer(home, models=[("BTCUSDT", "1h"), ("ETHUSDT", "1h")], env=env, ready_timeout=120) as server:
        while requests.get(f"{server.url}/ready", timeout=5).status_code != 200: time.sleep(0.2)
        # the client's own full garbage collections (this process holds a trained model, MLflow, pandas: 0.5 s or more each)
        # would be timed as request latency: collect once and freeze the heap, as the server does after loading its models
        gc.collect(); gc.freeze()
        measure(server.url, key, bars, "ETHUSDT", light, n, secs["ETHUSDT"], "light model (the API's own cost)")
        measure(server.url, key, bars, "BTCUSDT", sm.min_bars, n, secs["BTCUSDT"], "signal model (technical features, XGBoost)")

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=N_REQUESTS, help=f"requests in the load run (default {N_REQUESTS})")
    main(ap.parse_args().requests)
