"""The bank of student answers through ``diagnose`` and ``check_<name>``.

Every graded part of the registry has planted bugs and correct answers in the bank. Every
planted bug must get its own diagnosis code, every correct answer (written differently from the
reference) must pass, and the check a test cell calls must fail with exactly the diagnosis'
words.
"""

import re

import pytest
from student_bank import ENTRIES

from mlp_helpers import checks
from mlp_helpers.checks.engine import guards

PLANTED = [entry for entry in ENTRIES if entry.expected is not None]
CORRECT = [entry for entry in ENTRIES if entry.expected is None]


def each(entries):
    """``entries`` as test parameters named after them, the slow ones marked."""
    return [pytest.param(entry, id=str(entry), marks=[pytest.mark.slow] if entry.slow else [])
            for entry in entries]


@pytest.fixture(autouse=True)
def short_time_limit(monkeypatch):
    # The bank's endless loop should cost half a second, not the default three.
    monkeypatch.setattr(guards, "TIME_LIMIT", 0.5)


def code_of(found):
    return None if found is None else found.code


@pytest.mark.parametrize("entry", each(ENTRIES))
def test_each_student_solution_gets_the_diagnosis_of_its_mistake(entry):
    found = checks.diagnose(entry.name, entry.function)
    assert code_of(found) == entry.expected, found


@pytest.mark.parametrize("entry", each(ENTRIES))
def test_hidden_test_cell_fails_with_exactly_the_diagnosis_message(entry):
    check = getattr(checks, f"check_{entry.name}")
    found = checks.diagnose(entry.name, entry.function)
    if found is None:
        assert check(entry.function, hidden=True) is None
        return
    with pytest.raises(checks.CheckFailed) as failure:
        check(entry.function, hidden=True)
    assert str(failure.value) == found.message
    assert isinstance(failure.value, AssertionError)


@pytest.mark.parametrize("entry", each(ENTRIES))
def test_visible_test_names_the_same_mistake_except_the_hidden_edge_cases(entry):
    # Only instability shows on the hidden fixtures alone (large inputs, zeros), except the
    # sigmoid's: its visible test tries inputs up to 1e4 too (where clipping `z` in place
    # changes it, so that mistake shows there as well).
    hidden_only = {"sigmoid-assumes-two-axes"}
    # Told apart only by the hidden fixtures: h = 0.01, and entries of opposite signs.
    hidden_only |= {"numerical_gradient-five-point-stencil", "relative_error-sum-denominator"}
    found = checks.diagnose(entry.name, entry.function, hidden=False)
    if (entry.expected == "unstable" and entry.name != "sigmoid") or str(entry) in hidden_only:
        assert found is None, found
    else:
        assert code_of(found) == entry.expected, found
    check = getattr(checks, f"check_{entry.name}")
    if found is None:
        assert check(entry.function) is None
    else:
        with pytest.raises(checks.CheckFailed, match=re.escape(found.message)):
            check(entry.function)


def test_bank_has_planted_bugs_and_correct_answers_of_every_graded_part_and_every_code():
    missing = {"planted bugs": set(checks.PARTS) - {entry.name for entry in PLANTED},
               "correct answers": set(checks.PARTS) - {entry.name for entry in CORRECT}}
    assert not any(missing.values()), (
        f"tests/student_bank/ lacks answers of these graded parts: {missing}")
    assert {entry.name for entry in ENTRIES} <= set(checks.PARTS)
    assert {entry.expected for entry in PLANTED} == set(checks.CODES)


@pytest.mark.parametrize("entry", each(PLANTED))
def test_messages_show_no_expected_numbers_and_no_reference_code(entry):
    message = checks.diagnose(entry.name, entry.function).message
    assert not re.search(r"\d\.\d{3,}", message), message
    for answer in ["a_out * (1 - a_out)", "a * (1 - a)", "W_next.T", "a_prev.T @ delta",
                   "(p - y) / n", "(a - y) / n", "1 / (1 + ", "def ", "return np", "sum(axis=0"]:
        assert answer not in message, (answer, message)
    assert len(message) < 600
    # Students read "the course's conventions"; the team's words stay out of the messages.
    assert "contract" not in message.lower(), message
    assert "the checks" not in message, message
