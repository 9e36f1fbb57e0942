"""What the checks know of a mistake, and how they tell it.

A wrong result is explained by a *structure* (what the student computed instead, e.g.
``delta_next @ W_next``) times a *factor* (``n``, ``1/n``, ``-1``...); each explanation found is
a *finding*, whose text the student reads. ``compare`` tries them on a student's numbers.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One explanation of a wrong result.

    ``code`` is the diagnosis code, ``key`` names the hypothesis (the same key on two fixtures
    means the same explanation), ``text`` is what the student reads.
    """

    code: str
    key: str
    text: str
    # The constant the result is off by, when a factor alone explains it (for a loss and its
    # gradient, whose two scales must agree); ``None`` otherwise.
    scale: float | None = None


@dataclass(frozen=True)
class Structure:
    """A known mistake's result: ``predict(case)``; ``text`` may use ``{n}``, ``{k}``...

    ``free_scale`` accepts any nonzero multiple of the prediction (e.g. "the loss value, a
    single number, times sigma'").
    """

    code: str
    key: str
    text: str
    predict: object
    free_scale: bool = False


@dataclass(frozen=True)
class Factor:
    """A constant the result is off by: ``value(case)`` (e.g. ``n``); tried with both signs."""

    code: str
    key: str
    text: str
    value: object


def flipped(text):
    """The ``sign`` mistake, told in the words of one function."""
    return Factor("sign", "sign", text, lambda case: -1.0)


SIGN = flipped("The sign is flipped: every entry has the opposite sign.")


# First words of the course's sentences that read in lower case inside another sentence (a
# sentence that starts with a name, `dA` or `W1`, keeps it as it is).
_PLAIN_WORDS = frozenset({"It", "The", "Then", "There", "These", "This", "Every", "Everything",
                          "You"})


def lowered(text):
    """A sentence quoted inside another one: "It is..." becomes "it is..."."""
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first in _PLAIN_WORDS else text
