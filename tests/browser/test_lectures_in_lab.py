"""The lectures as a reader meets them: opened in JupyterLab and run there, widgets included."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Outputs that say something went wrong; a lecture shows none of them.
ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"

FIGURES_WITHOUT_SUMMARY = """notebook => {
    const figures = [...notebook.querySelectorAll('.jp-OutputArea-child')].filter(
        child => child.querySelector(':scope > .jp-OutputArea-output > img'));
    const playgrounds = [...notebook.querySelectorAll('.widget-image')];
    const missing = figures.filter(child => {
        const next = child.nextElementSibling;
        return !next || !next.querySelector('.jp-RenderedText') || !next.textContent.trim();
    });
    return missing.length + playgrounds.filter(image => {
        const next = image.nextElementSibling;
        return !next || !next.classList.contains('widget-html') || !next.textContent.trim();
    }).length;
}"""

FIGURE_COUNT = """notebook =>
    notebook.querySelectorAll('.jp-OutputArea-output > img, .widget-image').length"""


def run_lecture(lab_page, path):
    """Open the lecture, run all its cells, return its notebook panel."""
    lab_page.open(path)
    notebook = lab_page.notebook()
    lab_page.menu("Run", "Run All Cells")
    lab_page.wait_idle(timeout=90_000)
    return notebook


def summary_after_moving(lab_page, playground, label, key):
    """Press ``key`` on the slider called ``label``; return the playground's picture and text."""
    picture, summary = playground.locator(".widget-image"), playground.locator(".widget-html")
    before = picture.get_attribute("src"), summary.text_content()
    slider = playground.locator(".widget-slider", has_text=label).locator(".noUi-handle")
    slider.focus()
    lab_page.page.keyboard.press(key)
    expect(picture).not_to_have_attribute("src", before[0], timeout=30_000)
    lab_page.wait_idle()
    return before, (picture.get_attribute("src"), summary.text_content())


# Each lecture, and the slider of its playground a reader moves: (label, text after one step up).
LECTURES = {
    "notebooks/01_xor.ipynb": ("hidden units", "2-4-1"),
    "notebooks/02_mse_gradient.ipynb": None,
    "notebooks/03_mnist_two_hidden.ipynb": ("hidden units", "784-33-16-2"),
}


@pytest.mark.parametrize("lecture", LECTURES)
def test_lecture_runs_in_lab_with_every_figure_summarised(lab_page, lecture):
    notebook = run_lecture(lab_page, lecture)

    assert notebook.locator(ERROR_OUTPUT).all_text_contents() == []
    assert notebook.evaluate(FIGURE_COUNT) >= 3
    assert notebook.evaluate(FIGURES_WITHOUT_SUMMARY) == 0
    lab_page.screenshot("after-run-all")

    if LECTURES[lecture] is None:
        return
    label, after_one_step = LECTURES[lecture]
    playground = notebook.locator(".widget-vbox", has=lab_page.page.locator(".widget-slider"))
    playground = playground.first
    playground.scroll_into_view_if_needed()
    lab_page.screenshot("playground-before")
    before, after = summary_after_moving(lab_page, playground, label, "ArrowRight")
    assert after[0] != before[0]
    assert after_one_step not in before[1]
    assert after_one_step in after[1]
    lab_page.screenshot(f"playground-after-moving-{label.replace(' ', '-')}", of=playground)
