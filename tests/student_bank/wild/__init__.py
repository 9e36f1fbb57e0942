"""Student code from the wild: real implementations of the graded functions, by nobody here.

Each entry is a function found in public code (course repositories, tutorials, Q&A threads,
issues and the commits that fixed them), translated to the course's signature while *keeping*
its idiom and its bug, with the diagnosis code a careful teacher would give it (``None`` when it
is correct). The comment above each entry names its source (repository and path, thread or page,
as the search tool found it) and what was changed to fit the signature.

``WILD`` lists every entry. Each source belongs to one set, ``"development"`` (fixes may be tuned
on it) or ``"held_out"`` (judged on code the fixes never saw); no source is in both, so every
entry of a source lands in the same set.

Expectations follow the rules of issue 16:

- an epsilon inside a log, or probabilities clipped to ``[eps, 1 - eps]``, is numerical safety,
  not a mistake: correct within ``EPSILON_TOLERANCE`` (``-log(p + 1e-7)``, Keras' clip at 1e-7);
- an entry with two mistakes expects the code of the first a teacher would name, and lists in
  ``mentions`` what the message must also say about the second (two mistakes deserve two names);
- ``avoids`` lists words the message must not contain (advice that does not apply to this code,
  or one explanation told twice).

Mistakes that no code of ``mlp_helpers.checks.CODES`` names get a code from ``PROPOSED_CODES``
(the codes issue 16 adopted from there are listed in ``ADOPTED``).
"""

import re
from dataclasses import dataclass

# The largest epsilon (added inside a log, or as the clipping bound of the probabilities) that
# still counts as numerical safety: the loss moves by about eps / p, far below what a wrong
# formula moves it by. The checks accept up to mlp_helpers.checks.parts.cross_entropy.EPSILON.
EPSILON_TOLERANCE = 1e-6

# Codes for mistakes real code makes and no code of mlp_helpers.checks.CODES names yet, one
# line each; PROPOSED_DETECTION says how a check could recognise each by behaviour alone. Empty
# now: issue 16 adopted every code proposed here (ADOPTED), each shown by several sources.
PROPOSED_CODES = {}
PROPOSED_DETECTION = {}
ADOPTED = ("precedence", "wrong-formula", "derivative-of-error", "weights-skipped",
           "perturbs-all", "norm-ratio", "wrong-axis", "mean-over-entries", "inconsistent-scale")

# The shortfalls of issue 16 an entry exercises, to group the measurement by (an entry may pass
# today: it then guards the fix). "control" entries are real code the checks should already get
# right (correct code, or a mistake named today).
SHORTFALLS = {
    "epsilon-flagged": "an epsilon or clipping idiom is flagged (or hides the real mistake)",
    "two-mistakes": "two mistakes at once get half a name",
    "messages": "the message is unhelpful, or blames the wrong thing",
    "wrong-formula": "a wrong formula (activation, derivative, loss) has no name",
    "sigma-of-error": "sigma' of the error, or of sigma(a), has no name",
    "weights-skipped": "the next layer's delta used without its weights has no name",
    "precedence": "operator precedence has no name",
    "perturbs-all": "perturbing several coordinates at once has no name",
    "relative-error": "a norm-based or mis-parenthesised relative error has no name",
    "softmax-axis": "a softmax over the wrong axis or over the whole batch has no name",
    "mean-over-entries": "a loss averaged over the classes or outputs too has no name",
    "inconsistent-scale": "a loss and its gradient scaled inconsistently has no name",
    "control": "real code the checks should already get right",
}

# Words a message must not contain. One mistake explained twice (passing `a` through the
# sigmoid again IS taking the slope at the wrong point): say it once.
TOLD_TWICE = (r"Another explanation fits",)
# The answer itself, where the message should name the mistake (which axis the rows are on).
HANDS_OVER_AXIS = (r"axis\s*=\s*1",)


@dataclass(frozen=True)
class Source:
    """Where some entries come from, and the set they all belong to."""

    key: str
    where: str  # repository + path, or thread/page address, as the search tool found it
    split: str  # "development" or "held_out"


@dataclass(frozen=True)
class WildEntry:
    name: str  # the graded function it stands for
    expected: object  # the diagnosis code it should get, or None when it is correct
    function: object
    label: str
    source: Source
    shortfall: str  # a key of SHORTFALLS
    mentions: tuple = ()  # regular expressions the message must match (case-insensitive)
    avoids: tuple = ()  # regular expressions the message must not match

    @property
    def split(self):
        return self.source.split

    def __str__(self):
        return f"{self.name}-{self.label}"

    def message_ok(self, message):
        """True when ``message`` names what ``mentions`` asks and nothing ``avoids`` forbids."""
        return (all(re.search(p, message, re.IGNORECASE) for p in self.mentions)
                and not any(re.search(p, message, re.IGNORECASE) for p in self.avoids))

    def verdict(self, found):
        """True when the diagnosis ``found`` (``None`` or a Diagnosis) is what a teacher gives."""
        if self.expected is None or found is None:
            return found is None and self.expected is None
        return found.code == self.expected and self.message_ok(found.message)


SOURCES = {}
WILD = []


def source(key, where, split):
    """Register a source: ``split`` is ``"development"`` or ``"held_out"``."""
    if split not in ("development", "held_out"):
        raise ValueError(f"unknown split {split!r}")
    if key in SOURCES:
        raise ValueError(f"source {key!r} registered twice")
    SOURCES[key] = Source(key, where, split)
    return SOURCES[key]


def wild(name, expected, source_key, label=None, shortfall="control", mentions=(), avoids=()):
    """Register the decorated function as real code for ``name`` that should get ``expected``."""
    if shortfall not in SHORTFALLS:
        raise ValueError(f"unknown shortfall {shortfall!r}")

    def register(function):
        WILD.append(WildEntry(name, expected, function, label or function.__name__,
                              SOURCES[source_key], shortfall, tuple(mentions), tuple(avoids)))
        return function
    return register


def correct(name, source_key, label=None, shortfall="control"):
    """Register real code that is correct (within EPSILON_TOLERANCE for epsilon idioms)."""
    return wild(name, None, source_key, label, shortfall)


from student_bank.wild import sources  # noqa: E402, F401, I001  (registers SOURCES first)
from student_bank.wild import activations, deltas, dense, gradcheck, losses  # noqa: E402, F401
