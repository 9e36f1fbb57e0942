"""A hostile submission's answer and outputs run nothing in anyone's browser.

A class of two is graded through the real pipeline (generate_assignment, autograde in the
sandbox where the machine has it, generate_feedback): ada, honest with one planted mistake, and
mallory, the full solution with a written answer and one more code cell stuffed with script.
Every payload, run, would leave a mark (``window.__pwned``, a console line, the page's title),
and ask the formgrader's API, as the person looking, to give mallory full marks plus extra credit
and ada 0; some navigate. Then the instructor opens both submissions in the formgrader inside
JupyterLab, and everyone opens the feedback pages from disk and from the Jupyter server. Nothing
may run, no request may leave for the API or for a payload's address, the gradebook must not
change; and the honest pages must look as before: maths typeset, figures shown, the checks'
messages shown, the formgrader's score boxes saving a score, its "Next" link moving on.
"""

import base64
import sqlite3
import time

import nbformat
import pytest
from browser_support import (
    ITS_DIAGNOSIS,
    WRONG_HIDDEN_DELTA,
    copy_course,
    new_context,
    start_lab,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sandboxing import SANDBOXED

from mlp_helpers import grading

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "01_xor"
HONEST, HOSTILE = "ada", "mallory"
WRITTEN = "explain_loss_not_gradient"  # the written answer of 01_xor, graded by hand
MATHS = r"The gradient is $\frac{\partial L}{\partial a} = (a - y) / n$, not $L$ itself."
# An honest student's figure, a PNG whatever matplotlib's backend in the grading kernel.
FIGURE_CELL = """import io
import matplotlib.pyplot as plt
from IPython.display import Image, display
figure, axes = plt.subplots(figsize=(3, 2))
axes.plot(train_xor(X, Y)[1])
png = io.BytesIO()
figure.savefig(png, format="png")
display(Image(png.getvalue()))"""


def attack(tag):
    """Script that marks the page, logs, retitles it and rewrites the class's grades by the API.

    It has no double quote, ampersand, angle bracket or percent sign, so that it reads the same
    in an attribute, a ``javascript:`` address, a ``srcdoc`` and a script element.
    """
    return (
        "(function(t){(window.__pwned=window.__pwned||[]).push(t);console.log('PWNED '+t);"
        "document.title='PWNED '+t;var l=location.protocol=='about:'?parent.location:location;"
        "var p=l.pathname,r=l.origin+p.slice(0,[p.indexOf('/formgrader/'),p.indexOf('/files/')]"
        ".filter(function(i){return i+1})[0]);"
        "var x=(document.cookie.match(/_xsrf=([^;]*)/)||[])[1];"
        "function get(u){return fetch(r+'/formgrader/api/'+u).then(function(a){return a.json()})}"
        f"get('submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}?pwned='+t).then(function(s){{"
        "s.forEach(function(n){get('grades?submission_id='+n.id).then(function(g){"
        "g.forEach(function(d){fetch(r+'/formgrader/api/grade/'+d.id+'?pwned='+t,"
        "{method:'PUT',headers:{'X-XSRFToken':x},body:JSON.stringify("
        f"n.student=='{HOSTILE}'?{{manual_score:d.max_score,extra_credit:5}}"
        ":{manual_score:0,extra_credit:0})})})})})})"
        f"}})('{tag}')"
    )


def _data_page(tag):
    page = f"<script>{attack(tag)}</script>".encode()
    return "data:text/html;base64," + base64.b64encode(page).decode()


# The written answer: honest maths, then every way HTML in Markdown has run script or loaded.
HOSTILE_ANSWER = "\n\n".join([
    MATHS,
    f'<img src="x" onerror="{attack("md-img-onerror")}">',
    f"<script>{attack('md-script')}</script>",
    f'<svg onload="{attack("md-svg-onload")}"><circle r="3"></circle></svg>',
    f'<a href="javascript:{attack("md-javascript-link")}">click me</a>',
    f'<iframe srcdoc="<script>{attack("md-iframe-srcdoc")}</script>"></iframe>',
    f'<object data="{_data_page("md-object")}"></object>',
    f'<embed src="{_data_page("md-embed")}">',
    f'<input autofocus onfocus="{attack("md-autofocus")}">',
    f'<details open ontoggle="{attack("md-details-ontoggle")}"><summary>more</summary></details>',
    '<form action="?pwned=md-form" method="post"><button id="md-form">Send</button></form>',
    '<meta http-equiv="refresh" content="2;url=?pwned=md-meta-refresh">',
    '<base href="http://127.0.0.1:9/pwned-md-base/">',
    '<link rel="stylesheet" href="?pwned=md-stylesheet">',
    "<style>body { background: url(?pwned=md-style-element); }</style>",
    '<div style="position: fixed; top: 0; left: 0; width: 100%; height: 100%; z-index: 9999; '
    'background: url(?pwned=md-style-attribute)">Full marks for this answer</div>',
    rf"$\href{{javascript:{attack('md-mathjax-href')}}}{{\text{{click me}}}}$",
])

# The extra code cell: every kind of output a kernel can send, each carrying script.
_OUTPUTS = [
    ("HTML", f"<script>{attack('out-html-script')}</script>", ""),
    ("HTML", f'<img src="x" onerror="{attack("out-html-onerror")}">', ""),
    ("HTML", f"<script>{attack('out-html-isolated')}</script>", ', metadata={"isolated": True}'),
    ("Javascript", attack("out-javascript"), ""),
    ("Javascript", "setTimeout(function(){location.href='?pwned=out-javascript-navigates'},"
                   "1500)", ""),
    ("Markdown", f'<img src="x" onerror="{attack("out-markdown")}">', ""),
    ("SVG", f'<svg xmlns="http://www.w3.org/2000/svg" onload="{attack("out-svg")}">'
            f"<script>{attack('out-svg-script')}</script></svg>", ""),
    ("Latex", "$\\href{javascript:" + attack("out-latex-href") + "}{x}$", ""),
]
_RAW = [
    {"image/png": f'x" onerror="{attack("out-png")}'},
    {"application/vnd.jupyter.widget-view+json":
     {"model_id": "x", "version_major": 2, "version_minor": 0}, "text/plain": "a widget"},
]
HOSTILE_CELL = "\n".join([
    "from IPython.display import HTML, SVG, Javascript, Latex, Markdown, display",
    *[f"display({kind}({content!r}){extra})" for kind, content, extra in _OUTPUTS],
    *[f"display({data!r}, raw=True)" for data in _RAW],
    f"print({'<script>' + attack('out-stream') + '</script>'!r})",
])


def submissions_of_the_class(course):
    """ada's and mallory's notebooks, filled in from the source's solutions."""
    release = grading.generate_assignment(course, ASSIGNMENT)
    answers = grading.solutions(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    honest = grading.fill_in(release, {**answers, "hidden_delta": WRONG_HIDDEN_DELTA,
                                       WRITTEN: MATHS})
    hostile = grading.fill_in(release, {**answers, WRITTEN: HOSTILE_ANSWER})
    for notebook in (honest, hostile):
        notebook.cells.append(nbformat.v4.new_code_cell(FIGURE_CELL))
    hostile.cells.append(nbformat.v4.new_code_cell(HOSTILE_CELL))
    return {HONEST: honest, HOSTILE: hostile}


def gradebook(course):
    """Every grade of the gradebook as stored: ``{(student, grade_id): (auto, manual, extra)}``."""
    with sqlite3.connect(course / "gradebook.db") as database:
        rows = database.execute(
            "SELECT submitted_assignment.student_id, base_cell.name, grade.auto_score, "
            "grade.manual_score, grade.extra_credit FROM grade "
            "JOIN base_cell ON grade.cell_id = base_cell.id "
            "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
            "JOIN submitted_assignment ON submitted_notebook.assignment_id = "
            "submitted_assignment.id").fetchall()
    return {(student, name): scores for student, name, *scores in rows}


def submission_ids(course):
    """The formgrader's submission id of each student's notebook."""
    with sqlite3.connect(course / "gradebook.db") as database:
        return dict(database.execute(
            "SELECT submitted_assignment.student_id, submitted_notebook.id "
            "FROM submitted_notebook JOIN submitted_assignment "
            "ON submitted_notebook.assignment_id = submitted_assignment.id"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A copy of the course with the class autograded and its feedback generated."""
    course = copy_course(tmp_path_factory.mktemp("hostile") / "course")
    for student, notebook in submissions_of_the_class(course).items():
        grading.submit(course, ASSIGNMENT, student, notebook)
    autograde = grading.autograde(course, ASSIGNMENT, sandboxed=SANDBOXED)
    assert autograde.returncode == 0, autograde.stderr
    feedback = grading.generate_feedback(course, ASSIGNMENT)
    assert feedback.returncode == 0, feedback.stderr
    return course


@pytest.fixture(scope="module")
def lab(graded, tmp_path_factory):
    """The course's ``make lab`` on the graded copy (its own, so no other test sees the class)."""
    server = start_lab(graded, tmp_path_factory.mktemp("hostile-home"))
    yield server
    server.stop()


class Witness:
    """Everything a tab does, in every frame: its console lines and its requests."""

    def __init__(self, page):
        self.page, self.console, self.requests = page, [], []
        page.on("console", lambda message: self.console.append(message.text))
        page.on("request", lambda request: self.requests.append((request.method, request.url)))

    def marks(self):
        """``window.__pwned`` of every frame of the tab (frames gone meanwhile are skipped)."""
        found = []
        for frame in self.page.frames:
            try:
                found += frame.evaluate("() => window.__pwned || []")
            except PlaywrightError:  # a frame that navigated away or was detached meanwhile
                continue
        return found

    def what_ran(self):
        """What the tab's payloads did, by kind; empty when nothing ran.

        A curious person first clicks every ``javascript:`` link left on the page.
        """
        self.page.wait_for_timeout(2_000)  # what a payload fetches or sets takes milliseconds
        for frame in self.page.frames:
            try:
                frame.evaluate("""() => document.querySelectorAll('a[href^="javascript:" i]')
                                        .forEach(link => link.click())""")
            except PlaywrightError:  # a frame that navigated away or was detached meanwhile
                continue
        self.page.wait_for_timeout(1_000)
        titles = [frame.title() for frame in self.page.frames if not frame.is_detached()]
        found = {
            "marks": self.marks(),
            "console": [line for line in self.console if "PWNED" in line],
            "titles": [title for title in titles if "PWNED" in title],
            "payload requests": [url for _, url in self.requests if "pwned" in url.lower()],
            "writes to the API": [(method, url) for method, url in self.requests
                                  if method != "GET" and "/formgrader/api/" in url],
        }
        return {kind: seen for kind, seen in found.items() if seen}


def shows_honest_content(frame, diagnosis=False):
    """The page shows the student's figure; its maths typeset; the checks' message if asked."""
    figure = frame.locator('img[src^="data:image/png"]').first
    expect(figure).to_be_attached()
    assert figure.evaluate("image => image.complete && image.naturalWidth > 0")
    # Typeset by KaTeX as the page was made, with no script: the answer's maths is not LaTeX.
    expect(frame.locator(".katex").first).to_be_visible()
    expect(frame.locator(".katex-error")).to_have_count(0)
    answer = frame.locator(".text_cell_render").filter(has_text="The gradient is").first
    assert "$" not in answer.inner_text()
    if diagnosis:
        expect(frame.get_by_text(ITS_DIAGNOSIS).first).to_be_visible()


def nothing_covers_the_page(frame):
    """The hostile answer's full-page overlay is plain text, in its place."""
    overlay = frame.get_by_text("Full marks for this answer")
    assert overlay.evaluate("text => getComputedStyle(text).position") != "fixed"


def open_submission(page, lab, submission):
    """JupyterLab, Nbgrader ▸ Formgrader, then the submission's page in formgrader's frame."""
    page.goto(lab.link("lab/"))
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Formgrader", exact=True).click()
    page.frame_locator("#formgrader iframe").locator("#main-table").wait_for(timeout=60_000)
    page.evaluate("address => { document.querySelector('#formgrader iframe').src = address; }",
                  f"/formgrader/submissions/{submission}/")
    page.wait_for_function("""() => {
        const page = document.querySelector('#formgrader iframe').contentDocument;
        return page && page.readyState === 'complete' && page.URL.includes('/submissions/');
    }""")
    return (page.frame_locator("#formgrader iframe"),
            next(frame for frame in page.frames if "/formgrader/submissions/" in frame.url))


def test_instructor_grades_a_hostile_submission_in_formgrader_and_none_of_it_runs(
    graded, lab, chromium
):
    before = gradebook(graded)
    ids = submission_ids(graded)
    context = new_context(chromium)
    page = context.new_page()
    witness = Witness(page)
    try:
        frame, submission = open_submission(page, lab, ids[HOSTILE])
        assert witness.what_ran() == {}
        assert submission.title() == ASSIGNMENT
        assert gradebook(graded) == before
        nothing_covers_the_page(frame)
        shows_honest_content(frame)

        # The honest submission, and the formgrader's own page still working: a score typed
        # into the written answer's box is saved, and "Next" moves on.
        frame, submission = open_submission(page, lab, ids[HONEST])
        shows_honest_content(frame, diagnosis=True)
        score = frame.locator(f"input.score#{WRITTEN}")
        score.fill("1.5")
        # The page's "saved" tick fades out a second after the answer comes back, which a busy
        # machine can miss: the page's own request to save the score is what is waited for.
        with page.expect_response(
                lambda response: response.request.method == "PUT"
                and "/formgrader/api/grade/" in response.url) as saved:
            score.press("Enter")
        assert saved.value.ok
        # The gradebook may lag behind the answer to the page.
        deadline = time.monotonic() + 20
        while gradebook(graded)[(HONEST, WRITTEN)] != [None, 1.5, None] and (
                time.monotonic() < deadline):
            page.wait_for_timeout(200)
        assert gradebook(graded)[(HONEST, WRITTEN)] == [None, 1.5, None]  # auto, by hand, extra
        frame.get_by_role("link", name="Next →").click()
        page.wait_for_function(
            "submission => !document.querySelector('#formgrader iframe')"
            ".contentDocument.URL.includes(submission)", arg=ids[HONEST])
        writes = [(method, url) for method, url in witness.requests
                  if method != "GET" and "/formgrader/api/" in url]
        assert [(method, url.rsplit("/", 2)[-2]) for method, url in writes] == [("PUT", "grade")]
        witness.requests.remove(writes[0])
        assert witness.what_ran() == {}
    finally:
        context.close()


def open_in_jupyterlab(page, lab, path):
    """JupyterLab opens the page in its HTML viewer (in a fresh workspace); trust it."""
    lab.reset()
    page.goto(lab.link(f"lab/tree/{path}"))
    page.get_by_role("button", name="Trust HTML").click()
    viewer = page.frame_locator(".jp-HTMLViewer:not(.lm-mod-hidden) iframe[sandbox*=allow-scripts]")
    viewer.locator("body").wait_for()
    return viewer


def test_feedback_pages_run_nothing_from_disk_from_the_jupyter_server_or_in_jupyterlab(
    graded, lab, chromium
):
    before = gradebook(graded)
    context = new_context(chromium)
    try:
        for student in (HOSTILE, HONEST):
            path = graded / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
            for route in ("disk", "server", "jupyterlab"):
                page = context.new_page()
                witness = Witness(page)
                if route == "jupyterlab":
                    frame = open_in_jupyterlab(page, lab, path.relative_to(graded))
                else:
                    frame = page
                    page.goto(path.as_uri() if route == "disk"
                              else lab.link(f"files/{path.relative_to(graded)}"))
                assert (route, witness.what_ran()) == (route, {})
                if route != "jupyterlab":
                    assert page.title() == ASSIGNMENT
                # Every page comes with its maths typeset, wherever it is opened.
                shows_honest_content(frame, diagnosis=student == HONEST)
                if student == HOSTILE:
                    nothing_covers_the_page(frame)
                page.close()
        assert gradebook(graded) == before
    finally:
        context.close()


def test_the_hostile_payloads_are_really_there_to_be_refused(graded):
    """Guards the test itself: the autograded notebook holds every payload, in every form."""
    notebook = nbformat.read(graded / "autograded" / HOSTILE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                             as_version=4)
    kinds = {kind for cell in notebook.cells for output in cell.get("outputs", [])
             for kind in output.get("data", {"stream": ""})}
    assert {"text/html", "application/javascript", "text/markdown", "image/svg+xml",
            "text/latex", "image/png", "application/vnd.jupyter.widget-view+json",
            "stream"} <= kinds
    assert any("md-script" in cell.source for cell in notebook.cells
               if cell.cell_type == "markdown")
