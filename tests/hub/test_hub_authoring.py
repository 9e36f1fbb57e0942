"""An instructor adds a question on the hub, as docs/instructor-guide.md ("Adding a question on
the hub") tells them, and a student's submission is graded by it.

On the class the hub test sets up (its fixture, ``hub``), the instructor works in their own
server, as their own Unix user, through the API their JupyterLab uses: the course folder is
there as ``course/``; they copy 01_xor into a new assignment in ``course/source/``, add a
question (a solution cell and a test cell of plain asserts with hidden tests, the form the
guide's "Your own graded questions" describes, with the metadata the Create Assignment toolbar
writes), and check it with ``nbgrader validate`` in a terminal of their server. The formgrader
generates and releases it; two students fetch and submit (one answers the new question right,
one wrong), and the formgrader collects and grades: the question's points and its message are
what each student earns. Only instructors see the course folder and the Create Assignment
toolbar; the formgrader serves no JupyterLab, terminal or file API of its own (a grader cannot
change ``source/`` through it), and its links to the course's files open the instructor's
JupyterLab. In Chromium, the instructor makes the same two cells in a notebook of their own
with the Create Assignment panel, which writes the metadata the API steps write.
"""

import asyncio
import concurrent.futures
import json
import pwd
import re
import urllib.error
import urllib.parse
from pathlib import Path

import nbformat
import pytest
import test_hub_class
from test_hub_class import COURSE, REPO, answered, as_user, in_chromium, logged_in

pytestmark = pytest.mark.slow
# The class of test_hub_class, set up the same way (a hub of this module's own).
hub = test_hub_class.hub
ASSIGNMENT = "xor_own_question"
HIDDEN_SEED_LINE = "rng = np.random.default_rng(20261207)"
# The question of docs/instructor-guide.md, "Your own graded questions".
SOLUTION = """def tanh_derivative(a):
    ### BEGIN SOLUTION
    return 1 - a ** 2
    ### END SOLUTION
"""
TEST = f"""import numpy as np

a = np.tanh(np.linspace(-2, 2, 5))
assert np.allclose(tanh_derivative(a), 1 - a ** 2), "tanh_derivative(a) must be 1 - a**2"
### BEGIN HIDDEN TESTS
{HIDDEN_SEED_LINE}
a = np.tanh(rng.normal(size=(4, 3)))
assert np.allclose(tanh_derivative(a), 1 - a ** 2)
### END HIDDEN TESTS
"""
# What the Create Assignment toolbar writes for "Autograded answer" and "Autograded tests".
ANSWER_CELL = {"grade": False, "grade_id": "tanh_derivative", "locked": False,
               "schema_version": 3, "solution": True, "task": False}
TESTS_CELL = {"grade": True, "grade_id": "test_tanh_derivative", "locked": True, "points": 2,
              "schema_version": 3, "solution": False, "task": False}


def _page_config(hub, person):
    """The JupyterLab page config of ``person``'s server (what their browser is given)."""
    status, page = hub.call(f"/user/{person}/lab", token=hub.tokens[person])
    assert status == 200, (person, status)
    found = re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      page, re.S)
    return json.loads(found.group(1))


def _started(hub, person):
    """Start ``person``'s server (as their JupyterLab's first visit does), if not running."""
    status, body = hub.call(f"/hub/api/users/{person}/server", method="POST",
                            token=hub.tokens[person])
    assert status in (201, 202) or b"is already running" in body, (person, status, body)
    hub.wait(f"/user/{person}/api/status", timeout=90, token=hub.tokens[person])


def _follow(hub, path, person):
    """Where ``path`` leads ``person``, logged in on the login page: ``(status, address)``."""
    *_, opener = hub.log_in(person, hub.passwords[person])
    address = hub.url + path
    for _ in range(10):  # the redirects, one by one (the opener does not follow them)
        try:
            with opener.open(address, timeout=60) as answer:
                return answer.status, address
        except urllib.error.HTTPError as error:
            with error:
                if error.code not in (301, 302, 303, 307):
                    return error.code, address
                address = urllib.parse.urljoin(address, error.headers["Location"])
    raise AssertionError(f"{path}: more than 10 redirects")


