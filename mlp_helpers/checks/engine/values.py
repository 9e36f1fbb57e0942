"""Reading what a student's function returned: numbers, shapes, and closeness to the reference.

Anything can come back (a list, a ragged list, a string, an object that refuses to become an
array): these functions never raise on it, and say what it was for the messages. From a
student's kernel, what could not cross comes back as an ``Unreadable`` (``checks.kernel.wire``).
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np


@dataclass(frozen=True)
class Unreadable:
    """A value that could not cross from a kernel: ``what`` says what it was, for the message."""

    what: str


def numbers(value):
    """``value`` as a float64 array, or ``None`` when it is not real numbers."""
    try:
        array = np.asarray(value)
        if array.dtype.kind == "O" and all(isinstance(item, Real) for item in array.flat):
            return array.astype(np.float64)  # Python numbers such as fractions.Fraction
    except Exception:  # ragged nested lists, or a returned object whose conversion fails
        return None
    # Complex numbers, strings and other objects are refused rather than cast (with a warning).
    return array.astype(np.float64) if array.dtype.kind in "biuf" else None


def shape_of(value):
    """``np.shape(value)``, or ``None`` for what numpy cannot make an array of (ragged lists)."""
    try:
        return np.shape(value)
    except ValueError:
        return None


def described(value):
    """``"shape (5,)"`` or, for what has no shape, ``"a list"``: for the messages."""
    shape = shape_of(value)
    return f"shape {shape}" if shape is not None else f"a {type(value).__name__} of ragged parts"


def close(got, want, tol, slack=0.0):
    """True when ``got`` matches ``want`` entry by entry, relative to the array's scale.

    ``slack`` is an absolute difference each entry may have on top (a numerical-safety
    epsilon, see ``cross_entropy.EPSILON``).
    """
    if got.shape != want.shape or not np.isfinite(got).all():
        return False
    if got.size == 0:
        return True
    scale = max(float(np.max(np.abs(want))), float(np.max(np.abs(got))))
    # Entries near zero are compared against 1 % of the largest entry, so a correct formula
    # written in another order (or a finite difference) is not failed on round-off.
    return bool((np.abs(got - want)
                 <= tol * (np.abs(got) + np.abs(want) + 1e-2 * scale) + slack).all())
