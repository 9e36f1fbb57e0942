"""No import goes upward: reference maths <- lectures <- assignments <- checks <- grading.

Read statically (``ast``) from every module of the package, imports inside functions included,
so a lazy import cannot hide a way up. The layers are the folders (``docs/architecture.md``):
the modules at the top of ``mlp_helpers`` are the reference maths students read.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mlp_helpers"
LAYERS = ["reference", "lectures", "assignments", "checks", "grading"]


def layer_of(module):
    """The layer of a dotted module name of the package, or None outside it."""
    parts = module.split(".")
    if parts[0] != "mlp_helpers":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "reference"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path):
    """``(line, module)`` of every import in ``path``, relative ones resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module
            # `from mlp_helpers import checks` imports a layer by its attribute.
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names
                        if f"{module}.{alias.name}".count(".") == 1)


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_no_module_imports_from_a_layer_above_its_own(path):
    own = LAYERS.index(layer_of(module_name(path)))
    upward = [f"line {line}: {module}" for line, module in imported(path)
              if layer_of(module) and LAYERS.index(layer_of(module)) > own]
    assert not upward, (f"{module_name(path)} ({LAYERS[own]}) imports from a layer above: "
                        f"{upward}. The layers: {' <- '.join(LAYERS)}.")


def test_the_layers_are_the_folders_of_the_package():
    folders = {path.name for path in PACKAGE.iterdir()
               if path.is_dir() and (path / "__init__.py").exists()}
    assert set(LAYERS[1:]) <= folders
    assert {layer_of(module_name(path)) for path in MODULES} == set(LAYERS)