def in_terminal(hub, person, line, timeout=120):
    """Type ``line`` in a new terminal of ``person``'s server; return what the terminal showed."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    name = hub.ok(f"/user/{person}/api/terminals", method="POST",
                  token=hub.tokens[person])["name"]
    # Typed "$((40 + 2))", shown "42": the end of the output, not the echo of the command.
    typed, end = f"{line}; echo 'exit status' $?; echo end-$((40 + 2))\r", "end-42"

    async def session():
        socket = await websocket_connect(HTTPRequest(
            f"{hub.url.replace('https', 'wss')}/user/{person}/terminals/websocket/{name}",
            headers={"Authorization": f"token {hub.tokens[person]}"},
            ssl_options=hub.context))
        shown = ""
        try:
            socket.write_message(json.dumps(["stdin", typed]))
            while end not in shown:
                message = await socket.read_message()
                assert message is not None, f"the terminal closed; it showed:\n{shown}"
                kind, *content = json.loads(message)
                if kind == "stdout":
                    shown += content[0]
        finally:
            socket.close()
            while await socket.read_message() is not None:  # until the server has closed it
                pass
        return shown

    try:
        # In a thread of its own: Playwright's event loop is marked running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, asyncio.wait_for(session(), timeout)).result()
    finally:
        hub.call(f"/user/{person}/api/terminals/{name}", method="DELETE",
                 token=hub.tokens[person])


@pytest.fixture(scope="module")
def authored(hub):
    """The instructor's new assignment, made in their server: ``(course_dir, notebook path)``."""
    (instructor,), teacher = hub.people["instructor"], hub.tokens[hub.people["instructor"][0]]
    course_dir = Path(hub.settings["course_dir"])
    _started(hub, instructor)
    contents = f"/user/{instructor}/api/contents/course/source"
    # A folder for the new assignment; a copy of 01_xor's notebook in it, renamed.
    hub.ok(f"{contents}/{ASSIGNMENT}", method="PUT", token=teacher, data={"type": "directory"})
    copy = hub.ok(f"{contents}/{ASSIGNMENT}", method="POST", token=teacher,
                  data={"copy_from": "course/source/01_xor/01_xor.ipynb"})
    notebook = f"course/source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    hub.ok(f"/user/{instructor}/api/contents/{copy['path']}", method="PATCH", token=teacher,
           data={"path": notebook})
    # The question at the end: a Markdown cell, the answer cell, the test cell.
    model = hub.ok(f"/user/{instructor}/api/contents/{notebook}", token=teacher)
    question = nbformat.from_dict(model["content"])
    question.cells += [
        nbformat.v4.new_markdown_cell("## Your own question: the derivative of tanh\n\n"
                                      "Write `tanh_derivative(a)`, where $a = \\tanh(z)$."),
        nbformat.v4.new_code_cell(SOLUTION, metadata={"nbgrader": ANSWER_CELL}),
        nbformat.v4.new_code_cell(TEST, metadata={"nbgrader": TESTS_CELL}),
    ]
    hub.ok(f"/user/{instructor}/api/contents/{notebook}", method="PUT", token=teacher,
           data={"type": "notebook", "content": question})
    return course_dir, course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def test_only_an_instructor_has_the_course_folder_and_the_create_assignment_toolbar(hub,
                                                                                    authored):
    course_dir, notebook = authored
    (instructor,), student = hub.people["instructor"], hub.people["student"][0]
    assert notebook.exists()
    assert pwd.getpwuid(notebook.stat().st_uid).pw_name == instructor  # made as themselves
    listed = hub.ok(f"/user/{instructor}/api/contents/course/source",
                    token=hub.tokens[instructor])
    assert {"01_xor", ASSIGNMENT} <= {item["name"] for item in listed["content"]}
    _started(hub, student)
    assert hub.call(f"/user/{student}/api/contents/course", token=hub.tokens[student])[0] == 404
    # Nor through the file system, as the student's Unix user.
    for command in (["ls", str(course_dir / "source")], ["cat", str(notebook)]):
        assert "Permission denied" in as_user(student, *command).stderr, command
    plugin = "@jupyter/nbgrader:create-assignment"
    assert plugin not in _page_config(hub, instructor)["disabledExtensions"]
    assert plugin in _page_config(hub, student)["disabledExtensions"]


