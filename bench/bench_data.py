"""Data layer throughput on 1M one-minute klines (synthetic, seeded): parse (Binance JSON pages -> typed bars), validate,
cache write and hash-checked cache read, each in rows/s with the ratio to a plain-pandas reference run in the same process."""
from __future__ import annotations
import json, shutil, tempfile
from pathlib import Path

import numpy as np, pandas as pd

from _common import best_time, report
from mltrade.data.cache import BarCache
from mltrade.data.schema import BARS_SCHEMA, KLINE_FIELDS, klines_to_frame, validate_bars

N = 1_000_000
PAGE = 1000

def make_pages(n:int=N, seed:int=0) -> list[str]:
    "n one-minute klines as Binance sends them: JSON pages of 1000 rows, prices and volumes as decimal strings"
    rng = np.random.default_rng(seed)
    c = 100 * np.exp(np.cumsum(rng.normal(0, 1e-3, n))); o = np.r_[c[0], c[:-1]]
    h, l, v = np.maximum(o, c) * 1.0005, np.minimum(o, c) * 0.9995, rng.uniform(0, 10, n)
    ot = 1_600_000_000_000 + np.arange(n, dtype="int64") * 60_000
    tr = rng.integers(1, 500, n)
    rows = [[int(ot[i]), f"{o[i]:.8f}", f"{h[i]:.8f}", f"{l[i]:.8f}", f"{c[i]:.8f}", f"{v[i]:.8f}", int(ot[i] + 59_999),
             f"{v[i] * c[i]:.8f}", int(tr[i]), f"{v[i] / 2:.8f}", f"{v[i] * c[i] / 2:.8f}", "0"] for i in range(n)]
    return [json.dumps(rows[i:i + PAGE]) for i in range(0, n, PAGE)]

def parse(pages:list[str]) -> pd.DataFrame:
    "What BinanceClient.klines does with the pages: decode each, concatenate, build the typed frame"
    rows: list = []
    for p in pages: rows.extend(json.loads(p))
    return klines_to_frame(rows)

def parse_plain(pages:list[str]) -> pd.DataFrame:
    "Reference: the same JSON into a DataFrame with plain pandas casts"
    rows: list = []
    for p in pages: rows.extend(json.loads(p))
    df = pd.DataFrame(rows, columns=list(KLINE_FIELDS))
    df = df.astype({c: "float64" for c in ("open", "high", "low", "close", "volume", "quote_volume", "taker_buy_base", "taker_buy_quote")})
    df.index = pd.to_datetime(df.pop("open_time"), unit="ms", utc=True)
    return df

def main():
    print(f"generating {N:,} synthetic 1m klines as JSON pages ...", flush=True)
    pages = make_pages()
    bars = parse(pages)
    ref = best_time(lambda: parse_plain(pages), repeat=2, warmup=0)
    report("klines parse (JSON pages -> typed bars)", N, best_time(lambda: parse(pages), repeat=2, warmup=0),
           ref_name="pd.DataFrame + astype", ref_seconds=ref)
    pages.clear()                      # free the JSON before the next steps

    b = bars.drop(columns="close_time")
    b.attrs = {"interval": "1m"}
    ref = best_time(lambda: BARS_SCHEMA.validate(b, lazy=True), repeat=3)
    report("validate_bars (schema + index + gaps + outliers)", N, best_time(lambda: validate_bars(b, "1m"), repeat=3),
           ref_name="pandera schema alone", ref_seconds=ref)

    tmp = Path(tempfile.mkdtemp())
    try:
        plain = tmp/"plain.parquet"
        ref_w = best_time(lambda: b.to_parquet(plain, engine="pyarrow", compression="snappy"), repeat=3)
        def write():
            d = tmp/"cache"
            shutil.rmtree(d, ignore_errors=True)
            BarCache(d).write(b, "binance", "BTCUSDT", "1m")
        n_files = len(BarCache(tmp/"probe").write(b, "binance", "BTCUSDT", "1m"))
        report(f"cache write ({n_files} monthly files, hashed, atomic, manifest)", N, best_time(write, repeat=3),
               ref_name="df.to_parquet, one file", ref_seconds=ref_w)
        write()
        cache = BarCache(tmp/"cache")
        ref_r = best_time(lambda: pd.read_parquet(plain, engine="pyarrow"), repeat=5)
        back = cache.read("binance", "BTCUSDT", "1m")
        pd.testing.assert_frame_equal(back, b, check_freq=False, obj="cache round trip")
        report("cache read (hash-checked, all files)", N, best_time(lambda: cache.read("binance", "BTCUSDT", "1m"), repeat=5),
               ref_name="pd.read_parquet, one file", ref_seconds=ref_r)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__": main()
