"""Build the course as a static website (``make site``; README, "The course as a website").

    python scripts/build_site.py                                  # into build/site/
    python scripts/build_site.py --out DIR --repository URL       # another folder; a clone link

START_HERE.md becomes ``index.html``. Every lecture in ``notebooks/`` runs in a fresh kernel (a
copy is executed and kept in ``build/lectures-executed/``: the committed lectures stay without
outputs) and is rendered with its figures and summaries; a playground, having no kernel on a
web page, shows the picture and summary of its starting values. The student versions of the
assignments (``release/``, never ``source/``), ``docs/*.md`` and README.md are rendered as they
are. Pages are nbconvert's lab template (``scripts/site_template/``) with a menu, a note on
running the notebooks locally, and the MathJax that jupyter-server-mathjax ships: nothing is
fetched, neither when the site is built nor when it is read. The build fails on a lecture that
raises, on a link to a file that does not exist (or into ``source/``), and when any file of the
site carries an nbgrader solution or hidden-test marker.

Why nbconvert rather than Jupyter Book: Jupyter Book 1 (1.0.4.post1) does resolve with the
course's pins, but it adds about 40 packages (Sphinx 7.4 and its theme stack, myst-nb,
jupyter-cache, bibtex...) to the environment that every ``make lab`` installs, and Jupyter Book 2
fetches its theme from the internet. nbconvert and nbclient are already in the environment. The
pages look like the notebooks in JupyterLab, and one file (``jupyter-server-mathjax``) adds the
MathJax.
"""

import argparse
import asyncio
import html
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jupyter_server_mathjax
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().with_name("site_template")
MATHJAX = Path(jupyter_server_mathjax.__file__).parent / "static"
COURSE = "Backpropagation from scratch"
# What nbgrader puts around solutions and hidden tests in source/: never on a page.
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")
MARKER_FREE = (".html", ".ipynb", ".md", ".txt", ".py")
STAMP = ".course-site"  # marks a folder this script made, so a rebuild may replace it
KERNEL_TIMEOUT = 600  # seconds a cell may take


class SiteError(Exception):
    """A reason the site cannot be built, in one sentence for the person who ran ``make site``."""


@dataclass
class Page:
    """One page: its file in the repository, its path in the site, and how it is shown."""

    source: PurePosixPath  # relative to the repository
    output: PurePosixPath  # relative to the site
    kind: str  # "start", "lecture", "assignment", "doc" or "readme"
    label: str  # its name in the menu
    title: str  # its first heading


def first_heading(text):
    """The text of the first ``# `` heading in ``text`` (markdown), or None."""
    match = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return match and match[1]


def notebook_title(path):
    cells = nbformat.read(path, as_version=4).cells
    return next((title for cell in cells if cell.cell_type == "markdown"
                 if (title := first_heading(cell.source))), path.stem)


def numbered(prefix, path, title):
    """``Lecture 1`` for ``01_xor``; the title when the name has no leading number."""
    match = re.match(r"(\d+)", path.stem)
    return f"{prefix} {int(match[1])}" if match else title


def find_pages():
    """Every page of the site, in the menu's order; the lectures and assignments are globbed."""
    def page(path, output, kind, label=None, title=None):
        source = PurePosixPath(path.relative_to(REPO).as_posix())
        title = title or (notebook_title(path) if path.suffix == ".ipynb"
                          else first_heading(path.read_text()) or path.stem)
        return Page(source, PurePosixPath(output), kind, label or title.split(":")[0], title)

    pages = [page(REPO / "START_HERE.md", "index.html", "start", "Start here")]
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        title = notebook_title(path)
        pages.append(page(path, f"notebooks/{path.stem}.html", "lecture",
                          numbered("Lecture", path, title), title))
    for path in sorted((REPO / "release").glob("*/*.ipynb")):
        title = notebook_title(path)
        pages.append(page(path, f"release/{path.parent.name}/{path.stem}.html", "assignment",
                          numbered("Assignment", path, title), title))
    pages += [page(path, f"docs/{path.stem}.html", "doc")
              for path in sorted((REPO / "docs").glob("*.md"))]
    pages.append(page(REPO / "README.md", "readme.html", "readme", "README", COURSE))
    published_solutions = [str(p.source) for p in pages if p.source.parts[0] == "source"]
    if published_solutions:
        raise SiteError(f"source/ must never be published: {published_solutions}")
    return pages


