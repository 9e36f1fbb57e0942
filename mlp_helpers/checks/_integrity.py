"""Keeping the checks trustworthy inside a student's notebook.

A notebook can assign to ``numpy.allclose`` or to ``mlp_helpers.checks.check_sigmoid``. The
checks never use numpy's checking functions themselves (they compare with plain arithmetic), but
a replaced one means the student's own tests lied to them, so the checks say so; a replaced
``numpy.exp`` (or another function the reference computes with) would change the expected
values, so it is refused the same way. The package ``mlp_helpers.checks`` and its modules refuse
to have their functions replaced (``checks.check_sigmoid = ...``, or
``checks._compare.close = ...``). This keeps an honest notebook from breaking its checks by
accident, and makes cheating deliberate work; it is no sandbox (see the instructor guide).
"""

import sys
import types

import numpy as np

# The checking functions a notebook might be tempted to replace, as they were at import time,
# and the numpy functions the reference (and so the expected values) is computed with.
_WATCHED = {f"numpy.{attr}": (np, attr) for attr in (
    "allclose", "isclose", "array_equal", "exp", "log", "abs", "sum", "max", "maximum", "where",
    "clip", "mean", "matmul", "dot", "tanh", "asarray", "isfinite")}
_ORIGINALS = {name: getattr(owner, attr) for name, (owner, attr) in _WATCHED.items()}
# numpy.testing is not imported here (it costs a kernel 60 ms): a notebook that replaces one
# of its functions has imported it, and numpy keeps the originals in numpy.testing._private.
_TESTING = ("assert_allclose", "assert_array_equal", "assert_array_almost_equal",
            "assert_almost_equal", "assert_equal")


def _is_numpys(function):
    # Also catches a replacement made before this module was imported.
    return getattr(function, "__module__", "").startswith("numpy")


def _replaced_testing_functions():
    testing = sys.modules.get("numpy.testing")
    originals = sys.modules.get("numpy.testing._private.utils")
    if testing is None or originals is None:
        return []
    return [f"numpy.testing.{attr}" for attr in _TESTING
            if getattr(testing, attr, None) is not getattr(originals, attr, None)
            or not _is_numpys(getattr(originals, attr, None))]


def replaced_numpy_checkers():
    """Names of numpy's checking functions that were replaced in this process."""
    replaced = [name for name, (owner, attr) in _WATCHED.items()
                if getattr(owner, attr, None) is not _ORIGINALS[name]
                or not _is_numpys(_ORIGINALS[name])]
    return replaced + _replaced_testing_functions()


def tamper_message(names):
    """What the student reads when numpy's checking functions were replaced."""
    listed = " and ".join(names[:2]) + (" (and others)" if len(names) > 2 else "")
    verb = "was" if len(names) == 1 else "were"
    return (f"{listed} {verb} replaced in this notebook, so this check cannot trust it; "
            "remove the line that assigns to it and restart the kernel.")


def _locked(module, name):
    # Every function and class the module defines; settings such as TIME_LIMIT stay writable.
    value = module.__dict__.get(name)
    return callable(value) and not isinstance(value, types.ModuleType)


class ReplacingACheck(AttributeError):
    """Raised when a notebook assigns to a check; shown as one line, like ``CheckFailed``."""

    def _render_traceback_(self):
        return [f"AttributeError: {self}"]


class _ProtectedModule(types.ModuleType):
    """A module whose functions and classes cannot be reassigned or deleted once defined."""

    def __setattr__(self, name, value):
        if _locked(self, name):
            raise ReplacingACheck(f"{self.__name__}.{name} cannot be replaced: the grader uses "
                                  "it. Remove the line that assigns to it.")
        super().__setattr__(name, value)

    def __delattr__(self, name):
        if _locked(self, name):
            raise ReplacingACheck(f"{self.__name__}.{name} cannot be deleted: the grader uses "
                                  "it.")
        super().__delattr__(name)


def protect(package):
    """Make ``package`` and its modules refuse reassignment of their functions and classes."""
    for name, module in list(sys.modules.items()):
        if name == package.__name__ or name.startswith(package.__name__ + "."):
            module.__class__ = _ProtectedModule
