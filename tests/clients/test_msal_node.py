"""@azure/msal-node (tests/clients/node, installed by `npm ci`) gets app-only tokens from Portico."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from demo import CONTOSO, CONTOSO_ADMIN, FABRIKAM, FABRIKAM_ADMIN

NODE_DIR = Path(__file__).parent / "node"


@pytest.mark.parametrize("tenant, client, tid", [
    ("contoso.com", CONTOSO_ADMIN, CONTOSO),
    (CONTOSO, CONTOSO_ADMIN, CONTOSO),
    ("fabrikam.com", FABRIKAM_ADMIN, FABRIKAM),
])
def test_msal_node_client_credentials(portico, tenant, client, tid):
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "@azure" / "msal-node").is_dir():
        pytest.fail(f"needs node and `npm ci` in {NODE_DIR}")
    run = subprocess.run(
        [node, "client_credentials.mjs", portico.url(tenant), *client],
        cwd=NODE_DIR, env=dict(os.environ, NODE_EXTRA_CA_CERTS=portico.ca),
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"tid": tid}
