# JupyterHub as Zero-to-JupyterHub lays a class out, on one machine (tests/hub/test_hub_z2jh.py).
# The test writes z2jh.json in the folder the hub runs in and starts the hub of /opt/backprop-hub
# with this file. Hub users have no Unix account, as on Kubernetes: every user's server runs as
# one account (the pods' uid 1000), each in a home folder of its own (a user's volume), and the
# formgrader is an external service registered by its URL, which the test starts itself (its
# own Deployment there). Logins: one shared password (JupyterHub's SharedPasswordAuthenticator),
# standing in for OAuth (no internet here).
import json
import os
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid

from mlp_helpers.grading.logs import drop_access_lines

c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)
drop_access_lines()  # as the one-server hub: only the failed requests are logged
settings = json.loads(Path("z2jh.json").read_text())
course, people = settings["course_id"], settings["people"]
venv_bin = os.path.join(settings["venv"], "bin")
path = f"{os.path.join(settings['prefix'], 'bin')}:{venv_bin}:/usr/local/bin:/usr/bin:/bin"

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [os.path.join(settings["prefix"], "bin",
                                                "configurable-http-proxy")]
c.JupyterHub.db_url = "sqlite:///jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "jupyterhub.pid"
# HTTPS at the hub, as at the cluster's ingress (its certificate made by the test).
c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = settings["ssl_cert"], settings["ssl_key"]

# OAuth's stand-in: anyone on the roster, with the class's one password.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = settings["password"]
# (No hub admins: the shared password lets none in. The formgrader's role is the group's.)
c.Authenticator.allowed_users = {name for names in people.values() for name in names}


class PodSpawner(LocalProcessSpawner):
    """A user's server as the pods' account, in the user's own home folder (their volume)."""

    @property
    def home(self):
        """``<root>/home/<user>``: the user's volume, mounted in their pod alone on Kubernetes."""
        return os.path.join(settings["root"], "home", self.user.name)

    def make_preexec_fn(self, name):
        """Become the pods' account (the user ``name`` has none), in the user's home."""
        become_pod = set_user_setuid(settings["pod"], chdir=False)
        home = self.home

        def preexec():
            become_pod()
            os.chdir(home)

        return preexec

    def user_env(self, env):
        """The pods' account, with the user's home as HOME."""
        env.update(USER=settings["pod"], HOME=self.home, SHELL="/bin/bash")
        return env

    async def start(self):
        """Make the user's home at their first start (as a volume claim is), then start."""
        os.makedirs(self.home, mode=0o700, exist_ok=True)
        os.chown(self.home, settings["pod_uid"], settings["pod_gid"])
        return await super().start()


c.JupyterHub.spawner_class = PodSpawner
c.Spawner.cmd = [os.path.join(venv_bin, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = os.path.join(settings["root"], "home", "{username}")
# The one shared exchange (a ReadWriteMany volume there), for every server, and the global
# nbgrader configuration of the image (its course id and exchange).
c.Spawner.environment = {"PATH": path, "OPENBLAS_NUM_THREADS": "1",
                         "BACKPROP_EXCHANGE": settings["exchange"],
                         "JUPYTER_CONFIG_PATH": settings["image_config"]}
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120

c.JupyterHub.load_groups = {
    f"formgrade-{course}": {"users": people["instructor"] + people["grader"]},
    f"nbgrader-{course}": {"users": people["student"]},
}
c.JupyterHub.load_roles = [
    {"name": "formgrader", "groups": [f"formgrade-{course}"],
     "scopes": [f"access:services!service={course}"]},
    {"name": "class-admin", "services": ["class-admin"],
     "scopes": ["admin:users", "admin:servers", "read:services"]},
]
# The formgrader: registered by its URL, with its token and OAuth client; no command (the hub
# does not start it). The test drives the hub with a token of its own (class-admin).
c.JupyterHub.services = [
    {"name": course,
     "url": f"http://127.0.0.1:{settings['formgrader_port']}",
     "api_token": settings["formgrader_token"],
     "oauth_client_id": f"service-{course}",
     "oauth_redirect_uri": f"/services/{course}/oauth_callback",
     "oauth_no_confirm": True},
    {"name": "class-admin", "api_token": settings["admin_token"]},
]
