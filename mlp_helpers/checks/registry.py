"""Every graded part of the assignments, collected from the modules that judge them.

Each module of ``checks/parts/`` that judges parts ends with ``PARTS``, the records
(``checks.part.Part``) of the parts it judges, next to their ``Spec`` or diagnoser: the part's
name, assignment and points, what a student writes, what the check tries and how it is judged.
``PARTS`` here holds them all, found in those modules (a new one needs no line here), in the
order the grader judges them (``judging_order``); the references of the ``Spec``s are checked
as they are collected. The ``check_<name>`` functions the test cells call, the grader's
verdicts (``diagnose``), the table of ``docs/diagnoses.md``, the points in the source notebooks
(``scripts/sync_parts.py``) and the lists the tests go through are all derived from it.
``docs/contributing.md`` walks through adding a part.

``python -m mlp_helpers.checks`` prints the table for ``docs/diagnoses.md``.
"""

import importlib
import os
import pkgutil
import sys
import types

import mlp_helpers.checks.parts as _parts_package
from mlp_helpers.checks.engine.core import CheckFailed
from mlp_helpers.checks.part import Part


def _modules():
    """Every module of ``checks/parts/`` that ends with records (``PARTS``), by name."""
    found = (importlib.import_module(f"{_parts_package.__name__}.{info.name}")
             for info in pkgutil.iter_modules(_parts_package.__path__))
    return [module for module in found if hasattr(module, "PARTS")]


def judging_order(part):
    """Where ``part`` is judged: by assignment, the parts with a ``Spec`` first.

    A diagnoser may run the student's loop with the references of the parts with a ``Spec``
    swapped in, and the grader sends the kernel a reference only once its part has its verdict
    (``kernel.edition.NotJudgedYet``); a part with a ``Spec`` swaps nothing. The grader judges
    in ``PARTS``' order; within each group, the modules' order (by name) and their records'.
    """
    return part.assignment, part.spec is None


def _module_level(function):
    """Whether the kernel can find ``function`` by its module and name, as the grader sends it."""
    return (isinstance(function, types.FunctionType) and function.__qualname__ == function.__name__
            and getattr(sys.modules.get(function.__module__), function.__name__, None) is function)


def _collected(modules):
    records = sorted((part for module in modules for part in module.PARTS), key=judging_order)
    names = [part.name for part in records]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"graded parts recorded twice: {twice}")
    for part in records:
        for function in part.spec.reference if part.spec is not None else ():
            if not _module_level(function):
                raise ValueError(f"`{part.name}`: its Spec's reference {function!r} is not a "
                                 "function defined at the top level of its module; the grader "
                                 "names it to the student's kernel by module and name, so a "
                                 "method or a nested function would get no answer there")
    return {part.name: part for part in records}


PARTS = _collected(_modules())

__all__ = ["PARTS", "GradingRefused", "Part", "check", "check_function", "diagnose", "table"]


def _part(name):
    if name not in PARTS:
        raise KeyError(f"no checks for {name!r}; known: {sorted(PARTS)}")
    return PARTS[name]


def diagnose(name, answer, hidden=True, **options):
    """Diagnose ``answer`` as the graded part ``name``, on every fixture.

    ``answer`` is the student's function (or value), or an ``Elsewhere`` standing for it in
    their kernel (``checks.kernel.remote.Remote``): the grader's verdict. ``hidden=False`` keeps
    only the fixtures of the visible test in the student release.

    Returns
    -------
    None when it behaves as the course's conventions say, else a ``Diagnosis``.
    """
    return _part(name).verdict(answer, hidden, **options)


def check(name, answer, hidden=True, **options):
    """Raise ``CheckFailed`` with the diagnosis' message unless ``answer`` is right."""
    found = diagnose(name, answer, hidden, **options)
    if found is not None:
        raise CheckFailed(found)


class GradingRefused(RuntimeError):
    """A test cell run in a kernel by ``nbgrader autograde``: nbgrader lacks the course's grader.

    The course's grader never sends a test cell to the student's kernel (``grading.judge``
    judges it in its own process), so a check called there while nbgrader autogrades means
    nbgrader runs without the course's configuration: no sandbox, no judge. The check then
    gives no points rather than trust the kernel.
    """

    def __init__(self):
        super().__init__("Grading refused: this notebook is being autograded without the "
                         "course's nbgrader_config.py (no sandbox, no grader's judgement), so "
                         "no test passes. Grade it from the course's folder, with its "
                         "configuration.")

    def _render_traceback_(self):
        return [f"GradingRefused: {self}"]


def check_function(part):
    """``check_<name>``: what the test cells of ``part`` call."""
    def check_part(answer, hidden=False, **options):
        if os.environ.get("NBGRADER_EXECUTION") == "autograde":
            raise GradingRefused
        check(part.name, answer, hidden, **options)

    check_part.__name__ = check_part.__qualname__ = f"check_{part.name}"
    check_part.__doc__ = (f"Raise ``CheckFailed`` naming the mistake unless {part.answer} is "
                          f"right: {part.judged}.\n\n``hidden=True`` adds the hidden test's "
                          "inputs.")
    return check_part


def table(names=None):
    """The table of graded parts for ``docs/diagnoses.md``, in Markdown.

    ``names`` gives the order of the rows (the notebooks' sections, as the sync reads them);
    the judging order by default.
    """
    rows = ["| assignment | part | points | you write | the check tries |",
            "|---|---|---|---|---|"]
    rows += [f"| {part.assignment} | `{part.name}` | {part.points} | {part.answer} | "
             f"{part.judged} |" for part in map(PARTS.get, names or PARTS)]
    return "\n".join(rows)

