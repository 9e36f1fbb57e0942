#!/usr/bin/env bash
# A JupyterHub for one class on this Linux server (docs/hub.md). As root, from the repository:
#
#   sudo hub/setup.sh roster.csv          # or: sudo make hub ROSTER=roster.csv
#
# installs what the hub needs (Debian packages, JupyterHub and the course in a venv on the
# system Python that every user can read, configurable-http-proxy from npm), copies the course
# to the grader account's folder, makes the shared exchange outside it, creates the Unix accounts
# and groups of the roster, adds its students to the gradebook (with the names and e-mail
# addresses of its optional columns: hub/roster.py), and writes the hub's settings. Then `$HUB_PREFIX/bin/start-hub`
# starts it (in the foreground; docs/hub.md shows a systemd unit). Run it again after editing
# the roster, then restart the hub: it only adds what is missing, and keeps the settings of the
# earlier run that are not given again (`hub/roster.py --remove` deletes accounts).
#
# `hub/setup.sh install` does the installs only (CI does this before the tests).
# Settings (environment): HUB_PREFIX (/opt/backprop-hub), HUB_COURSE_DIR (/srv/backprop/course),
# HUB_EXCHANGE (/srv/nbgrader/exchange), HUB_AUTH (pam; dummy, any password, for trials on a closed machine), HUB_IP
# (127.0.0.1; 0.0.0.0 to serve the network, behind HTTPS), HUB_PORT (8000), HUB_SSL_CERT and
# HUB_SSL_KEY (PEM files: the hub serves HTTPS itself).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${HUB_PREFIX:-/opt/backprop-hub}
CHP_VERSION=5.3.0
JUPYTERHUB_VERSION=6.1.1

if [ "$(id -u)" != 0 ]; then
    echo "hub/setup.sh creates Unix accounts and a service: run it as root (sudo)." >&2
    exit 1
fi

