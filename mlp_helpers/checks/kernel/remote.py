"""The grader's side: a student's function, called in their kernel, judged in the grader.

``Kernel`` sends one JSON request to the kernel (``_serve.answer`` runs it there) and reads the
answer from the kernel's reply; ``Remote`` stands for one name of the notebook. The checks
call a ``Remote`` as they call a local function (``evaluate`` here and ``running.run``
dispatch on it), so the same fixtures, hypotheses and messages decide the grade, but the
numbers they judge come from the kernel and every judgement happens here, where the notebook
cannot reach.
"""

import builtins
import inspect
import json
from dataclasses import dataclass

from mlp_helpers.checks.engine import guards, running
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


class NoAnswer(RemoteError):
    """The call gave no readable answer: the kernel stopped during it, or its answer was garbled."""


class KernelUnavailable(Exception):
    """The kernel did not answer (it died, or did not reply in time)."""


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
    """A student's running kernel, asked through ``ask(request)`` and a reply function.

    ``execute(code, user_expressions)`` sends ``code`` silently and returns the kernel's
    ``execute_reply`` content, or raises ``KernelUnavailable``.
    """

    def __init__(self, execute):
        self._execute = execute
        # The graded parts of the notebook not judged yet (``grading_judge`` keeps it): the
        # course's code sent to the kernel never holds their implementations.
        self.pending = set()

    def ask(self, op, sent=None, **fields):
        """Send one request; return the decoded answer or an ``wire.Unreadable``.

        Every array the request sends is numbered in ``sent`` (a ``wire.Memo``); the kernel
        answers with each as the student's code left it, and those answers are written back
        into the grader's own arrays, so a change made in the kernel shows here as it would
        beside the function (see ``_mirror.brought_back``).
        """
        sent = wire.Memo() if sent is None else sent
        request = {key: wire.dumps(value, sent) if key in ("calls", "args", "kwargs") else value
                   for key, value in fields.items()}
        request["op"] = op
        code = (f"from mlp_helpers.checks.kernel.serve import answer as {_ANSWER}\n"
                f"{_ANSWER} = {_ANSWER}(get_ipython().user_ns, {json.dumps(request)!r})")
        reply = self._execute(code, {"answer": _ANSWER})
        try:
            text = reply["user_expressions"]["answer"]["data"]["text/plain"]
        except (KeyError, TypeError):
            return wire.Unreadable("no answer from the notebook's kernel")
        if not (isinstance(text, str) and text[:1] in "'\"" and text[-1:] == text[:1]):
            return wire.Unreadable("no answer from the notebook's kernel")
        try:
            import ast

            found = wire.loads(ast.literal_eval(text))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return wire.Unreadable("no answer from the notebook's kernel")
        if not (isinstance(found, dict) and isinstance(found.get("arrays"), list)):
            return wire.Unreadable("no answer from the notebook's kernel")
        return brought_back(found.get("answer"), found["arrays"], sent.arrays)