def test_an_instructor_checks_the_question_with_nbgrader_in_a_terminal(hub, authored):
    instructor = hub.people["instructor"][0]
    shown = in_terminal(hub, instructor, "command -v nbgrader && nbgrader --version")
    assert "/opt/backprop-hub/venv/bin/nbgrader" in shown, shown
    assert "nbgrader version 0.9.6" in shown, shown
    assert "exit status 0" in shown, shown
    shown = in_terminal(hub, instructor, f"cd ~/course && nbgrader validate "
                                         f"source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    assert "Success! Your notebook passes all the tests." in shown, shown[-3000:]


def test_the_question_is_released_and_grades_a_students_submission(hub, authored):
    course_dir, source = authored
    teacher = hub.tokens[hub.people["instructor"][0]]
    formgrader = f"/services/{COURSE}/formgrader"
    hub.wait(f"{formgrader}/api/assignments", timeout=90, token=teacher)
    listed = hub.ok(f"{formgrader}/api/assignments", token=teacher)  # Manage Assignments
    assert ASSIGNMENT in [assignment["name"] for assignment in listed], listed
    for action in ("assign", "release"):
        done = hub.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/{action}", method="POST",
                      token=teacher)
        assert done["success"], done
    released = course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "tanh_derivative" in released.read_text()
    assert HIDDEN_SEED_LINE not in released.read_text()
    assert "return 1 - a ** 2" not in released.read_text()

    # One student answers everything; the other gets every 01_xor part right and the new one
    # wrong.
    right, wrong = hub.people["student"][:2]
    answers = {right: answered(released, source),
               wrong: answered(released, source,
                               {"tanh_derivative": "def tanh_derivative(a):\n    return 1 - a\n"})}
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    for student, notebook in answers.items():
        token = hub.tokens[student]
        _started(hub, student)
        hub.ok(f"/user/{student}/assignments/fetch", method="POST", form=form, token=token)
        hub.ok(f"/user/{student}/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", method="PUT",
               token=token, data={"type": "notebook", "content": notebook})
        hub.ok(f"/user/{student}/assignments/submit", method="POST", form=form, token=token)

    assert hub.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/collect", method="POST",
                  token=teacher)["success"]
    for student in answers:
        graded = hub.ok(f"{formgrader}/api/submission/{ASSIGNMENT}/{student}/autograde",
                        method="POST", token=teacher)
        assert graded["success"], graded.get("log", graded)[-3000:]
    scores = {row["student"]: (row["score"], row["max_score"]) for row in
              hub.ok(f"{formgrader}/api/submissions/{ASSIGNMENT}", token=teacher)}
    # Every automatic point (01_xor's and the question's) for the first, all but the question's
    # for the second; 01_xor's written answer waits for hand grading.
    cells = [cell.metadata["nbgrader"] for cell in nbformat.read(source, as_version=4).cells
             if cell.metadata.get("nbgrader", {}).get("grade")]
    automatic = sum(cell["points"] for cell in cells if not cell["solution"])
    most = sum(cell["points"] for cell in cells)
    assert scores == {right: (automatic, most), wrong: (automatic - 2, most)}, scores
    graded = nbformat.read(course_dir / "autograded" / wrong / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    said = [output for cell in graded.cells if cell.metadata.get("nbgrader", {}).get(
        "grade_id") == "test_tanh_derivative" for output in cell.outputs]
    assert "tanh_derivative(a) must be 1 - a**2" in json.dumps(said), said


def test_the_formgrader_serves_no_lab_of_its_own_and_its_links_open_the_instructors(hub,
                                                                                   authored):
    (instructor,), grader = hub.people["instructor"], hub.people["grader"][0]
    service = f"/services/{COURSE}"
    for path in ("/lab", "/tree", "/api/terminals"):
        assert hub.call(service + path, token=hub.tokens[instructor])[0] == 404, path
    # Nor its server's files or kernels, to anyone who reaches the service (a grader too).
    for person in (instructor, grader):
        for path, method, data in (
                ("/api/contents/source", "GET", None),
                (f"/api/contents/source/{ASSIGNMENT}/extra.ipynb", "PUT",
                 {"type": "notebook", "content": nbformat.v4.new_notebook()}),
                ("/api/kernels", "POST", {})):
            status, _ = hub.call(service + path, method=method, data=data,
                                 token=hub.tokens[person])
            assert status == 403, (person, method, path, status)
    assert not (Path(hub.settings["course_dir"]) / "source" / ASSIGNMENT / "extra.ipynb"
                ).exists()
    # The assignment's name in Manage Assignments links to /tree/<its folder in the course>.
    status, url = _follow(hub, f"/tree/source/{ASSIGNMENT}", instructor)
    assert (status, url) == (200, f"{hub.url}/user/{instructor}/lab/tree/course/source/"
                                  f"{ASSIGNMENT}")
    for person in (grader, hub.people["student"][0]):
        assert _follow(hub, f"/tree/source/{ASSIGNMENT}", person)[0] == 403, person



@pytest.mark.browser
@in_chromium
def test_in_the_browser_the_toolbar_shows_the_question_and_the_formgrader_opens_the_folder(
        hub, authored, chromium):
    from playwright.sync_api import expect

    _, source = authored
    instructor = hub.people["instructor"][0]
    page = logged_in(chromium, hub, instructor)
    page.goto(f"{hub.url}/user/{instructor}/lab/tree/course/source/{ASSIGNMENT}/"
              f"{ASSIGNMENT}.ipynb")
    # The Create Assignment panel (the right side bar) shows the question's cells as written.
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible()
    page.get_by_role("tab", name="Create Assignment").click()
    panel = page.locator("#nbgrader-create_assignemnt")
    total = sum(cell.metadata["nbgrader"].get("points", 0) for cell in
                nbformat.read(source, as_version=4).cells if "nbgrader" in cell.metadata)
    expect(panel.locator(".nbgrader-TotalPointsInput")).to_have_value(str(total))
    tests = panel.locator(".nbgrader-CellWidget").last
    expect(tests.locator(".nbgrader-CellType select")).to_have_value("tests")
    expect(tests.locator(".nbgrader-CellId input")).to_have_value("test_tanh_derivative")
    expect(tests.locator(".nbgrader-CellPoints input")).to_have_value("2")
    page.screenshot(path=str(REPO / "test-artifacts" / "hub-instructor-create-assignment.png"))

    # In the formgrader's own tab, the assignment's name opens its folder in this JupyterLab.
    page.goto(f"{hub.url}/services/{COURSE}/formgrader/manage_assignments")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=ASSIGNMENT, exact=True).click()
    folder = opened.value
    folder.wait_for_url(re.compile(f"/user/{instructor}/lab/tree/course/source/{ASSIGNMENT}$"))
    expect(folder.locator(".jp-DirListing-item").get_by_text(f"{ASSIGNMENT}.ipynb")
           ).to_be_visible()
    page.context.close()