install_all() {
    local missing=()
    command -v npm >/dev/null || missing+=(nodejs npm)
    command -v bwrap >/dev/null || missing+=(bubblewrap)
    /usr/bin/python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
    mkdir -p "$PREFIX/bin" "$PREFIX/etc"
    chmod 755 "$PREFIX"
    # The venv is built on the system Python: every user's server and every grading sandbox
    # must read it (a pyenv Python under root's 0700 home would not do).
    [ -x "$PREFIX/venv/bin/python" ] || /usr/bin/python3 -m venv "$PREFIX/venv"
    # The course package is installed as a copy (not editable): the repository may live in a
    # folder the students must not read. Built afresh: setuptools keeps in build/ every module
    # an earlier version had, and would install one the course has since removed (a grading
    # kernel would then find an old reference that its kernel edition does not stub).
    rm -rf "$REPO/build"
    "$PREFIX/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
        "jupyterhub==$JUPYTERHUB_VERSION" "jupyter-server-mathjax==0.2.6" "$REPO"
    if ! "$PREFIX/node/node_modules/.bin/configurable-http-proxy" --version >/dev/null 2>&1; then
        npm install --silent --no-fund --no-audit --prefix "$PREFIX/node" \
            "configurable-http-proxy@$CHP_VERSION"
    fi
    ln -sf "$PREFIX/node/node_modules/.bin/configurable-http-proxy" "$PREFIX/bin/"
    install -m 644 "$REPO/hub/jupyterhub_config.py" "$PREFIX/etc/jupyterhub_config.py"
    install -m 755 "$REPO/hub/roster.py" "$PREFIX/bin/roster"
    # What every server sees: students get the Assignments tab and Validate only. The
    # formgrader service turns the grading extensions back on for itself (on its command line,
    # hub/jupyterhub_config.py).
    local etc="$PREFIX/venv/etc/jupyter"
    mkdir -p "$etc/jupyter_server_config.d" "$etc/labconfig"
    cat > "$etc/jupyter_server_config.d/zz-backprop-hub.json" <<'JSON'
{"ServerApp": {"jpserver_extensions": {
  "nbgrader.server_extensions.formgrader": false,
  "nbgrader.server_extensions.course_list": false,
  "nbgrader.server_extensions.assignment_list": true,
  "nbgrader.server_extensions.validate_assignment": true}}}
JSON
    # A terminal is bash with its server's environment (the venv on its PATH: `nbgrader`,
    # `python`), not a login shell, whose /etc/profile resets PATH. (The files of
    # jupyter_server_config.d/ set extensions only.)
    cat > "$etc/jupyter_server_config.json" <<'JSON'
{"ServerApp": {"terminado_settings": {"shell_command": ["/bin/bash"]}},
 "LabApp": {"custom_css": true}}
JSON
    # The course's JupyterLab defaults (jupyter/README.md): no news pop-up, no update check (a
    # class server need not reach the internet), Markdown opens rendered.
    install -m 644 "$REPO/jupyter/labconfig/default_setting_overrides.json" "$etc/labconfig/"
    # The course's stylesheet (jupyter/README.md): the Validate dialog's messages wrap.
    install -D -m 644 "$REPO/jupyter/custom/custom.css" "$etc/custom/custom.css"
    install -m 644 "$REPO/jupyter/jupyter_server_config.py" "$etc/jupyter_server_config.py"
    cat >> "$etc/jupyter_server_config.py" <<'PY'

# On the hub, each server logs only the requests that failed: the hub's log gathers them all.
from mlp_helpers.grading.logs import drop_access_lines  # noqa: E402

drop_access_lines()
PY
    # Grading refuses when the course's nbgrader_config.py does not load (grading_guard.py).
    install -m 644 "$REPO/jupyter/nbgrader_config.py" "$etc/nbgrader_config.py"
    cat > "$etc/labconfig/page_config.json" <<'JSON'
{"disabledExtensions": {
  "@jupyter/nbgrader:formgrader": true,
  "@jupyter/nbgrader:create-assignment": true,
  "@jupyter/nbgrader:course-list": true}}
JSON
    # The formgrader service reads these settings too (JUPYTER_CONFIG_PATH, set by the hub): its
    # Jupyter server's own files, kernels and conversions are closed, so that a grader, who may
    # reach the service, grades there and changes nothing else in the course folder. The
    # formgrader's pages and API are not among them.
    mkdir -p "$etc-formgrader"
    cat > "$etc-formgrader/jupyter_server_config.py" <<'PY'
from jupyter_server.auth import AllowAllAuthorizer


class FormgraderOnly(AllowAllAuthorizer):
    """Refuse the Jupyter server's own APIs (403); the formgrader's are not checked here."""

    closed = {"contents", "kernels", "kernelspecs", "sessions", "nbconvert", "terminals"}

    def is_authorized(self, handler, user, action, resource):
        return resource not in self.closed


c = get_config()  # noqa: F821
c.ServerApp.authorizer_class = FormgraderOnly
PY
    # Instructors' servers read these settings too (JUPYTER_CONFIG_PATH, set by the hub): the
    # Create Assignment toolbar, to make questions in the browser.
    mkdir -p "$etc-instructors/labconfig"
    cat > "$etc-instructors/labconfig/page_config.json" <<'JSON'
{"disabledExtensions": {"@jupyter/nbgrader:create-assignment": false}}
JSON
    cat > "$PREFIX/bin/start-hub" <<SH
#!/bin/sh
# Starts the class's JupyterHub in the foreground (as root: it starts servers as their users).
# BACKPROP_HUB_STATE: the folder of hub.json and roster.json (default: $PREFIX/etc).
cd "\${BACKPROP_HUB_STATE:-$PREFIX/etc}" && PATH="$PREFIX/bin:$PREFIX/venv/bin:\$PATH" \\
    exec "$PREFIX/venv/bin/jupyterhub" -f "$PREFIX/etc/jupyterhub_config.py" "\$@"
SH
    chmod 755 "$PREFIX/bin/start-hub"
}

install_all
[ "${1:-}" = install ] && exit 0

ROSTER=${1:?"usage: hub/setup.sh roster.csv   (or: hub/setup.sh install)"}
# A setting left out keeps its value from an earlier run (hub/roster.py), else its default.
"$PREFIX/venv/bin/python" "$PREFIX/bin/roster" --prefix "$PREFIX" --repo "$REPO" \
    ${HUB_COURSE_DIR:+--course-dir "$HUB_COURSE_DIR"} ${HUB_EXCHANGE:+--exchange "$HUB_EXCHANGE"} \
    ${HUB_AUTH:+--authenticator "$HUB_AUTH"} ${HUB_IP:+--ip "$HUB_IP"} \
    ${HUB_PORT:+--port "$HUB_PORT"} \
    ${HUB_SSL_CERT:+--ssl-cert "$HUB_SSL_CERT"} ${HUB_SSL_KEY:+--ssl-key "$HUB_SSL_KEY"} \
    "$ROSTER"
# The grader account generates assignments from what instructors write in source/, and their
# copies of the course's files keep its mode (0660, the instructors' group): it joins that group.
grader=$("$PREFIX/venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["grader"])' \
    "$PREFIX/etc/hub.json")
usermod --append --groups backprop-instructors "$grader"
echo "Start the hub with: sudo $PREFIX/bin/start-hub   (docs/hub.md)"
