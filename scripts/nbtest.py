#!/usr/bin/env python
"""`nbdev-test` with the slowest notebooks started first.

nbdev-test starts notebooks in name order. With two workers, the slowest chapter (the CLI's, near the end of the
alphabet) then started late and ran alone while the other worker sat idle. Starting the longest first (LPT scheduling)
keeps both workers busy to the end. Each notebook runs exactly as nbdev-test runs it (`nbdev.test.test_nb`, same flags,
config, working folder and worker pool); only the order differs, and the output has the same form.

    python scripts/nbtest.py [--n-workers 2] [--flags slow] [--timing] [--do-print] [PATH]

The order comes from `SECONDS`, each notebook's time in CI; a notebook not listed counts as `DEFAULT_SECONDS`. Stale
figures only cost time, never a check. The browser chapter is placed after two long ones so that it overlaps the CLI
chapter (the heaviest load: Dask, servers, whole runs) as little as the order allows: its pages load in a browser
whose widgets must initialize within two seconds."""
from __future__ import annotations
import argparse, os, sys
from pathlib import Path

from fastcore.parallel import parallel
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.test import _keep_file, test_nb

# seconds each notebook took in CI (two workers), the slow ones; the order below is the start order
SECONDS = {"80_cli": 490, "57_pipelines": 227, "60_registry": 198, "76_browser": 363, "44_signal": 94, "75_dashboards": 89,
           "55_research": 77, "70_serve": 67}
DEFAULT_SECONDS = 60

def start_order(files:list[Path]) -> list[Path]:
    "The listed slow notebooks in `SECONDS` order, then the rest by name"
    rank = {k: i for i, k in enumerate(SECONDS)}
    return sorted(files, key=lambda f: (rank.get(f.stem, len(rank)), f.name))

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", help="a notebook or folder (default: the project's nbs)")
    ap.add_argument("--n-workers", type=int, default=2)
    ap.add_argument("--flags", default="", help="space-separated test flags to run that are normally skipped")
    ap.add_argument("--timing", action="store_true", help="print each notebook's seconds, slowest first")
    ap.add_argument("--do-print", action="store_true", help="print the start and end of each notebook")
    a = ap.parse_args()
    cfg = get_config(Path(a.path).resolve() if a.path else None)
    skip = cfg.tst_flags.split() if isinstance(cfg.tst_flags, str) else list(cfg.tst_flags)
    files = start_order([f.absolute() for f in nbglob(a.path, as_path=True) if _keep_file(f, ".notest")])
    if not files: sys.exit("no notebooks to test")
    os.chdir(cfg.nbs_path if cfg.nbs_path and cfg.nbs_path.exists() else os.getcwd())
    results = parallel(test_nb, files, skip_flags=skip, force_flags=a.flags.split(), n_workers=min(a.n_workers, len(files)),
                       basepath=cfg.config_path, pause=0.01, do_print=a.do_print, cell_timeout=cfg.cell_timeout or None)
    passed, times = zip(*results)
    if not all(passed):
        failed = "\n\t".join(f.name for p, f in zip(passed, files) if not p)
        sys.stderr.write(f"\nnbdev Tests Failed On The Following Notebooks:\n{'=' * 50}\n\t{failed}\n")
        sys.exit(1)
    print("Success.")
    if a.timing:
        for t, f in sorted(zip(times, files), key=lambda o: o[0], reverse=True): print(f"{f.name}: {int(t)} secs")

if __name__ == "__main__": main()
