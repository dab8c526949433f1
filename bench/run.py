#!/usr/bin/env python
"""Run every benchmark script `bench/bench_*.py` (or those named on the command line) in its own process."""
import subprocess, sys, time
from pathlib import Path

here = Path(__file__).parent
scripts = [here/f"bench_{n}.py" for n in sys.argv[1:]] or sorted(here.glob("bench_*.py"))
failed = []
for s in scripts:
    print(f"\n=== {s.name} ===", flush=True)
    t = time.time()
    if subprocess.run([sys.executable, str(s)]).returncode: failed.append(s.name)
    print(f"--- {s.name}: {time.time() - t:.0f}s", flush=True)
if not scripts: print("no benchmarks yet")
print(f"\nbenchmarks: {len(scripts) - len(failed)} ran, {len(failed)} failed {failed or ''}")
sys.exit(1 if failed else 0)
