"""Pages made of a submission run no script from it: the cleaning, and the page's own policy.

The formgrader shows the instructor a submission, and ``generate_feedback`` writes the page a
student is sent; both are nbconvert HTML of the graded notebook, and both used to carry the
student's Markdown and outputs as they were. An ``<img onerror>`` in a written answer, or a
``text/html`` or JavaScript output, ran in the instructor's browser, on the Jupyter server's
origin, and through the formgrader's API graded its author full marks and a classmate 0.

Two locks, each enough on its own for script:

- ``clean_html`` (it replaces nbconvert's filter of that name) keeps of the student's HTML only
  what Markdown and the course's outputs make: text, headings, lists, tables, code, links and
  images, with no event handler, no ``javascript:`` or foreign address and no style but a
  table's alignment. Anything else (``script``, ``iframe``, ``form``, ``meta``, ``style``,
  ``svg``, ...) is shown as text, so the grader sees what was tried. Ids are prefixed, so that
  a heading cannot take the id of a score box and receive its score.
- ``content_security_policy`` is the page's ``Content-Security-Policy``: scripts only from the
  page's own server and the page's own inline scripts, named by their hash (the feedback page
  has none: no script at all); no frame, plug-in, form, base address, or connection (but the
  formgrader's own, to its API).

``nbgrader_config.py`` registers both filters (``feedback_page.filters()``) and sets
``HTMLExporter.sanitize_html``, with which nbconvert leaves JavaScript and widget outputs out.
"""

import base64
import hashlib
import re

import bleach
from bleach.css_sanitizer import CSSSanitizer
from bleach.html5lib_shim import Filter, convert_entities
from pygments.token import STANDARD_TYPES

ID_PREFIX = "answer-"  # before every id in a student's HTML, and every link to one

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var",
})
# What Markdown and nbconvert put in class attributes: pygments' token classes, code blocks'
# languages, headings' anchor links. Others could borrow the page's own styles (a fixed
# navigation bar over the page, a hidden score).
_TOKENS = "|".join(name for name in STANDARD_TYPES.values() if name)
_CLASSES = re.compile(rf"({_TOKENS}|highlight|hl-[\w+-]+|language-[\w+#-]+|anchor-link)")
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):|[/\\]{2}")
_IGNORED_IN_ADDRESSES = re.compile(r"[`\000-\040\177-\240\s]+|[^\x00-\x7f]+")
_NUMBER = re.compile(r"\d{1,5}%?")
_ALIGNMENT = CSSSanitizer(allowed_css_properties=["text-align"])


def _attribute(tag, name, value):
    """Whether ``tag`` keeps attribute ``name`` with ``value``."""
    if name == "class":
        return all(_CLASSES.fullmatch(word) for word in value.split())
    if name in ("id", "title"):
        return True
    if tag == "a" and name == "href":
        scheme = _SCHEME.match(_address(value))
        return scheme is None or scheme.group(1) in ("http", "https", "mailto")
    if tag == "img" and name == "src":
        # An image of the notebook itself, or a file beside it; nothing fetched elsewhere.
        address = _address(value)
        return bool(_IMAGE_DATA.match(address)) or _SCHEME.match(address) is None
    if tag == "img":
        return name == "alt" or (name in ("width", "height") and bool(_NUMBER.fullmatch(value)))
    if tag in ("td", "th"):
        return name == "style" or (name in ("colspan", "rowspan") and value.isdigit())
    return tag == "ol" and name == "start" and value.isdigit()


def _address(value):
    """``value`` read as a browser reads an address: entities decoded, blanks and case gone."""
    return _IGNORED_IN_ADDRESSES.sub("", convert_entities(value)).lower()


class _PrefixIds(Filter):
    """Prefixes every id, and every link to an id of the same page, with ``ID_PREFIX``."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag"):
                attributes = token["data"]
                for key in list(attributes):
                    if key == (None, "id"):
                        attributes[key] = ID_PREFIX + attributes[key]
                    elif key == (None, "href") and attributes[key].startswith("#"):
                        attributes[key] = "#" + ID_PREFIX + attributes[key][1:]
            yield token


_CLEANER = bleach.Cleaner(
    tags=TAGS, attributes=_attribute, protocols={"http", "https", "mailto", "data"},
    strip=False, strip_comments=True, filters=[_PrefixIds], css_sanitizer=_ALIGNMENT,
)


def clean_html(html):
    """``html`` (a student's Markdown made HTML, or an output) with nothing that runs or loads.

    Allowed tags keep only allowed attributes; any other tag is shown as text.
    """
    return _CLEANER.clean(html.decode() if isinstance(html, bytes) else str(html))


def script_hash(script):
    """The policy's name for an inline script whose text is ``script``: ``'sha256-...'``."""
    digest = hashlib.sha256(str(script).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(scripts, connect=False):
    """The page's policy: ``scripts`` (the texts of its inline scripts) and its server's only.

    A page with no inline script (``scripts`` empty: the feedback page) may run none at all.
    ``connect=True`` lets the page's scripts talk to its own server (the formgrader's scripts
    save scores through its API); feedback pages need no connection.
    """
    sources = ["'self'", *map(script_hash, scripts)] if scripts else ["'none'"]
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(sources),
        # KaTeX and nbconvert style the page inline; the student's styles are cleaned away.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src " + ("'self'" if connect else "'none'"),
        "form-action 'none'",
        "base-uri 'none'",
    ])
