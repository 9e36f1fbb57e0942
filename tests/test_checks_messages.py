"""What a student reads when a check fails, and checks that survive a hostile notebook."""

import math
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.testing
import pytest
from student_bank import deltas as bank_deltas

import mlp_helpers as mh
from mlp_helpers import checks
from mlp_helpers.checks.engine import guards

DOCS = Path(__file__).resolve().parents[1] / "docs" / "diagnoses.md"
# The graded functions checked on fixtures (their records carry a spec).
GRADED = [name for name, part in checks.PARTS.items() if part.spec is not None]


def good_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def message_of(check, function, hidden=False):
    with pytest.raises(checks.CheckFailed) as failure:
        check(function, hidden=hidden)
    return str(failure.value)


def test_student_with_summed_gradient_is_told_the_factor_n():
    message = message_of(checks.check_output_delta_mse, bank_deltas.output_delta_summed)
    assert "5 times too large" in message
    assert "n = 5" in message
    assert "1/n of the mean" in message


def test_student_dividing_twice_by_n_is_told_it_is_n_times_too_small():
    message = message_of(checks.check_hidden_delta, bank_deltas.hidden_delta_divides_again)
    assert "5 times too small" in message
    assert "already contains the 1/n" in message


def test_student_multiplying_by_the_loss_value_is_told_it_is_a_single_number():
    found = checks.diagnose("output_delta_mse", bank_deltas.output_delta_loss_value)
    assert found.code == "loss-not-gradient"
    assert "single number" in found.message
    assert "dL/da" in found.message


def test_one_mistake_that_two_readings_explain_is_told_once():
    from student_bank import activations as bank_activations

    # Passing `a` through the sigmoid again IS taking the slope at the wrong point: one mistake.
    message = message_of(checks.check_sigmoid_derivative,
                         bank_activations.sigmoid_derivative_of_z)
    assert "through the sigmoid again" in message
    assert message.count("sigma'(sigma(z))") == 1
    assert "Another explanation" not in message
    assert "look for this instead" not in message


def test_db_averaged_and_without_its_axis_is_told_both_mistakes():
    found = checks.diagnose("dense_gradients", bank_deltas.dense_gradients_bias_mean_flat)
    assert found.code == "bias-not-summed"
    assert "db is averaged over the examples" in found.message
    assert "Also, db has shape (2,) where (1, 2) belongs" in found.message


def test_db_summed_over_every_entry_with_keepdims_is_told_the_shape_that_belongs():
    found = checks.diagnose("dense_gradients", bank_deltas.dense_gradients_bias_total_kept)
    assert found.code == "bias-not-summed"
    assert "db is a single number, the sum of every entry" in found.message
    assert "where () belongs" not in found.message
    assert "Also, db has shape (1, 1) where (1, 2) belongs." in found.message


def test_a_mistake_in_dW_and_another_in_db_are_both_named_dW_first():
    found = checks.diagnose("dense_gradients", bank_deltas.dense_gradients_transposed_flat)
    assert found.code == "missing-transpose"
    assert found.message.index("transpose") < found.message.index("Also, db lost its first axis")


def test_two_factors_at_once_are_both_named_once():
    found = checks.diagnose("output_delta_mse", bank_deltas.output_delta_two_errors)
    assert found.code == "sum-not-mean"
    assert "Two factors are off at once. One: it is 5 times too large" in found.message
    assert "Two: it is twice too large" in found.message
    assert found.message.count("1/n of the mean loss is missing") == 1


def test_a_sigma_again_with_a_missing_one_over_n_tells_each_once():
    def output_delta_mse(a_out, y):
        s = 1 / (1 + np.exp(-a_out))
        return (a_out - y) * s * (1 - s)

    found = checks.diagnose("output_delta_mse", output_delta_mse)
    assert found.code == "derivative-twice"
    assert found.message.count("as if it were z") == 1
    assert found.message.count("a factor n = 5") == 1


def test_loss_and_gradient_scaled_differently_are_told_inconsistent():
    from student_bank import losses as bank_losses

    found = checks.diagnose("mse_loss", bank_losses.mse_loss_inconsistent)
    assert found.code == "inconsistent-scale"
    assert "The loss is twice too large" in found.message
    assert "dA is not the derivative of the loss you return" in found.message


