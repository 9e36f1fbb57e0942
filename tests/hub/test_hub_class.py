"""A class on a real JupyterHub on 127.0.0.1, set up as docs/hub.md tells an instructor.

The test writes a roster of an instructor, a grader and three students (names of its own) and
runs the one command, ``hub/setup.sh roster.csv``, with its defaults (PAM logins, the course in
/srv/backprop/course, the exchange in /srv/nbgrader/exchange, the grader account
grader-backprop, port 8000) and one setting, HTTPS with a certificate made for the test. It
gives everyone a password, starts the hub with ``/opt/backprop-hub/bin/start-hub``, and
everyone logs in through the login page. Then a class: the instructor releases 01_xor through
the formgrader's API; the students fetch and submit through their own servers' Assignments API
(what the Assignments tab does), each as their own Unix user; the instructor collects,
autogrades (sandboxed), generates and releases feedback; the students fetch it; the grader
account exports the grades. It checks who can reach what, over HTTPS and in the file system,
and what a student and a grader see in the browser. Last, a student joins late: the set-up is
run again and the hub restarted. It stops the hub by its process id and deletes the accounts,
folders and settings it made.
It will not run where a class is already set up (it would share that class's accounts).
"""

import contextlib
import csv
import fcntl
import http.cookiejar
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from mlp_helpers.grading import notebooks as grading_notebooks

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
PREFIX = Path("/opt/backprop-hub")
COURSE = "backprop-from-scratch"
ASSIGNMENT = "01_xor"
# What hub/setup.sh makes with its defaults (docs/hub.md), and must be gone after the test.
COURSE_DIR = Path("/srv/backprop/course")
EXCHANGE = Path("/srv/nbgrader/exchange")
GRADER_ACCOUNT = "grader-backprop"
GROUPS = ("backprop-instructors", "backprop-graders", "backprop-students")
STATE = ("hub.json", "roster.json", "jupyterhub.sqlite", "jupyterhub_cookie_secret",
         "jupyterhub.pid", "jupyterhub-proxy.pid")
GLOBAL_CONFIG = PREFIX / "venv" / "etc" / "jupyter" / "nbgrader_config.py"
# The hub's defaults: its public port, the proxy's API, the hub's API, the formgrader service.
PORTS = (8000, 8001, 8081, 9999)


