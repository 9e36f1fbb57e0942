# JupyterHub for one class on one server (docs/hub.md). hub/setup.sh copies this file to
# PREFIX/etc; it reads hub.json and roster.json (written by hub/roster.py) from the folder the
# hub runs in, or from BACKPROP_HUB_STATE. Real Unix accounts, one server each
# (LocalProcessSpawner), the course's formgrader as a hub service run by the grader account.
import contextlib
import json
import logging
import os
import pwd
from pathlib import Path

from jupyterhub.handlers import BaseHandler
from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.utils import url_path_join
from tornado import web

from mlp_helpers.grading.logs import drop_access_lines

c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)
# The hub logs every HTTP request (most of a class's log): only the failed ones are kept.
drop_access_lines()
state = Path(os.environ.get("BACKPROP_HUB_STATE", os.getcwd()))
hub = json.loads((state / "hub.json").read_text())
people = json.loads((state / "roster.json").read_text())
course = hub["course_id"]
venv_bin = os.path.join(hub["venv"], "bin")
path = f"{os.path.join(hub['prefix'], 'bin')}:{venv_bin}:/usr/local/bin:/usr/bin:/bin"

c.JupyterHub.ip = hub["ip"]
c.JupyterHub.port = hub["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = hub.get("hub_port", 8081)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub.get('proxy_api_port', 8001)}"
c.ConfigurableHTTPProxy.command = [os.path.join(hub["prefix"], "bin", "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
# HTTPS on the hub's own port, when setup.sh was given a certificate (HUB_SSL_CERT, HUB_SSL_KEY);
# behind a reverse proxy that does HTTPS, leave them out.
if hub.get("ssl_cert"):
    c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = hub["ssl_cert"], hub["ssl_key"]

# Who may log in: the roster. PAM checks their Unix passwords (the real thing, and what the test
# logs in with); "dummy" lets anyone on the roster in with any password, for a trial on a closed
# machine only. OAuth: docs/hub.md.
if hub["authenticator"] == "dummy":
    c.JupyterHub.authenticator_class = "dummy"
else:
    c.JupyterHub.authenticator_class = "pam"
everyone = set(people["instructor"]) | set(people["grader"]) | set(people["student"])
c.Authenticator.allowed_users = everyone
c.Authenticator.admin_users = set(people["instructor"])

# Each person's server runs as their own Unix user, in their home folder, from the shared venv.
# An instructor's also authors the course: the course folder as ~/course, the settings of
# <venv>/etc/jupyter-instructors (the Create Assignment toolbar on), and files the grader
# account can generate from (umask 002: the folder's group, the instructors' and the grader
# account's, may write what they make there; no one else may enter the folder).
INSTRUCTORS_CONFIG = os.path.join(hub["venv"], "etc", "jupyter-instructors")


class CourseSpawner(LocalProcessSpawner):
    """A person's server; an instructor's sees the course folder and may author in it."""

    def make_preexec_fn(self, name):
        """Become ``name``; an instructor then gets umask 002 and ``~/course``."""
        become_user = super().make_preexec_fn(name)
        if name not in people["instructor"]:
            return become_user
        link = os.path.join(pwd.getpwnam(name).pw_dir, "course")

        def preexec():
            become_user()
            os.umask(0o002)
            # Made by the instructor, in their home; whatever they put there instead is kept.
            with contextlib.suppress(FileExistsError):
                os.symlink(hub["course_dir"], link)

        return preexec

    def get_env(self):
        """The server's environment; an instructor's reads the instructors' settings too."""
        environment = super().get_env()
        if self.user.name in people["instructor"]:
            environment["JUPYTER_CONFIG_PATH"] = INSTRUCTORS_CONFIG
        return environment


c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [os.path.join(venv_bin, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"PATH": path, "OPENBLAS_NUM_THREADS": "1",
                         "BACKPROP_EXCHANGE": hub["exchange"]}
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120

# Groups: graders (and instructors) reach the formgrader; students take the course.
c.JupyterHub.load_groups = {
    "instructors": {"users": people["instructor"]},
    f"formgrade-{course}": {"users": people["instructor"] + people["grader"]},
    f"nbgrader-{course}": {"users": people["student"]},
}
c.JupyterHub.load_roles = [
    {"name": "formgrader", "groups": [f"formgrade-{course}"],
     "scopes": [f"access:services!service={course}"]},
]

# The formgrader, as a service: a Jupyter server run by the grader account in the course
# folder, with the grading extensions turned on for it alone. Its own browser tab at
# /services/<course>/formgrader works under JupyterHub >= 4.1 (the tab inside JupyterLab is
# blank there: nbgrader #1870). It serves the formgrader only: no JupyterLab (whose page never
# finished loading there), no terminal as the grader account, and no file, kernel or conversion
# API (its settings in <venv>/etc/jupyter-formgrader); instructors author in their own
# JupyterLab. Its umask is 002, as instructors' servers' (above).
not_served = [f"{extension}=False" for extension in
              ("jupyterlab", "notebook", "jupyter_lsp", "jupyter_server_terminals")]
c.JupyterHub.services = [{
    "name": course,
    "url": f"http://127.0.0.1:{hub['formgrader_port']}",
    "command": ["/bin/sh", "-c", 'umask 002 && exec "$0" "$@"',
                os.path.join(venv_bin, "jupyterhub-singleuser"),
                f"--ServerApp.root_dir={hub['course_dir']}",
                # The grading extension, off in every person's server, on for this one.
                "--ServerApp.jpserver_extensions", "nbgrader.server_extensions.formgrader=True",
                *(argument for extension in not_served
                  for argument in ("--ServerApp.jpserver_extensions", extension))],
    "user": hub["grader"],
    "cwd": hub["course_dir"],
    "oauth_no_confirm": True,
    "environment": {"PATH": path, "OPENBLAS_NUM_THREADS": "1",
                    "BACKPROP_EXCHANGE": hub["exchange"],
                    "JUPYTERHUB_DEFAULT_URL": "/formgrader",
                    # Its server's files, kernels and conversions closed (hub/setup.sh).
                    "JUPYTER_CONFIG_PATH": os.path.join(hub["venv"], "etc",
                                                        "jupyter-formgrader")},
}]


class CourseFileHandler(BaseHandler):
    """The formgrader's links to the course's files, into the instructor's own JupyterLab.

    The formgrader links an assignment's name to ``/tree/source/<id>`` (and a notebook to
    ``/notebooks/...``) at the root of the hub's address, where a Jupyter server alone would
    serve them; the hub sends such a request to ``/hub/tree/...``, and this opens the same path
    in the course folder (``~/course``) of the instructor's JupyterLab.
    """

    @web.authenticated
    def get(self, path):
        """Send an instructor to ``path`` in their course folder; refuse anyone else."""
        if self.current_user.name not in people["instructor"]:
            raise web.HTTPError(403, "only the course's instructors open its files")
        self.redirect(url_path_join(self.hub.base_url, "user-redirect/lab/tree/course", path))


c.JupyterHub.extra_handlers = [(r"/(?:tree|notebooks|edit)/(.*)", CourseFileHandler)]
# At every start the hub warns that extra_handlers is deprecated in favour of services; no
# service can answer at the hub's /tree, so the warning tells the instructor nothing to do.
logging.getLogger("JupyterHub").addFilter(
    lambda record: "extra_handlers is deprecated" not in record.getMessage())

# Tests (and scripts) drive the hub with a token of their own, given in this variable only.
token = os.environ.get("BACKPROP_HUB_ADMIN_TOKEN")
if token:
    c.JupyterHub.services.append({"name": "class-admin", "api_token": token})
    c.JupyterHub.load_roles.append({"name": "admin", "services": ["class-admin"]})
