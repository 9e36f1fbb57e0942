"""An instructor's own graded question, written with plain asserts, judged in the grader.

An instructor adds an assignment of their own to the course: one function, `tanh_derivative`,
and a test cell of plain `assert` lines with hidden tests, as docs/instructor-guide.md shows.
The class is graded through the real nbgrader pipeline. The test cell never runs in the
students' kernels: a notebook that replaces numpy's `allclose` gains nothing, a hook that
records every code the kernel receives finds no hidden test, a hard-coded answer fails the
hidden test, and each student reads why, never a hidden line.
"""

import html

import nbformat
import pytest
from sandboxing import SANDBOXED

from mlp_helpers import grading
from mlp_helpers.grading import questions as grading_questions

pytestmark = pytest.mark.slow
ASSIGNMENT = "05_own"
HIDDEN_SEED_LINE = "rng = np.random.default_rng(20261207)"
TEST = f"""import numpy as np

a = np.tanh(np.linspace(-2, 2, 5))
assert np.allclose(tanh_derivative(a), 1 - a ** 2), "tanh_derivative(a) must be 1 - a**2"
### BEGIN HIDDEN TESTS
{HIDDEN_SEED_LINE}
a = np.tanh(rng.normal(size=(4, 3)))
assert np.allclose(tanh_derivative(a), 1 - a ** 2)
### END HIDDEN TESTS
"""
SOLUTION = """def tanh_derivative(a):
    ### BEGIN SOLUTION
    return 1 - a ** 2
    ### END SOLUTION
"""
VISIBLE = "np.tanh(np.linspace(-2, 2, 5))"
ANSWERS = {
    "honest": "def tanh_derivative(a):\n    return 1 - a ** 2\n",
    "wrong": "def tanh_derivative(a):\n    return 1 - a\n",
    "patches_numpy": "import numpy\nnumpy.allclose = lambda *args, **kwargs: True\n"
                     "np.allclose = numpy.allclose\n\n"
                     "def tanh_derivative(a):\n    return 1 - a\n",
    # The visible test's answer, whatever the input.
    "hard_codes": "def tanh_derivative(a):\n"
                  f"    return 1 - {VISIBLE} ** 2\n",
    # Records every code the kernel is sent, then answers honestly.
    "records_requests": "seen = []\n"
                        "get_ipython().events.register('pre_run_cell',\n"
                        "    lambda info: seen.append(info.raw_cell))\n"
                        "def tanh_derivative(a):\n"
                        "    print('RECORDED', seen)\n"
                        "    return 1 - a ** 2\n",
    "raises": "def tanh_derivative(a):\n    raise ValueError('not yet')\n",
}


def _cell(kind, source, **grading):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if grading:
        cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False,
                                     "locked": False, **grading}
    return cell


def _source_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        _cell("markdown", "# The derivative of tanh\n\nWrite `tanh_derivative(a)` from "
                          "$a = \\tanh(z)$."),
        _cell("code", "import numpy as np", grade_id="setup", locked=True),
        _cell("code", SOLUTION, grade_id="tanh_derivative", solution=True),
        _cell("code", TEST, grade_id="test_tanh_derivative", grade=True, locked=True, points=2),
    ]
    return nb


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = grading.make_course(tmp_path_factory.mktemp("course"), [], sandboxed=SANDBOXED)
    folder = course / "source" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(_source_notebook(), folder / f"{ASSIGNMENT}.ipynb")
    release = grading.generate_assignment(course, ASSIGNMENT)
    for student, answer in ANSWERS.items():
        grading.submit(course, ASSIGNMENT, student,
                       grading.fill_in(release, {"tanh_derivative": answer}))
    results = grading.pipeline(course, ASSIGNMENT, ("autograde", "generate_feedback"))
    assert results["autograde"]["success"], results["autograde"]["error"][-3000:]
    return course, grading.scores(course, ASSIGNMENT)


def test_the_students_release_holds_no_hidden_test(graded_class):
    course, _ = graded_class
    assert HIDDEN_SEED_LINE not in (course / "release" / ASSIGNMENT /
                                    f"{ASSIGNMENT}.ipynb").read_text()


@pytest.mark.parametrize(("student", "points"), [
    ("honest", 2), ("records_requests", 2), ("wrong", 0), ("patches_numpy", 0),
    ("hard_codes", 0), ("raises", 0)])
def test_each_student_gets_what_their_function_earns(graded_class, student, points):
    _, scores = graded_class
    assert scores[student]["test_tanh_derivative"] == points


@pytest.mark.parametrize(("student", "message"), [
    ("wrong", "tanh_derivative(a) must be 1 - a**2"),
    ("patches_numpy", "tanh_derivative(a) must be 1 - a**2"),
    ("hard_codes", "ValueError: operands could not be broadcast together with shapes (5,) (4,3)"),
    ("raises", "ValueError (line 4): not yet"),
])
def test_a_failed_question_says_why_in_one_line(graded_class, student, message):
    course, _ = graded_class
    said = grading.messages(course, ASSIGNMENT, student)["test_tanh_derivative"]
    assert said == f"TestFailed: {message}"


@pytest.mark.parametrize("student", ANSWERS)
def test_no_feedback_quotes_a_hidden_test(graded_class, student):
    course, _ = graded_class
    page = html.unescape(grading.feedback_html(course, ASSIGNMENT, student))
    assert "default_rng(20261207)" not in page
    assert "BEGIN HIDDEN" not in page


@pytest.mark.parametrize(("failing", "said"), [
    ("x = 1\nassert x == 2\n### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS\n",
     "this test failed: `assert x == 2`"),
    ("x = 1\nassert x == 1\n### BEGIN HIDDEN TESTS\nassert x == 3\n### END HIDDEN TESTS\n",
     "one of the hidden tests of this cell failed."),
])
def test_an_assert_without_a_message_quotes_its_line_only_when_visible(failing, said):
    with pytest.raises(AssertionError) as failure:
        exec(compile(failing, grading_questions.FILENAME, "exec"), {})
    assert grading_questions.message(failure.value, failing) == said
