"""The course as a website (``make site``), read as a self-learner would: offline, in Chromium.

The site is built once, by the README's command, into a temporary folder. Every page is opened
from disk with the network cut (any request that is not ``file:`` is aborted and recorded): its
figures load, its maths is typeset by the MathJax shipped with the site, and it asks for nothing
outside. Without Chromium those checks are skipped; the ones that read the built files run
everywhere, above all that no solution or hidden test of ``source/`` reaches the site.
"""

import hashlib
import html
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from browser_support import ARTIFACTS, REPO, new_context
from nbgrader.utils import is_solution

SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                    "BEGIN MARK SCHEME")
LECTURES = sorted((REPO / "notebooks").glob("*.ipynb"))
ASSIGNMENTS = sorted((REPO / "release").glob("*/*.ipynb"))
DOCS = sorted((REPO / "docs").glob("*.md"))
# Each page of the site and the file of the course it comes from.
PAGES = {
    "index.html": REPO / "START_HERE.md",
    **{f"notebooks/{path.stem}.html": path for path in LECTURES},
    **{f"release/{path.parent.name}/{path.stem}.html": path for path in ASSIGNMENTS},
    **{f"docs/{path.stem}.html": path for path in DOCS},
    "readme.html": REPO / "README.md",
}


def fingerprints(paths):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """``make site`` into a temporary folder (the repository's build/ is left alone)."""
    lectures_before = fingerprints(LECTURES)
    folder = tmp_path_factory.mktemp("website") / "site"
    venv = Path(sys.prefix)
    started = time.monotonic()
    run = subprocess.run(
        ["make", "--silent", "--no-print-directory", "-C", str(REPO), "-o", str(venv / ".ready"),
         "site", f"VENV={venv}", f"SITE_DIR={folder}"],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    print(f"make site: {time.monotonic() - started:.1f} s\n{run.stdout}")
    # The lectures stay as committed (without outputs): only copies were run.
    assert fingerprints(LECTURES) == lectures_before
    return folder


def normalise(text):
    return " ".join(text.split())


def readable_text(path):
    """What a file of the site says: an HTML page without its tags, a notebook's cells."""
    raw = path.read_text(errors="replace")
    if path.suffix == ".html":
        return normalise(raw + " " + html.unescape(re.sub(r"<[^>]+>", "", raw)))
    if path.suffix == ".ipynb":
        cells = json.loads(raw)["cells"]
        return normalise(raw + " " + " ".join("".join(cell["source"]) for cell in cells))
    return normalise(raw)


def solution_lines():
    """Every line of the solutions and hidden tests of ``source/`` (code and model answers)."""
    lines = []
    for path in sorted((REPO / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                lines += cell.source.splitlines() if is_solution(cell) else []
                continue
            inside = False
            for line in cell.source.splitlines():
                if any(marker in line for marker in SOLUTION_MARKERS):
                    inside = "BEGIN" in line
                elif inside:
                    lines.append(line)
    return lines


def published_inputs(site):
    """Everything the site may show: the student versions, the lectures and what they print,
    the documents, and the course's own package (students install it and lectures show it)."""
    files = [*ASSIGNMENTS, *LECTURES, *DOCS, REPO / "START_HERE.md", REPO / "README.md",
             *(REPO / "mlp_helpers").rglob("*.py"),
             *(site.parent / "lectures-executed").rglob("*.ipynb")]
    return " ".join(readable_text(path) for path in files)


def test_every_lecture_assignment_and_diagnosis_has_a_page_and_source_has_none(site):
    assert sorted(str(path.relative_to(site)) for path in site.rglob("*.html")
                  if "mathjax" not in path.parts) == sorted(PAGES)
    assert not (site / "source").exists()
    assert (site / "docs" / "diagnoses.html").is_file()
    landing = (site / "index.html").read_text()
    for lecture in LECTURES:
        assert f'href="notebooks/{lecture.stem}.html"' in landing
    for assignment in ASSIGNMENTS:
        assert f'href="release/{assignment.parent.name}/{assignment.stem}.html"' in landing
    assert (site / "mathjax" / "MathJax.js").is_file()


def test_no_solution_or_hidden_test_appears_anywhere_in_the_site(site):
    # A line of a solution that the site may show anyway (the student version, a lecture, the
    # course's package) says nothing; every other one is the instructor's alone.
    allowed = published_inputs(site)
    secret = {normalise(line) for line in solution_lines()}
    secret = {line for line in secret if len(line) >= 16 and line not in allowed}
    assert len(secret) >= 20, "too few distinctive solution lines to make this test mean much"

    leaks = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and "mathjax" not in path.relative_to(site).parts:
            text = readable_text(path)
            # The guides in docs/ show the markers as what to type; no line of a solution.
            leaks += [f"{path.relative_to(site)}: {marker}"
                      for marker in SOLUTION_MARKERS if marker in text
                      and path.relative_to(site).parts[0] != "docs"]
            leaks += [f"{path.relative_to(site)}: {line}" for line in secret if line in text]
    assert leaks == []


# In the browser ------------------------------------------------------------------------------

# Resolves once MathJax has typeset the page. (The hook must return nothing: MathJax waits for a
# callback a hook returns, and this one waits for MathJax.)
TYPESET = """() => new Promise((done, fail) => {
    if (!window.MathJax || !MathJax.Hub) { fail(new Error('MathJax did not load')); return; }
    MathJax.Hub.Register.StartupHook('End', () => { MathJax.Hub.Queue(() => done(true)); });
})"""

PAGE_STATE = """() => ({
    images: [...document.images].map(image => ({
        src: image.src.slice(0, 60), loaded: image.complete && image.naturalWidth > 0})),
    maths: document.querySelectorAll('script[type^="math/tex"]').length,
    typeset: document.querySelectorAll('.MathJax[id$="-Frame"]').length,
    mathErrors: document.querySelectorAll('.MathJax .merror, .MathJax .noError').length,
    text: document.body.innerText,
    note: document.querySelector('.course-note')?.innerText ?? '',
    links: [...document.querySelectorAll('a[href]')].map(link => link.href),
    stderr: document.querySelectorAll(
        '[data-mime-type="application/vnd.jupyter.stderr"]').length,
})"""


def has_maths(source):
    """Whether the markdown of ``source`` has TeX between dollars outside code."""
    text = source.read_text()
    if source.suffix == ".ipynb":
        text = "\n\n".join(cell.source for cell in nbformat.reads(text, as_version=4).cells
                           if cell.cell_type == "markdown")
    text = re.sub(r"```.*?```|`[^`\n]*`", "", text, flags=re.DOTALL)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("    "))
    return re.search(r"\$[^$\s][^$]*\$", text) is not None


def playground_summaries(site, lecture):
    """The summaries a lecture's playgrounds printed when the site was built."""
    executed = nbformat.read(site.parent / "lectures-executed" / "notebooks" / lecture.name, 4)
    return [output["data"]["text/plain"] for cell in executed.cells if cell.cell_type == "code"
            for output in cell.outputs
            if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]


@pytest.fixture(scope="module")
def offline(chromium):
    """A browser profile cut off from the network: only ``file:`` requests go through."""
    context = new_context(chromium)
    outside = []

    def only_files(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    yield context, outside
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
def test_page_reads_offline_with_figures_and_typeset_maths(site, offline, name):
    context, outside = offline
    outside.clear()
    page = context.new_page()
    page.goto((site / name).as_uri())
    page.evaluate(TYPESET)
    state = page.evaluate(PAGE_STATE)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"site-{name.replace('/', '-').removesuffix('.html')}.png")
    page.close()

    assert outside == []
    assert [image["src"] for image in state["images"] if not image["loaded"]] == []
    if has_maths(PAGES[name]):
        assert state["maths"] > 0
        assert state["typeset"] == state["maths"]
        assert state["mathErrors"] == 0
        assert "$$" not in state["text"]
    assert "make lab" in state["note"]
    assert "README" in state["note"]
    missing = [link for link in state["links"] if link.startswith("file:")
               and not Path(unquote(urlparse(link).path)).is_file()]
    assert missing == []

    lecture = PAGES[name]
    if lecture in LECTURES:
        assert len(state["images"]) >= 3
        assert state["stderr"] == 0
        text = normalise(state["text"])
        # A playground has no kernel here: its picture and summary stand in for the controls.
        assert [summary for summary in playground_summaries(site, lecture)
                if normalise(summary) not in text] == []
