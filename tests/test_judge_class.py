"""Notebooks that make their own test cells pass, graded through the real pipeline.

Each trickster submits wrong answers for the first four parts of 01_xor (and a train_xor that
returns XOR's weights worked out by hand), plus one cell that makes every test cell pass inside the
notebook: checks replaced through the module's ``vars()``, its functions' ``__code__``,
``sys.modules``, the registry of parts, an ``__import__`` hook, an IPython AST transformer or
input transformer. While grading, no test cell runs in the kernel: grades are decided in the
grader's process, on fresh inputs. None of them gains a point, the feedback names the mistakes
the trick hid as it names a classmate's with the same answers and no trick, and an honest
classmate graded in the same run keeps every point.
"""

import html
from pathlib import Path

import pytest
from sandboxing import SANDBOXED

from mlp_helpers import grading

pytestmark = pytest.mark.slow
ASSIGNMENT = "01_xor"
SOURCE = Path(__file__).resolve().parents[1] / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
WRONG = {
    "sigmoid": "def sigmoid(z):\n    return np.asarray(z, dtype=float)\n",
    "sigmoid_derivative": "def sigmoid_derivative(a):\n    return 1 - a\n",
    "output_delta_mse": "def output_delta_mse(a_out, y):\n    return y - a_out\n",
    "hidden_delta": "def hidden_delta(delta_next, W_next, a):\n    return delta_next @ W_next.T\n",
}
# XOR's answer, worked out by hand and returned whatever X and Y are: an OR unit and an AND
# unit, and an output that fires for OR but not AND.
HARD_CODED = """
def train_xor(X, Y, hidden_units=5, lr=2.0, epochs=2000, seed=0):
    W1 = np.zeros((2, hidden_units))
    W1[:, :2] = 20.0
    b1 = np.zeros((1, hidden_units))
    b1[0, :2] = -10.0, -30.0
    W2 = np.zeros((hidden_units, 1))
    W2[:2, 0] = 20.0, -20.0
    b2 = np.full((1, 1), -10.0)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, list(np.linspace(0.2, 0.01, epochs))
"""
TRICKS = {
    "vars": "import mlp_helpers.checks as _c\n"
            "vars(_c).update({name: (lambda *args, **kwargs: None) for name in list(vars(_c))\n"
            "                 if name.startswith('check_')})\n",
    "code": "from mlp_helpers.checks import registry as _parts\n"
            "_parts.check.__code__ = (lambda *args, **kwargs: None).__code__\n",
    "sys_modules": "import sys, types\n"
                   "_fake = types.ModuleType('mlp_helpers.checks')\n"
                   "_fake.__getattr__ = lambda name: (lambda *args, **kwargs: None)\n"
                   "sys.modules['mlp_helpers.checks'] = _fake\n"
                   "import mlp_helpers\n"
                   "mlp_helpers.checks = _fake\n",
    "registry": "from mlp_helpers.checks import registry as _parts\n"
                "for _name in list(_parts.PARTS):\n"
                "    _parts.PARTS[_name] = _parts.Part(_name, '', 0, '', '',\n"
                "                                      diagnose=lambda *args, **kwargs: None)\n",
    "import_hook": "import builtins, types\n"
                   "_real_import = builtins.__import__\n"
                   "_fake = types.SimpleNamespace(**{\n"
                   "    f'check_{n}': (lambda *a, **k: None) for n in ['sigmoid',\n"
                   "    'sigmoid_derivative', 'output_delta_mse', 'hidden_delta',\n"
                   "    'dense_gradients', 'train_xor']})\n"
                   "def _import(name, globals=None, locals=None, fromlist=(), level=0):\n"
                   "    module = _real_import(name, globals, locals, fromlist, level)\n"
                   "    if name == 'mlp_helpers' and fromlist and 'checks' in fromlist:\n"
                   "        return types.SimpleNamespace(checks=_fake)\n"
                   "    return module\n"
                   "builtins.__import__ = _import\n",
    "ast_transformer": "import ast\n"
                       "class _Quiet(ast.NodeTransformer):\n"
                       "    def visit_Expr(self, node):\n"
                       "        if 'check_' in ast.unparse(node):\n"
                       "            return ast.Pass()\n"
                       "        return node\n"
                       "get_ipython().ast_transformers.append(_Quiet())\n",
    "input_transformer": "get_ipython().input_transformers_post.append(\n"
                         "    lambda lines: [l for l in lines if 'check_' not in l])\n",
}
TRICKED = [*WRONG, "train_xor"]
# The reference, called with the in-kernel watch for it switched off.
DELEGATES = ("def sigmoid(z):\n    import sys, threading\n    sys.setprofile(None)\n"
             "    threading.setprofile(None)\n    return mh.sigmoid(z)\n")


