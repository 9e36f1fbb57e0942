"""How long the whole course takes to run: every lecture notebook and every source solution.

Each notebook executes in a fresh kernel (nbclient, as the tests and ``nbgrader`` do), from its
own folder. An empty notebook is timed the same way, so the kernel's start-up is known. Repeats
are interleaved (all notebooks, then all again) and the median per notebook is reported.
Run: ``python -m benchmarks.course`` (``--help`` for the settings).
"""

import argparse
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks._common import REPO, cell_seconds, machine, spread, summarize, write_json

TARGET_SECONDS = 60.0
EMPTY = "(empty notebook)"


def course_notebooks(root=REPO):
    """Lecture notebooks, then the source solution of every assignment, as paths."""
    return sorted((root / "notebooks").glob("*.ipynb")) + sorted(
        (root / "source").glob("*/*.ipynb"))


def execute(path, timeout):
    """Run a notebook in a fresh kernel; return ``(seconds, slowest cells, errors)``.

    ``path`` ``None`` runs an empty notebook: the cost of starting and stopping a kernel.
    """
    notebook = nbformat.v4.new_notebook() if path is None else nbformat.read(path, as_version=4)
    folder = REPO if path is None else Path(path).parent
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    cells, errors = [], []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        cells.append((cell_seconds(cell), index, cell.source.splitlines()[0][:60]
                      if cell.source else ""))
        errors += [f"cell {index}: {output.ename}: {output.evalue}"[:200]
                   for output in cell.get("outputs", []) if output.output_type == "error"]
    return seconds, sorted(cells, reverse=True)[:3], errors


def relative(path):
    """A notebook's path relative to the repository, or the empty notebook's label."""
    if path is None:
        return EMPTY
    path = Path(path).resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def main(argv=None):
    """Execute every notebook ``--repeats`` times, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: notebooks/*.ipynb and source/*/*.ipynb)")
    parser.add_argument("--out", help="JSON file (default benchmarks/results/course.json)")
    args = parser.parse_args(argv)
    machine_at_start = machine()
    notebooks = [path.resolve() for path in args.notebooks] or course_notebooks()
    runs = {relative(path): [] for path in [None, *notebooks]}
    details = {}
    for _ in range(args.repeats):
        for path in [None, *notebooks]:
            seconds, slowest, errors = execute(path, args.timeout)
            runs[relative(path)].append(seconds)
            details[relative(path)] = {"slowest_cells": slowest, "errors": errors}
    per_notebook = {name: {**summarize(times), **details[name]} for name, times in runs.items()}
    total = sum(per_notebook[relative(path)]["median"] for path in notebooks)
    kernel = per_notebook[EMPTY]["median"]
    print(f"\n{'notebook':<48} {'seconds median [q1-q3]':>24}  slowest cell")
    for name, figures in per_notebook.items():
        slowest = figures["slowest_cells"][0] if figures["slowest_cells"] else (0.0, 0, "")
        print(f"{name:<48} {spread(figures, digits=2):>24}  {slowest[0]:.2f} s: {slowest[2]}")
        for error in figures["errors"]:
            print(f"    ERROR {error}")
    print(f"\n{len(notebooks)} notebook(s) in {total:.1f} s (target under {TARGET_SECONDS:.0f} s); "
          f"{kernel:.2f} s of each is the kernel's start and stop, "
          f"{kernel * len(notebooks):.1f} s in all.")
    machine_at_start["load_average_after"] = machine()["load_average_1_5_15_min"]
    result = {"benchmark": "course", "machine": machine_at_start, "repeats": args.repeats,
              "notebooks": per_notebook, "total_seconds": total,
              "kernel_start_stop_seconds": kernel, "target_seconds": TARGET_SECONDS,
              "under_target": total < TARGET_SECONDS,
              "errors": sum(len(figures["errors"]) for figures in per_notebook.values())}
    write_json(result, "course", args.out)
    return result


if __name__ == "__main__":
    main()
