"""The grader's side: a student's function, called in their kernel, judged in the grader.

``Kernel`` sends one JSON request to the kernel (``serve.answer`` runs it there) and reads the
answer from the kernel's reply; ``Remote`` stands for one name of the notebook. It is an
``Elsewhere`` of the engine (``checks.engine.running``): the checks look at it and run calls of
it as they do a function in their own process, so the same fixtures, hypotheses and messages
decide the grade, but the numbers they judge come from the kernel and every judgement happens
here, where the notebook cannot reach. All the calls of one check go in one request.
"""

import ast
import builtins
import json
from dataclasses import dataclass

from mlp_helpers.checks.engine import guards
from mlp_helpers.checks.engine.running import Elsewhere
from mlp_helpers.checks.engine.swapping import Recorder
from mlp_helpers.checks.kernel import edition as kernel_edition
from mlp_helpers.checks.kernel import wire
from mlp_helpers.checks.kernel.mirror import brought_back, mirror

# The answer is left in the kernel under this name and read back as a user expression.
_ANSWER = "_mlp_grader_answer"
# Exceptions a student's code may raise, recreated here by name (the checks test for some).
_KNOWN_ERRORS = {name: getattr(builtins, name) for name in dir(builtins)
                 if isinstance(getattr(builtins, name), type)
                 and issubclass(getattr(builtins, name), BaseException)
                 and name not in ("KeyboardInterrupt", "GeneratorExit")}


class RemoteError(Exception):
    """An exception the student's code raised in its kernel, of a class the grader does not know."""


def _exception(encoded):
    if not (isinstance(encoded, list | tuple) and len(encoded) == 2):
        return None if encoded is None else RemoteError("an error the grader could not read")
    name, shown = (str(part) for part in encoded)
    message = shown.split(": ", 1)[1] if ": " in shown else ""
    cls = _KNOWN_ERRORS.get(name)
    if cls is None:
        cls = type((name.isidentifier() and name) or "RemoteError", (RemoteError,), {})
    try:
        return cls(message)
    except TypeError:  # an exception class whose constructor wants more (UnicodeError's kin)
        return RemoteError(message)


class Kernel:
    """A student's running kernel, asked through ``ask(op, ...)``.

    ``ask(code, user_expressions)`` runs ``code`` silently in the kernel and returns the
    content of its ``execute_reply``, or ``{}`` when none came (the grader's is
    ``grading.outputs.BoundedOutputs.ask``). ``revive()``, called after a request that got no
    answer, starts the kernel again if the request stopped it (``None``: nothing to revive).
    """

    def __init__(self, ask, revive=None):
        self._ask, self._revive = ask, revive
        # The graded parts of the notebook not judged yet (``grading.judge`` keeps it): the
        # course's code sent to the kernel never holds their implementations.
        self.pending = set()

    def ask(self, op, sent=None, **fields):
        """Send one request; return the decoded answer or an ``wire.Unreadable``.

        Every array the request sends is numbered in ``sent`` (a ``wire.Memo``); the kernel
        answers with each as the student's code left it, and those answers are written back
        into the grader's own arrays, so a change made in the kernel shows here as it would
        beside the function (see ``mirror.brought_back``).
        """
        sent = wire.Memo() if sent is None else sent
        request = {key: wire.dumps(value, sent) if key == "calls" else value
                   for key, value in fields.items()}
        request["op"] = op
        code = (f"from mlp_helpers.checks.kernel.serve import answer as {_ANSWER}\n"
                f"{_ANSWER} = {_ANSWER}(get_ipython().user_ns, {json.dumps(request)!r})")
        reply = self._ask(code, {"answer": _ANSWER})
        if not reply and self._revive is not None:
            self._revive()
        try:
            text = reply["user_expressions"]["answer"]["data"]["text/plain"]
        except (KeyError, TypeError):
            return wire.Unreadable("no answer from the notebook's kernel")
        if not (isinstance(text, str) and text[:1] in "'\"" and text[-1:] == text[:1]):
            return wire.Unreadable("no answer from the notebook's kernel")
        try:
            found = wire.loads(ast.literal_eval(text))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return wire.Unreadable("no answer from the notebook's kernel")
        if not (isinstance(found, dict) and isinstance(found.get("arrays"), list)):
            return wire.Unreadable("no answer from the notebook's kernel")
        return brought_back(found.get("answer"), found["arrays"], sent.arrays)


