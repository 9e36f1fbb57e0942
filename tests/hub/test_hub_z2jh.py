"""A class laid out as Zero-to-JupyterHub lays it out, simulated on one machine with the real hub.

On Kubernetes (``hub/z2jh-values.yaml``; docs/hub.md, "Beyond one server") every pod runs as uid
1000, hub users have no account anywhere, each user's server has a volume of its own as its
home, the exchange is one volume that every pod mounts, and the formgrader is a Deployment of its
own, registered with the hub by its URL. Here one Unix account made by the test (``POD``) stands
for uid 1000; the hub of /opt/backprop-hub, with ``z2jh_jupyterhub_config.py``, logs the roster
in with one shared password (OAuth's stand-in: no internet here) and starts every user's server
as that account in ``<root>/home/<user>``; ``<root>/exchange`` is the shared volume
(``BACKPROP_EXCHANGE``), named in the image's global nbgrader configuration
(``<root>/image/etc/jupyter``, first on every server's ``JUPYTER_CONFIG_PATH``); the test
starts the formgrader itself, as that account, in a copy of
the course (``<root>/course``) whose nbgrader configuration adds
``c.ExchangeCollect.check_owner = False``.

Then a class: the instructor releases 01_xor through the formgrader; three students fetch and
submit through their servers; the instructor collects, autogrades (sandboxed, as the pod
account), generates and releases feedback; the students fetch it; the grades are exported. It
checks that the layout is what it claims, what it leaves open (every student can read and hand
in under any name) and what it still refuses (a notebook linked to a file outside). It stops the
formgrader and the hub by their process ids and removes the account and its folders.
"""

import asyncio
import concurrent.futures
import contextlib
import csv
import grp
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest
from test_hub_class import (
    ASSIGNMENT,
    COURSE,
    PREFIX,
    REPO,
    Hub,
    _certificate,
    answered,
)
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from mlp_helpers.grading import notebooks as grading_notebooks

pytestmark = pytest.mark.slow
# The account every pod runs as: uid 1000, named jovyan in the Jupyter Docker Stacks images
# (nbgrader takes a submission's student from JUPYTERHUB_USER only for an account of that name).
POD = "jovyan"
CONFIG = Path(__file__).with_name("z2jh_jupyterhub_config.py")
VENV_BIN = PREFIX / "venv" / "bin"
# What the one-server hub's formgrader service turns off (hub/jupyterhub_config.py).
NOT_SERVED = ("jupyterlab", "notebook", "jupyter_lsp", "jupyter_server_terminals")


