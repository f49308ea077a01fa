"""Fixtures for the client-library tests: one Portico server for the session (demo world, fresh CA),
reset before every test, and a headless Debian Chromium that trusts Portico's CA.

PORTICO_BIN overrides the server binary (default: target/debug/portico in this repository).
"""

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import jwt
import msal
import pytest
import requests

from demo import GRAPH, GRAPH_DEFAULT

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Only loopback resolves: a wrong redirect (to evil.example, say) never leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]


def pytest_configure(config):
    # MSAL nudges towards response_mode=form_post; these tests use the default query mode.
    config.addinivalue_line(
        "filterwarnings", "ignore:response_mode='form_post' is recommended:UserWarning"
    )


class Portico:
    """A running server: its base URL (ending in '/'), CA certificate and log files."""

    def __init__(self, base, ca, logs):
        self.base, self.ca, self.logs = base, ca, logs
        self.host = urlparse(base).netloc  # localhost:PORT

    def url(self, path):
        return self.base + path.lstrip("/")

    def issuer(self, tenant_id):
        return f"{self.base}{tenant_id}/v2.0"

    def token_endpoint(self, tenant):
        return self.url(f"{tenant}/oauth2/v2.0/token")

    def jwks(self, tenant):
        context = ssl.create_default_context(cafile=self.ca)
        return jwt.PyJWKClient(self.url(f"{tenant}/discovery/v2.0/keys"), ssl_context=context)

    def verify(self, token, tenant_id, audience=GRAPH):
        """Checks signature (tenant's JWKS), audience, issuer and lifetime; returns the claims."""
        key = self.jwks(tenant_id).get_signing_key_from_jwt(token)
        return jwt.decode(
            token, key, algorithms=["RS256"], audience=audience, issuer=self.issuer(tenant_id),
            options={"require": ["iss", "aud", "exp", "iat", "nbf", "tid"]},
        )

    def app_token(self, tenant, client):
        """An app-only Graph access token from MSAL's client credentials flow."""
        client_id, secret = client
        app = msal.ConfidentialClientApplication(
            client_id, client_credential=secret, authority=self.url(tenant),
            instance_discovery=False,
        )
        result = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
        assert "access_token" in result, result
        return result["access_token"]


def _read_banner(proc, stdout_path, timeout=30):
    """The first two stdout lines: 'Portico is serving BASE on ADDR' and 'Trust ...: CA'."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = stdout_path.read_text().splitlines()
        if len(lines) >= 2:
            assert lines[0].startswith("Portico is serving "), lines[0]
            base = lines[0].split()[3]
            ca = lines[1].split(": ", 1)[1].strip()
            assert base.endswith("/"), base
            return base, ca
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"Portico did not start (exit {proc.poll()}); see {stdout_path.parent}")


def portico_binary():
    binary = os.environ.get("PORTICO_BIN") or str(REPO / "target/debug/portico")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no Portico binary at {binary}: build it or set PORTICO_BIN")
    return binary


@contextlib.contextmanager
def serve(logs, extra_args=(), extra_env=None, ca_dir=None):
    """`portico serve --demo` on a free loopback port with its CA in `ca_dir` (default: a new
    one under `logs`); yields a `Portico` once /healthz answers, then stops it (SIGTERM)."""
    # The server reads its options from PORTICO_* variables too: keep the caller's out.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTICO_")}
    env["PORTICO_CA_DIR"] = str(ca_dir or logs / "ca")
    env.update(extra_env or {})
    with open(logs / "stdout.log", "w") as out, open(logs / "stderr.log", "w") as err:
        proc = subprocess.Popen(
            [portico_binary(), "serve", "--demo", "--listen", "127.0.0.1:0", *extra_args],
            stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
        )
    try:
        base, ca = _read_banner(proc, logs / "stdout.log")
        for _ in range(100):
            try:
                if requests.get(base + "healthz", verify=ca, timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{base}healthz never answered 200")
        yield Portico(base, ca, logs)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def portico(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("portico")) as server:
        saved = {k: os.environ.get(k) for k in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")}
        os.environ.update(REQUESTS_CA_BUNDLE=server.ca, SSL_CERT_FILE=server.ca)  # msal, azure-identity, urllib
        yield server
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(autouse=True)
def reset(portico):
    """Every test starts from the demo world as seeded."""
    response = requests.post(portico.url("portico/v1/reset"), timeout=10)
    assert response.status_code == 204, response.text


@pytest.fixture(scope="session")
def browser(portico, tmp_path_factory):
    """Headless Debian Chromium (Playwright's own browser downloads are not available here).

    Chromium on Linux trusts the NSS database in $HOME/.pki/nssdb, so the browser gets a HOME of
    its own whose database trusts Portico's CA: TLS is verified, not ignored.
    """
    from playwright.sync_api import sync_playwright

    certutil = shutil.which("certutil")
    if certutil is None or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"needs {CHROMIUM} and certutil (apt-get install chromium libnss3-tools)")
    home = tmp_path_factory.mktemp("browser-home")
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run([certutil, "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True)
    subprocess.run(
        [certutil, "-A", "-d", f"sql:{nssdb}", "-n", "Portico CA", "-t", "C,,", "-i", portico.ca],
        check=True,
    )
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=dict(os.environ, HOME=str(home))
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser profile (no cookies) per test."""
    context = browser.new_context(ignore_https_errors=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


class _Loopback(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"Signed in. You can close this page."
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback():
    """A native app's loopback redirect URI, http://localhost:PORT, with a server answering it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Loopback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}"
    server.shutdown()
    server.server_close()
