"""Collecting submissions from an exchange that every student can write into.

nbgrader's exchange must let every student make folders in the course's ``inbound/`` (that is
how ``nbgrader submit`` hands work in), and its collect step trusts what it finds there: a
folder named for another student is collected as theirs after a warning ("cheating
attempt?"), a symbolic link is followed as it is copied, by the grader, who may read the
course's ``source/`` (a student who links their notebook to the instructor's would submit the
solutions and get them back as feedback), and a folder whose name is not
``<student>+<assignment>+<time>`` stops the collection of the whole class.

``OwnedCollect`` collects a folder only when it and everything in it belong to the student it
is named for, and are plain folders and files. Any other folder is left in ``inbound/`` and
named in the log as an error, with why; it does not stand in the way of the student's own
submissions, which are collected as usual (the newest one). A submission that cannot be copied
(larger than ``CourseDirectory.max_dir_size``, a file the grader may not read) costs that
student its collection, named in the log, where nbgrader would stop the whole class there.
``nbgrader_config.py`` puts it in place of nbgrader's (``c.ExchangeFactory.collect``).

Where every student's server runs as one Unix user (Zero-to-JupyterHub: every pod is uid 1000,
and the students have no account where collect runs), ownership says nothing, and nbgrader's
``--ExchangeCollect.check_owner=False`` turns its check off: then the name on the folder is
trusted, so a student who can write into ``inbound/`` can hand in a folder in a classmate's
name, which is then collected as theirs (the newest one counts). Everything else is still
refused: links, FIFOs and other special files, hard links, and a folder holding anything made
by another user than the folder itself.
"""

import os
import pwd
import shutil
import stat
from datetime import UTC, datetime

from nbgrader.exchange.abc.exchange import ExchangeError
from nbgrader.exchange.default.collect import ExchangeCollect


def refusal(folder, student, check_owner=True):
    """Why ``folder`` cannot be ``student``'s submission, or ``None`` when it can.

    ``check_owner=False`` (one Unix user for every student): the folder need not belong to
    ``student``, who need not have an account here, but all in it must belong to the folder's
    owner.
    """
    if check_owner:
        try:
            uid = pwd.getpwnam(student).pw_uid
        except KeyError:
            return f"there is no user {student} on this machine"
        owner = student
    else:
        try:
            uid = os.lstat(folder).st_uid
        except OSError as error:  # removed while being looked at, say
            return f"{os.path.basename(folder)} cannot be looked at ({type(error).__name__})"
        owner = _owner(uid)
    for root, folders, files in os.walk(folder):
        for path in [root, *(os.path.join(root, name) for name in folders + files)]:
            shown = os.path.relpath(path, os.path.dirname(folder))
            try:
                status = os.lstat(path)
            except OSError as error:  # removed while being looked at, say
                return f"{shown} cannot be looked at ({type(error).__name__})"
            if stat.S_ISLNK(status.st_mode):
                return f"{shown} is a symbolic link"
            if not (stat.S_ISDIR(status.st_mode) or stat.S_ISREG(status.st_mode)):
                return f"{shown} is not a plain file or folder"
            if status.st_uid != uid:
                return f"{shown} belongs to {_owner(status.st_uid)}, not to {owner}"
            if stat.S_ISREG(status.st_mode) and status.st_nlink > 1:
                return f"{shown} is a hard link"
    return None


def _owner(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"user id {uid}"


class OwnedCollect(ExchangeCollect):
    """nbgrader's collect, which leaves in ``inbound/`` what a student could not have submitted."""

    def _path_to_record(self, path):
        filename = os.path.basename(path)
        try:
            record = super()._path_to_record(path)
        except (ExchangeError, ValueError, OverflowError):
            reason = "its name is not <student>+<assignment>+<time>"
        else:
            reason = refusal(path, record["username"], self.check_owner)
            if reason is None:
                return record
        # Its own group of one (no user name holds a colon): it never hides a real submission.
        return {"username": f"refused:{filename}", "filename": filename, "refused": reason,
                "timestamp": datetime.min.replace(tzinfo=UTC)}

    def copy_files(self):
        """Collect the students' own submissions; name each refused folder as an error."""
        for record in self.src_records:
            if "refused" in record:
                self.log.error("Not collected: %s in %s: %s. It was not made by nbgrader "
                               "submit; look at it before you collect anything of it by hand.",
                               record["filename"], self.inbound_path, record["refused"])
        self.src_records = [record for record in self.src_records if "refused" not in record]
        super().copy_files()

    def do_copy(self, src, dest, log=None):
        """Copy one submission; one that cannot be copied is named in the log, not raised."""
        try:
            super().do_copy(src, dest, log)
        except (RuntimeError, OSError) as error:
            shutil.rmtree(dest, ignore_errors=True)
            self.log.error("Not collected: %s: %s", os.path.basename(src),
                           " ".join(str(error).split())[:300])
