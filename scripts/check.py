#!/usr/bin/env python
"""Every check `make test` runs, in order, with a summary at the end. Exit status 1 if any check fails.

    python scripts/check.py                 # all checks
    python scripts/check.py --only lint     # a group: clean, export, test, docs, demo, lint (ruff, bandit, mypy, secrets)
    python scripts/check.py --slow          # also run cells flagged `#| slow`

Checks that rewrite files (nbdev-clean, nbdev-export) report what they changed: in CI that is a failure; locally the
files are now fixed and only need committing."""
from __future__ import annotations
import argparse, hashlib, json, os, re, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS: list[tuple[str, bool, float, str]] = []

def sh(cmd, **kw):
    "Run `cmd` from the repo root, streaming its output; return (status, captured text)"
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    lines = []
    for line in p.stdout:
        sys.stdout.write(line); sys.stdout.flush(); lines.append(line)
    return p.wait(), "".join(lines)

def digests(pattern):
    return {p.relative_to(ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(ROOT.glob(pattern))}

def check(name):
    def deco(fn):
        def run():
            print(f"\n=== {name} ===", flush=True)
            t = time.time()
            try: ok, detail = fn()
            except Exception as e: ok, detail = False, f"{type(e).__name__}: {e}"
            RESULTS.append((name, ok, time.time() - t, detail))
            print(f"--- {name}: {'ok' if ok else 'FAILED'} {detail}", flush=True)
        return run
    return deco

@check("notebooks clean (nbdev-clean changes nothing)")
def check_clean():
    before = digests("nbs/**/*.ipynb")
    rc, _ = sh([BIN/"nbdev-clean"])
    changed = [k for k, v in digests("nbs/**/*.ipynb").items() if before.get(k) != v]
    if rc: return False, f"nbdev-clean exited {rc}"
    if changed: return False, "notebooks not clean (outputs or metadata left in); nbdev-clean rewrote: " + ", ".join(changed)
    with_outputs = [k for k in before if any(c.get("outputs") for c in json.loads((ROOT/k).read_text())["cells"])]
    if with_outputs: return False, ("notebooks not clean: saved with outputs (the docs workflow executes them; clear with "
                                    "`python scripts/nbpy.py strip <nb>`): " + ", ".join(with_outputs))
    return True, f"{len(before)} notebooks"

@check("library in sync (nbdev-export changes nothing)")
def check_export():
    before = digests("mltrade/**/*.py")
    rc, _ = sh([BIN/"nbdev-export"])
    after = digests("mltrade/**/*.py")
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if rc: return False, f"nbdev-export exited {rc}"
    if changed: return False, "library out of sync with the notebooks; nbdev-export rewrote: " + ", ".join(changed)
    return True, f"{len(after)} modules"

NB_SUMMARY = {"passed": 0, "failed": 0}

@check("notebook tests (nbdev-test --n-workers 2)")
def check_test():
    cmd = [BIN/"nbdev-test", "--n-workers", "2", "--timing", "--do-print"]
    if ARGS.slow: cmd += ["--flags", "slow"]
    rc, out = sh(cmd)
    started = re.findall(r"^Starting (.+\.ipynb)$", out, re.M)
    failed = re.findall(r"^\t(\S+\.ipynb)$", out.split("Following Notebooks:")[-1], re.M) if "Following Notebooks:" in out else []
    if rc and not failed: failed = ["(nbdev-test crashed before reporting; see above)"]
    NB_SUMMARY.update(passed=len(started) - len(failed) if rc == 0 or failed[0].endswith(".ipynb") else 0, failed=len(failed))
    return rc == 0, f"{NB_SUMMARY['passed']} passed, {NB_SUMMARY['failed']} failed" + (": " + ", ".join(failed) if failed else "")

@check("docs pre-processing (nbdev-proc-nbs; Quarto itself renders in GitHub Actions)")
def check_docs():
    rc, out = sh([BIN/"nbdev-proc-nbs"], env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"})
    n = len(list((ROOT/"_proc").glob("**/*.ipynb")))
    mixed = out.count("Found cells containing imports and other code")
    if rc or not n: return False, f"nbdev-proc-nbs exited {rc}, {n} notebooks processed"
    if mixed: return False, f"{mixed} cells mix imports with other code (nbdev hides import cells in the docs: split them)"
    return True, f"{n} notebooks processed into _proc/"

@check("end-to-end demo on the bundled sample (make demo's command)")
def check_demo():
    with tempfile.TemporaryDirectory() as home:
        rc, out = sh([BIN/"mltrade", "--home", home, "demo"])
    return rc == 0, "" if rc == 0 else f"exited {rc}"

@check("ruff check mltrade")
def check_ruff():
    rc, _ = sh([BIN/"ruff", "check", "mltrade", "scripts", "bench"])
    return rc == 0, ""

@check("bandit -q -r mltrade (no high-severity findings)")
def check_bandit():
    rc, out = sh([BIN/"bandit", "-q", "-r", "mltrade", "-f", "json", "-o", "/dev/stdout"])
    try: found = json.loads(out[out.index("{"):])["results"]
    except (ValueError, KeyError): return False, f"could not read bandit's report (exit {rc})"
    for r in found: print(f"  {r['issue_severity']:6} {r['test_id']} {r['filename']}:{r['line_number']} {r['issue_text']}")
    high = [r for r in found if r["issue_severity"] == "HIGH"]
    return not high, f"{len(found)} findings, {len(high)} high"

@check("mypy mltrade")
def check_mypy():
    rc, _ = sh([BIN/"mypy"])
    return rc == 0, ""

@check("detect-secrets (no secrets beyond .secrets.baseline)")
def check_secrets():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    files = [f for f in files if not f.startswith("mltrade/samples/") and (ROOT/f).is_file()]
    if not files: return False, "no tracked files to scan (not a git checkout?)"
    rc, _ = sh([BIN/"detect-secrets-hook", "--baseline", ".secrets.baseline", *files])
    return rc == 0, f"{len(files)} tracked files scanned"

GROUPS = {"clean": [check_clean], "export": [check_export], "test": [check_test], "docs": [check_docs], "demo": [check_demo],
          "lint": [check_ruff, check_bandit, check_mypy, check_secrets]}

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", choices=list(GROUPS), help="run only these groups (repeatable)")
    ap.add_argument("--slow", action="store_true", default=os.environ.get("MLTRADE_TEST_SLOW") == "1", help="also run `#| slow` cells")
    ARGS = ap.parse_args()
    t0 = time.time()
    for g in ARGS.only or list(GROUPS):
        for c in GROUPS[g]: c()
    print("\n=== summary ===")
    for name, ok, secs, detail in RESULTS: print(f"{'PASS' if ok else 'FAIL'} {secs:7.1f}s  {name}  {detail}")
    nfail = sum(not ok for _, ok, _, _ in RESULTS)
    print(f"checks: {len(RESULTS) - nfail} passed, {nfail} failed ({time.time() - t0:.0f}s)")
    if any(g == "test" for g in (ARGS.only or GROUPS)): print(f"notebooks: {NB_SUMMARY['passed']} passed, {NB_SUMMARY['failed']} failed")
    sys.exit(1 if nfail else 0)
