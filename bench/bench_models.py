"""Models benchmark (issue 6): XGBoost fit time on 100k x 200 features with 2 threads (and 1), LSTM training samples/s on CPU, and
Optuna trials per minute for the default small budget (20 trials, 5 purged folds, default XGBModel: up to 1000 trees,
early stopping after 50) on 3k events x 50 features, about the BTC sample's event count.

References in the same run: xgboost's own sklearn `XGBClassifier` with the same parameters (the wrapper's overhead), a plain
PyTorch loop over pre-built windows with the same network (the window gathering's overhead), and the study's own trials
replayed as a plain purged-CV loop without Optuna or storage (the tuning driver's overhead). No issue target is numeric:
the rows report rates and ratios. Inputs are seeded synthetic data (`planted_signal_data`)."""
from __future__ import annotations
import sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's mltrade, not an installed one
import numpy as np
import optuna
import torch
import xgboost as xgb

from _common import best_time, report
from mltrade.models.lstm import AttentionLSTM, LSTMModel, windows
from mltrade.models.base import fit_estimator, predict_rows, purged_cv
from mltrade.models.xgb import XGBModel, tune
from mltrade.testing import planted_signal_data
from sklearn.metrics import log_loss

THREADS = 2   # the setting for XGBoost; the LSTM and the study are also measured at 1 thread (see README: on a shared
              # 2-core machine, 2 OpenMP/intra-op threads can be several times slower than 1 when the other core is busy)

def bench_xgb(threads:int):
    X, y, t1, w = planted_signal_data(100_000, n_features=200, n_informative=10, seed=0)
    params = dict(n_estimators=100, max_depth=6, learning_rate=0.1, subsample=0.8, colsample_bytree=0.8, max_bin=256, n_jobs=threads, random_state=0)
    ours = lambda: XGBModel(**params, early_stopping_rounds=None).fit(X, y, w)
    A, codes, weights = X.to_numpy(np.float32), y.to_numpy() + 1, w.to_numpy()
    ref = lambda: xgb.XGBClassifier(**params, tree_method="hist", objective="multi:softprob").fit(A, codes, sample_weight=weights)
    t, t_ref = best_time(ours, repeat=2, warmup=0), best_time(ref, repeat=2, warmup=0)
    report(f"XGBModel.fit 100k x 200, 3 classes, 100 rounds, depth 6, {threads} thread(s)", len(X), t, "rows", "xgboost.XGBClassifier", t_ref)

def bench_lstm(threads:int):
    torch.set_num_threads(threads)
    X, y, t1, w = planted_signal_data(20_000, n_features=20, n_informative=2, lags=(1, 2), seed=1)
    cfg = dict(lookback=32, hidden_size=32, batch_size=128, max_epochs=2, patience=None, validation_fraction=0.0, device="cpu", num_threads=threads)
    t = best_time(lambda: LSTMModel(**cfg).fit(X, y, w), repeat=3, warmup=0)
    # reference: the same network and optimiser over windows built once up front, no scaler, no weights bookkeeping
    A = ((X - X.mean()) / X.std()).to_numpy(np.float32)
    padded = np.vstack([np.zeros((31, A.shape[1]), np.float32), A])
    W, M = windows(padded, np.arange(len(A)), 32)
    Wt, Mt, yt = torch.from_numpy(W), torch.from_numpy(M), torch.from_numpy(y.to_numpy() + 1)
    def plain():
        torch.manual_seed(0)
        net = AttentionLSTM(20, 32, 1, 0.2, 3); opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for _ in range(2):
            perm = torch.randperm(len(A))
            for i in range(0, len(A), 128):
                b = perm[i:i + 128]
                loss = torch.nn.functional.cross_entropy(net(Wt[b], Mt[b]), yt[b])
                opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0); opt.step()
    t_ref = best_time(plain, repeat=3, warmup=0)
    report(f"LSTMModel training 20k rows x 20 features, lookback 32, hidden 32, batch 128, 2 epochs, CPU {threads} thread(s)",
           2 * len(X), t, "samples", "plain torch loop over pre-built windows", t_ref)

def bench_optuna(threads:int):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y, t1, w = planted_signal_data(3_000, n_features=50, n_informative=5, horizon=24, seed=2)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        model, study = tune(X, y, t1, w, n_trials=20, seed=0, storage=f"sqlite:///{d}/bench.db", model_params=dict(n_jobs=threads))
        t = time.perf_counter() - t0
    states = {s: sum(tr.state.name == s for tr in study.trials) for s in ("COMPLETE", "PRUNED")}
    # reference: the same 20 configurations (same seeds), every fold, no Optuna, no storage, no pruning
    fixed = {k: v for k, v in model.tuned_params_.items() if k not in study.best_params}
    splits, yy, ww, classes = list(purged_cv(t1).split(X)), y.to_numpy(), w.to_numpy(), np.array([-1, 0, 1])
    t0 = time.perf_counter()
    for tr in study.trials:
        for a, b in splits:
            m = fit_estimator(XGBModel(**fixed, **tr.params), X, yy, ww, t1, a)
            log_loss(yy[b], predict_rows(m, X, b, classes), sample_weight=ww[b], labels=classes)
    t_ref = time.perf_counter() - t0
    report(f"tune(): 20 trials (default budget) x 5 purged folds, 3k events x 50 features, SQLite, {threads} thread(s) "
           f"[{states['COMPLETE']} complete, {states['PRUNED']} pruned]", 20, t, "trials", "same trials, plain loop, no pruning", t_ref)
    print(f"  = {20 / t * 60:.1f} trials/min (plain loop: {20 / t_ref * 60:.1f} trials/min)", flush=True)

if __name__ == "__main__":
    print(f"torch {torch.__version__}, xgboost {xgb.__version__}, optuna {optuna.__version__}", flush=True)
    bench_xgb(THREADS); bench_xgb(1)
    bench_lstm(1); bench_lstm(THREADS)
    bench_optuna(1)
