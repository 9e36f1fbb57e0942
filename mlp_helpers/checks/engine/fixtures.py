"""Seeded fixtures in the standard roles shared by the checks, and fresh ones for the grader.

Every graded function is checked on a few typical shapes (the visible test), then, in the hidden
test, on one example, on float32 inputs, on read-only inputs and on one more shape. Every
fixture's numbers come from ``seeded``: the same in every kernel, unless the grader asks for
fresh ones (``fresh``), drawn anew for each grading run so that no answer can be prepared.
Fresh inputs that cost training to draw (``seeded_once``) are drawn once a grading process.
"""

import contextlib
import contextvars
import functools
import secrets

import numpy as np

from mlp_helpers.checks.engine.spec import Case

_SALT = contextvars.ContextVar("fixture_salt", default=0)


def seeded(seed):
    """``numpy.random.default_rng(seed)``; inside ``fresh(salt)``, another stream for each salt."""
    salt = _SALT.get()
    return np.random.default_rng([seed, salt] if salt else seed)


def salt():
    """The salt of the fresh fixtures being drawn, or 0 for the standard ones."""
    return _SALT.get()


@functools.cache
def _process_salt():
    return secrets.randbelow(2**31 - 1) + 1


def seeded_once(seed):
    """``numpy.random.default_rng`` for ``seed`` and a salt drawn once a grading process.

    For fresh inputs that training decides (a network vetted by training it, a run the grader
    trains): a class's grading process pays for them once, not once a student, and students
    know them no more than the salt of their own run.
    """
    return np.random.default_rng([seed, _process_salt()])


@contextlib.contextmanager
def fresh(salt):
    """Within this block, every fixture is drawn from streams of its own for ``salt`` (> 0)."""
    token = _SALT.set(int(salt))
    try:
        yield
    finally:
        _SALT.reset(token)


# The roles of the hidden fixtures, after the visible ones: what each one tries.
ONE_EXAMPLE = dict(note="one example", hidden=True)
FLOAT32 = dict(note="float32", hidden=True, float32=True)
READ_ONLY = dict(note="read-only arrays", hidden=True, read_only=True)
ONE_MORE_SHAPE = dict(hidden=True)
ONE_D = dict(note="a 1-D array", hidden=True)


def standard_cases(make, shapes, seed, keys="nuv", extra=(), last=ONE_MORE_SHAPE):
    """Fixtures in the standard roles: the visible ones, one example, float32, read-only, one more.

    ``make(rng, *shape)`` returns the arguments; ``shape``'s numbers go into ``info`` under the
    names in ``keys``, for the messages (``{n}`` examples...). ``shapes`` holds the list of
    visible shapes, then the shape of each hidden role in order; the last role, one more shape
    by default, is ``ONE_D`` for an elementwise function, or left out. ``extra`` holds the
    check's own fixtures (its large inputs, for instance), placed before that last one.

    The checks of assignments 1 to 4 use it, but for two whose roles differ:
    ``relative_error``'s fixtures are pairs ``(x, y)`` built from each other, written by hand
    in these roles (one entry where the others have one example), and ``numerical_gradient``'s
    are functions of an ``x`` it must write to (one entry, three axes, another ``h``). Those of
    assignment 5 but ``tanh_derivative`` write these roles by hand: their notes name what their
    arguments hold (a cache, an optimiser's state, a target shape), and ``batchnorm_backward``
    takes two examples where the others take one (one example has no variance). The float32
    role casts every array, also inside a tuple, a list or a dict, and keeps the rest (a shape,
    a step count) as it is.
    """
    rng = seeded(seed)
    visible, *hidden = shapes
    cases = [Case(make(rng, *shape), info=dict(zip(keys, shape))) for shape in visible]
    for shape, role in zip(hidden, (ONE_EXAMPLE, FLOAT32, READ_ONLY, last)):
        args = make(rng, *shape)
        if role.get("float32"):
            args = tuple(map(_float32, args))
        cases.append(Case(args, info=dict(zip(keys, shape)), **role))
    before_last = len(visible) + 3
    return [*cases[:before_last], *extra, *cases[before_last:]]


def _float32(arg):
    """``arg`` with every array in it, also in a tuple, list or dict, cast to float32."""
    if isinstance(arg, np.ndarray):
        return arg.astype(np.float32)
    if isinstance(arg, list | tuple):
        return type(arg)(map(_float32, arg))
    if isinstance(arg, dict):
        return {key: _float32(value) for key, value in arg.items()}
    return arg