def trickster(answers, trick):
    """The trick in the first answer cell, then wrong answers and a hard-coded loop."""
    return {**answers, **WRONG, "sigmoid": TRICKS[trick] + "\n\n" + WRONG["sigmoid"],
            "train_xor": HARD_CODED}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = grading.make_course(tmp_path_factory.mktemp("course"), [ASSIGNMENT],
                                 sandboxed=SANDBOXED)
    release = grading.generate_assignment(course, ASSIGNMENT)
    answers = grading.solutions(SOURCE)
    for trick in TRICKS:
        grading.submit(course, ASSIGNMENT, trick,
                       grading.fill_in(release, trickster(answers, trick)))
    grading.submit(course, ASSIGNMENT, "honest", grading.fill_in(release, answers))
    grading.submit(course, ASSIGNMENT, "no_trick",
                   grading.fill_in(release, {**answers, **WRONG, "train_xor": HARD_CODED}))
    grading.submit(course, ASSIGNMENT, "delegates", grading.fill_in(release, {
        **answers, "sigmoid": DELEGATES}))
    results = grading.pipeline(course, ASSIGNMENT, ("autograde", "generate_feedback"))
    assert results["autograde"]["success"], results["autograde"]["error"][-3000:]
    return course, grading.scores(course, ASSIGNMENT), results["autograde"]["log"]


@pytest.mark.parametrize("trick", TRICKS)
def test_a_notebook_that_makes_its_own_tests_pass_gains_no_point(graded_class, trick):
    _, scores, _ = graded_class
    for part in TRICKED:
        assert scores[trick][f"test_{part}"] == 0, part


@pytest.mark.parametrize("trick", TRICKS)
def test_the_feedback_names_the_mistakes_the_trick_hid(graded_class, trick):
    course, _, _ = graded_class
    said = grading.messages(course, ASSIGNMENT, trick)
    without_trick = grading.messages(course, ASSIGNMENT, "no_trick")
    for part in WRONG:
        if trick == "sys_modules" and "the grader got no answer about" in said[f"test_{part}"]:
            continue  # the kernel's own answers may break with its modules: no point either
        assert said[f"test_{part}"] == without_trick[f"test_{part}"], part
    page = html.unescape(grading.feedback_html(course, ASSIGNMENT, trick))
    assert "passed" not in page.lower()


def test_the_honest_classmate_keeps_every_point(graded_class):
    _, scores, _ = graded_class
    points = grading.max_scores(SOURCE)
    for part, score in scores["honest"].items():
        if score is not None:
            assert score == points[part], part


def test_a_notebook_that_calls_the_reference_unwatched_loses_that_part_only(graded_class):
    course, scores, _ = graded_class
    points = grading.max_scores(SOURCE)
    assert scores["delegates"]["test_sigmoid"] == 0
    assert all(score == points[part] for part, score in scores["delegates"].items()
               if part != "test_sigmoid" and score is not None)
    message = grading.messages(course, ASSIGNMENT, "delegates")["test_sigmoid"]
    assert "uses the course's reference `sigmoid` from mlp_helpers" in message
