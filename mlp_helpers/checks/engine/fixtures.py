"""Seeded fixtures in the standard roles shared by the checks, and fresh ones for the grader.

Every graded function is checked on a few typical shapes (the visible test), then, in the hidden
test, on one example, on float32 inputs, on read-only inputs and on one more shape. Every
fixture's numbers come from ``seeded``: the same in every kernel, unless the grader asks for
fresh ones (``fresh``), drawn anew for each grading run so that no answer can be prepared.
"""

import contextlib
import contextvars

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


@contextlib.contextmanager
def fresh(salt):
    """Within this block, every fixture is drawn from streams of its own for ``salt`` (> 0)."""
    token = _SALT.set(int(salt))
    try:
        yield
    finally:
        _SALT.reset(token)


def standard_cases(make, shapes, seed, keys="nuv"):
    """Fixtures in the standard roles: the visible ones, then one example, float32, read-only.

    ``make(rng, *shape)`` returns the arguments; ``shape``'s numbers go into ``info`` under the
    names in ``keys``, for the messages (``{n}`` examples...).
    """
    rng = seeded(seed)
    visible, *hidden = shapes
    cases = [Case(make(rng, *shape), info=dict(zip(keys, shape))) for shape in visible]
    roles = [dict(note="one example", hidden=True), dict(note="float32", hidden=True,
             float32=True), dict(note="read-only arrays", hidden=True, read_only=True),
             dict(hidden=True)]
    for shape, role in zip(hidden, roles):
        args = make(rng, *shape)
        if role.get("float32"):
            args = tuple(arg.astype(np.float32) for arg in args)
        cases.append(Case(args, info=dict(zip(keys, shape)), **role))
    return cases
