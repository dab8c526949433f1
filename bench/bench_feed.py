"""The live bar feed against the local replay server (real sockets, the bundled BTC hourly series, the server in a process
of its own as Binance is): closed bars handed out per second by `BarFeed` (vs a bare websockets client that only decodes
the same messages), and the wall time from a bar's close on the replay clock to its hand-out, at a few updates per bar
as Binance sends them."""
from __future__ import annotations
import itertools, json, subprocess, sys, threading, time
from contextlib import contextmanager

import numpy as np

from _common import report
from mltrade.data.binance import BinanceClient
from mltrade.feed import BarFeed
from mltrade.testing import ReplayClock
from websockets.sync.client import connect

START = "2017-07-01 11:00"            # the first bar: 20,111 bars to replay
DEADLINE = 120.0                      # seconds: a run that takes longer is stopped and reported as failed
SERVER = """
import sys
from mltrade.data.binance import BinanceClient
from mltrade.testing import FakeBinance, ReplayClock
with FakeBinance() as fb: BinanceClient(fb.url).klines("BTCUSDT", "1h", "2018-01-01", "2018-01-02")   # load the series before the clock runs
clock = ReplayClock(sys.argv[1], speed=float(sys.argv[2]))
with FakeBinance(clock=clock, kline_updates=int(sys.argv[3])) as fb:
    print(fb.url, fb.stream_url(), repr(clock.started), flush=True)
    sys.stdin.read()                                   # serve until the benchmark closes our stdin
"""

@contextmanager
def server(speed:float, updates:int):
    "A FakeBinance replay in its own process: (REST URL, stream URL, a clock showing the server's market time)"
    proc = subprocess.Popen([sys.executable, "-c", SERVER, START, str(speed), str(updates)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url, stream_url, t0 = proc.stdout.readline().split()        # type: ignore[union-attr]
        yield url, stream_url, ReplayClock(START, speed=speed).begin(at=float(t0))
    finally:
        proc.stdin.close(); proc.wait(30)                             # type: ignore[union-attr]

BACKLOG = 2.0                          # seconds a reader waits after its first message, so that the next ones are already there

def feed_rate(n:int, speed:float) -> tuple[float, dict]:
    "Seconds for a BarFeed to hand out `n` bars waiting in its socket (streamed at `speed` bars/s, no forming updates); its stats"
    with server(speed, 0) as (url, stream_url, clock):
        with BarFeed("BTCUSDT", "1h", client=BinanceClient(url), stream_url=stream_url, clock=clock.now) as feed:
            stopper = threading.Timer(DEADLINE, feed.stop); stopper.daemon = True; stopper.start()
            it = iter(feed); next(it); time.sleep(BACKLOG)             # connected, first bar in, a backlog waiting
            t = time.perf_counter(); got = sum(1 for _ in itertools.islice(it, n)); dt = time.perf_counter() - t
            stopper.cancel()
    if got != n: raise RuntimeError(f"the feed handed out {got} of {n} bars in {DEADLINE:g}s: {vars(feed.stats)}")
    return dt, dict(vars(feed.stats))

def raw_rate(n:int, speed:float) -> float:
    "Seconds for a bare websockets client to receive and decode `n` closed-kline messages waiting in its socket, as above"
    with server(speed, 0) as (url, stream_url, clock), connect(stream_url + "/ws/btcusdt@kline_1h", proxy=None) as ws:
        json.loads(ws.recv(timeout=10)); time.sleep(BACKLOG)
        t = time.perf_counter()
        for _ in range(n): json.loads(ws.recv(timeout=10))
        return time.perf_counter() - t

def latency(n:int, speed:float, updates:int=3) -> tuple[np.ndarray, dict]:
    "Wall seconds from each bar's close (on the replay clock) to its hand-out, for `n` bars at `speed` bars/s; the feed's stats"
    with server(speed, updates) as (url, stream_url, clock):
        with BarFeed("BTCUSDT", "1h", client=BinanceClient(url), stream_url=stream_url, clock=clock.now) as feed:
            stopper = threading.Timer(DEADLINE, feed.stop); stopper.daemon = True; stopper.start()
            bars = list(itertools.islice(feed, n))
            stopper.cancel()
    if len(bars) != n: raise RuntimeError(f"the feed handed out {len(bars)} of {n} bars in {DEADLINE:g}s: {vars(feed.stats)}")
    rate = clock.rate / 1000                                            # market seconds per wall second
    return np.array([(b.attrs["handed_out"] - b.index[0]).total_seconds() - 3600 for b in bars]) / rate, dict(vars(feed.stats))

def main():
    n, speed = 3000, 5000.0            # the replay outruns both readers: after the backlog wait, each reads at its own pace
    ref = min(raw_rate(n, speed) for _ in range(2))
    runs = [feed_rate(n, speed) for _ in range(2)]
    dt, stats = min(runs, key=lambda r: r[0])
    report("feed: closed bars through the stream (parse, order checks, one-row frame each)", n, dt, unit="bars",
           ref_name="bare websockets recv + json.loads", ref_seconds=ref)
    print(f"  feed stats: streamed {stats['streamed']}, backfilled {stats['backfilled']}, duplicates {stats['duplicates']}, "
          f"reconnects {stats['reconnects']}", flush=True)
    lat, stats = latency(200, 20.0)
    p50, p99 = np.percentile(lat, [50, 99]) * 1000
    print(f"feed: close-to-hand-out latency, {len(lat)} bars at 20 bars/s, 3 updates per bar: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {lat.max() * 1000:.1f} ms (streamed {stats['streamed']}, backfilled {stats['backfilled']})", flush=True)

if __name__ == "__main__": main()
