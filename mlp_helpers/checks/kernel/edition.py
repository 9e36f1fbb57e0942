"""The course's package as a grading kernel sees it: without the implementations of graded parts.

While a notebook of assignment A is graded, its kernel (in the sandbox,
``mlp_helpers.grading.sandbox``)
imports this *kernel edition* of ``mlp_helpers`` in place of the real one: a copy in which every
function, method and lambda of the modules that implement one of A's graded parts
(``formula_modules``: the modules of the references the registry ``checks.registry.PARTS`` names,
of the functions its records say implement a part judged by a diagnoser (``implemented_by``),
and those that write the same formulas out again: the reference network and its training, the
bugs, the learners' replayed code, the sanity networks, the broken runs) raises
``Unavailable``, naming itself. So no cell, however it hides its way there (a computed name,
``importlib``, the network's private kernels), can hand the course's code in as the student's:
the grader judges what the student wrote. The rest is the real package: the data, the judge's
serving code, and what earlier assignments graded, which A's cells may use.

A check that needs the reference in the kernel (a training loop run with the reference's other
rules, a sanity network handed to the student's report) gets it from the grader, for that
request only: ``carried`` gives the sources of the modules it needs, in which the functions of
every part still to be judged stay stubs (``pending``), and none is sent while a part with a
formula of its own is still to be judged.
"""

import ast
import atexit
import compileall
import functools
import shutil
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
# Modules that write out the formulas of every assignment's parts, besides the references the
# registry names (found by ``formula_modules``): the reference network and its training (the
# forward and backward passes, the losses, the initialisations), the bugs of the lectures, the
# learners' replayed code, the sanity networks and the broken runs.
_EVERYWHERE = ("network", "training", "lectures.bugs", "lectures.learners", "assignments.sanity",
               "assignments.broken_runs")


class Unavailable(RuntimeError):
    """A function of the course's package called in a kernel that is being graded."""


class NotJudgedYet(RuntimeError):
    """The grader was about to send the kernel the reference of a part it has not judged yet."""


def message(name):
    """What a student reads when their graded notebook calls the course's ``name``."""
    return (f"while your notebook is graded, the course's `{name}` is not available: the "
            "grader judges your own code. Write it with numpy (or with your own functions "
            "from the cells above).")


def formula_modules(assignment=None):
    """The modules (names under ``mlp_helpers``) stubbed while ``assignment`` is graded.

    Those that implement one of its graded parts: the others stay, since its cells may use
    what earlier assignments graded (``mh.sigmoid`` in 02, ``mh.numerical_gradient`` in 04).
    ``None``, or an assignment the registry does not know, stubs those of every assignment.
    """
    from mlp_helpers.checks.registry import PARTS

    parts = [part for part in PARTS.values() if part.assignment == assignment]
    found = set(_EVERYWHERE)
    for part in parts or PARTS.values():
        for function in part.spec.reference if part.spec is not None else ():
            found.add(function.__module__.removeprefix("mlp_helpers."))
        found.update(module_of(name) for name in part.implemented_by)
    return sorted(found)


@functools.cache  # the package's files are looked at once: each run of a check asks again
def module_of(name):
    """The module under ``mlp_helpers`` of a function's dotted ``name`` (``"network.MLP.step"``)."""
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        if PACKAGE.joinpath(*parts[:end]).with_suffix(".py").is_file():
            return ".".join(parts[:end])
    raise ValueError(f"no module of mlp_helpers holds {name!r}")


def _module_files(name):
    path = PACKAGE.joinpath(*name.split("."))
    return [path.with_suffix(".py")] if path.with_suffix(".py").is_file() else sorted(
        path.rglob("*.py"))