@pytest.mark.parametrize("eps", [1e-15, 1e-7, 1e-6])
@pytest.mark.parametrize("idiom", ["plus", "clip", "maximum"])
def test_cross_entropy_with_a_safety_epsilon_up_to_the_documented_one_passes(idiom, eps):
    from mlp_helpers.checks.parts.cross_entropy import EPSILON

    assert eps <= EPSILON

    def cross_entropy_loss(p, y):
        safe = {"plus": p + eps, "clip": np.clip(p, eps, 1 - eps),
                "maximum": np.maximum(p, eps)}[idiom]
        return -np.sum(y * np.log(safe)) / len(p), (np.clip(p, eps, 1 - eps) - y) / len(p)

    assert checks.diagnose("cross_entropy_loss", cross_entropy_loss) is None


def test_a_larger_epsilon_is_named_as_such_and_does_not_hide_a_missing_one_over_n():
    def cross_entropy_loss(p, y):
        return -np.sum(y * np.log(p + 1e-4)) / len(p), p - y

    found = checks.diagnose("cross_entropy_loss", cross_entropy_loss)
    assert "safety epsilon of about 1e-04, added inside the log" in found.message
    assert "Keep such an epsilon no larger than 1e-06" in found.message
    assert "delta_out is 5 times too large" in found.message

    def small_epsilon(p, y):
        return -np.sum(y * np.log(p + 1e-7)) / len(p), p - y

    found = checks.diagnose("cross_entropy_loss", small_epsilon)
    assert found.code == "sum-not-mean"
    assert found.message.startswith("`cross_entropy_loss`: delta_out is 5 times too large")


def test_numerical_gradient_that_never_restores_x_is_told_to_put_entries_back():
    from student_bank import gradcheck as bank_gradcheck

    found = checks.diagnose("numerical_gradient", bank_gradcheck.numerical_gradient_no_restore)
    assert found.code == "mutates-input"
    assert "every entry ended h away from where it started" in found.message
    assert "put that entry back to its original value" in found.message
    assert "Build a new array" not in found.message


def test_numerical_gradient_that_moves_copies_of_x_is_told_before_the_notebooks_check_differs():
    from student_bank import gradcheck as bank_gradcheck

    student = bank_gradcheck.numerical_gradient_copy_per_entry
    # The notebook's gradient check: f reads the parameter array it closes over.
    W = np.array([[0.3, -1.2], [0.8, 0.1]])
    assert not student(lambda _: float(np.sum(np.sin(W))), W).any()
    found = checks.diagnose("numerical_gradient", student, hidden=False)
    assert found.code == "perturbs-copy"
    assert "you evaluated f at moved copies of x, which such an f never sees" in found.message
    assert "(Seen on x of shape (3, 2) (an f that reads x itself).)" in found.message


def test_softmax_over_the_wrong_axis_names_the_axis_mistake_without_the_fix():
    from student_bank import activations as bank_activations

    for softmax in (bank_activations.softmax_columns, bank_activations.softmax_whole_batch):
        found = checks.diagnose("softmax", softmax)
        assert found.code == "wrong-axis"
        assert "axis=1" not in found.message


def test_softmax_over_columns_without_the_shift_is_also_told_it_overflows():
    def softmax(z):
        return np.exp(z) / np.sum(np.exp(z), axis=0)

    found = checks.diagnose("softmax", softmax)
    assert found.code == "wrong-axis"
    assert "A second problem shows on z of shape (3, 3) (logits up to 1e4" in found.message
    assert "subtracted from each of its logits" in found.message
    assert checks.diagnose("softmax", softmax, hidden=False).message.count("second problem") == 0


def test_missing_transpose_is_named_even_when_it_crashes_on_non_square_weights():
    message = message_of(checks.check_hidden_delta, bank_deltas.hidden_delta_no_transpose)
    assert "transpose" in message
    assert "ValueError: matmul" in message


def test_undefined_function_is_reported_without_a_name_error():
    message = message_of(checks.check_sigmoid, None)
    assert message == ("`sigmoid` is not defined: run the cell where you wrote it and make sure "
                       "it finishes without an error.")


def test_something_that_is_not_a_function_is_reported():
    assert "is a ndarray, not a function" in message_of(checks.check_softmax, np.zeros((2, 2)))


def test_failure_is_rendered_as_one_line_without_traceback():
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_sigmoid(None)
    assert failure.value._render_traceback_() == [f"CheckFailed: {failure.value}"]


