"""The grader judges a function in the student's kernel exactly as the kernel's own check would.

A real kernel holds each function of the student bank under its graded name; the grader's
process calls it there through ``checks.kernel.remote.Remote`` and decides in its own process.
Every entry must get the same diagnosis, word for word, as when the check runs beside the
function.
"""

from functools import partial

import numpy as np
import pytest
from student_bank import BANK

from mlp_helpers import checks
from mlp_helpers.checks.engine import guards
from mlp_helpers.checks.kernel import wire
from mlp_helpers.checks.kernel.remote import Kernel, Remote

# Functions that the grader's own fixtures cannot reach in a kernel: none today.
LIMIT = 0.5


@pytest.fixture(scope="module")
def kernel(kernel_execute):
    kernel_execute("from student_bank import BANK\n"
                   "from mlp_helpers.checks.engine import guards\n"
                   f"guards.TIME_LIMIT = {LIMIT}", {})
    return Kernel(kernel_execute), kernel_execute


@pytest.fixture(autouse=True)
def short_time_limit(monkeypatch):
    monkeypatch.setattr(guards, "TIME_LIMIT", LIMIT)


def place(kernel, entry):
    """Bind ``entry``'s function to its graded name in the kernel, as a notebook cell would."""
    _, execute = kernel
    index = BANK.index(entry)
    execute(f"globals()[{entry.name!r}] = BANK[{index}].function", {})


@pytest.mark.parametrize("entry", BANK, ids=str)
def test_grader_judging_in_the_kernel_names_what_the_check_beside_the_function_names(kernel,
                                                                                     entry):
    place(kernel, entry)
    remote = checks.diagnose(entry.name, Remote(kernel[0], entry.name))
    local = checks.diagnose(entry.name, entry.function)
    assert remote == local


def test_a_name_the_notebook_never_defined_is_told_as_missing(kernel):
    found = checks.diagnose("sigmoid", Remote(kernel[0], "no_such_function"))
    assert found.code == "other"
    assert "is not defined" in found.message


def test_an_answer_the_kernel_makes_up_is_unreadable_not_run():
    def lying_kernel(code, user_expressions):
        forged = wire.dumps({"value": {"make": ["os.system", ["echo pwned"]]}})
        return {"user_expressions": {"answer": {"data": {"text/plain": repr(forged)}}}}

    found = checks.diagnose("sigmoid", Remote(Kernel(lying_kernel), "sigmoid"))
    assert found is not None
    assert "pwned" not in found.message


def test_wire_never_builds_a_function_from_outside_the_course():
    text = wire.dumps(np.ones(2)).replace('"array"', '"make"')
    assert isinstance(wire.loads(text, make=True), wire.Unreadable)
    forged = '{"make": ["os.system", [{"plain": "true"}]]}'
    assert wire.loads(forged, make=True) == wire.Unreadable("a function from outside the course")
    assert wire.loads(forged) == wire.Unreadable("a function")


def test_an_array_met_twice_in_a_message_arrives_as_one_array():
    x = np.arange(3.0)
    sent = wire.Memo()
    text = wire.dumps([x, {"again": x}, (x, np.float64(2.0))], sent)
    received = wire.Memo()
    value = wire.loads(text, memo=received)
    assert value[0] is value[1]["again"] is value[2][0]
    assert len(sent.arrays) == 1
    assert sent.arrays[0] is x
    assert len(received.arrays) == 1
    assert wire.loads('{"same": 0}') == wire.Unreadable("a malformed value")


def test_a_function_whose_call_stops_the_kernel_is_told_so_not_sent_to_a_traceback():
    def dies_on_call(code, user_expressions):
        if '"op": "look"' not in code:  # asked after the call gave no answer
            return {}  # the kernel is gone: no reply
        found = wire.dumps({"arrays": [], "answer": {"kind": "callable", "type": "function"}})
        return {"user_expressions": {"answer": {"data": {"text/plain": repr(found)}}}}

    for name in ("relative_error", "xor_loss_and_gradients"):
        revived = []
        kernel = Kernel(dies_on_call, partial(revived.append, name))
        found = checks.diagnose(name, Remote(kernel, name))
        assert found.message.startswith(f"`{name}` gave the grader no answer"), found
        assert "kernel stopped during the call" in found.message
        assert "traceback" not in found.message
        # The grader is told once per request the kernel did not answer, to start it again.
        assert revived == [name]
