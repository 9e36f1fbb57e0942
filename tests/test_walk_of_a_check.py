"""The walk of one check, measured: what ``docs/walk-of-a-check.md`` states about ``hidden_delta``.

When a notebook is graded, the grader judges ``hidden_delta``'s hidden test in its own process:
the calls of the student's function on one round of fixtures go to the kernel in one request,
and the walk through the package's modules never comes back into a module of the engine, the
kernel link or grading that it is still in (the engine calls back only what a part handed it: its
fixture maker, its mistakes' predictions). ``python tests/test_walk_of_a_check.py`` prints it.
"""

import sys

import pytest

from mlp_helpers import checks
from mlp_helpers.checks.kernel.remote import Kernel
from mlp_helpers.grading import judge as grading_judge

# A right hidden_delta, and one without the sigmoid's slope (its walk reaches a message).
HIDDEN_DELTA = """
calls = [0]
def right(delta_next, W_next, a):
    calls[0] += 1
    return (delta_next @ W_next.T) * a * (1 - a)
def slope_missing(delta_next, W_next, a):
    calls[0] += 1
    return delta_next @ W_next.T
"""
# Fixtures of hidden_delta: 2 shapes in the visible test, 4 more in the hidden one.
VISIBLE, HIDDEN = 2, 6


class Walk:
    """The modules of ``mlp_helpers`` a call goes through, from a profile of the grader."""

    def __init__(self):
        self.stack, self.hops, self.reentries = [], {}, []

    def __call__(self, frame, event, arg):
        module = frame.f_globals.get("__name__", "")
        # A record's generated __init__ (a dataclass) is data, not a step of the walk.
        if not module.startswith("mlp_helpers") or not frame.f_code.co_filename.endswith(".py"):
            return
        short = module.removeprefix("mlp_helpers.")
        if event == "call":
            caller = self.stack[-1] if self.stack else None
            if caller is not None and caller != short:
                self.hops[caller, short] = self.hops.get((caller, short), 0) + 1
                if short in self.stack:
                    loop = [*self.stack[self.stack.index(short):], short]
                    self.reentries.append(tuple(module for index, module in enumerate(loop)
                                                if index == 0 or loop[index - 1] != module))
            self.stack.append(short)
        elif event == "return" and self.stack:
            self.stack.pop()

    def trace(self, function, *args):
        """``function(*args)``, walked."""
        sys.setprofile(self)
        try:
            return function(*args)
        finally:
            sys.setprofile(None)


@pytest.fixture(scope="module")
def kernel(kernel_execute):
    requests = []

    def execute(code, user_expressions):
        # Every request of the grader is one silent execution in the kernel: one round trip.
        requests.append(code)
        return kernel_execute(code, user_expressions)

    def calls():
        found = execute("", {"calls": "calls[0]"})
        return int(found["user_expressions"]["calls"]["data"]["text/plain"])

    execute(HIDDEN_DELTA, {})
    requests.clear()
    return Kernel(execute), requests, calls


def graded(kernel, version):
    """The grader's verdict on hidden_delta's hidden test, with its walk, requests and calls.

    ``version`` is the function of ``HIDDEN_DELTA`` the notebook holds as ``hidden_delta``.
    """
    remote, requests, calls = kernel
    remote._ask(f"hidden_delta = {version}", {})
    walk, before, asked = Walk(), calls(), len(requests)
    verdict = walk.trace(grading_judge.verdict,
                         [grading_judge.CheckCall("hidden_delta", True, {})], remote, 12345)
    return verdict, walk, len(requests) - asked, calls() - before


def test_a_right_hidden_delta_costs_one_request_of_fresh_fixtures(kernel):
    verdict, _, requests, calls = graded(kernel, "right")
    assert verdict is None
    assert (requests, calls) == (1, HIDDEN)


def test_a_mistake_found_on_fresh_inputs_is_worded_on_the_test_s_own(kernel):
    verdict, _, requests, calls = graded(kernel, "slope_missing")
    assert verdict.code == "derivative-missing"
    assert "(Seen on delta_next of shape (5, 3)" in verdict.message  # the visible test's shapes
    assert (requests, calls) == (2, 2 * HIDDEN)


def test_the_grader_s_walk_goes_record_call_compare_message_without_coming_back(kernel):
    _, walk, _, _ = graded(kernel, "slope_missing")
    assert ("grading.judge", "checks.registry") in walk.hops
    assert ("checks.engine.spec", "checks.kernel.remote") in walk.hops
    assert ("checks.engine.spec", "checks.engine.compare") not in walk.hops  # the part compares
    assert ("checks.parts.backprop_deltas", "checks.engine.compare") in walk.hops
    assert ("checks.engine.spec", "checks.engine.core") in walk.hops  # the message
    # No module is entered again while it is still in the walk, but the part's own functions
    # the engine was handed: its fixture maker (``fixtures.standard_cases(make, ...)``) and its
    # mistakes' predictions (``compare.explain``).
    assert set(walk.reentries) == {
        ("checks.parts.backprop_deltas", "checks.engine.fixtures", "checks.parts.backprop_deltas"),
        ("checks.parts.backprop_deltas", "checks.engine.compare", "checks.parts.backprop_deltas")}
    # The kernel's side is never reached in the grader's process.
    assert not any("serve" in module for hop in walk.hops for module in hop)


def test_in_the_students_kernel_the_same_engine_calls_the_function_itself():
    calls = []

    def hidden_delta(delta_next, W_next, a):
        calls.append(1)
        return delta_next @ W_next.T

    walk = Walk()
    with pytest.raises(checks.CheckFailed, match="derivative"):
        walk.trace(checks.check_hidden_delta, hidden_delta)
    assert len(calls) == VISIBLE
    assert ("checks.engine.running", "checks.engine.guards") in walk.hops
    assert not any(module.startswith("checks.kernel") for hop in walk.hops for module in hop)


if __name__ == "__main__":
    from conftest import kernel_execute

    session = kernel_execute.__wrapped__()  # kept: the kernel lives as long as its generator
    started = kernel.__wrapped__(next(session))
    for version in ("right", "slope_missing"):
        verdict, walk, requests, calls = graded(started, version)
        print(f"{version}: {verdict}; {requests} requests to the kernel; {calls} calls")
        for (caller, callee), count in walk.hops.items():
            print(f"  {caller} -> {callee}: {count}")
        print("  re-entries:", sorted(set(walk.reentries)))
