"""A bank of student answers: planted bugs, each with the code it must get, and correct ones.

Each module holds answers written the way students write them (loops, ``np.dot``, in-place
updates, helpers, lambdas), keyed by the name of the graded part they answer. Every graded part
has planted bugs and correct answers (``tests/test_checks_bank.py``). ``ENTRIES`` lists them all;
``BANK`` the functions checked in well under a second (the tests that run every entry in a
kernel or many times go through it). ``expected`` is ``None`` for a correct answer.
"""

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    name: str  # the graded part it answers
    expected: object  # the diagnosis code it must get, or None
    function: object  # the answer: a function, or the value of a part whose answer is a value
    label: str
    slow: bool = False  # its check takes seconds (a training run on MNIST)

    def __str__(self):
        return f"{self.name}-{self.label}"


ENTRIES = []
BANK = []


def _add(entry, in_bank):
    ENTRIES.append(entry)
    if in_bank:
        BANK.append(entry)


def planted(name, expected, label=None, slow=False):
    """Register the decorated function as an answer of ``name`` that must get ``expected``."""
    def register(function):
        _add(Entry(name, expected, function, label or function.__name__, slow), not slow)
        return function
    return register


def correct(name, label=None, slow=False):
    """Register a correct answer, written differently from the reference."""
    return planted(name, None, label, slow)


def planted_value(name, expected, label, value):
    """Register ``value`` as the answer of ``name`` (a part whose answer is a value)."""
    _add(Entry(name, expected, value, label), in_bank=False)


def correct_value(name, label, value):
    """Register ``value`` as a correct answer of ``name``."""
    planted_value(name, None, label, value)


# Every module of the bank, by name: a new one needs no line here. The code from the wild
# (``wild/``) is a bank of its own, listed in ``wild.WILD``.
for _module in pkgutil.iter_modules(__path__):
    if not _module.ispkg:
        importlib.import_module(f"{__name__}.{_module.name}")
