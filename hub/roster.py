#!/usr/bin/env python3
"""The people of a class on the hub, from a roster (CSV): Unix accounts, groups, hub settings.

The roster has a header and one row per person: ``username,role`` (``role`` is ``instructor``,
``grader`` or ``student``), and, optional, ``first_name``, ``last_name``, ``email`` and
``lms_user_id`` (the student's id in the LMS, e.g. Canvas's user id): these go to nbgrader's
gradebook, where the formgrader shows them and the LMS export (``mlp_helpers.grading.lms``)
finds each student by them. Other columns are ignored. For each person this creates a Unix
account (home folder 0700) in the group of their role; it creates the grader account that owns
the course folder and runs the formgrader, the course folder (a copy of the repository's
``nbgrader_config.py`` and ``source/``, readable by the owner and the instructors only), the
shared exchange outside it, nbgrader's global configuration (course id, exchange), the
students in the gradebook and ``hub.json`` and ``roster.json``, which ``jupyterhub_config.py``
reads. Run again, it adds what is missing and updates the students' names and addresses.
``--remove`` deletes the roster's accounts (and their home folders).

Called by ``hub/setup.sh``; docs/hub.md.
"""

import argparse
import csv
import grp
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROLES = ("instructor", "grader", "student")
COURSE_ID = "backprop-from-scratch"


# Debian's rule for a user name (useradd refuses others): lower case, at most 32 characters.
USER_NAME = re.compile(r"[a-z][-a-z0-9_]{0,31}")
# People's uids on Debian (login.defs UID_MIN to UID_MAX); root, daemons and nobody lie outside.
PERSON_UIDS = range(1000, 60000)


def read_roster(path):
    """Return ``{role: [username, ...]}`` from the CSV at ``path``; refuse what cannot be."""
    people, seen = {role: [] for role in ROLES}, {}
    with open(path, newline="") as file:
        for line, row in enumerate(csv.DictReader(file), start=2):
            name = (row.get("username") or "").strip()
            role = (row.get("role") or "").strip().lower()
            if role not in ROLES:
                sys.exit(f"{path}:{line}: role {role!r} is not one of {', '.join(ROLES)}")
            if not USER_NAME.fullmatch(name):
                sys.exit(f"{path}:{line}: {name!r} is not a valid Unix user name (lower-case "
                         "letters, digits, - and _, starting with a letter, at most 32)")
            if name in seen:
                sys.exit(f"{path}:{line}: {name} is on the roster already (line {seen[name]}): "
                         "one row, one role per person")
            if _exists(pwd.getpwnam, name) and pwd.getpwnam(name).pw_uid not in PERSON_UIDS:
                sys.exit(f"{path}:{line}: {name} is a system account of this server, not a "
                         "person: choose another user name")
            seen[name] = line
            people[role].append(name)
    return people


# The roster's optional columns, named as nbgrader's gradebook names them ("first name" and
# "First_Name" are read as first_name).
DETAILS = ("first_name", "last_name", "email", "lms_user_id")
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def read_details(path):
    """The optional columns of the roster's students: ``{username: {column: value}}``.

    The columns are ``DETAILS``; a missing or empty one is ``""``.
    """
    details = {}
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        reader.fieldnames = [re.sub(r"[\s-]+", "_", (name or "").strip().lower())
                             for name in reader.fieldnames or []]
        for line, row in enumerate(reader, start=2):
            if (row.get("role") or "").strip().lower() != "student":
                continue
            found = {key: (row.get(key) or "").strip() for key in DETAILS}
            if found["email"] and not EMAIL.fullmatch(found["email"]):
                sys.exit(f"{path}:{line}: {found['email']!r} is not an e-mail address")
            details[(row.get("username") or "").strip()] = found
    return details


