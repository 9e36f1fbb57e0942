"""What the repository holds, as opposed to a learner's working copy.

Learners run the lectures and fill in the assignments in place, and JupyterLab saves outputs
into those notebooks. The tests that guard what is *committed* (notebooks stored without
outputs, release/ generated from source/) read the committed version, so a learner's own work
never fails `make test`. Outside a git checkout (a downloaded archive) they read the files.
"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git(*args):
    try:
        result = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                                check=False)
    except FileNotFoundError:
        return None
    return result.stdout if result.returncode == 0 else None


def committed_files(pattern):
    """Paths (under ROOT) of the committed files matching the git ``pattern``."""
    listed = _git("ls-files", "-z", "--", pattern)
    if listed is None:
        return sorted(ROOT.glob(f"**/{pattern}"))
    return sorted(ROOT / name for name in listed.decode().split("\0") if name)


def committed_bytes(path):
    """The content of ``path`` as committed at HEAD, or the file's content outside git."""
    relative = Path(path).resolve().relative_to(ROOT).as_posix()
    content = _git("show", f"HEAD:{relative}")
    return Path(path).read_bytes() if content is None else content
