#!/usr/bin/env python
"""Author notebooks as plain-text percent scripts and convert them both ways (a developer convenience).

    python scripts/nbpy.py to-py nbs/20_labels.ipynb /tmp/20_labels.py   # notebook -> percent script
    python scripts/nbpy.py to-nb /tmp/20_labels.py nbs/20_labels.ipynb   # percent script -> clean notebook
    python scripts/nbpy.py strip nbs/20_labels.ipynb                     # clear outputs (notebooks are committed without)

The notebook stays the source of truth: scripts are scratch copies kept outside the repo.
`to-nb` writes a notebook with the python3 kernelspec and no jupytext metadata, then runs nbdev-clean on it."""
import difflib, json, subprocess, sys
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
    # keep cell ids stable across round trips (exported modules cite them): align the old and new cells by source (a diff), so
    # unchanged cells keep their ids and an edited cell takes the id of the cell it replaces
    ops = difflib.SequenceMatcher(None, ["".join(c["source"]) for c in old], [c.source for c in nb.cells], autojunk=False).get_opcodes()
    ids = {j1 + k: old[i1 + k].get("id") for tag, i1, i2, j1, j2 in ops if tag in ("equal", "replace") for k in range(min(i2 - i1, j2 - j1))}
    for i, c in enumerate(nb.cells):
        c.metadata = {k: v for k, v in c.metadata.items() if k == "tags"}
        if ids.get(i): c.id = ids[i]
    jupytext.write(nb, nb_path, fmt="ipynb")
    clean(nb_path)
    json.loads(Path(nb_path).read_text())  # still valid JSON

if __name__ == "__main__":
    cmds = {"to-py": (to_py, 4), "to-nb": (to_nb, 4), "strip": (strip, 3)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) != cmds[sys.argv[1]][1]: sys.exit(__doc__)
    cmds[sys.argv[1]][0](*sys.argv[2:])