def test_students_own_error_type_and_message_are_quoted():
    def softmax(z):
        raise ValueError("shapes (5,3) and (4,3) not aligned")

    message = message_of(checks.check_softmax, softmax)
    assert "raised ValueError: shapes (5,3) and (4,3) not aligned" in message
    assert "z of shape (4, 3)" in message
    # The message is all the student sees (one line, no traceback): it says where to find one.
    assert "Read that error message" not in message
    assert message.endswith("Call it on arrays of these shapes in a cell of your own: the "
                            "traceback there names the line that failed.")


@pytest.mark.parametrize("hidden", [False, True])
def test_naive_sigmoid_is_told_it_overflows_already_by_the_visible_test(hidden):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_sigmoid(naive_sigmoid, hidden=hidden)
    assert failure.value.diagnosis.code == "unstable"
    assert "numpy warned about an overflow for these large but legal inputs" in str(failure.value)
    assert "(inputs up to 1e4 in size)" in str(failure.value)


def test_float32_inputs_may_come_back_as_float32():
    def sigmoid(z):
        return (1 / (1 + np.exp(-np.clip(z, -80, 80)))).astype(z.dtype)

    assert checks.check_sigmoid(sigmoid, hidden=True) is None


def test_students_printing_does_not_flood_the_notebook(capsys):
    def sigmoid(z):
        print("debug", z.shape)
        return good_sigmoid(z)

    assert checks.check_sigmoid(sigmoid, hidden=True) is None
    assert capsys.readouterr().out == ""


def test_notebook_that_makes_numpy_raise_on_errors_is_still_graded_right():
    previous = np.seterr(all="raise")
    try:
        assert checks.check_sigmoid(good_sigmoid, hidden=True) is None
        assert checks.diagnose("sigmoid", naive_sigmoid).code == "unstable"
    finally:
        np.seterr(**previous)


def test_endless_loop_is_stopped_even_if_it_catches_exceptions(monkeypatch):
    monkeypatch.setattr(guards, "TIME_LIMIT", 0.2)

    def softmax(z):
        while True:
            try:
                z = z + 0
            except Exception:
                pass

    assert "did not finish within 0.2 s" in message_of(checks.check_softmax, softmax)


def test_endless_loop_is_stopped_even_if_a_bare_except_swallows_the_first_interruption(
        monkeypatch):
    monkeypatch.setattr(guards, "TIME_LIMIT", 0.2)

    def sigmoid(z):
        out, i = np.empty(np.shape(z)), 0
        while i < out.size:  # i never grows
            try:
                out.flat[i] = 1.0 / (1.0 + math.exp(-float(np.ravel(z)[i])))
            except:  # noqa: E722 -- the student's catch-all, meant for OverflowError
                out.flat[i] = 0.0
        return out

    assert "did not finish within 0.2 s" in message_of(checks.check_sigmoid, sigmoid)
    # The interruptions stop with the check: the next one runs undisturbed.
    assert checks.diagnose("sigmoid", good_sigmoid) is None


def test_checks_leave_the_notebooks_profiler_and_alarm_handler_as_they_were(monkeypatch):
    monkeypatch.setattr(guards, "TIME_LIMIT", 0.2)

    def profiler(frame, event, arg):
        return None

    def handler(signum, frame):
        return None

    def sigmoid(z):
        while True:
            pass

    previous = signal.signal(signal.SIGALRM, handler)
    sys.setprofile(profiler)
    try:
        message_of(checks.check_sigmoid, sigmoid)
        assert sys.getprofile() is profiler
        assert signal.getsignal(signal.SIGALRM) is handler
    finally:
        sys.setprofile(None)
        signal.signal(signal.SIGALRM, previous)


def test_student_told_which_input_broke_their_function():
    from student_bank import activations as bank_activations

    message = message_of(checks.check_sigmoid, bank_activations.sigmoid_rows_and_columns,
                         hidden=True)
    assert "raised IndexError: tuple index out of range" in message
    assert "z of shape (7,) (a 1-D array)" in message


STRANGE_RESULTS = [None, "abc", 3, (1, 2), {"W": 1}, [1, [2, 3]], np.array([1j]), object(),
                   (None, None), ("loss", [1, [2]]), (np.zeros(3), np.ones((2, 2, 2)))]


@pytest.mark.parametrize("name", GRADED)
def test_strange_return_values_are_diagnosed_without_crashing_the_grader(name):
    for result in STRANGE_RESULTS:
        found = checks.diagnose(name, lambda *args, result=result: result)
        assert found.code in checks.CODES, (result, found)
        assert found.message.startswith(f"`{name}`"), found


