"""Dashboards benchmark: how fast the thresholds page answers a slider move, and how long each page takes to draw.

- Slider move, in the kernel: `ThresholdsPage.update`, what one move of a threshold slider runs (the hold-out backtest
  rerun by `mltrade.backtest.engine.backtest` from the stored probabilities, the metrics table, the equity line), over a
  sweep of the long threshold; p50 and p99. The reference is the engine's part alone (`ThresholdTuner.run`) at the same
  thresholds, in the same process.
- Slider move, in the browser: a key press on the long threshold's handle in headless Chromium until the page shows the
  recomputed line (kernel round trip, widget messages and the redraw included).
- First render: each page served by one Voila server and opened in headless Chromium, from navigation until its plotly
  graphs are drawn (a cold kernel per page: Voila starts one for every page opened).

The store is `mltrade.dashboards.sample_stores` (two research runs on three months of the bundled BTC hourly sample, the
smallest search). Target (the dashboards' own): a slider move redrawn in under a second."""
from __future__ import annotations
import shutil, statistics, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's mltrade, not an installed one
import numpy as np

from mltrade.browser import PAGE_PLOTS, SKIP_MESSAGE, BrowserError, browser, check_page, chromium_path, in_thread, move_threshold
from mltrade.core import Settings
from mltrade.core import settings_environment
from mltrade.dashboards import PAGES, SAMPLE_RUNS, ThresholdsPage, sample_stores
from mltrade.servers import VoilaServer

MOVES, TARGET = 200, 1.0
DASHBOARDS = Path(__file__).resolve().parents[1]/"nbs"/"dashboards"

def percentiles(times:list[float]) -> tuple[float, float]:
    "p50 and p99 of `times`, in milliseconds"
    return float(np.percentile(times, 50)) * 1e3, float(np.percentile(times, 99)) * 1e3

def latency(name:str, times:list[float], ref_name:str|None=None, ref:list[float]|None=None) -> None:
    "Print one latency row: moves, p50 and p99, the reference's, and the target"
    p50, p99 = percentiles(times)
    refs = f" | {ref_name} p50 {percentiles(ref)[0]:.1f} ms, p99 {percentiles(ref)[1]:.1f} ms" if ref else ""
    verdict = "target met" if max(times) < TARGET else "TARGET MISSED"
    print(f"{name}: {len(times)} moves, p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(times) * 1e3:.1f} ms{refs} | target < {TARGET:g} s | {verdict}",
          flush=True)

def kernel_moves(stores) -> None:
    "Time `ThresholdsPage.update` and the engine alone over a sweep of the long threshold"
    page = ThresholdsPage(stores)
    assert page.error is None, page.error
    tuner, lo = page.tuner, max(0.34, page.tuner.t_long - 0.2)
    values = np.round(np.linspace(lo, min(1.0, lo + 0.4), MOVES), 3)
    page.update()                                                   # warm-up (numba compiled on the page's first draw)
    ui, engine = [], []
    for v in values:
        page.busy = True; page.t_long.value = float(v); page.busy = False   # set without the observer: timed below
        t = time.perf_counter(); page.update(); ui.append(time.perf_counter() - t)
        costs = page.t_short.value, page.fees.value / 1e4, page.slippage.value / 1e4
        t = time.perf_counter(); tuner.run(float(v), *costs); engine.append(time.perf_counter() - t)
    print(f"hold-out: {len(tuner.bars):,} bars, {len(tuner.signals):,} events; long threshold swept {values[0]:.2f}-{values[-1]:.2f}", flush=True)
    latency("thresholds slider move, in the kernel (ThresholdsPage.update)", ui, "engine alone (ThresholdTuner.run)", engine)

def browser_pages(home:Path, chrome:str) -> None:
    "First render of every page through Voila and Chromium, and slider moves on the thresholds page"
    def session():
        first, steps = {}, []
        with VoilaServer(DASHBOARDS, env=settings_environment(Settings(home=home))) as vs, browser(chrome) as b:
            for name in ["index", *PAGES]:
                v = check_page(b, vs.page_url(name), name, PAGE_PLOTS[name])
                first[name] = v.seconds
                if v.name == "thresholds":
                    for _ in range(5):
                        try: steps += move_threshold(v, most=20)
                        except BrowserError: break          # the threshold reached a range where the metrics no longer change
                v.page.close()
        return first, steps
    first, steps = in_thread(session)
    for name, s in first.items(): print(f"first render {name}: {s:.1f} s (cold kernel, one page at a time)", flush=True)
    print(f"first render, all {len(first)} pages: median {statistics.median(first.values()):.1f} s, max {max(first.values()):.1f} s", flush=True)
    latency("thresholds slider move, in the browser (key press to redrawn page)", steps)

if __name__ == "__main__":
    home = Path(tempfile.mkdtemp(prefix="bench-dashboards-"))
    try:
        t = time.perf_counter()
        stores = sample_stores(home, tuple({**r, "n_trials": 1} for r in SAMPLE_RUNS), start="2018-01-01", end="2018-04-01")
        print(f"sample stores (2 research runs, tracked and registered): {time.perf_counter() - t:.0f} s", flush=True)
        kernel_moves(stores)
        chrome = chromium_path()
        if chrome: browser_pages(home, chrome)
        else: print(SKIP_MESSAGE)
    finally:
        shutil.rmtree(home, ignore_errors=True)