def gradebook_students(course_dir, details, nbgrader, user=None, exchange=None):
    """Add (or update) the students of ``details`` (``read_details``) in the course's gradebook.

    Runs ``nbgrader db student import`` (``nbgrader``: the command, a list) in ``course_dir``,
    as ``user`` when given (the grader account, which owns the gradebook), with the exchange
    ``exchange``.
    """
    with tempfile.TemporaryDirectory(prefix="roster-") as folder:
        os.chmod(folder, 0o755)  # the grader account reads the file
        table = Path(folder) / "students.csv"
        with open(table, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["id", *DETAILS])
            writer.writerows([name, *(found[key] for key in DETAILS)]
                             for name, found in details.items())
        os.chmod(table, 0o644)
        environment = {**os.environ, **({"BACKPROP_EXCHANGE": str(exchange)} if exchange
                                        else {})}
        # nbgrader runs the venv's `alembic` when it creates the gradebook.
        environment["PATH"] = os.pathsep.join([str(Path(nbgrader[0]).parent),
                                               environment.get("PATH", "")])
        command = [*nbgrader, "db", "student", "import", str(table)]
        if user:
            environment["HOME"] = pwd.getpwnam(user).pw_dir
            command = ["runuser", "-u", user, "--", *command]
        done = subprocess.run(command, cwd=course_dir, env=environment, capture_output=True,
                              text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the students could not be added to the gradebook (nbgrader db student "
                 f"import): {done.stderr.strip()[-1500:]}")


def _exists(lookup, name):
    """Whether ``lookup`` (``pwd.getpwnam``, ``grp.getgrnam``) knows ``name``."""
    try:
        lookup(name)
    except KeyError:
        return False
    return True


def ensure_group(name):
    """Create the Unix group ``name`` if missing."""
    if not _exists(grp.getgrnam, name):
        subprocess.run(["groupadd", name], check=True)


def ensure_user(name, group, home=None, system=False):
    """Create the Unix account ``name`` in ``group`` if missing; its home is private (0700)."""
    if not _exists(pwd.getpwnam, name):
        command = ["useradd", "--create-home", "--gid", group, "--shell", "/bin/bash"]
        if system:
            command += ["--system"]
        if home:
            command += ["--home-dir", home]
        subprocess.run([*command, name], check=True)
    else:
        subprocess.run(["usermod", "--append", "--groups", group, name], check=True)
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)


def remove_user(name):
    """Delete the Unix account ``name`` and its home folder, if it exists."""
    if _exists(pwd.getpwnam, name):
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


def groups(prefix):
    """The Unix group of each role."""
    return {role: f"{prefix}-{role}s" for role in ROLES}


