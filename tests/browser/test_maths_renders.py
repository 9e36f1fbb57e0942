r"""Every page that shows a graded submission typesets its maths offline, and its message wraps.

A student (the machine's user, on the course's exchange, as on a laptop) fetches assignment 1,
answers it with the ``1 - a`` mistake and a formula in the written answer, and submits; the
instructor collects, autogrades, generates and releases the feedback; the student fetches it.
Then each page is read in Chromium with every request off this machine refused: the feedback
page from the exchange's folder on disk, from the Jupyter server in a tab of its own, inside
JupyterLab through the assignment list's "(view feedback)" (before "Trust HTML" and after), the
formgrader's page of the submission, and the Validate dialog. On each: no "[Math Processing
Error]", no ``$...$`` or ``\(...\)`` left as text, KaTeX's typeset maths (the student's formula
too), and the mistake's one-line message no wider than the page.
"""

import re
import subprocess
import sys
from urllib.parse import quote, urlparse

import nbformat
import pytest
from browser_support import (
    ARTIFACTS,
    ITS_DIAGNOSIS,
    WRONG_HIDDEN_DELTA,
    copy_course,
    new_context,
    start_lab,
)
from playwright.sync_api import expect
from sandboxing import SANDBOXED

from mlp_helpers import grading
from mlp_helpers.grading.pipeline import environment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT, COURSE = "01_xor", "backprop-from-scratch"
WRITTEN = "explain_loss_not_gradient"  # the written answer of 01_xor, graded by hand
ANSWER = r"The gradient is $\frac{\partial L}{\partial a} = (a - y) / n$, not $L$ itself."
RAW_MATHS = re.compile(r"\$[^$\n]+\$|\\\(.+?\\\)|\\\[.+?\\\]")


def nbgrader(course, lab, *args):
    """``nbgrader <args>`` in ``course``, with the lab's Jupyter folders (the student's cache)."""
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                         env={**environment(), "JUPYTER_DATA_DIR": str(lab.home / "data")},
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, (args, run.stdout + run.stderr)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """``make lab`` on a copy of the course (``lab.course``) whose student has their feedback."""
    course = copy_course(tmp_path_factory.mktemp("maths") / "course")
    server = start_lab(course, tmp_path_factory.mktemp("maths-home"))
    server.course = course
    try:
        grading.generate_assignment(course, ASSIGNMENT)
        nbgrader(course, server, "release_assignment", ASSIGNMENT, "--force")
        nbgrader(course, server, "fetch_assignment", ASSIGNMENT)
        answers = grading.solutions(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        mine = course / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        nbformat.write(grading.fill_in(mine, {**answers, "hidden_delta": WRONG_HIDDEN_DELTA,
                                              WRITTEN: ANSWER}), mine)
        nbgrader(course, server, "submit", ASSIGNMENT)
        nbgrader(course, server, "collect", ASSIGNMENT)
        autograde = grading.autograde(course, ASSIGNMENT, sandboxed=SANDBOXED)
        assert autograde.returncode == 0, autograde.stderr
        for step in ("generate_feedback", "release_feedback", "fetch_feedback"):
            nbgrader(course, server, step, ASSIGNMENT)
        yield server
    finally:
        server.stop()


@pytest.fixture
def offline(chromium):
    """A browser profile that reaches nothing but this machine; the addresses it refused."""
    context, refused = new_context(chromium), []

    def only_here(route):
        address = urlparse(route.request.url)
        if address.scheme in ("file", "data", "blob", "about") or address.hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    yield context, refused
    context.close()


def reads_typeset(frame):
    """The page's maths typeset by KaTeX, none left as LaTeX, the student's formula too."""
    expect(frame.locator(".katex").first).to_be_visible()
    text = frame.locator("body").inner_text()
    assert "Math Processing Error" not in text
    assert RAW_MATHS.findall(text) == []
    expect(frame.locator(".katex-error")).to_have_count(0)
    answer = frame.locator(".text_cell_render").filter(has_text="The gradient is")
    expect(answer.locator(".katex")).to_have_count(2)


def keep(page, message, what):
    """``test-artifacts/maths-<what>.png``: the window with the mistake's message in view."""
    message.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"maths-{what}.png")


