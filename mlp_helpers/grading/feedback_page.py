"""The pages nbgrader makes of a submission: nbgrader's templates, with what the course changes.

Two pages show a graded notebook: the feedback page (template ``feedback``, written by
``generate_feedback`` and sent to the student) and the formgrader's page of a submission
(template ``formgrade``, shown to the instructor). nbgrader names both templates itself; the
course's folders of the same names, in ``templates/``, are found first and change only this:

- Maths comes typeset (``typeset_maths``): KaTeX, shipped in ``templates/katex/``, turns every
  formula into HTML when the page is made, and the page carries KaTeX's stylesheet with the
  fonts it uses. No script typesets anything, so the maths reads wherever the page is opened:
  from disk, from a Jupyter server, in JupyterLab's viewer before "Trust HTML" and after, all
  offline. (nbgrader's pages loaded MathJax from a CDN: offline, the maths showed as LaTeX.)
- Nothing of the student's runs (``grading_html``): their Markdown is cleaned like their
  outputs, and each page's policy allows no script but its own (the feedback page has none).
- A failed check's message, one long line, wraps at the page's edge instead of running past it.

The rest is nbgrader's: the course's page, ``TEMPLATE_FILE`` in each folder, extends nbgrader's
``index.html.j2``, found next. Both folders name ``templates/submission_page/`` their base
template, which names nbconvert's ``classic``. ``nbgrader_config.py`` sets
``HTMLExporter.extra_template_basedirs`` to ``template_basedirs()``,
``HTMLExporter.template_file`` to ``TEMPLATE_FILE`` and ``HTMLExporter.filters`` to
``filters()``.
"""

import base64
import functools
import html
import os
import re
import threading
import time

import nbgrader
import quickjs

from mlp_helpers.grading import html as grading_html

TEMPLATE = "feedback"  # the name nbgrader's generate_feedback gives the template it renders
TEMPLATE_FILE = "submission.html.j2"  # the page in the course's folder of each template
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
NBGRADER_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(nbgrader.__file__)),
                                  "server_extensions", "formgrader", "templates")
KATEX = os.path.join(HERE, "katex")  # KaTeX 0.19.1 from npm: its script, stylesheet and fonts

# Where MathJax looks for no maths, and so neither does the page: code, program output, scripts.
NOT_MATHS = frozenset({"script", "noscript", "style", "textarea", "pre", "code", "math", "svg"})
# A tag, a comment or a declaration, with its attributes' quoted values whole.
_TAG = re.compile(r"""<!--.*?-->|<[!?][^>]*>
    |<(?P<closing>/?)(?P<name>[A-Za-z][\w:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>""",
                  re.DOTALL | re.VERBOSE)
MAX_FORMULAS, MAX_SECONDS = 2000, 10  # per page; an honest page has about 50 formulas
# The delimiters the notebook's MathJax knows, in the order it tries them; ``\$`` is a dollar.
_MATHS = re.compile(r"""
    (?P<dollar>\\\$)
  | \$\$(?P<display>.+?)\$\$
  | \\\[(?P<bracketed>.+?)\\\]
  | (?P<environment>\\begin\{(?P<name>[A-Za-z]+\*?)\}.*?\\end\{(?P=name)\})
  | \$(?P<inline>(?:\\.|[^$\\])+)\$
  | \\\((?P<parenthesised>.+?)\\\)
""", re.DOTALL | re.VERBOSE)
# KaTeX as the notebook's MathJax is set: no command that links, loads or styles (``trust``),
# bounded sizes and macro expansions, so that a student's maths can only draw maths.
_RENDER = """(function (tex, display) {
    return katex.renderToString(tex, {displayMode: display, throwOnError: false, trust: false,
                                      strict: "ignore", maxSize: 50, maxExpand: 1000});
})"""


def template_basedirs():
    """Folders of templates by name: the course's first, then nbgrader's."""
    return [HERE, NBGRADER_TEMPLATES]


def filters():
    """The templates' filters the course adds or replaces (see ``grading_html``)."""
    return {"clean_html": grading_html.clean_html,
            "content_security_policy": grading_html.content_security_policy,
            "typeset_maths": typeset_maths}


def typeset_maths(page):
    """``page`` (HTML) with each formula in its text typeset by KaTeX, and KaTeX's stylesheet.

    Only text is read, as MathJax reads it: not attributes, code, preformatted output or
    scripts. A page without maths is returned as it was. Past ``MAX_FORMULAS`` formulas or
    ``MAX_SECONDS`` of typesetting (only a page made to be slow gets there), the rest of the
    page's maths is left as written.
    """
    page = str(page)
    budget = _Budget()
    pieces, done = [], 0
    for start, end in _text_runs(page):
        typeset = _typeset_text(html.unescape(page[start:end]), budget)
        if typeset is not None:
            pieces += [page[done:start], typeset]
            done = end
    if not pieces:
        return page
    typeset_page = "".join(pieces) + page[done:]
    classes = set(" ".join(re.findall(r'class="([^"]*)"', typeset_page)).split())
    return f"<style>{_stylesheet(frozenset(classes & _font_classes()))}</style>\n{typeset_page}"


