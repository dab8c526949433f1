#!/usr/bin/env python
"""Author notebooks as plain-text percent scripts and convert them both ways (a developer convenience).

    python scripts/nbpy.py to-py nbs/20_labels.ipynb /tmp/20_labels.py   # notebook -> percent script
    python scripts/nbpy.py to-nb /tmp/20_labels.py nbs/20_labels.ipynb   # percent script -> clean notebook

The notebook stays the source of truth: scripts are scratch copies kept outside the repo.
`to-nb` writes a notebook with the python3 kernelspec and no jupytext metadata, then runs nbdev-clean on it."""
import json, subprocess, sys
from pathlib import Path

import jupytext

KERNELSPEC = {"display_name": "python3", "language": "python", "name": "python3"}

def to_py(nb_path, py_path):
    nb = jupytext.read(nb_path)
    jupytext.write(nb, py_path, fmt="py:percent")

def to_nb(py_path, nb_path):
    nb = jupytext.read(py_path, fmt="py:percent")
    nb.metadata = {"kernelspec": KERNELSPEC}
    for c in nb.cells:
        c.metadata = {k: v for k, v in c.metadata.items() if k == "tags"}
    jupytext.write(nb, nb_path, fmt="ipynb")
    bindir = Path(sys.executable).parent
    subprocess.run([str(bindir/"nbdev-clean"), "--fname", str(nb_path)], check=True)
    json.loads(Path(nb_path).read_text())  # still valid JSON

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("to-py", "to-nb"): sys.exit(__doc__)
    (to_py if sys.argv[1] == "to-py" else to_nb)(sys.argv[2], sys.argv[3])
