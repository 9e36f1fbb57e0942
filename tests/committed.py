"""Which version of a file a test reads: the working tree, except where learners write.

The tests read the working tree, so that a change (a new graded part, its notebook cells) is
checked before it is committed. Learners, though, run the lectures in notebooks/ and fill in
release/ in place, and JupyterLab saves their outputs and answers into those notebooks: there
the tests read git's index, the next commit as staged (HEAD, plus what a maintainer has
``git add``-ed; a learner never stages anything), so a learner's own work never fails
``make test``. Outside a git checkout (a downloaded archive) every file is read as it is.
"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The folders whose notebooks learners run and fill in where they lie.
LEARNERS_FOLDERS = ("notebooks", "release")


def _git(*args):
    try:
        result = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                                check=False)
    except FileNotFoundError:
        return None
    return result.stdout if result.returncode == 0 else None


def tracked_files(pattern):
    """Paths (under ROOT) of the files in git's index matching the git ``pattern``."""
    listed = _git("ls-files", "-z", "--", pattern)
    if listed is None:
        return sorted(ROOT.glob(f"**/{pattern}"))
    return sorted(ROOT / name for name in listed.decode().split("\0") if name)


def staged_bytes(path):
    """The content of ``path`` in git's index (what the next commit holds), else the file's."""
    relative = Path(path).resolve().relative_to(ROOT).as_posix()
    content = _git("show", f":{relative}")
    return Path(path).read_bytes() if content is None else content


def course_bytes(path):
    """``path`` as the tests read it: staged in a learner's folder, else the working tree's."""
    relative = Path(path).resolve().relative_to(ROOT)
    if relative.parts[0] in LEARNERS_FOLDERS:
        return staged_bytes(path)
    return Path(path).read_bytes()
