"""The graders' checks: one ``check_<name>`` per graded part, and ``diagnose``.

Every graded part has one record in ``checks.registry.PARTS``; the ``check_<name>`` functions
are derived from them (``registry.check_function``) when first asked for. A test cell in the
assignments imports the package again (a student's variable may have taken the name) and calls
one check, such as ``checks.check_hidden_delta(globals().get("hidden_delta"))``. In a notebook
the checks give the student feedback; when a notebook is graded, the grader runs the same checks
in its own process (``mlp_helpers.grading.judge``), and they decide the score.
"""

import importlib

from mlp_helpers.checks.engine.core import CODES, CheckFailed, Diagnosis
from mlp_helpers.checks.part import Part

_FROM_THE_REGISTRY = ("PARTS", "check", "check_function", "diagnose")
__all__ = ["CODES", "CheckFailed", "Diagnosis", "Part", *_FROM_THE_REGISTRY]


def _registry():
    # It imports every part's module (about 40 ms): a notebook pays for it at its first check,
    # and a kernel being graded, whose test cells the grader judges, never does.
    return importlib.import_module("mlp_helpers.checks.registry")


def __getattr__(name):
    if name in _FROM_THE_REGISTRY:
        return getattr(_registry(), name)
    part = name.removeprefix("check_")
    if name.startswith("check_") and part in _registry().PARTS:
        globals()[name] = _registry().check_function(_registry().PARTS[part])
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    checks = [f"check_{name}" for name in _registry().PARTS]
    return sorted({*globals(), *_FROM_THE_REGISTRY, *checks})