def _free_ports(count):
    """``count`` ports free on 127.0.0.1 now, from the system's ephemeral range (32768 and up
    on Linux: never the one-server hub's 8000, 8001, 8081 and 9999)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _answers(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(port, timeout=60):
    """Return once something listens on ``port`` of 127.0.0.1."""
    deadline = time.monotonic() + timeout
    while not _answers(port):
        assert time.monotonic() < deadline, f"nothing listens on port {port}"
        time.sleep(0.1)


def _image_nbgrader_config(image, exchange):
    """The image's global nbgrader configuration (course id, exchange), as hub/roster.py writes
    it, in ``image/etc/jupyter``: the folder every server and the formgrader read first."""
    spec = importlib.util.spec_from_file_location("roster", REPO / "hub" / "roster.py")
    roster = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(roster)
    roster.global_nbgrader_config(REPO, image, exchange)
    return image / "etc" / "jupyter"


def _account_exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _course(folder, pod):
    """The formgrader's course folder: the repository's course, collect without owner checks."""
    folder.mkdir()
    shutil.copytree(REPO / "source", folder / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    configuration = (REPO / "nbgrader_config.py").read_text()
    (folder / "nbgrader_config.py").write_text(
        configuration + "\n# Zero-to-JupyterHub: every pod is one uid (docs/hub.md).\n"
        "c.ExchangeCollect.check_owner = False\n")
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, pod.pw_uid, pod.pw_gid)


def _formgrader(settings, log, hub_url):
    """The formgrader as its own Deployment would run it: the pod's account, the course folder."""
    course_dir, prefix = settings["course_dir"], f"/services/{COURSE}/"
    environment = {
        "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
        "HOME": str(Path(settings["root"]) / "formgrader-home"), "USER": POD,
        "BACKPROP_EXCHANGE": settings["exchange"],
        "JUPYTER_CONFIG_PATH": os.pathsep.join([str(PREFIX / "venv" / "etc" / "jupyter-formgrader"),
                                               settings["image_config"]]),
        "JUPYTERHUB_DEFAULT_URL": "/formgrader",
        # What a service registered by URL is told by its Deployment, not by the hub.
        "JUPYTERHUB_SERVICE_NAME": COURSE,
        "JUPYTERHUB_API_TOKEN": settings["formgrader_token"],
        "JUPYTERHUB_API_URL": f"http://127.0.0.1:{settings['hub_port']}/hub/api",
        "JUPYTERHUB_CLIENT_ID": f"service-{COURSE}",
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{settings['formgrader_port']}",
        "JUPYTERHUB_SERVICE_PREFIX": prefix,
        "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{prefix}oauth_callback",
        "JUPYTERHUB_PUBLIC_HUB_URL": f"{hub_url}/hub/",
    }
    command = [str(VENV_BIN / "jupyterhub-singleuser"), f"--ServerApp.root_dir={course_dir}",
               "--ServerApp.jpserver_extensions", "nbgrader.server_extensions.formgrader=True",
               *(argument for extension in NOT_SERVED
                 for argument in ("--ServerApp.jpserver_extensions", f"{extension}=False"))]
    return subprocess.Popen(command, cwd=course_dir, env=environment, user=POD, group=POD,
                            extra_groups=[], umask=0o002, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(process, timeout=30):
    """Stop ``process`` (SIGTERM, then SIGKILL), and what is left of its process group."""
    if process is None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _pod_processes(uid):
    """The ids of the processes running as ``uid``."""
    found = subprocess.run(["pgrep", "-U", str(uid)], capture_output=True, text=True,
                           check=False)
    return [int(pid) for pid in found.stdout.split()]


@pytest.fixture(scope="module")
def z2jh():
    """The class in the Zero-to-JupyterHub layout, its hub and formgrader started, then gone.

    It shares nothing with the other hub modules (its own ports, account, folders and global
    nbgrader configuration, that of the image it stands for), so it runs beside them.
    """
    yield from _class()


def _class():
    if _account_exists(POD):
        pytest.skip(f"a Unix account {POD} exists (left by an earlier run?): `userdel {POD}`")
    started = time.monotonic()
    tag = secrets.token_hex(2)
    people = {"instructor": [f"z{tag}-inst"], "grader": [f"z{tag}-ta"],
              "student": [f"z{tag}-s{number}" for number in (1, 2, 3)]}
    root = Path(tempfile.mkdtemp(prefix="backprop-z2jh-", dir="/tmp"))
    os.chmod(root, 0o755)
    state = root / "hub-state"  # the hub's database and settings: root's alone
    state.mkdir(mode=0o700)
    log_path = root / "hub.log"
    port, hub_port, proxy_api_port, formgrader_port = _free_ports(4)
    processes, uid = {}, None
    try:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                        "--home-dir", str(root / "home"), "--shell", "/bin/bash", POD],
                       check=True, capture_output=True)
        pod = pwd.getpwnam(POD)
        uid = pod.pw_uid
        for name in ("home", "exchange", "formgrader-home"):
            (root / name).mkdir()
            os.chown(root / name, pod.pw_uid, pod.pw_gid)
        os.chmod(root / "exchange", 0o1777)  # as nbgrader wants it (and hub/roster.py makes it)
        _course(root / "course", pod)
        image_config = _image_nbgrader_config(root / "image", root / "exchange")
        certificate, key = _certificate(state)
        settings = {
            "root": str(root), "pod": POD, "pod_uid": pod.pw_uid, "pod_gid": pod.pw_gid,
            "course_id": COURSE, "course_dir": str(root / "course"),
            "exchange": str(root / "exchange"), "image_config": str(image_config),
            "prefix": str(PREFIX),
            "venv": str(PREFIX / "venv"), "port": port, "hub_port": hub_port,
            "proxy_api_port": proxy_api_port, "formgrader_port": formgrader_port,
            "ssl_cert": str(certificate), "ssl_key": str(key),
            "password": secrets.token_urlsafe(12), "people": people,
            "formgrader_token": secrets.token_hex(32), "admin_token": secrets.token_hex(32)}
        (state / "z2jh.json").write_text(json.dumps(settings, indent=1))
        hub = Hub(f"https://127.0.0.1:{port}", certificate)
        with open(log_path, "a") as log:
            processes["hub"] = subprocess.Popen(
                [str(VENV_BIN / "jupyterhub"), "-f", str(CONFIG)], cwd=state,
                env={**os.environ, "PATH": f"{PREFIX / 'bin'}:{VENV_BIN}:{os.environ['PATH']}"},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            # The formgrader once the hub's API listens (it asks the hub at its start), before
            # the hub is ready: the hub waits up to 30 s for a service registered by URL.
            _wait_for(hub_port)
            processes["formgrader"] = _formgrader(settings, log, hub.url)
        hub.wait("/hub/api/")
        hub.settings, hub.people, hub.root = settings, people, root
        hub.formgrader, hub.admin = processes["formgrader"], settings["admin_token"]
        hub.openers = {}
        for name in [name for names in people.values() for name in names]:
            status, location, _, opener = hub.log_in(name, settings["password"])
            assert status == 302, (name, status, location)
            hub.openers[name], hub.tokens[name] = opener, hub.token_of(opener)
        with concurrent.futures.ThreadPoolExecutor(len(people["student"])) as pool:
            list(pool.map(lambda student: hub.ok(f"/hub/api/users/{student}/server",
                                                 method="POST", token=hub.tokens[student]),
                          people["student"]))
        hub.wait(f"/services/{COURSE}/formgrader/api/assignments", timeout=90,
                 token=hub.tokens[people["instructor"][0]])
        for student in people["student"]:
            hub.wait(f"/user/{student}/api/status", timeout=90, token=hub.tokens[student])
        hub.timings = {"hub, formgrader and 3 servers started": time.monotonic() - started}
        yield hub
    finally:
        _stop(processes.get("formgrader"))
        _stop(processes.get("hub"))  # the hub stops the servers it started, and the proxy
        left = _pod_processes(uid) if uid is not None else []
        for pid in left:  # there should be none
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        subprocess.run(["userdel", POD], check=False, capture_output=True)
        if log_path.exists() and (REPO / "test-artifacts").is_dir():
            shutil.copy(log_path, REPO / "test-artifacts" / "hub-z2jh.log")
        shutil.rmtree(root, ignore_errors=True)
        assert not left, f"processes of {POD} were left running: {left}"
        assert not _account_exists(POD), f"the account {POD} is left"
        assert POD not in {group.gr_name for group in grp.getgrall()}, f"the group {POD} is left"
        assert not root.exists(), f"{root} is left"
        busy = [port for port in (port, hub_port, proxy_api_port, formgrader_port)
                if _answers(port)]
        assert not busy, f"ports {busy} still answer"


def _status_ids(pid):
    """``(real uid, effective uid)`` of process ``pid``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return tuple(int(value) for value in line.split()[1:3])
    raise AssertionError(f"/proc/{pid}/status has no Uid line")


def _environment(pid):
    return dict(entry.split("=", 1) for entry in
                Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in entry)


def _followed(hub, opener, path, hops=10):
    """The status a browser ends on at ``path``, following the redirects (OAuth's included)."""
    url = hub.url + path
    for _ in range(hops):
        try:
            with opener.open(url, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            error.close()
            if error.code not in (301, 302, 303, 307):
                return error.code
            url = urllib.parse.urljoin(url, error.headers["Location"])
    raise AssertionError(f"more than {hops} redirects from {path}")


def test_every_server_runs_as_the_pods_account_in_its_own_home(z2jh):
    pod = pwd.getpwnam(POD)
    users = z2jh.ok("/hub/api/users", token=z2jh.admin)
    for student in z2jh.people["student"]:
        assert not _account_exists(student)  # hub users have no Unix account
        server = next(user for user in users if user["name"] == student)["servers"][""]
        assert server["ready"], server
        pid = server["state"]["pid"]  # the hub's record of the server it started
        assert _status_ids(pid) == (pod.pw_uid, pod.pw_uid), student
        home = z2jh.root / "home" / student
        assert Path(f"/proc/{pid}/cwd").resolve() == home
        assert _environment(pid)["HOME"] == str(home)
        assert home.stat().st_uid == pod.pw_uid
    # The formgrader is the test's own process (its Deployment), not the hub's: the hub knows
    # it by its URL only, with no command and no process.
    service = z2jh.ok(f"/hub/api/services/{COURSE}", token=z2jh.admin)
    assert (service["url"], service["command"], service["pid"]) == (
        f"http://127.0.0.1:{z2jh.settings['formgrader_port']}", [], 0), service
    assert _status_ids(z2jh.formgrader.pid) == (pod.pw_uid, pod.pw_uid)
    status = Path(f"/proc/{z2jh.formgrader.pid}/status").read_text()
    assert f"PPid:\t{os.getpid()}\n" in status
    assert Path(f"/proc/{z2jh.formgrader.pid}/cwd").resolve() == z2jh.root / "course"


def test_nbgrader_names_a_submission_for_the_hub_user_only_under_the_account_jovyan(z2jh):
    # Why the pods' account is jovyan (the Jupyter Docker Stacks' name): under any other name,
    # nbgrader would hand in every student's work in that account's name.
    student = z2jh.people["student"][0]
    for account, named in ((POD, student), ("nobody", "nobody")):
        found = subprocess.run(
            ["runuser", "-u", account, "--", "env", f"JUPYTERHUB_USER={student}",
             str(VENV_BIN / "python"), "-c",
             "from nbgrader.utils import get_username; print(get_username())"],
            cwd="/", capture_output=True, text=True, check=False)
        assert found.stdout == f"{named}\n", (account, found.stderr[-2000:])


def test_only_instructors_and_graders_reach_the_formgrader(z2jh):
    # Logins (OAuth's stand-in): the roster, with the class's password, and no one else.
    assert z2jh.log_in(z2jh.people["student"][0], "not-the-password")[0] == 403
    assert z2jh.log_in("someone-else", z2jh.settings["password"])[0] == 403
    formgrader = f"/services/{COURSE}/formgrader"
    (instructor,), (ta,) = z2jh.people["instructor"], z2jh.people["grader"]
    student = z2jh.people["student"][0]
    for person, expected in ((instructor, 200), (ta, 200), (student, 403)):
        # With a token, and as a browser does: the hub's login, then the service's OAuth.
        assert z2jh.call(f"{formgrader}/api/assignments",
                         token=z2jh.tokens[person])[0] == expected, person
        assert _followed(z2jh, z2jh.openers[person], formgrader) == expected, person
    # Nor straight at the formgrader's port, as from a pod inside the cluster.
    direct = urllib.request.Request(
        f"http://127.0.0.1:{z2jh.settings['formgrader_port']}{formgrader}/api/assignments",
        headers={"Authorization": f"token {z2jh.tokens[student]}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(direct, timeout=30)
    refused.value.close()
    assert refused.value.code == 403


async def _run_in_kernel(hub, user, code):
    """Run ``code`` in a new kernel of ``user``'s server, through the hub; its printed text."""
    kernel = hub.ok(f"/user/{user}/api/kernels", method="POST", token=hub.tokens[user],
                    data={"name": "python3"})
    url = (hub.url.replace("https://", "wss://")
           + f"/user/{user}/api/kernels/{kernel['id']}/channels")
    connection = await websocket_connect(HTTPRequest(
        url, headers={"Authorization": f"token {hub.tokens[user]}"},
        ssl_options=hub.context))
    message_id = uuid.uuid4().hex
    await connection.write_message(json.dumps({
        "header": {"msg_id": message_id, "msg_type": "execute_request", "username": user,
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
    printed = []
    try:
        while True:
            message = json.loads(await asyncio.wait_for(connection.read_message(), 60))
            if message.get("parent_header", {}).get("msg_id") != message_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                raise AssertionError("\n".join(message["content"]["traceback"]))
            elif (message["msg_type"], message["content"].get("execution_state")) == (
                    "status", "idle"):
                return "".join(printed)
    finally:
        connection.close()
        hub.call(f"/user/{user}/api/kernels/{kernel['id']}", method="DELETE",
                 token=hub.tokens[user])


def _hand_in_as_others(exchange, classmate, me, outside):
    """Code a student runs in their own kernel: a copy of ``classmate``'s newest submission,
    marked, handed in under ``classmate``'s name, and a folder of their own whose notebook is a
    link to ``outside``; both newer than any real submission."""
    return f"""
import datetime, glob, json, os, shutil
inbound = os.path.join({str(exchange)!r}, {COURSE!r}, "inbound")
later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5)
         ).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
theirs = sorted(glob.glob(os.path.join(inbound, "{classmate}+{ASSIGNMENT}+*")))[-1]
copy = shutil.copytree(theirs, os.path.join(inbound, f"{classmate}+{ASSIGNMENT}+{{later}}"))
notebook = os.path.join(copy, "{ASSIGNMENT}.ipynb")
with open(notebook) as file:
    content = json.load(file)
content["cells"].append({{"cell_type": "markdown", "id": "handed-in-by-{me}",
                          "metadata": {{}}, "source": "Handed in by {me}."}})
with open(notebook, "w") as file:
    json.dump(content, file)
linked = os.path.join(inbound, f"{me}+{ASSIGNMENT}+{{later}}")
os.mkdir(linked)
os.symlink({str(outside)!r}, os.path.join(linked, "{ASSIGNMENT}.ipynb"))
print(len(os.listdir(inbound)), "folders in inbound")
"""


def test_a_class_runs_with_every_server_as_one_account(z2jh):
    timings = z2jh.timings
    pod = pwd.getpwnam(POD)
    (instructor,), students = z2jh.people["instructor"], z2jh.people["student"]
    teacher, formgrader = z2jh.tokens[instructor], f"/services/{COURSE}/formgrader"
    course_dir, exchange = z2jh.root / "course", z2jh.root / "exchange"
    begin = time.monotonic()
    for action in ("assign", "release"):
        assert z2jh.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/{action}", method="POST",
                       token=teacher)["success"], action

    # Three students fetch, answer and submit through their own servers (the Assignments tab):
    # everything; everything but the `1 - a` bug; nothing, with code that, while graded, looks
    # for the gradebook and the solutions (the pod's account owns both).
    released = course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source = course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    wrong = {"hidden_delta": "def hidden_delta(delta_next, W_next, a):\n"
                             "    return (delta_next @ W_next.T) * (1 - a)"}
    snoop = ("def sigmoid(z):\n    raise NotImplementedError()\n\n"
             "import pathlib\n"
             f"print('FOUND', [pathlib.Path(path).exists() for path in "
             f"['{course_dir}/gradebook.db', '{source}', '{exchange}']])\n")
    answers = [answered(released, source), answered(released, source, wrong),
               grading_notebooks.fill_in(released, {"sigmoid": snoop})]
    form = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
    for student, notebook in zip(students, answers):
        listed = z2jh.ok(f"/user/{student}/assignments/fetch", method="POST", form=form,
                         token=z2jh.tokens[student])
        assert [item["assignment_id"] for item in listed["value"]] == [ASSIGNMENT], listed
        mine = z2jh.root / "home" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert mine.stat().st_uid == pod.pw_uid
        z2jh.ok(f"/user/{student}/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", method="PUT",
                token=z2jh.tokens[student], data={"type": "notebook", "content": notebook})
        z2jh.ok(f"/user/{student}/assignments/submit", method="POST", form=form,
                token=z2jh.tokens[student])
    inbound = exchange / COURSE / "inbound"
    handed_in = list(inbound.iterdir())
    assert sorted(folder.name.split("+")[0] for folder in handed_in) == sorted(students)
    assert {path.stat().st_uid for folder in handed_in
            for path in [folder, *folder.rglob("*")]} == {pod.pw_uid}
    timings["release, fetch, submit"] = time.monotonic() - begin

    # What this layout does not protect: the third student's own kernel reads the first's
    # submission and hands it in again, marked, under the first's name; and hands in, under
    # their own, a notebook that is a link to the instructor's (the course folder is mounted
    # where collect runs).
    printed = asyncio.run(_run_in_kernel(
        z2jh, students[2], _hand_in_as_others(exchange, students[0], students[2], source)))
    assert printed == "5 folders in inbound\n", printed

    begin = time.monotonic()
    collected = z2jh.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/collect", method="POST",
                        token=teacher)
    assert collected["success"], collected
    # The link is refused, left in inbound/ and named in the log; the third student's own
    # plain submission is collected instead.
    assert collected["log"].count("Not collected: ") == 1, collected["log"]
    assert f"{students[2]}+{ASSIGNMENT}+" in collected["log"]
    assert "is a symbolic link" in collected["log"]
    assert (inbound / next(folder for folder in os.listdir(inbound) if (
        inbound / folder / f"{ASSIGNMENT}.ipynb").is_symlink())).exists()
    submitted = course_dir / "submitted"
    assert "BEGIN SOLUTION" not in (submitted / students[2] / ASSIGNMENT /
                                    f"{ASSIGNMENT}.ipynb").read_text()
    # The name on the folder is trusted: the first student's newest folder, handed in by the
    # third, is collected as the first's.
    assert f"Handed in by {students[2]}." in (submitted / students[0] / ASSIGNMENT /
                                              f"{ASSIGNMENT}.ipynb").read_text()
    for student in students:
        result = z2jh.ok(f"{formgrader}/api/submission/{ASSIGNMENT}/{student}/autograde",
                         method="POST", token=teacher)
        assert result["success"], result.get("log", result)[-3000:]
    timings["collect, autograde 3"] = time.monotonic() - begin
    # Graded in the sandbox: the third student's code, run as the pod's account, which owns
    # the course folder and the exchange, found none of them.
    graded = nbformat.read(course_dir / "autograded" / students[2] / ASSIGNMENT /
                           f"{ASSIGNMENT}.ipynb", as_version=4)
    found = next(output["text"] for cell in graded.cells for output in cell.get("outputs", [])
                 if output.get("text", "").startswith("FOUND"))
    assert found == "FOUND [False, False, False]\n", found

    begin = time.monotonic()
    for action in ("generate_feedback", "release_feedback"):
        assert z2jh.ok(f"{formgrader}/api/assignment/{ASSIGNMENT}/{action}", method="POST",
                       token=teacher)["success"], action
    for student in students:
        z2jh.ok(f"/user/{student}/assignments/fetch_feedback", method="POST", form=form,
                token=z2jh.tokens[student])
        pages = list((z2jh.root / "home" / student / ASSIGNMENT / "feedback")
                     .glob(f"*/{ASSIGNMENT}.html"))
        assert len(pages) == 1, student
        page = pages[0].read_text()
        assert 'class="katex"' in page
        assert "BEGIN HIDDEN TESTS" not in page
        # The first student's feedback is that of the notebook handed in under their name.
        assert (f"Handed in by {students[2]}." in page) == (student == students[0]), student
    timings["feedback"] = time.monotonic() - begin

    # The grades, exported in the formgrader's pod.
    exported = subprocess.run(
        ["runuser", "-u", POD, "--", "env", f"BACKPROP_EXCHANGE={exchange}",
         str(VENV_BIN / "nbgrader"), "export"],
        cwd=course_dir, capture_output=True, text=True, check=False)
    assert exported.returncode == 0, exported.stderr[-2000:]
    with open(course_dir / "grades.csv", newline="") as file:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert scores[students[0]] > scores[students[1]] > scores[students[2]] == 0, scores
    print("z2jh timings (s): " + ", ".join(f"{what} {seconds:.1f}"
                                           for what, seconds in timings.items()))