def relative(target, start):
    """The link from a page in folder ``start`` to ``target`` (both relative to the site)."""
    return PurePosixPath(os.path.relpath(target, start or ".")).as_posix()


# [text](target) and ![alt](target) in markdown; href="target" and src="target" in its HTML.
MARKDOWN_LINK = re.compile(r"(!?\[[^\]]*\]\(\s*<?)([^)\s>]+)")
HTML_LINK = re.compile(r"""((?:href|src)\s*=\s*["'])([^"']+)""")


class Links:
    """Rewrites a page's links to the site's pages; other files of the course are copied along."""

    def __init__(self, pages):
        self.pages = {page.source: page for page in pages}
        self.copies = set()

    def rewrite(self, text, page):
        def one(match):
            return match[1] + self.target(match[2], page)

        return HTML_LINK.sub(one, MARKDOWN_LINK.sub(one, text))

    def target(self, link, page):
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|#|/", link):  # a URL, an anchor, an absolute path
            return link
        path, anchor = re.match(r"([^#?]*)(.*)", link).groups()
        resolved = PurePosixPath(os.path.normpath(page.source.parent / path))
        if resolved.parts[0] == "..":
            raise SiteError(f"{page.source} links to {link}, outside the course")
        if resolved.parts[0] == "source":
            raise SiteError(f"{page.source} links to {link}: source/ holds the solutions and "
                            "hidden tests, and is never published (link to release/)")
        if resolved in self.pages:
            return relative(self.pages[resolved].output, page.output.parent) + anchor
        if not (REPO / resolved).is_file():
            raise SiteError(f"{page.source} links to {link}, which is not a file of the course")
        self.copies.add(resolved)
        return relative(resolved, page.output.parent) + anchor


def note(page, readme, repository):
    """The box on every page saying how to run the notebooks on one's own machine."""
    readme = f'<a href="{html.escape(readme)}">README</a>'
    if repository:
        url = html.escape(repository)
        get = (f'clone <a href="{url}">the course\'s repository</a> '
               f"(<code>git clone {url}</code>)")
    else:
        get = "get a copy of the course's repository"
    name = html.escape(PurePosixPath(page.source).name)
    download = f'<a href="{name}" download>download the notebook</a>'
    if page.kind == "lecture":
        return ("This lecture ran once, when this site was built. Its playgrounds show the "
                "picture and summary of their starting values here; their controls move in "
                f"JupyterLab. To run it yourself: {get}, then run <code>make lab</code> (Python "
                f"3.11 or newer; see the {readme}) and open <code>{page.source}</code>. "
                f"Or {download} (it needs the course's <code>mlp_helpers</code>, which "
                "<code>make lab</code> installs).")
    if page.kind == "assignment":
        return ("The student version of this assignment: no solutions, no hidden tests. To do "
                f"it: {get}, run <code>make lab</code> and open <code>{page.source}</code>; "
                f"grade your own work with <code>make check NB={page.source}</code> (see the "
                f"{readme}). Or {download}.")
    return (f"The course as a website: read the lectures here. To run the notebooks yourself: "
            f"{get}, then run <code>make lab</code> (Python 3.11 or newer; see the {readme}).")


def menu(pages, current):
    return "\n".join(
        f'<a href="{relative(page.output, current.output.parent)}"'
        + (' aria-current="page"' if page is current else "")
        + f">{html.escape(page.label)}</a>"
        for page in pages
    )


def execute_lectures(lectures, into):
    """Run a copy of each lecture in a fresh kernel, in the lecture's own folder, side by side.

    Returns the executed notebooks, also written to ``into`` (kernel logs next to them).
    """
    os.environ.pop("MPLBACKEND", None)  # the kernels draw inline, as in JupyterLab
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # two kernels on two cores
    limit = asyncio.Semaphore(os.cpu_count() or 1)

    async def run(page):
        notebook = nbformat.read(REPO / page.source, as_version=4)
        copy = into / page.source
        copy.parent.mkdir(parents=True, exist_ok=True)
        log = copy.with_suffix(".kernel.log")
        # No widget state is stored: without it a playground renders its picture and summary.
        client = NotebookClient(notebook, kernel_name="python3", timeout=KERNEL_TIMEOUT,
                                store_widget_state=False,
                                resources={"metadata": {"path": str(REPO / page.source.parent)}})
        async with limit:
            with log.open("w") as kernel_log:  # the kernel's own chatter, not the cells' output
                try:
                    await client.async_execute(stderr=kernel_log)
                except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
                    message = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # no terminal colours
                    raise SiteError(f"{page.source} failed when run (its kernel's log: {log}):"
                                    f"\n{message}") from None
        nbformat.write(notebook, copy)
        return notebook

    async def run_all():
        # Every lecture runs to its end, so that one build reports every lecture that fails.
        return await asyncio.gather(*(run(page) for page in lectures), return_exceptions=True)

    results = asyncio.run(run_all())
    failures = [result for result in results if isinstance(result, BaseException)]
    if any(not isinstance(failure, SiteError) for failure in failures):
        raise next(failure for failure in failures if not isinstance(failure, SiteError))
    if failures:
        raise SiteError("\n\n".join(str(failure) for failure in failures))
    return results