@dataclass(frozen=True)
class Remote:
    """The notebook's name ``name`` in ``kernel``, judged as the graded part ``part``."""

    kernel: Kernel
    name: str

    def look(self):
        """``("missing" | "callable" | "value", value)`` for the name in the kernel."""
        found = self.kernel.ask("look", name=self.name)
        if not isinstance(found, dict) or found.get("kind") not in ("missing", "callable",
                                                                     "value"):
            return "value", found
        return found["kind"], found.get("value")

    def run(self, args, kwargs, swap, watch, seconds):
        """``running.run`` of this function in its kernel: a ``running.Run``.

        ``swap`` maps names to functions of ``mlp_helpers`` (the kernel takes its own copies);
        a swapped-in function with a ``collected`` attribute (see ``Recorder``) gets what the
        kernel's copy recorded during the run.
        """
        kwargs = {} if kwargs is None else kwargs
        dotted = {name: _dotted(f) for name, f in swap.items()}
        answer = self.kernel.ask(
            "run", name=self.name, args=[(arg, True) for arg in args], kwargs=kwargs,
            swap=dotted, watch=[(_dotted(owner), method) for owner, method in watch],
            seconds=seconds, carried=self._carried(dotted, [*args, kwargs]))
        outcome, after = _outcome(answer)
        if isinstance(after, list) and len(after) == len(args):
            for arg, changed in zip(args, after, strict=True):
                mirror(arg, changed)
        mirror(kwargs, answer.get("kwargs") if isinstance(answer, dict) else None)
        recorded = answer.get("recorded") if isinstance(answer, dict) else None
        for name, f in swap.items():
            if isinstance(f, Recorder):
                f.collected[:] = (recorded or {}).get(name) or []
        return running.Run(value=outcome.value, error=outcome.error,
                            timed_out=outcome.timed_out,
                            entered_reference=outcome.entered_reference, seconds=seconds)


    def _carried(self, swap, values):
        """The course's code the kernel needs for this run (``kernel_edition.carried``).

        The kernel's own package holds no graded part's implementation: the reference functions
        swapped in, and the fixtures it builds from the course's networks, come with the
        request, and only once every part they implement has been judged.
        """
        for part in swap:
            if part in self.kernel.pending:
                raise kernel_edition.NotJudgedYet(f"the reference of `{part}` would reach the "
                                                  "kernel before its verdict")
        modules = [dotted.rpartition(".")[0] for dotted in swap.values()]
        modules += [maker.rpartition(".")[0] for maker in _makers(values, 0)]
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


class Recorder:
    """A function of ``mlp_helpers`` that also records something about each call.

    Called here, it records into ``collected``; swapped into a student's loop in their
    kernel, the kernel's copy (named by ``dotted``, a ``Recorder`` there too) records, and
    ``Remote.run`` brings the record back into ``collected``.
    """

    def __init__(self, dotted, function, record):
        self.dotted, self.function, self.record = dotted, function, record
        self.collected = []
        # Read by ``_swapping``, which passes a student's call on with these parameters only.
        self.__signature__ = inspect.signature(function)

    def __call__(self, *args, **kwargs):
        """Record, then return what ``function`` returns."""
        self.collected.append(self.record(*args, **kwargs))
        return self.function(*args, **kwargs)


def _outcome(answer):
    outcome = guards.Outcome()
    if not isinstance(answer, dict):
        outcome.error = NoAnswer("the notebook's kernel gave no readable answer")
        return outcome, None
    outcome.value = answer.get("value")
    outcome.error = _exception(answer.get("error"))
    outcome.timed_out = answer.get("timed_out") is True
    outcome.warnings = [str(text) for text in answer.get("warnings") or []
                        if isinstance(text, str)]
    outcome.entered_reference = answer.get("entered_reference") is True
    return outcome, answer.get("arguments")


def evaluate(function, calls, reference=()):
    """Call ``function`` on each argument list of ``calls``; ``[(Outcome, arguments after)]``.

    A local function is called under ``guards.call``; a ``Remote`` one is called in its kernel,
    all calls in one request, and what it did to the arguments is done to ``calls``' own
    (``mirror``), so either way the arguments after are the ones given. ``calls`` holds lists
    of ``(argument, writable)``; ``reference`` the functions whose code the call must not enter.
    """
    results = []
    if not isinstance(function, Remote):
        for arguments in calls:
            values = [argument for argument, _ in arguments]
            codes = frozenset(f.__code__ for f in reference)
            results.append((guards.call(function, values, codes), values))
        return results
    answers = function.kernel.ask("call", name=function.name, calls=calls,
                                  reference=[f"{f.__module__}.{f.__qualname__}"
                                             for f in reference])
    answers = answers.get("calls") if isinstance(answers, dict) else None
    if not isinstance(answers, list) or len(answers) != len(calls):
        answers = [None] * len(calls)
    for arguments, answer in zip(calls, answers, strict=True):
        values = [argument for argument, _ in arguments]
        outcome, after = _outcome(answer)
        if isinstance(after, list) and len(after) == len(values):
            for value, changed in zip(values, after, strict=True):
                mirror(value, changed)
        results.append((outcome, values))
    return results
