"""Argument checks shared by the public functions.

Every public function of the course validates what it is given, so a wrong shape or a ``nan``
fails at the call that caused it, with a message naming the argument, instead of three lines
later inside a matrix product.
"""

import numpy as np


def as_array(name, value, ndim=None, finite=True):
    """Return ``value`` as a float ndarray, or raise ``ValueError`` naming ``name``.

    Integer and boolean inputs become float64; float32 stays float32, so callers keep the
    precision they chose. No copy is made when none is needed.
    """
    array = np.asarray(value)
    if array.dtype.kind in "biu":
        array = array.astype(np.float64)
    elif array.dtype.kind != "f":
        raise ValueError(f"{name} must hold numbers, got an array of dtype {array.dtype}.")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, got shape {array.shape} ({array.ndim}-D)."
        )
    if finite and not np.isfinite(array).all():
        raise ValueError(f"{name} contains nan or inf; check the step that produced it.")
    return array


def require_shape(name, array, expected):
    """Raise ``ValueError`` unless ``array.shape`` matches ``expected`` (``None`` = any size)."""
    matches = len(array.shape) == len(expected) and all(
        want is None or want == got for want, got in zip(expected, array.shape)
    )
    if not matches:
        shown = "(" + ", ".join("any" if d is None else str(d) for d in expected)
        shown += ",)" if len(expected) == 1 else ")"
        raise ValueError(f"{name} must have shape {shown}, got {array.shape}.")