class _Stubs(ast.NodeTransformer):
    """Replace the body of each function (and lambda) that ``stubbed(qualname)`` names."""

    def __init__(self, module, stubbed):
        self.module, self.stubbed, self.scope = module, stubbed, []

    def _raise(self, name):
        text = message(name)
        return ast.parse(f"raise __import__('mlp_helpers.checks.kernel.edition', fromlist=['_']"
                         f").Unavailable({text!r})").body[0]

    def visit_ClassDef(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()
        return node

    def visit_FunctionDef(self, node):
        qualname = ".".join([*self.scope, node.name])
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()
        if self.stubbed(qualname):
            docstring = node.body[:1] if ast.get_docstring(node) is not None else []
            node.body = [*docstring, self._raise(qualname.removesuffix(".__init__"))]
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self.generic_visit(node)
        if self.stubbed(None):
            node.body = ast.parse(f"(_ for _ in ()).throw(__import__('mlp_helpers.checks."
                                  f"kernel.edition', fromlist=['_']).Unavailable("
                                  f"{message(f'functions of {self.module}')!r}))",
                                  mode="eval").body
        return node


def edited(source, module, stubbed=None):
    """``source`` of ``module`` with the functions ``stubbed`` names raising ``Unavailable``.

    ``stubbed`` is a set of qualified names (``"MLP.backward"``); ``None`` stubs every function,
    method and lambda.
    """
    def chosen(qualname):
        return stubbed is None or (qualname is not None and qualname in stubbed)

    tree = _Stubs(module, chosen).visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


@functools.cache
def build(assignment=None):
    """The kernel edition's package folder for ``assignment`` (made once per process)."""
    folder = Path(tempfile.mkdtemp(prefix="mlp-kernel-edition-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    # Readable by every user, as the package it stands for: a grader may run its kernels as
    # another user (tests/test_sandbox.py does); only its maker can change it.
    folder.chmod(0o755)
    edition = folder / "mlp_helpers"
    shutil.copytree(PACKAGE, edition, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in formula_modules(assignment):
        for path in _module_files(name):
            module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
            (edition / path.relative_to(PACKAGE)).write_text(edited(path.read_text(), module))
    # Compiled here: the kernel's copy is read-only, and would compile at every import.
    compileall.compile_dir(edition, quiet=2)
    return edition


def _source(module):
    """The file of ``module`` (a full dotted name): its ``.py``, or a package's ``__init__.py``."""
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"


@functools.cache
def _dependencies(module):
    """The modules of the package that ``module`` (a full dotted name) imports by name.

    A package counts only if the edition changes it (``lectures.bugs``, whose ``__init__``
    gathers its modules' names); the others stay the kernel's.
    """
    path = _source(module)
    found = set()
    # At the top of the module only: what a function imports when called is not needed to run
    # the module's code the kernel is sent for.
    for node in ast.parse(path.read_text()).body:
        names = []
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlp_helpers"):
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] != "mlp_helpers":
                continue
            if PACKAGE.parent.joinpath(*parts).with_suffix(".py").is_file() or (
                    PACKAGE.parent.joinpath(*parts, "__init__.py").is_file()
                    and is_stubbed(name)):
                found.add(name)
    return found


def is_stubbed(module):
    """Whether the kernel edition changes ``module`` (a full dotted name)."""
    short = module.removeprefix("mlp_helpers.")
    return any(short == name or short.startswith(f"{name}.") for name in formula_modules())


def needs(module):
    """The modules the kernel must be sent to run ``module``'s real code, in import order.

    A module the edition changed, or one that imports such a module, is sent; the others the
    kernel imports from its own edition, as they are the package's. Packages themselves
    (``mlp_helpers``, ``mlp_helpers.checks``) stay the kernel's.
    """
    order, seen = [], {}

    def visit(name):
        if name in seen:
            return seen[name]
        seen[name] = False
        sent = is_stubbed(name)
        for dependency in sorted(_dependencies(name)):
            sent = visit(dependency) or sent
        seen[name] = sent
        if sent:
            order.append(name)
        return sent

    visit(module)
    if module not in order:
        order.append(module)
    return order


def carried(modules, pending):
    """``[[module, source], ...]``: what the kernel runs for ``modules``' real code, in order.

    ``pending`` holds the graded parts of the notebook not judged yet: their implementations
    stay stubs in what is sent, and a part with a reference function of its own (a formula)
    may not be pending at all, since the modules sent hold such functions whole.
    """
    return _carried(tuple(modules), frozenset(pending))


@functools.cache
def _carried(modules, pending):
    from mlp_helpers.checks.registry import PARTS

    stubbed = set()
    for part in pending:
        if PARTS.get(part) is None or PARTS[part].spec is not None:
            raise NotJudgedYet(f"the grader would send the kernel the course's code while "
                               f"`{part}` is not judged yet")
        stubbed |= PARTS[part].implemented_by
    order = []
    for module in modules:
        order += [name for name in needs(module) if name not in order]
    sent = []
    for name in order:
        short = name.removeprefix("mlp_helpers.")
        own = {qualname.removeprefix(f"{short}.") for qualname in stubbed
               if qualname.startswith(f"{short}.")}
        source = _source(name).read_text()
        sent.append([name, edited(source, name, own) if own else source])
    return sent
