"""A bank of student solutions: planted bugs, each with the code it must get, and correct ones.

Each module holds functions written the way students write them (loops, ``np.dot``, in-place
updates, helpers, lambdas). ``BANK`` lists every entry; ``expected`` is ``None`` for a correct one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    name: str  # the graded function it stands for
    expected: object  # the diagnosis code it must get, or None
    function: object
    label: str

    def __str__(self):
        return f"{self.name}-{self.label}"


BANK = []


def planted(name, expected, label=None):
    """Register the decorated function as a solution of ``name`` that must get ``expected``."""
    def register(function):
        BANK.append(Entry(name, expected, function, label or function.__name__))
        return function
    return register


def correct(name, label=None):
    """Register a correct solution, written differently from the reference."""
    return planted(name, None, label)


from student_bank import (  # noqa: E402, F401
    activations,
    backprop,
    deltas,
    gradcheck,
    losses,
    not_learning,
    training,
)
