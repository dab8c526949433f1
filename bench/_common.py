"""Shared timing and reporting for the benchmarks: every row says what ran, on how many rows, how fast, and how that
compares with a reference run in the same process (a plain loop, or a peer library when installed)."""
from __future__ import annotations
import gc, time
from typing import Callable

ROWS: list[dict] = []

def best_time(fn:Callable, repeat:int=3, warmup:int=1) -> float:
    "Best wall time of `repeat` calls of `fn` after `warmup` calls (JIT compilation excluded), the garbage collector paused during each call as `timeit` does"
    for _ in range(warmup): fn()
    times, enabled = [], gc.isenabled()
    try:
        for _ in range(repeat):
            gc.disable()
            t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
            if enabled: gc.enable()                                # collections happen between the calls, untimed
    finally:
        if enabled: gc.enable()
    return min(times)

def best_times(fns:dict[str, Callable], repeat:int=3, warmup:int=1, before:Callable|None=None) -> dict[str, float]:
    "Best wall time of each function, the calls interleaved round by round (so a busy spell on a shared machine hits all of them)"
    for _ in range(warmup):
        for fn in fns.values(): fn()
    best, enabled = {k: float("inf") for k in fns}, gc.isenabled()
    try:
        for _ in range(repeat):
            for k, fn in fns.items():
                if before is not None: before()                    # untimed, e.g. evicting the caches so every call starts alike
                gc.disable()
                t = time.perf_counter(); fn(); best[k] = min(best[k], time.perf_counter() - t)
                if enabled: gc.enable()
    finally:
        if enabled: gc.enable()
    return best

def cold_time(fn:Callable, repeat:int=3) -> float:
    "Best wall time of `repeat` calls of `fn`, each after a full `gc.collect()`: the collector's walk over every object leaves the caches cold"
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return min(times)

def report(name:str, rows:int, seconds:float, unit:str="rows", ref_name:str|None=None, ref_seconds:float|None=None,
           target:str="", ok:bool|None=None) -> dict:
    "Print one benchmark row and keep it for the summary"
    r = dict(name=name, rows=rows, seconds=seconds, rate=rows / seconds if seconds else float("inf"), unit=unit,
             ref_name=ref_name, ref_seconds=ref_seconds, speedup=(ref_seconds / seconds) if ref_seconds and seconds else None,
             target=target, ok=ok)
    ROWS.append(r)
    ratio = f" | {r['speedup']:.1f}x vs {ref_name} ({ref_seconds:.3f}s)" if r["speedup"] else ""
    verdict = "" if ok is None else (" | target met" if ok else " | TARGET MISSED")
    print(f"{name}: {rows:,} {unit} in {seconds:.3f}s = {r['rate']:,.0f} {unit}/s{ratio}{' | target ' + target if target else ''}{verdict}", flush=True)
    return r