@pytest.mark.browser
@in_chromium
def test_in_the_browser_the_create_assignment_panel_writes_the_question(hub, authored, chromium):
    from playwright.sync_api import expect

    instructor = hub.people["instructor"][0]
    folder = "course/source/browser_question"
    notebook = Path(hub.settings["course_dir"]) / "source" / "browser_question" / \
        "browser_question.ipynb"
    start = nbformat.v4.new_notebook()
    start.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}
    start.cells = [nbformat.v4.new_markdown_cell("## The derivative of tanh")]
    contents = f"/user/{instructor}/api/contents/{folder}"
    hub.ok(contents, method="PUT", token=hub.tokens[instructor], data={"type": "directory"})
    hub.ok(f"{contents}/browser_question.ipynb", method="PUT", token=hub.tokens[instructor],
           data={"type": "notebook", "content": start})
    page = logged_in(chromium, hub, instructor)
    page.goto(f"{hub.url}/user/{instructor}/lab/tree/{folder}/browser_question.ipynb")
    cells = page.locator(".jp-Notebook .jp-Cell")
    expect(cells.first).to_be_visible()
    page.get_by_role("tab", name="Create Assignment").click()
    widgets = page.locator("#nbgrader-create_assignemnt .nbgrader-CellWidget")
    try:
        for index, (source, kind, grade_id, points) in enumerate(
                [(SOLUTION, "solution", "tanh_derivative", None),
                 (TEST, "tests", "test_tanh_derivative", "2")], start=1):
            # A code cell below the last (B, in command mode), its code, its type in the panel.
            cells.last.click()
            page.keyboard.press("Escape")
            page.keyboard.press("b")
            expect(cells).to_have_count(index + 1)
            cells.nth(index).locator(".cm-content").click()
            page.keyboard.insert_text(source)
            page.keyboard.press("Escape")
            widget = widgets.nth(index)
            widget.locator(".nbgrader-CellType select").select_option(kind)
            for field, value in (("CellId", grade_id), ("CellPoints", points)):
                if value is not None:
                    widget.locator(f".nbgrader-{field} input").fill(value)
                    widget.locator(f".nbgrader-{field} input").blur()
        page.keyboard.press("Control+s")
        expect(page.locator(".jp-mod-dirty")).to_have_count(0)
    finally:  # what the instructor saw, kept for when this fails
        page.screenshot(path=str(REPO / "test-artifacts" / "hub-instructor-makes-a-question.png"))
    made = nbformat.read(notebook, as_version=4)
    assert [cell.source.strip() for cell in made.cells[1:]] == [SOLUTION.strip(), TEST.strip()]
    assert [cell.metadata.get("nbgrader") for cell in made.cells[1:]] == [ANSWER_CELL, TESTS_CELL]
    page.context.close()