class _Budget:
    """What is left of a page's typesetting: formulas and seconds."""

    def __init__(self):
        self.formulas, self.deadline = MAX_FORMULAS, time.monotonic() + MAX_SECONDS

    def spend(self):
        """Whether one more formula may be typeset (and count it)."""
        self.formulas -= 1
        return self.formulas >= 0 and time.monotonic() < self.deadline


def _typeset_text(text, budget):
    """``text`` as HTML with its maths typeset; ``None`` when it has none."""
    parts, done, found = [], 0, False
    for match in _MATHS.finditer(text):
        if not (match["dollar"] or budget.spend()):
            break
        parts.append(html.escape(text[done:match.start()], quote=False))
        done = match.end()
        if match["dollar"]:
            parts.append("$")
            continue
        found = True
        inline = match["inline"] or match["parenthesised"]
        parts.append(_katex(inline or match["display"] or match["bracketed"]
                            or match["environment"], display=inline is None))
    parts.append(html.escape(text[done:], quote=False))
    return "".join(parts) if found else None


def _text_runs(page):
    """``(start, end)`` of each run of text outside ``NOT_MATHS`` with a dollar or backslash.

    Tags are read as a browser reads them, quoted attribute values whole (so a ``>`` or a
    ``$`` in one is never taken for text); a script's or style's text ends at its end tag.
    """
    if not _may_hold_maths(page):
        return []
    runs, skipped, position = [], [], 0
    while (tag := _TAG.search(page, position)) is not None:
        if not skipped and _may_hold_maths(page[position:tag.start()]):
            runs.append((position, tag.start()))
        position, name = tag.end(), (tag["name"] or "").lower()
        if tag["closing"]:
            if name in skipped:
                del skipped[len(skipped) - 1 - skipped[::-1].index(name):]
        elif name in ("script", "style"):
            closing = re.compile(rf"</{name}\b", re.IGNORECASE).search(page, position)
            position = closing.start() if closing else len(page)
        elif name in NOT_MATHS and not tag[0].endswith("/>"):
            skipped.append(name)
    if not skipped and _may_hold_maths(page[position:]):
        runs.append((position, len(page)))
    return runs


def _may_hold_maths(text):
    return "$" in text or "\\" in text


_katex_lock = threading.Lock()  # one KaTeX, and the formgrader may render pages in threads


@functools.cache
def _katex_renderer():
    context = quickjs.Context()
    context.set_memory_limit(256 * 2**20)
    context.set_time_limit(1)  # second per formula; no honest formula takes a hundredth of one
    with open(os.path.join(KATEX, "katex.min.js"), encoding="utf-8") as script:
        context.eval(script.read())
    return context.eval(_RENDER)


def _katex(tex, display):
    """``tex`` typeset as KaTeX's HTML (and MathML); KaTeX's error box when it cannot."""
    with _katex_lock:
        try:
            return _katex_renderer()(tex, display)
        except quickjs.JSException as error:
            return (f'<span class="katex-error" title="{html.escape(str(error))}">'
                    f"{html.escape(tex, quote=False)}</span>")


@functools.cache
def _katex_css():
    with open(os.path.join(KATEX, "katex.min.css"), encoding="utf-8") as sheet:
        return sheet.read()


@functools.cache
def _font_classes():
    """Every class of KaTeX's stylesheet that names a font: which fonts a page needs."""
    rules = re.findall(r"([^{}]+)\{([^{}]*KaTeX_[^{}]*)\}", _katex_css())
    return frozenset(re.findall(r"\.([\w-]+)", " ".join(selector for selector, _ in rules)))


@functools.cache
def _stylesheet(classes):
    """KaTeX's stylesheet with the fonts that ``classes`` (those on the page) use, inlined.

    A font is kept when a rule naming it applies to classes all on the page; ``katex`` alone
    names KaTeX_Main. Inlined as ``data:`` (which the pages' policy allows), so that a page
    read from disk or inside JupyterLab loads nothing.
    """
    sheet = _katex_css()
    used = set()
    for selectors, body in re.findall(r"([^{}@]+)\{([^{}]*)\}", sheet):
        for selector in selectors.split(","):
            named = set(re.findall(r"\.([\w-]+)", selector))
            if named and named <= classes | {"katex"}:
                used.update(re.findall(r"KaTeX_\w+", body))

    def font(face):
        name = re.search(r"fonts/((KaTeX_\w+)-\w+)\.woff2", face[0])
        if name[2] not in used:
            return ""
        with open(os.path.join(KATEX, f"{name[1]}.woff2"), "rb") as woff2:
            data = base64.b64encode(woff2.read()).decode()
        return re.sub(r"src:[^;}]*", f'src:url(data:font/woff2;base64,{data}) format("woff2")',
                      face[0])

    return re.sub(r"@font-face\{[^}]*\}", font, sheet)
