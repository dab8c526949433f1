#!/usr/bin/env python
"""Author notebooks as plain-text percent scripts and convert them both ways (a developer convenience).

    python scripts/nbpy.py to-py nbs/20_labels.ipynb /tmp/20_labels.py   # notebook -> percent script
    python scripts/nbpy.py to-nb /tmp/20_labels.py nbs/20_labels.ipynb   # percent script -> clean notebook
    python scripts/nbpy.py strip nbs/20_labels.ipynb                     # clear outputs (notebooks are committed without)

The notebook stays the source of truth: scripts are scratch copies kept outside the repo.
`to-nb` writes a notebook with the python3 kernelspec and no jupytext metadata, then runs nbdev-clean on it."""
import json, subprocess, sys
from pathlib import Path

import jupytext

KERNELSPEC = {"display_name": "python3", "language": "python", "name": "python3"}

def to_py(nb_path, py_path):
    nb = jupytext.read(nb_path)
    jupytext.write(nb, py_path, fmt="py:percent")

def strip(nb_path, _=None):
    nb = json.loads(Path(nb_path).read_text())
    for c in nb["cells"]:
        if c["cell_type"] == "code": c["outputs"], c["execution_count"] = [], None
    Path(nb_path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    clean(nb_path)

def clean(nb_path):
    subprocess.run([str(Path(sys.executable).parent/"nbdev-clean"), "--fname", str(nb_path)], check=True)

def to_nb(py_path, nb_path):
    nb = jupytext.read(py_path, fmt="py:percent")
    nb.metadata = {"kernelspec": KERNELSPEC}
    old = json.loads(Path(nb_path).read_text())["cells"] if Path(nb_path).exists() else []
    by_src = {"".join(c["source"]): c["id"] for c in old if "id" in c}
    taken = set()
    for i, c in enumerate(nb.cells):
        c.metadata = {k: v for k, v in c.metadata.items() if k == "tags"}
        # keep cell ids stable across round trips: same source first, else same position
        cid = by_src.get(c.source) or (old[i].get("id") if i < len(old) else None)
        if cid and cid not in taken: c.id = cid
        taken.add(c.id)
    jupytext.write(nb, nb_path, fmt="ipynb")
    clean(nb_path)
    json.loads(Path(nb_path).read_text())  # still valid JSON

if __name__ == "__main__":
    cmds = {"to-py": (to_py, 4), "to-nb": (to_nb, 4), "strip": (strip, 3)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) != cmds[sys.argv[1]][1]: sys.exit(__doc__)
    cmds[sys.argv[1]][0](*sys.argv[2:])
