"""The checks import in one direction: engine <- kernel <- parts <- registry, with no circle.

Read statically (``ast``) from every module of ``mlp_helpers.checks``, imports inside functions
included, so a lazy import cannot hide a circle. The engine runs a student's function wherever
it lives without knowing the kernel: the kernel builds on the engine (``Remote`` is an
``Elsewhere`` of ``checks.engine.running``), never the other way round.
"""

import ast
from pathlib import Path

from test_layers import module_name

CHECKS = Path(__file__).resolve().parents[1] / "mlp_helpers" / "checks"
MODULES = {module_name(path): path for path in sorted(CHECKS.rglob("*.py"))}


def imported(path):
    """``(line, module)`` of every module of the package ``path`` imports, by name or from."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
            # ``from mlp_helpers.checks.engine import guards`` imports the module ``guards``.
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def graph(lazy=True):
    """``{module: {module of the checks it imports}}``; ``lazy=False`` leaves out function-level
    imports."""
    edges = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {node.lineno for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)}
        edges[name] = {module for line, module in imported(path)
                       if module in MODULES and module != name and (lazy or line in top)}
    return edges


def circle(edges):
    """One circle of imports, as a list of modules, or ``[]``."""
    state, path = {}, []

    def visit(module):
        state[module] = "open"
        path.append(module)
        for other in sorted(edges[module]):
            if state.get(other) == "open":
                return [*path[path.index(other):], other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        state[module] = "done"
        path.pop()
        return []

    for module in sorted(edges):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return []


def test_no_module_of_the_checks_imports_itself_back_even_lazily():
    found = circle(graph())
    assert not found, " -> ".join(found)


def test_the_engine_never_imports_the_kernel_the_parts_or_the_registry():
    upward = {name: sorted(module for module in imports
                           if not module.startswith("mlp_helpers.checks.engine"))
              for name, imports in graph().items() if name.startswith("mlp_helpers.checks.engine")}
    assert not {name: found for name, found in upward.items() if found}


def test_the_kernel_builds_on_the_engine_and_imports_nothing_at_call_time_but_the_registry():
    # The one import inside a function: the kernel edition reads the registry when it is built,
    # in the grader (in a kernel, the edition's stubs import it to raise, and must stay light).
    kernel = {name: imports for name, imports in graph().items()
              if name.startswith("mlp_helpers.checks.kernel")}
    at_top = graph(lazy=False)
    lazy = {(name, module) for name, imports in kernel.items() for module in imports
            if module not in at_top[name]}
    assert lazy == {("mlp_helpers.checks.kernel.edition", "mlp_helpers.checks.registry")}
    above = {(name, module) for name, imports in kernel.items() for module in imports
             if not module.startswith(("mlp_helpers.checks.engine", "mlp_helpers.checks.kernel"))}
    assert above == lazy