def wraps(message):
    """``message`` (an element) fits its box and the page: its lines wrap at the edge."""
    widths = message.evaluate("""element => ({
        content: element.scrollWidth, box: element.clientWidth,
        right: element.getBoundingClientRect().right,
        page: element.ownerDocument.documentElement.clientWidth})""")
    assert widths["content"] <= widths["box"], widths
    assert widths["right"] <= widths["page"], widths


def feedback_pages(lab):
    """The page released to the exchange, and the student's copy fetched beside the notebook."""
    released = list((lab.course / ".exchange" / COURSE / "feedback").glob("*.html"))
    fetched = list((lab.course / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(released) == len(fetched) == 1
    return released[0], fetched[0]


def test_feedback_page_from_disk(lab, offline):
    context, refused = offline
    page = context.new_page()
    page.goto(feedback_pages(lab)[0].as_uri())
    reads_typeset(page)
    message = page.locator("pre").filter(has_text=ITS_DIAGNOSIS)
    wraps(message)
    keep(page, message, "feedback-from-disk")
    assert page.locator("script").count() == 0
    assert refused == []


def test_feedback_page_from_the_jupyter_server_in_a_tab_of_its_own(lab, offline):
    context, refused = offline
    page = context.new_page()
    fetched = feedback_pages(lab)[1].relative_to(lab.course)
    page.goto(lab.link(f"files/{quote(fetched.as_posix())}"))
    reads_typeset(page)
    message = page.locator("pre").filter(has_text=ITS_DIAGNOSIS)
    wraps(message)
    keep(page, message, "feedback-from-the-server")
    assert refused == []


def test_feedback_page_in_jupyterlab_before_and_after_trust_html(lab, offline):
    context, refused = offline
    page = context.new_page()
    page.goto(lab.link("lab/"))
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Assignment List", exact=True).click()
    page.get_by_text("(view feedback)").click()
    page.locator(".jp-DirListing-item", has_text=f"{ASSIGNMENT}.html").dblclick()
    viewer = ".jp-HTMLViewer:not(.lm-mod-hidden) iframe"
    for trusted in (False, True):
        if trusted:
            page.get_by_role("button", name="Trust HTML").click()
            viewer += "[sandbox*=allow-scripts]"
        frame = page.frame_locator(viewer)
        reads_typeset(frame)
        message = frame.locator("pre").filter(has_text=ITS_DIAGNOSIS)
        wraps(message)
        keep(page, message, f"feedback-in-jupyterlab-{'trusted' if trusted else 'untrusted'}")
    assert refused == []


def test_formgrader_page_of_the_submission(lab, offline):
    context, refused = offline
    page = context.new_page()
    page.goto(lab.link("lab/"))
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Formgrader", exact=True).click()
    formgrader = page.frame_locator("#formgrader iframe")
    formgrader.get_by_role("link", name="Manual Grading").click()
    formgrader.get_by_role("link", name=ASSIGNMENT).click()
    formgrader.get_by_role("link", name=ASSIGNMENT).click()
    formgrader.get_by_role("link", name="Submission #1").click()
    reads_typeset(formgrader)
    message = formgrader.locator("pre").filter(has_text=ITS_DIAGNOSIS)
    wraps(message)
    keep(page, message, "formgrader")
    assert refused == []


def test_validate_dialog_shows_the_message_wrapped(lab, offline):
    context, refused = offline
    page = context.new_page()
    page.goto(lab.link(f"lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
    page.locator(".jp-NotebookPanel-toolbar .validate-button").click()
    dialog = page.locator(".jp-Dialog")
    message = dialog.locator("pre").filter(has_text=ITS_DIAGNOSIS)
    expect(message).to_be_visible(timeout=60_000)
    text = dialog.inner_text()
    assert "Math Processing Error" not in text
    assert RAW_MATHS.findall(text) == []
    wraps(message)
    keep(page, message, "validate-dialog")
    box = dialog.locator(".jp-Dialog-content").bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"]
    assert refused == []
