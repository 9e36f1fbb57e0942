"""Write what the registry of graded parts decides into the source notebooks and the docs.

A part's points live in its record (``checks/parts/<module>.py``); a written answer's in its
cell's nbgrader metadata. From them this script writes, in ``source/<assignment>/*.ipynb``:

- the test cell of each recorded part, ``test_<name>``, with the record's points (a part that
  has a solution cell but no test cell gets the course's test cell right after it);
- the numbers of the sections (``## 1. ...``, in order) and the "(N points" of their headings;
- the table of points of the introduction, one row per numbered section;

and, in ``docs/diagnoses.md``, the table of graded parts and the table of the diagnosis codes
(from their records, ``checks/engine/codes.py``). ``make release`` runs it before
nbgrader. ``--check`` writes nothing and exits 1 when a file differs from what it would write.

    python scripts/sync_parts.py [--check]
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbgrader.utils import is_grade, is_solution

from mlp_helpers.checks.engine import codes
from mlp_helpers.checks.registry import PARTS, table

ROOT = Path(__file__).resolve().parents[1]
DOCS_TABLE = ("<!-- graded parts -->\n", "\n<!-- end of graded parts -->")
CODES_TABLE = ("<!-- diagnosis codes -->\n", "\n<!-- end of diagnosis codes -->")
SECTION = re.compile(r"^## (\d+)\. ")
ROW = re.compile(r"^\| \d+\. (.*) \| \d+ \|$", re.M)
# Imported again: a student's variable may have taken the name `checks` above.
TEST_CELL = ('from mlp_helpers import checks  # again: a cell above may reuse the name\n'
             'checks.check_{name}(globals().get("{name}"))\n'
             '### BEGIN HIDDEN TESTS\n'
             'checks.check_{name}(globals().get("{name}"), hidden=True)\n'
             '### END HIDDEN TESTS')


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def test_cell(name, points):
    """The course's test cell of part ``name``, locked, worth ``points``."""
    cell = nbformat.v4.new_code_cell(TEST_CELL.format(name=name))
    cell.id = f"test-{name.replace('_', '-')}"[:64]
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"test_{name}", "locked": True,
                                 "points": points, "schema_version": 3, "solution": False}
    return cell


def add_missing_test_cells(notebook, assignment):
    recorded = [part for part in PARTS.values() if part.assignment == assignment]
    ids = [grade_id(cell) for cell in notebook.cells]
    for part in recorded:
        if part.name not in ids:
            raise SystemExit(f"{part.name!r} is recorded for {assignment}, but its source "
                             f"notebook has no solution cell with grade_id {part.name!r}")
        if f"test_{part.name}" not in ids:
            notebook.cells.insert(ids.index(part.name) + 1, test_cell(part.name, part.points))
            ids = [grade_id(cell) for cell in notebook.cells]


def set_points(notebook, assignment):
    """The records' points in their test cells; ``{section cell index: points}``."""
    sections, heading = {}, None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and SECTION.match(cell.source):
            heading = index
        if not is_grade(cell):
            continue
        name = grade_id(cell).removeprefix("test_")
        if not is_solution(cell):
            if name not in PARTS or PARTS[name].assignment != assignment:
                raise SystemExit(f"{assignment}: the test cell {grade_id(cell)!r} checks no "
                                 f"part recorded for {assignment}")
            cell.metadata.nbgrader["points"] = PARTS[name].points
        sections.setdefault(heading, []).append((name, cell.metadata.nbgrader["points"]))
    return sections


def label(name, points_rows, hand):
    """The label of a section's row: the old one that names the part, else a new one."""
    for old in points_rows:
        if (hand and "graded by hand" in old) or (not hand and f"`{name}`" in old):
            return old
    return "written answer (graded by hand)" if hand else f"`{name}`"


def number_sections(notebook, sections):
    """Sections numbered in order, their headings' points and the introduction's table."""
    old_rows = ROW.findall(notebook.cells[0].source)
    rows, number = [], 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown" or not SECTION.match(cell.source):
            continue
        number += 1
        title, newline, rest = cell.source.partition("\n")
        title = SECTION.sub(f"## {number}. ", title)
        graded = sections.get(index, [])
        points = sum(points for _, points in graded)
        if graded:
            plural = "point" if points == 1 else "points"
            title = re.sub(r"\(\d+ points?", f"({points:g} {plural}", title)
            hand = any(name not in PARTS for name, _ in graded)
            rows.append(f"| {number}. {label(graded[0][0], old_rows, hand)} | {points:g} |")
        cell.source = title + newline + rest
    intro = notebook.cells[0]
    table_rows = list(re.finditer(ROW, intro.source))
    if table_rows:
        start, end = table_rows[0].start(), table_rows[-1].end()
        intro.source = intro.source[:start] + "\n".join(rows) + intro.source[end:]


def synced_notebook(path):
    """The text ``path`` should hold."""
    assignment = path.parent.name
    notebook = nbformat.read(path, as_version=4)
    add_missing_test_cells(notebook, assignment)
    number_sections(notebook, set_points(notebook, assignment))
    return nbformat.writes(notebook) + "\n"


def section_order(root=ROOT):
    """The recorded parts in the order of their solution cells, assignment by assignment."""
    names = [grade_id(cell) for path in sorted(root.glob("source/*/*.ipynb"))
             for cell in nbformat.read(path, as_version=4).cells if is_solution(cell)]
    found = [name for name in names if name in PARTS]
    return found + [name for name in PARTS if name not in found]


def replaced(text, markers, table_text):
    """``text`` with what lies between the two ``markers`` replaced by ``table_text``."""
    before, rest = text.split(markers[0], 1)
    after = rest.split(markers[1], 1)[1]
    return before + markers[0] + table_text + markers[1] + after


def synced_docs(path, root=ROOT):
    text = replaced(path.read_text(encoding="utf-8"), DOCS_TABLE, table(section_order(root)))
    return replaced(text, CODES_TABLE, codes.table())


def out_of_step(root=ROOT):
    """``{path: text it should hold}`` for every file that differs from what it should hold."""
    wanted = {path: synced_notebook(path) for path in sorted(root.glob("source/*/*.ipynb"))}
    wanted[root / "docs" / "diagnoses.md"] = synced_docs(root / "docs" / "diagnoses.md", root)
    return {path: text for path, text in wanted.items()
            if path.read_text(encoding="utf-8") != text}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a file is out of step")
    parser.add_argument("--root", type=Path, default=ROOT, help="the course's folder")
    options = parser.parse_args(argv)
    changed = out_of_step(options.root)
    for path, text in changed.items():
        print(f"{'out of step' if options.check else 'wrote'}: "
              f"{path.relative_to(options.root)}")
        if not options.check:
            path.write_text(text, encoding="utf-8")
    return 1 if options.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