def _in_use(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _a_class_is_set_up():
    """What of a class set up by hub/setup.sh is on this machine already (empty: none)."""
    found = [str(path) for path in (PREFIX / "etc" / "hub.json", COURSE_DIR.parent, EXCHANGE)
             if path.exists()]
    for name in (GRADER_ACCOUNT, *GROUPS):
        if subprocess.run(["getent", "passwd" if name == GRADER_ACCOUNT else "group", name],
                          capture_output=True, check=False).returncode == 0:
            found.append(name)
    return found


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let a redirect come back as the answer (where a login leads is what is checked)."""

    def redirect_request(self, *args, **kwargs):
        return None


class Hub:
    """The running hub: its address, the certificate it is trusted by, the people's tokens."""

    def __init__(self, url, certificate):
        self.url, self.tokens = url, {}
        self.context = ssl.create_default_context(cafile=str(certificate))

    def call(self, path, method="GET", token=None, data=None, form=None, timeout=120):
        """Return ``(status, body)`` of a request to the hub's address (errors included)."""
        headers = {"Authorization": f"token {token}"} if token else {}
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.url + path, data=body, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self.context) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def ok(self, path, **kwargs):
        status, body = self.call(path, **kwargs)
        assert status in (200, 201, 202), (path, status, body[:2000])
        return json.loads(body or b"null")

    def wait(self, path, timeout=90, **kwargs):
        deadline = time.monotonic() + timeout
        while True:
            try:
                status, _ = self.call(path, timeout=5, **kwargs)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = None
            if status == 200:
                return
            assert time.monotonic() < deadline, f"{path} never answered 200 (last: {status})"
            time.sleep(0.3)

    def log_in(self, name, password):
        """Log in on the login page as a browser does: ``(status, location, page, opener)``."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.context),
            urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        with opener.open(self.url + "/hub/login", timeout=30) as answer:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', answer.read().decode()).group(1)
        form = urllib.parse.urlencode({"username": name, "password": password,
                                       "_xsrf": xsrf}).encode()
        try:
            with opener.open(self.url + "/hub/login", data=form, timeout=30) as answer:
                return answer.status, None, answer.read().decode(), opener
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), error.read().decode(), opener

    def token_of(self, opener):
        """A token asked for by a logged-in person (their session, as the hub's Token page)."""
        with opener.open(self.url + "/hub/token", timeout=30) as answer:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"|xsrf_token: "([^"]+)"',
                             answer.read().decode())
        name = json.loads(opener.open(self.url + "/hub/api/user", timeout=30).read())["name"]
        request = urllib.request.Request(
            f"{self.url}/hub/api/users/{name}/tokens", method="POST",
            data=json.dumps({"note": "hub test"}).encode(),
            headers={"Content-Type": "application/json",
                     "X-XSRFToken": next(filter(None, xsrf.groups()))})
        with opener.open(request, timeout=30) as answer:
            return json.loads(answer.read())["token"]


def as_user(user, *command, cwd="/"):
    """Run ``command`` as the Unix user ``user``; return the finished process."""
    return subprocess.run(["runuser", "-u", user, "--", *command], cwd=cwd,
                          capture_output=True, text=True, check=False)


def answered(released, source, planted=None):
    """The released notebook with the solutions of ``source`` (and ``planted`` answers)."""
    return grading_notebooks.fill_in(released, {**grading_notebooks.solutions(source),
                                                **(planted or {})})


def _certificate(folder):
    """A self-signed certificate for 127.0.0.1 and its key, as an instructor's would be."""
    certificate, key = folder / "hub.crt", folder / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    os.chmod(key, 0o600)
    return certificate, key


@pytest.fixture(scope="module")
def hub():
    """A class set up by hub/setup.sh and its hub, started; everything of it removed after.

    Every module of tests/hub/ sets up its own class with the defaults (ports, folders, accounts):
    one at a time, even when pytest-xdist runs two of them on two workers.
    """
    with open(Path(tempfile.gettempdir()) / "backprop-hub-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield from _hub()


def _hub():
    found = _a_class_is_set_up()
    if found:
        pytest.skip("a class is set up on this machine (" + ", ".join(found) + "): the hub "
                    "test runs hub/setup.sh with its defaults and would share that class")
    busy = [port for port in PORTS if _in_use(port)]
    assert not busy, f"the hub's default ports {busy} are in use on 127.0.0.1"
    tag = secrets.token_hex(2)
    people = {"instructor": [f"bh{tag}-inst"], "grader": [f"bh{tag}-ta"],
              "student": [f"bh{tag}-s{number}" for number in (1, 2, 3, 4)]}
    everyone = [name for names in people.values() for name in names]
    outsider = f"bh{tag}-out"  # a Unix user with a password, not on the roster
    passwords = {name: secrets.token_urlsafe(12) for name in [*everyone, outsider]}
    base = Path(tempfile.mkdtemp(prefix="backprop-hub-test-", dir="/tmp"))
    os.chmod(base, 0o755)
    roster = base / "roster.csv"
    roster.write_text("username,role\n" + "".join(
        f"{name},{role}\n" for role, names in people.items() for name in names))
    certificate, key = _certificate(base)
    exchange_parent_existed = EXCHANGE.parent.exists()  # the exchange itself did not
    before = GLOBAL_CONFIG.read_bytes() if GLOBAL_CONFIG.exists() else None
    hub_process = {}

    def start_hub():
        with open(base / "hub.log", "a") as log:
            hub_process["it"] = subprocess.Popen(
                [str(PREFIX / "bin" / "start-hub")], stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def stop_hub():
        process = hub_process.pop("it", None)
        if process is not None:
            process.send_signal(signal.SIGTERM)  # the hub stops the servers and the proxy
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            # A hub that had to be killed (or failed to start) leaves its proxy running on the
            # ports: JupyterHub starts it in a session of its own, named in its pid file.
            with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
                os.kill(int((PREFIX / "etc" / "jupyterhub-proxy.pid").read_text()),
                        signal.SIGKILL)

    setup_environment = {**os.environ, "HUB_SSL_CERT": str(certificate), "HUB_SSL_KEY": str(key)}
    try:
        started = time.monotonic()
        setup = subprocess.run([str(REPO / "hub" / "setup.sh"), str(roster)],
                               capture_output=True, text=True, check=False,
                               env=setup_environment)
        assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-3000:]
        set_up_in = time.monotonic() - started
        subprocess.run(["useradd", "--create-home", outsider], check=True)
        subprocess.run(["chpasswd"], input="".join(f"{name}:{password}\n" for name, password
                                                   in passwords.items()),
                       text=True, check=True)
        settings = json.loads((PREFIX / "etc" / "hub.json").read_text())
        started = time.monotonic()
        start_hub()
        running = Hub("https://127.0.0.1:8000", certificate)
        running.people, running.passwords, running.settings = people, passwords, settings
        running.outsider, running.setup_output = outsider, setup.stdout
        running.log, running.roster, running.tag = base / "hub.log", roster, tag
        running.setup = lambda: subprocess.run(
            [str(REPO / "hub" / "setup.sh"), str(roster)], capture_output=True, text=True,
            check=False, env=os.environ)  # no settings: the first run's are kept

        def restart():
            stop_hub()
            start_hub()
            running.wait("/hub/api/")

        running.restart = restart
        running.wait("/hub/api/")
        running.timings = {"setup.sh": set_up_in, "hub start": time.monotonic() - started}
        running.logins = {}
        for name in everyone:
            status, location, _, opener = running.log_in(name, passwords[name])
            running.logins[name] = (status, location)
            if status == 302:
                running.tokens[name] = running.token_of(opener)
        yield running
    finally:
        stop_hub()
        everyone = [name for names in people.values() for name in names]  # late ones too
        for name in [*everyone, outsider, GRADER_ACCOUNT]:
            # Anything of theirs still running (there should be none) is ended by its id.
            left = subprocess.run(["pgrep", "-u", name], capture_output=True, text=True,
                                  check=False).stdout.split()
            for pid in left:
                os.kill(int(pid), signal.SIGKILL)
        subprocess.run([str(PREFIX / "venv" / "bin" / "python"), str(REPO / "hub" / "roster.py"),
                        str(roster), "--remove"], check=False, capture_output=True)
        subprocess.run(["userdel", "--remove", outsider], check=False, capture_output=True)
        shutil.rmtree(COURSE_DIR.parent, ignore_errors=True)
        shutil.rmtree(EXCHANGE if exchange_parent_existed else EXCHANGE.parent,
                      ignore_errors=True)
        for name in STATE:
            (PREFIX / "etc" / name).unlink(missing_ok=True)
        if before is None:
            GLOBAL_CONFIG.unlink(missing_ok=True)
        else:
            GLOBAL_CONFIG.write_bytes(before)
        if (base / "hub.log").exists() and (REPO / "test-artifacts").is_dir():
            shutil.copy(base / "hub.log", REPO / "test-artifacts" / "hub.log")
        shutil.rmtree(base, ignore_errors=True)
        assert not _a_class_is_set_up(), "the hub test left a class behind"
        assert not [port for port in PORTS if _in_use(port)], "the hub test left a port in use"


def test_everyone_on_the_roster_logs_in_with_their_password_and_no_one_else(hub):
    assert "the hub will answer at https://127.0.0.1:8000/" in hub.setup_output
    assert hub.call("/hub/api/users")[0] == 403  # nothing without a login
    for name, (status, location) in hub.logins.items():
        assert status == 302, (name, status)
        assert location.startswith("/hub/"), (name, location)
    assert len(hub.tokens) == len(hub.logins) == 6
    student = hub.people["student"][0]
    for name, password in ((student, hub.passwords[hub.people["student"][1]]),
                           (hub.outsider, hub.passwords[hub.outsider]),
                           ("root", "")):
        status, _, page, _ = hub.log_in(name, password)
        assert status == 403, name
        assert "Invalid username or password" in page, name


def test_the_hubs_copy_of_the_package_holds_the_repositorys_modules_and_no_others(hub):
    """A module the course removed must not stay in the hub's venv (an old build left some)."""
    installed = subprocess.run(
        [str(PREFIX / "venv" / "bin" / "python"), "-c",
         "import mlp_helpers, pathlib; print(pathlib.Path(mlp_helpers.__file__).parent)"],
        capture_output=True, text=True, check=True).stdout.strip()

    def modules(package):
        return {path.relative_to(package).as_posix() for path in Path(package).rglob("*.py")}

    assert modules(installed) == modules(REPO / "mlp_helpers")


def test_the_hubs_nbgrader_settings_refuse_to_grade_without_the_courses_own(hub):
    """The set-up's global nbgrader_config.py names the course and its exchange and keeps the
    guard ``make env`` installs: where the course folder's file does not load, no grading."""
    from traitlets.config.loader import PyFileConfigLoader

    from mlp_helpers.grading.guard import RefuseToGrade

    config = PyFileConfigLoader(GLOBAL_CONFIG.name, path=str(GLOBAL_CONFIG.parent)).load_config()
    assert config.CourseDirectory.course_id == COURSE
    assert config.Autograde.autograde_preprocessors == [RefuseToGrade]
    assert config.Autograde.sanitize_preprocessors == [RefuseToGrade]


def test_a_class_runs_on_the_hub_and_each_person_reaches_only_their_own(hub):
    timings = hub.timings
    (instructor,), (ta,) = hub.people["instructor"], hub.people["grader"]
    students = hub.people["student"][:3]  # the fourth works in the browser (below)
    grader_account = hub.settings["grader"]
    course_dir = Path(hub.settings["course_dir"])
    formgrader = f"/services/{COURSE}/formgrader"
    begin = time.monotonic()
    for student in students:
        hub.ok(f"/hub/api/users/{student}/server", method="POST", token=hub.tokens[student])
    hub.wait(f"{formgrader}/api/assignments", timeout=90, token=hub.tokens[instructor])
    for student in students:
        hub.wait(f"/user/{student}/api/status", timeout=90, token=hub.tokens[student])
    timings["3 servers and the formgrader"] = time.monotonic() - begin

    # Who reaches what, over HTTP.
    for person in (instructor, ta):
        assert hub.call(f"{formgrader}/api/assignments", token=hub.tokens[person])[0] == 200
    assert hub.call(f"{formgrader}/api/assignments", token=hub.tokens[students[0]])[0] == 403
    assert hub.call(f"/user/{students[1]}/api/contents",
                    token=hub.tokens[students[0]])[0] == 403
    # Nor straight to the formgrader's own port, from the student's terminal on the server.
    direct = urllib.request.Request(
        f"http://127.0.0.1:{hub.settings['formgrader_port']}{formgrader}/api/assignments",
        headers={"Authorization": f"token {hub.tokens[students[0]]}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(direct, timeout=30)
    assert refused.value.code == 403
    # A student's own server has no formgrader (its extension is off there).
    assert hub.call(f"/user/{students[0]}/formgrader",
                    token=hub.tokens[students[0]])[0] == 404

    # The instructor releases through the formgrader (as its Release button does).
    begin = time.monotonic()
    teacher = hub.tokens[instructor]
    assert hub.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/assign", method="POST",
                  token=teacher)["success"]
    assert hub.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/release", method="POST",
                  token=teacher)["success"]

    # The students fetch, answer and submit, through their own servers (the Assignments tab).
    released = course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source = course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    wrong = {"hidden_delta": "def hidden_delta(delta_next, W_next, a):\n"
                             "    return (delta_next @ W_next.T) * (1 - a)"}
    # The third answers nothing, and tries, while it is graded as the grader account, to read
    # the gradebook and the solutions and to leave a file among a classmate's graded work.
    snoop = (
        "def sigmoid(z):\n    raise NotImplementedError()\n\n"
        "import pathlib\nfound = []\n"
        f"for path in ['{course_dir}/gradebook.db', '{source}',\n"
        f"             '{course_dir}/autograded/{students[0]}/{ASSIGNMENT}/planted.txt']:\n"
        "    try:\n"
        "        if path.endswith('planted.txt'):\n"
        "            pathlib.Path(path).write_text('planted')\n"
        "        found.append(f'{path}: {len(pathlib.Path(path).read_bytes())} bytes')\n"
        "    except OSError as error:\n"
        "        found.append(f'{path}: {type(error).__name__}')\n"
        "print('FOUND', found)\n")
    answers = [answered(released, source), answered(released, source, wrong),
               grading_notebooks.fill_in(released, {"sigmoid": snoop})]
    for student, notebook in zip(students, answers):
        form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
        listed = hub.ok(f"/user/{student}/assignments/fetch", method="POST", form=form,
                        token=hub.tokens[student])
        assert [item["assignment_id"] for item in listed["value"]] == [ASSIGNMENT], listed
        mine = Path(pwd.getpwnam(student).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert mine.stat().st_uid == pwd.getpwnam(student).pw_uid
        if notebook is not None:
            hub.ok(f"/user/{student}/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
                   method="PUT", token=hub.tokens[student],
                   data={"type": "notebook", "content": notebook})
        hub.ok(f"/user/{student}/assignments/submit", method="POST", form=form,
               token=hub.tokens[student])
    timings["release, fetch, submit"] = time.monotonic() - begin

    # The third student also makes submissions by hand in inbound/, which every student may
    # write into, each newer than the real ones: one in the first student's name, one whose
    # notebook is a link to the instructor's.
    inbound = Path(hub.settings["exchange"]) / COURSE / "inbound"
    later = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    mine = Path(pwd.getpwnam(students[2]).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    impostor = inbound / f"{students[0]}+{ASSIGNMENT}+{later}"
    linked = inbound / f"{students[2]}+{ASSIGNMENT}+{later}"
    for command in (["mkdir", impostor], ["cp", mine, impostor], ["mkdir", linked],
                    ["ln", "-s", source, linked / f"{ASSIGNMENT}.ipynb"]):
        made = as_user(students[2], *map(str, command))
        assert made.returncode == 0, (command, made.stderr)

    # Collect, autograde (sandboxed), feedback, through the formgrader.
    begin = time.monotonic()
    collected = hub.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/collect", method="POST",
                       token=teacher)
    assert collected["success"], collected
    assert collected["log"].count("Not collected: ") == 2, collected["log"]
    assert "BEGIN SOLUTION" not in (
        course_dir / "submitted" / students[2] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    for student in students:
        result = hub.ok(f"{formgrader}/api/submission/{ASSIGNMENT}/{student}/autograde",
                        method="POST", token=teacher)
        assert result["success"], result.get("log", result)[-3000:]
    timings["collect, autograde 3"] = time.monotonic() - begin
    # The class again, on every core, as docs/hub.md tells the grader account to.
    begin = time.monotonic()
    on_every_core = as_user(grader_account, str(PREFIX / "venv" / "bin" / "python"), "-m",
                            "mlp_helpers.grading.grade_class", ASSIGNMENT, "--jobs", "2",
                            cwd=str(course_dir))
    assert on_every_core.returncode == 0, on_every_core.stdout + on_every_core.stderr[-3000:]
    assert "3 students graded by 2 processes" in on_every_core.stdout, on_every_core.stdout
    assert "could not grade: none" in on_every_core.stdout
    timings["grade_class, 3 on 2 cores"] = time.monotonic() - begin
    assert "has changed" not in result["log"]
    begin = time.monotonic()
    for action in ("generate_feedback", "release_feedback"):
        assert hub.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/{action}", method="POST",
                      token=teacher)["success"]
    for student in students:
        hub.ok(f"/user/{student}/assignments/fetch_feedback", method="POST",
               form={"course_id": COURSE, "assignment_id": ASSIGNMENT},
               token=hub.tokens[student])
        pages = list((Path(pwd.getpwnam(student).pw_dir) / ASSIGNMENT / "feedback")
                     .glob(f"*/{ASSIGNMENT}.html"))
        assert len(pages) == 1, student
        page = pages[0].read_text()
        assert 'class="katex"' in page  # the maths comes typeset, with no script
        assert "<script" not in page
        assert "cdnjs" not in page
        assert "BEGIN HIDDEN TESTS" not in page
    timings["feedback"] = time.monotonic() - begin

    # The grader account exports the grades.
    exported = as_user(grader_account, str(PREFIX / "venv" / "bin" / "nbgrader"), "export",
                       cwd=str(course_dir))
    assert exported.returncode == 0, exported.stderr[-2000:]
    with open(course_dir / "grades.csv", newline="") as file:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert scores[students[0]] > scores[students[1]] > scores[students[2]] == 0
    # What the third student's code found while graded: nothing of the course's or a classmate's.
    graded = nbformat.read(course_dir / "autograded" / students[2] / ASSIGNMENT /
                           f"{ASSIGNMENT}.ipynb", as_version=4)
    found = next(output["text"] for cell in graded.cells for output in cell.get("outputs", [])
                 if output.get("text", "").startswith("FOUND"))
    assert found.count(": FileNotFoundError") == 3, found
    assert not list(course_dir.rglob("planted.txt"))
    # The hub's log (servers, formgrader, grading) holds no noise an instructor must read past.
    log = hub.log.read_text()
    for noise in ("SAWarning", "has changed!", "could not be found", "over TCP"):
        assert noise not in log, noise
    # Requests that went well are not logged, by the hub or the formgrader.
    assert not re.search(r"\] 20\d (GET|POST|PUT) ", log), log[-3000:]

    # Who reaches what, in the file system, as each Unix user.
    other = Path(pwd.getpwnam(students[1]).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for path in (course_dir / "gradebook.db", course_dir / "source" / ASSIGNMENT / "01_xor.ipynb",
                 course_dir / "submitted", other):
        denied = as_user(students[0], "cat" if path.suffix else "ls", str(path))
        assert denied.returncode != 0, path
        assert "Permission denied" in denied.stderr, path
    assert "Permission denied" in as_user(students[0], "ls", str(inbound)).stderr
    # The exchange's course folder is the grader account's: no one else adds to it or changes
    # what was released, and feedback cannot be listed.
    for command in (["mkdir", str(inbound.parent / "mine")],
                    ["touch", str(inbound.parent / "outbound" / ASSIGNMENT / "extra.ipynb")],
                    ["ls", str(inbound.parent / "feedback")]):
        assert "Permission denied" in as_user(students[0], *command).stderr, command
    assert as_user(instructor, "ls", str(course_dir / "source")).returncode == 0
    print("hub timings (s): " + ", ".join(f"{what} {seconds:.1f}"
                                           for what, seconds in timings.items()))


CHROMIUM = Path("/usr/lib/chromium/chromium")
in_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=(
    f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium fonts-dejavu-core; "
    ".ci/run does it)"))


def logged_in(chromium, hub, person):
    """A new browser profile where ``person`` has logged in on the login page: its page."""
    # The certificate is the test's own, not from an authority the browser knows.
    context = chromium.new_context(viewport={"width": 1280, "height": 860},
                                   ignore_https_errors=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("input[name=username]", person)
    page.fill("input[name=password]", hub.passwords[person])
    page.click("[type=submit]")
    page.wait_for_url(lambda url: "/hub/login" not in url)
    return page


@pytest.mark.browser
@in_chromium
def test_a_grader_opens_the_formgrader_in_its_own_tab_and_a_student_is_refused(hub, chromium):
    from playwright.sync_api import expect

    formgrader = f"{hub.url}/services/{COURSE}/formgrader"
    for person, allowed in ((hub.people["grader"][0], True), (hub.people["student"][0], False)):
        page = logged_in(chromium, hub, person)
        answer = page.goto(formgrader)
        if allowed:
            expect(page.get_by_text("Manage Assignments").first).to_be_visible()
            expect(page.get_by_text(ASSIGNMENT).first).to_be_visible()
        else:
            assert answer.status == 403
        page.context.close()


@pytest.mark.browser
@in_chromium
def test_a_student_sees_their_assignments_and_validate_and_no_grading_tools(hub, chromium):
    from playwright.sync_api import expect

    student, teacher = hub.people["student"][3], hub.tokens[hub.people["instructor"][0]]
    formgrader = f"/services/{COURSE}/formgrader/api/assignment/{ASSIGNMENT}"
    hub.wait(formgrader, token=teacher)
    if hub.ok(formgrader, token=teacher)["status"] != "released":  # run without the class test
        for action in ("assign", "release"):
            assert hub.ok(f"{formgrader}/{action}", method="POST", token=teacher)["success"]
    page = logged_in(chromium, hub, student)
    page.wait_for_url(re.compile(f"/user/{student}/lab"))
    # JupyterLab, with nbgrader's student side only, and the course's settings (no news pop-up).
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    for plugin in ("formgrader", "create-assignment", "course-list"):
        assert f"@jupyter/nbgrader:{plugin}" in config["disabledExtensions"], plugin
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    assert [entry for entry in page.locator(".lm-Menu-itemLabel").all_inner_texts()
            if entry] == ["Assignment List"]
    settings = hub.ok(f"/user/{student}/lab/api/settings/"
                      "@jupyterlab/apputils-extension:notification", token=hub.tokens[student])
    assert settings["schema"]["properties"]["fetchNews"]["default"] == "false"
    # The Assignments tab: fetch, validate (the notebook as released: every part to do), submit.
    page.locator(".lm-Menu-itemLabel").get_by_text("Assignment List", exact=True).click()
    panel = page.locator("#jp-main-dock-panel")
    panel.get_by_role("button", name="Fetch").click()
    panel.locator("#fetched_assignments_list").get_by_text(ASSIGNMENT).first.click()
    panel.get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.get_by_text("Validation Results")).to_be_visible()
    assert "`hidden_delta` still raises NotImplementedError" in dialog.inner_text()
    page.screenshot(path=str(REPO / "test-artifacts" / "hub-student-validates.png"))
    dialog.get_by_role("button", name="Ok").click()
    panel.get_by_role("button", name="Submit").click()
    expect(panel.locator("#submitted_assignments_list").get_by_text(ASSIGNMENT).first
           ).to_be_visible()
    inbound = Path(hub.settings["exchange"]) / COURSE / "inbound"
    assert list(inbound.glob(f"{student}+{ASSIGNMENT}+*")), "the submission never arrived"
    page.context.close()


def _course_files(course_dir):
    """Every file of the course folder but the gradebook (a database: its bytes move)."""
    return {path: path.read_bytes() for path in course_dir.rglob("*")
            if path.is_file() and path.name != "gradebook.db"}


def _gradebook(course_dir):
    """``(students, {(student, assignment): score})`` in the course's gradebook."""
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        students = {student.id for student in gradebook.students}
        grades = {(submission.student.id, submission.assignment.name): submission.score
                  for assignment in gradebook.assignments
                  for submission in assignment.submissions}
    return students, grades


def test_a_student_added_to_the_roster_later_logs_in_once_the_hub_restarts(hub):
    # Run last: it restarts the hub, which stops everyone's server.
    late = f"bh{hub.tag}-s5"
    with open(hub.roster, "a") as roster:
        roster.write(f"{late},student\n")
    hub.people["student"].append(late)
    hub.passwords[late] = secrets.token_urlsafe(12)
    course_dir = Path(hub.settings["course_dir"])
    edited = course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    edited.write_bytes(edited.read_bytes() + b"\n")  # as an instructor's edit would
    before = _course_files(course_dir)
    students_before, grades_before = _gradebook(course_dir)
    again = hub.setup()
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-3000:]
    assert again.stdout.count("7 people") == 1, again.stdout
    assert ("kept from the earlier set-up: course_dir, exchange, grader, authenticator, ip, port, "
            "formgrader_port, ssl_cert, ssl_key") in again.stdout
    subprocess.run(["chpasswd"], input=f"{late}:{hub.passwords[late]}\n", text=True, check=True)
    # The course so far (the instructor's edits, the submissions, every grade) is kept as it
    # was; the gradebook gains the late student.
    assert _course_files(course_dir) == before
    students_after, grades_after = _gradebook(course_dir)
    assert students_after == students_before | {late}
    assert grades_after == grades_before
    assert json.loads((PREFIX / "etc" / "hub.json").read_text()) == hub.settings

    # The hub reads the roster when it starts: until then the new student is refused.
    assert hub.log_in(late, hub.passwords[late])[0] == 403
    hub.restart()
    status, location, _, _ = hub.log_in(late, hub.passwords[late])
    assert (status, location.split("?")[0]) == (302, "/hub/spawn")
    assert hub.log_in(hub.people["student"][0], hub.passwords[hub.people["student"][0]])[0] == 302
