"""The set-up a new user follows: the README's commands, the two dependency lists, the data."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    project = pyproject()["project"]
    expected = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in environment["dependencies"]
                       if isinstance(item, dict))
    listed = {line for line in pip_section if not line.startswith("-")}
    assert listed == expected
    assert "-e ." in pip_section


def test_every_dependency_is_pinned_to_one_version():
    project = pyproject()["project"]
    for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", requirement), requirement


def test_nbgrader_and_jupyterlab_pins_are_compatible():
    pins = dict(r.split("==") for r in pyproject()["project"]["dependencies"])
    assert pins["nbgrader"].startswith("0.9.")
    major, minor = (int(part) for part in pins["jupyterlab"].split(".")[:2])
    assert (major, minor) >= (4, 2)
    assert major < 5


def test_readme_commands_are_the_makefile_targets_ci_runs():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make lab" in readme
    assert "make test" in readme
    assert re.search(r"^lab: \$\(READY\)", makefile, re.MULTILINE)
    assert re.search(r"^test: \$\(READY\)", makefile, re.MULTILINE)
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_data_ships_inside_the_package_with_its_licence():
    package = pyproject()["tool"]["setuptools"]["package-data"]["mlp_helpers"]
    assert "data/*.npz" in package
    notice = (ROOT / "mlp_helpers" / "data" / "README.md").read_text()
    assert "CC BY-SA 3.0" in notice
    assert "LeCun" in notice
    assert "CC BY-SA 3.0" in (ROOT / "README.md").read_text()
