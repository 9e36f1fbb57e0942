"""A student works on assignment 1 in JupyterLab: mistake, message, fix, Validate."""

import re

import nbformat
import pytest
from browser_support import ITS_DIAGNOSIS, RIGHT_HIDDEN_DELTA, WRONG_HIDDEN_DELTA

from mlp_helpers import grading

pytestmark = pytest.mark.browser

ASSIGNMENT = "release/01_xor/01_xor.ipynb"

@pytest.fixture
def student_at_part_4(course):
    """The student's copy of assignment 1 with every part done but ``hidden_delta``.

    The other parts take the instructor's answers, so Validate judges the student's own work.
    """
    answers = grading.solutions(course / ASSIGNMENT.replace("release", "source"))
    del answers["hidden_delta"]
    path = course / ASSIGNMENT
    nbformat.write(grading.fill_in(path, answers), path)
    return path


def validate(lab_page):
    """Press the notebook's Validate button; return the text of the dialog that answers."""
    lab_page.page.locator(".jp-NotebookPanel-toolbar .validate-button").click()
    result = lab_page.page.locator(".jp-Dialog")
    result.wait_for(timeout=60_000)
    return result.inner_text()


def test_student_reads_the_named_mistake_fixes_it_and_validates(lab_page, student_at_part_4):
    page = lab_page.page
    lab_page.open()
    page.get_by_role("link", name=re.compile("Assignment 1")).click()
    lab_page.notebook()
    lab_page.screenshot("assignment-opened")

    lab_page.cell("from mlp_helpers import checks").click()
    page.keyboard.press("Shift+Enter")
    solution, test = lab_page.cell("def hidden_delta"), lab_page.cell("check_hidden_delta")

    lab_page.replace_source(solution, WRONG_HIDDEN_DELTA)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    lab_page.wait_idle()
    message = test.locator(".jp-OutputArea-output").inner_text()
    assert message.startswith("CheckFailed")
    assert ITS_DIAGNOSIS in message
    assert "Traceback" not in message
    assert len(message.strip().splitlines()) == 1
    lab_page.show(test)
    lab_page.screenshot("wrong-hidden-delta-named")
    report = validate(lab_page)
    assert "The following cell failed" in report
    assert ITS_DIAGNOSIS in report
    assert "Traceback" not in report
    lab_page.screenshot("validate-names-the-failing-test")
    page.locator(".jp-Dialog").get_by_role("button", name="Ok").click()

    lab_page.replace_source(solution, RIGHT_HIDDEN_DELTA)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    lab_page.wait_idle()
    assert test.locator(".jp-OutputArea-output").count() == 0
    assert re.search(r"\[\d+\]", test.locator(".jp-InputPrompt").inner_text())
    lab_page.show(test)
    lab_page.screenshot("fixed-test-passes")

    assert "Success! Your notebook passes all the tests." in validate(lab_page)
    lab_page.screenshot("validate-says-success")