@dataclass(frozen=True)
class Remote(Elsewhere):
    """The notebook's name ``name`` in ``kernel``."""

    kernel: Kernel
    name: str

    def look(self):
        """``("missing" | "callable" | "value", value)`` for the name in the kernel."""
        found = self.kernel.ask("look", name=self.name)
        if not isinstance(found, dict) or found.get("kind") not in ("missing", "callable",
                                                                     "value"):
            return "value", found
        return found["kind"], found.get("value")

    def run(self, calls):
        """One ``guards.Outcome`` per ``running.Call``, all made in one request to the kernel.

        What the calls did to their arguments is done to the grader's own (``mirror``); a
        swapped-in ``Recorder`` gets what the kernel's copy recorded. A name that holds no
        function is told in the same answer, as a ``guards.Absent`` error of every call.
        """
        sent = [{"args": [(arg, True if call.writable is None else call.writable[index])
                          for index, arg in enumerate(call.args)],
                 "kwargs": call.kwargs, "seconds": call.seconds,
                 "swap": {name: _dotted(f) for name, f in call.swap.items()},
                 "watch": [(_dotted(owner), method) for owner, method in call.watch],
                 "reference": [_dotted(f) for f in call.reference]} for call in calls]
        answer = self.kernel.ask("run", name=self.name, calls=sent, carried=self._carried(
            [name for call in sent for name in call["swap"].items()],
            [value for call in calls for value in (*call.args, call.kwargs)]))
        found = (answer.get("kind"), answer.get("value")) if isinstance(answer, dict) else None
        if found is None:  # no answer at all: asked again, the name says whether it was called
            found = self.look()
        if found[0] in ("missing", "value"):
            absent = guards.Absent(*found)
            return [guards.Outcome(error=absent, arguments=call.args, seconds=_seconds(call))
                    for call in calls]
        answers = answer.get("calls") if isinstance(answer, dict) else None
        if not isinstance(answers, list) or len(answers) != len(calls):
            answers = [None] * len(calls)
        return [_outcome(call, reply) for call, reply in zip(calls, answers, strict=True)]

    def _carried(self, swapped, values):
        """The course's code the kernel needs for this run (``kernel_edition.carried``).

        The kernel's own package holds no graded part's implementation: the reference functions
        swapped in (``(name, dotted)``), and the fixtures it builds from the course's networks,
        come with the request, and only once every part they implement has been judged.
        """
        for part, _ in swapped:
            if part in self.kernel.pending:
                raise kernel_edition.NotJudgedYet(f"the reference of `{part}` would reach the "
                                                  "kernel before its verdict")
        modules = [dotted.rpartition(".")[0] for _, dotted in swapped]
        modules += [maker.rpartition(".")[0] for maker in _makers(values, 0)]
        if not modules:  # the kernel's own package is all the run needs
            return []
        return kernel_edition.carried(list(dict.fromkeys(modules)), self.kernel.pending)


def _makers(value, depth):
    """The makers of the course's networks in ``value`` that need the course's formulas."""
    if depth > wire.MAX_DEPTH:
        return []
    if hasattr(type(value), "__wire__"):
        maker = value.__wire__()[0]
        return [maker] if kernel_edition.is_stubbed(maker.rpartition(".")[0]) else []
    if isinstance(value, list | tuple):
        return [maker for item in value for maker in _makers(item, depth + 1)]
    if isinstance(value, dict):
        return [maker for item in value.values() for maker in _makers(item, depth + 1)]
    return []


def _dotted(f):
    if isinstance(f, Recorder):
        return f.dotted
    return f"{f.__module__}.{f.__qualname__}"


def _seconds(call):
    return guards.TIME_LIMIT if call.seconds is None else call.seconds


def _outcome(call, answer):
    """The ``guards.Outcome`` of ``call`` from the kernel's ``answer``, arguments mirrored."""
    outcome = guards.Outcome(arguments=call.args, seconds=_seconds(call))
    if not isinstance(answer, dict):
        outcome.error = guards.NoAnswer("the notebook's kernel gave no readable answer")
        return outcome
    outcome.value = answer.get("value")
    outcome.error = _exception(answer.get("error"))
    outcome.timed_out = answer.get("timed_out") is True
    outcome.warnings = [str(text) for text in answer.get("warnings") or []
                        if isinstance(text, str)]
    outcome.entered_reference = answer.get("entered_reference") is True
    after = answer.get("arguments")
    if isinstance(after, list) and len(after) == len(call.args):
        for arg, changed in zip(call.args, after, strict=True):
            mirror(arg, changed)
    mirror(call.kwargs, answer.get("kwargs"))
    recorded = answer.get("recorded")
    for name, f in call.swap.items():
        if isinstance(f, Recorder):
            # What the kernel says it recorded: a list, or nothing (a hostile kernel's word is
            # read by each check as untrusted numbers, never run).
            found = recorded.get(name) if isinstance(recorded, dict) else None
            f.collected[:] = found if isinstance(found, list | tuple) else []
    return outcome