def render(exporter, notebook, page, pages, links, repository):
    """The page's HTML: its markdown links rewritten, the menu and the note added."""
    notebook.metadata.pop("widgets", None)
    notebook.metadata["title"] = (COURSE if page.kind in ("start", "readme")
                                  else f"{page.title} · {COURSE}")
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = links.rewrite(cell.source, page)
    if page.kind in ("lecture", "assignment"):
        links.copies.add(page.source)  # the notebook itself, for the download link
    root = relative(".", page.output.parent)
    readme = relative("readme.html", page.output.parent)
    site = {"root": "" if root == "." else f"{root}/", "nav": menu(pages, page),
            "note": note(page, readme, repository)}
    body, _ = exporter.from_notebook_node(notebook, resources={"site": site})
    return body


def check_no_solutions(site):
    """Fail when any page or copied file carries an nbgrader solution or hidden-test marker.

    The pages of ``docs/`` are the exception: the guides for instructors and contributors show
    the markers themselves, as the text to type around an answer.
    """
    found = [f"{path.relative_to(site)}: {marker}"
             for path in sorted(site.rglob("*"))
             if path.suffix in MARKER_FREE and "mathjax" not in path.relative_to(site).parts
             and path.relative_to(site).parts[0] != "docs"
             for marker in MARKERS if marker in path.read_text(errors="replace")]
    if found:
        raise SiteError("solutions or hidden tests would be published:\n" + "\n".join(found))


def replaceable(folder):
    return not folder.exists() or (folder / STAMP).exists() or not any(folder.iterdir())


def markdown_of(page):
    """The page's source as a notebook: a lecture or an assignment, or one markdown cell."""
    if page.source.suffix == ".ipynb":
        return nbformat.read(REPO / page.source, as_version=4)
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell((REPO / page.source).read_text())])


def write_site(folder, executed_into, repository):
    """Run the lectures and write every page, copied file and MathJax into ``folder``."""
    pages = find_pages()
    links = Links(pages)
    sources = {page.source: markdown_of(page) for page in pages}
    for page in pages:  # a broken link stops the build before the lectures run, not after
        for cell in sources[page.source].cells:
            if cell.cell_type == "markdown":
                links.rewrite(cell.source, page)

    lectures = [page for page in pages if page.kind == "lecture"]
    started = time.monotonic()
    for page, notebook in zip(lectures, execute_lectures(lectures, executed_into)):
        sources[page.source] = notebook
    print(f"ran {len(lectures)} lectures in {time.monotonic() - started:.1f} s", flush=True)

    started = time.monotonic()
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="course_site")
    for page in pages:
        target = folder / page.output
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(exporter, sources[page.source], page, pages, links, repository))
    for path in sorted(links.copies):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / path, folder / path)
    shutil.copytree(MATHJAX, folder / "mathjax")
    check_no_solutions(folder)
    print(f"wrote {len(pages)} pages in {time.monotonic() - started:.1f} s", flush=True)


def build(out, repository=None):
    """Build the site into ``out``; ``out`` is replaced only once everything has worked."""
    out = out.resolve()
    if not replaceable(out):
        raise SiteError(f"{out} exists and was not made by this script: not replacing it")
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    (partial / STAMP).write_text("Made by scripts/build_site.py; replaced at every build.\n")
    try:
        write_site(partial, out.with_name("lectures-executed"), repository)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # no half-built site is left behind
        raise
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)
    print(f"the site is in {out}: open {out / 'index.html'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "site",
                        help="the site's folder (default: build/site)")
    parser.add_argument("--repository", help="the repository's address, for a clone link")
    arguments = parser.parse_args()
    try:
        build(arguments.out, arguments.repository)
    except SiteError as error:
        sys.exit(f"make site: {error}")


if __name__ == "__main__":
    main()