def test_unknown_function_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="softmax"):
        checks.diagnose("sigmoidd", good_sigmoid)


def test_diagnosis_table_documents_every_code():
    table = DOCS.read_text(encoding="utf-8")
    for code in checks.CODES:
        assert f"| `{code}` |" in table, code


def documented_rows():
    rows = []
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        entry = cells[-1].strip("`")
        # A bank entry's id (`softmax-columns`), not a sentence of the table of graded parts.
        if len(cells) >= 3 and "-" in entry and not entry.startswith("(") and " " not in entry:
            code = cells[0].strip("`")
            rows.append((entry, cells[-2].strip('"'), code if code in checks.CODES else None))
    return rows


def test_documented_examples_get_the_documented_code_and_words(monkeypatch):
    from student_bank import BANK

    monkeypatch.setattr(guards, "TIME_LIMIT", 0.5)
    by_id = {str(entry): entry for entry in BANK}
    rows = documented_rows()
    assert len(rows) >= 20
    for entry_id, excerpt, code in rows:
        entry = by_id[entry_id]
        found = checks.diagnose(entry.name, entry.function)
        assert excerpt in found.message, (entry_id, excerpt, found.message)
        assert code in (None, found.code), (entry_id, code, found.code)


def test_importing_the_checks_leaves_numpy_testing_unimported():
    # A kernel that grades a notebook pays for every import; numpy.testing costs 60 ms.
    code = "import sys, mlp_helpers.checks; print('numpy.testing' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_reference_called_from_a_thread_pool_is_caught_in_every_check():
    pool = ThreadPoolExecutor(1)  # its thread starts in the first check and outlives it

    def sigmoid(z):
        return pool.submit(mh.sigmoid, z).result()

    try:
        for hidden in (False, True):
            assert checks.diagnose("sigmoid", sigmoid, hidden=hidden).code == "calls-reference"
    finally:
        pool.shutdown()
    assert checks.diagnose("sigmoid", good_sigmoid) is None


@pytest.fixture
def quiet_alarm():
    """A harmless SIGALRM handler, as a notebook may have, put back after the test."""
    def handler(signum, frame):
        return None

    previous = signal.signal(signal.SIGALRM, handler)
    yield handler
    signal.signal(signal.SIGALRM, previous)


def test_an_interruption_still_in_flight_when_the_call_ends_is_dropped(monkeypatch, quiet_alarm):
    # The timer's last SIGALRM can arrive while the guards stop it: it must not land in their
    # clean-up (which would leave the handler installed and call a finished function too slow).
    setitimer = signal.setitimer

    def late_alarm(which, seconds, interval=0.0):
        setitimer(which, seconds, interval)
        if seconds == 0:
            signal.raise_signal(signal.SIGALRM)

    monkeypatch.setattr(signal, "setitimer", late_alarm)
    outcome = guards.call(lambda z: z + 1, (1.0,))
    assert (outcome.value, outcome.timed_out) == (2.0, False)
    assert signal.getsignal(signal.SIGALRM) is quiet_alarm


def test_the_watch_is_taken_down_after_the_timer_is_stopped(monkeypatch, quiet_alarm):
    # Any interruption once the watch comes down would skip its clean-up: the watch left on
    # new threads and in the list of watches. So the timer is stopped first.
    setprofile = threading.setprofile

    def alarmed_setprofile(function):
        setprofile(function)
        if function is None:
            signal.raise_signal(signal.SIGALRM)

    monkeypatch.setattr(threading, "setprofile", alarmed_setprofile)
    outcome = guards.call(lambda z: z + 1, (1.0,), reference=(mh.sigmoid,))
    assert (outcome.value, outcome.timed_out) == (2.0, False)
    assert guards._WATCHES == []
    assert threading.getprofile() is None


def test_a_loop_that_overflows_at_every_step_keeps_each_warning_once():
    # A training loop may overflow at each of thousands of steps: the outcome keeps what was
    # seen, not a copy per step.
    def loop(steps):
        for _ in range(steps):
            np.exp(np.float64(1000.0))
        return steps

    outcome = guards.call(loop, (10_000,))
    assert outcome.value == 10_000
    assert outcome.overflowed
    assert outcome.warnings == ["overflow encountered in exp"]
