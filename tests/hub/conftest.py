"""When the hub test can run: as root (it creates Unix accounts), with npm (the proxy) and
openssl (the test's HTTPS certificate)."""

import os
import shutil

import pytest

SKIP_REASON = ("hub tests need root, npm and openssl (apt-get install nodejs npm openssl; "
               ".ci/run does it and runs hub/setup.sh install)")


def pytest_collection_modifyitems(config, items):
    if os.geteuid() == 0 and shutil.which("npm") and shutil.which("openssl"):
        return
    for item in items:
        if "tests/hub/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
