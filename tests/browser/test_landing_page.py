import re

import pytest
from browser_support import LANDING_PAGE, REPO

from mlp_helpers import checks

LANDING = REPO / LANDING_PAGE


@pytest.mark.browser
def test_make_lab_opens_start_here_listing_lectures_then_assignments(lab_page):
    page = lab_page.page
    lab_page.open()

    landing = page.locator(".jp-RenderedMarkdown", has_text="start here")
    landing.wait_for()
    current_tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
    assert current_tab.inner_text().strip() == "START_HERE.md"
    links = [text.strip() for text in landing.locator("a").all_inner_texts()]
    steps = [text for text in links if re.match(r"(Lecture|Assignment) \d", text)]
    assert [step.split(":")[0] for step in steps] == [
        "Lecture 1", "Lecture 2", "Lecture 3", "Lecture 4", "Lecture 5",
        "Assignment 1", "Assignment 2", "Assignment 3", "Assignment 4", "Assignment 5",
    ]
    assert "make check NB=" in landing.inner_text()
    assert page.locator(".jp-toast-message").count() == 0
    lab_page.screenshot("landing-page")


@pytest.mark.browser
def test_course_settings_never_ask_about_jupyter_news(lab):
    notification = lab.api("/lab/api/settings/@jupyterlab/apputils-extension:notification")
    fields = notification["schema"]["properties"]
    assert fields["fetchNews"]["default"] == "false"
    assert fields["checkForUpdates"]["default"] is False


def test_every_link_on_the_landing_page_opens_a_file_of_the_course():
    links = re.findall(r"\]\(([^)]+)\)", LANDING.read_text())
    assert len(links) >= 7
    assert [link for link in links if not (REPO / link).is_file()] == []


def test_the_landing_page_quotes_the_message_a_student_really_gets():
    def hidden_delta(delta_next, W_next, a):
        return (delta_next @ W_next.T) * (1 - a)

    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_hidden_delta(hidden_delta)
    assert f"    {failure.value._render_traceback_()[0]}\n" in LANDING.read_text()
