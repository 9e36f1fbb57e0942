# The course's style in JupyterLab (custom/custom.css beside this file: the Validate dialog's
# messages wrap). JupyterLab loads a custom.css when LabApp.custom_css is on
# (jupyter_lab_config.json) and looks for it in the person's own Jupyter folder only; this adds
# the course's folder after it, so that a person's own custom.css still wins.
import os

from jupyter_core.paths import jupyter_config_dir

c = get_config()  # noqa: F821 (defined by Jupyter when it loads this file)
c.ServerApp.tornado_settings = {"static_custom_path": [
    os.path.join(jupyter_config_dir(), "custom"),
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "custom"),
]}
