"""@azure/msal-node (tests/clients/node, installed by `npm ci`) against Portico: app-only tokens
with a secret or a certificate, and the device code flow."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from demo import CONTOSO, CONTOSO_ADMIN, CONTOSO_CLI, FABRIKAM, FABRIKAM_ADMIN

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


def node_or_fail():
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "@azure" / "msal-node").is_dir():
        pytest.fail(f"needs node and `npm ci` in {NODE_DIR}")
    return node


def test_msal_node_device_code(portico, page):
    """acquireTokenByDeviceCode: the user approves in Chromium on Portico's verification page."""
    from test_device_code import approve

    proc = subprocess.Popen(
        [node_or_fail(), "device_code.mjs", portico.url("contoso.com"), CONTOSO_CLI],
        cwd=NODE_DIR, env=dict(os.environ, NODE_EXTRA_CA_CERTS=portico.ca),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        device = json.loads(proc.stdout.readline())
        approve(page, {"verification_uri": device["verificationUri"],
                       "user_code": device["userCode"]}, "megan@contoso.com")
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert json.loads(out) == {"tid": CONTOSO, "scp": "User.Read", "username": "megan@contoso.com"}


@pytest.mark.parametrize("kind", ["sha1", "sha256"])
def test_msal_node_client_certificate(portico, tmp_path, kind):
    """clientCertificate: a client assertion with x5t (SHA-1, RS256) or x5t#S256 (PS256)."""
    from cryptography.hazmat.primitives import hashes
    from test_certificate_credential import make_certificate, register

    cert, private_pem = make_certificate()
    register(portico, cert)
    key_file = tmp_path / "key.pem"
    key_file.write_text(private_pem)
    digest = hashes.SHA1() if kind == "sha1" else hashes.SHA256()
    run = subprocess.run(
        [node_or_fail(), "client_certificate.mjs", portico.url("contoso.com"), CONTOSO_ADMIN[0],
         str(key_file), kind, cert.fingerprint(digest).hex()],
        cwd=NODE_DIR, env=dict(os.environ, NODE_EXTRA_CA_CERTS=portico.ca),
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"tid": CONTOSO, "azp": CONTOSO_ADMIN[0]}