def course_folder(repo, course_dir, grader, instructors_group):
    """Copy the course to ``course_dir``: the grader account's, the instructors' group, 2770."""
    course_dir = Path(course_dir)
    course_dir.parent.mkdir(parents=True, exist_ok=True)
    if not (course_dir / "nbgrader_config.py").exists():
        course_dir.mkdir(exist_ok=True)
        shutil.copy(Path(repo) / "nbgrader_config.py", course_dir)
        shutil.copytree(Path(repo) / "source", course_dir / "source", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    account, group = pwd.getpwnam(grader), grp.getgrnam(instructors_group)
    for folder, _, files in os.walk(course_dir):
        os.chown(folder, account.pw_uid, group.gr_gid)
        os.chmod(folder, 0o2770)
        for name in files:
            os.chown(os.path.join(folder, name), account.pw_uid, group.gr_gid)
            os.chmod(os.path.join(folder, name), 0o660)


def course_exchange(folder, grader):
    """The course's folder in the exchange, made now by the grader account (0755).

    In a world-writable exchange the first to make it owns it: a student who made it before the
    first release would stop every release (nbgrader refuses a folder it does not own).
    """
    account = pwd.getpwnam(grader)
    if not folder.exists():
        folder.mkdir()
        os.chown(folder, account.pw_uid, account.pw_gid)
        os.chmod(folder, 0o755)
    owner = folder.stat().st_uid
    if owner != account.pw_uid:
        sys.exit(f"{folder} belongs to {pwd.getpwuid(owner).pw_name}, not to {grader}: someone "
                 "made it before the course could; move it away and run this again")


def global_nbgrader_config(repo, venv_prefix, exchange):
    """Write nbgrader's configuration for every user of the venv.

    The repository's ``jupyter/nbgrader_config.py`` (grading refuses when the course folder's
    own configuration does not load), then the course id and the exchange.
    """
    folder = Path(venv_prefix) / "etc" / "jupyter"
    folder.mkdir(parents=True, exist_ok=True)
    guard = (Path(repo) / "jupyter" / "nbgrader_config.py").read_text()
    (folder / "nbgrader_config.py").write_text(
        f"{guard}\n"
        "# Added by hub/roster.py: every user of the hub takes the course from this exchange\n"
        "# (the hub gives every server and the formgrader BACKPROP_EXCHANGE).\n"
        "import os  # noqa: E402\n\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = os.environ.get('BACKPROP_EXCHANGE') or {str(exchange)!r}\n")


# Each setting when neither this run nor an earlier one gave it.
DEFAULTS = {"course_dir": "/srv/backprop/course", "exchange": "/srv/nbgrader/exchange",
            "grader": "grader-backprop", "authenticator": "pam", "ip": "127.0.0.1",
            "port": 8000, "formgrader_port": 9999, "ssl_cert": None, "ssl_key": None}


def settings_kept(args, earlier):
    """Fill in what ``args`` leaves out: the earlier ``hub.json``'s value, else the default.

    Returns the names of the settings kept from before. Run again to add people, the set-up
    keeps the class as it was set up (HTTPS included) without being given every setting again.
    """
    before = json.loads(Path(earlier).read_text()) if Path(earlier).is_file() else {}
    kept = []
    for name, default in DEFAULTS.items():
        if getattr(args, name) is None:
            if before.get(name) is not None:
                kept.append(name)
            setattr(args, name, before.get(name, default))
    return kept


def main(argv=None):
    """Create (or with ``--remove``, delete) the class of the roster."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roster")
    parser.add_argument("--prefix", default="/opt/backprop-hub")
    parser.add_argument("--state", help="where hub.json, roster.json and the hub's database "
                        "live (default: PREFIX/etc)")
    parser.add_argument("--repo", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--course-dir")
    parser.add_argument("--exchange")
    parser.add_argument("--grader",
                        help="the account that owns the course folder and runs the formgrader")
    parser.add_argument("--group-prefix", default="backprop")
    parser.add_argument("--authenticator", choices=["pam", "dummy"])
    parser.add_argument("--ip")
    parser.add_argument("--port", type=int)
    parser.add_argument("--formgrader-port", type=int)
    parser.add_argument("--ssl-cert", help="the hub serves HTTPS with this certificate (PEM)")
    parser.add_argument("--ssl-key", help="... and this private key (PEM, readable by root only)")
    parser.add_argument("--remove", action="store_true",
                        help="delete the roster's accounts, their home folders and the grader's")
    args = parser.parse_args(argv)
    state = Path(args.state or Path(args.prefix) / "etc")
    kept = settings_kept(args, state / "hub.json")
    people = read_roster(args.roster)
    if bool(args.ssl_cert) != bool(args.ssl_key):
        sys.exit("HTTPS needs both a certificate and its key (HUB_SSL_CERT and HUB_SSL_KEY)")
    for pem in filter(None, (args.ssl_cert, args.ssl_key)):
        if not Path(pem).is_file():
            sys.exit(f"{pem}: no such file (HUB_SSL_CERT, HUB_SSL_KEY: PEM files on this server)")
    unix_groups = groups(args.group_prefix)
    if args.remove:
        for name in [*(name for names in people.values() for name in names), args.grader]:
            remove_user(name)
        for group in unix_groups.values():
            subprocess.run(["groupdel", group], check=False, capture_output=True)
        return

    for group in unix_groups.values():
        ensure_group(group)
    grader_home = str(Path(args.course_dir).parent / ".grader-home")
    ensure_user(args.grader, unix_groups["grader"], home=grader_home, system=True)
    for role, names in people.items():
        for name in names:
            ensure_user(name, unix_groups[role])
    course_folder(args.repo, args.course_dir, args.grader, unix_groups["instructor"])
    # Who may enter the folder above the course (0711): everyone may pass, no one may list.
    os.chmod(Path(args.course_dir).parent, 0o711)

    # The exchange: one shared folder, sticky and world-writable as nbgrader wants; nbgrader
    # makes the inbound folders write-only, so a student cannot read another's submission.
    exchange = Path(args.exchange)
    exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(exchange, 0o1777)
    course_exchange(exchange / COURSE_ID, args.grader)
    venv = Path(args.prefix) / "venv"
    global_nbgrader_config(args.repo, venv, exchange)
    # The students in the gradebook, with their names and addresses, before anyone submits:
    # the formgrader lists them, and the LMS export has a row for each, submitted or not.
    gradebook_students(args.course_dir, read_details(args.roster),
                       [str(venv / "bin" / "nbgrader")], user=args.grader, exchange=exchange)
    gradebook = Path(args.course_dir) / "gradebook.db"
    os.chown(gradebook, pwd.getpwnam(args.grader).pw_uid,
             grp.getgrnam(unix_groups["instructor"]).gr_gid)
    os.chmod(gradebook, 0o660)

    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)
    settings = {
        "course_id": COURSE_ID, "course_dir": str(Path(args.course_dir).resolve()),
        "exchange": str(exchange), "grader": args.grader, "authenticator": args.authenticator,
        "ip": args.ip, "port": args.port, "formgrader_port": args.formgrader_port,
        "prefix": str(Path(args.prefix).resolve()), "venv": str(venv),
        "ssl_cert": args.ssl_cert and str(Path(args.ssl_cert).resolve()),
        "ssl_key": args.ssl_key and str(Path(args.ssl_key).resolve()),
    }
    (state / "hub.json").write_text(json.dumps(settings, indent=1) + "\n")
    (state / "roster.json").write_text(json.dumps(people, indent=1) + "\n")
    scheme = "https" if args.ssl_cert else "http"
    if kept:
        print("kept from the earlier set-up: " + ", ".join(kept))
    print(f"{sum(map(len, people.values()))} people, course in {args.course_dir}, "
          f"exchange {exchange}, hub settings in {state}; the hub will answer at "
          f"{scheme}://{args.ip}:{args.port}/")


if __name__ == "__main__":
    main()
