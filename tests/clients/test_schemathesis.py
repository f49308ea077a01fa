"""schemathesis against the committed OpenAPI description (docs/openapi/graph.json) on running
servers: every Graph operation with generated parameters, query options and bodies (the bodies'
schemas are generated from the handlers' own types), as the demo tenant's admin app, on SQLite
(fuzzing phase) and, when PORTICO_TEST_DATABASE_URL answers, on PostgreSQL (coverage and fuzzing
phases). Checks: no 5xx ever, and every response whose shape the description states (the Graph
error envelope) has that shape.

PORTICO_SCHEMATHESIS_EXAMPLES sets the examples per operation (default 15, the CI size); see
docs/fuzzing.md for the long form.
"""

import collections
import itertools
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from conftest import REPO, serve
from demo import CONTOSO, CONTOSO_ADMIN

EXAMPLES = int(os.environ.get("PORTICO_SCHEMATHESIS_EXAMPLES", "15"))


def _schema(coverage):
    """The description, tested by hypothesis (the fuzzing phase, EXAMPLES per operation) and,
    when `coverage`, by schemathesis' coverage phase (boundary and invalid values of every
    parameter and property, about 80 cases per operation whatever EXAMPLES is)."""
    phases = {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}}
    config = schemathesis.Config.from_dict({"phases": phases})
    return schemathesis.openapi.from_path(str(REPO / "docs/openapi/graph.json"), config=config)


SCHEMA = _schema(coverage=True)
FUZZ_ONLY = _schema(coverage=False)

# Collections whose members' ids the `{id}` of an item path can take, and the property holding it.
COLLECTIONS = {
    "/v1.0/policies/crossTenantAccessPolicy/partners": "tenantId",
}


def _postgres_url():
    """A fresh database on the test server, or None when none answers."""
    url = os.environ.get("PORTICO_TEST_DATABASE_URL")
    if not url:
        return None
    name = f"portico_schemathesis_{uuid.uuid4().hex[:12]}"
    created = subprocess.run(["psql", url, "-Atqc", f"CREATE DATABASE {name}"], capture_output=True)
    if created.returncode != 0:
        pytest.fail(f"cannot create a database at {url}: {created.stderr.decode()}")
    parts = urlparse(url)
    return url, name, urlunparse(parts._replace(path="/" + name))


@pytest.fixture(scope="module")
def postgres_server(portico, tmp_path_factory):
    found = _postgres_url()
    if found is None:
        pytest.skip("PORTICO_TEST_DATABASE_URL is not set")
    admin_url, name, url = found
    key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # a throwaway master key
    logs = tmp_path_factory.mktemp("portico-postgres")
    try:
        # The same CA as the session's server: clients trust it already.
        ca_dir = Path(portico.ca).parent
        args = ["--database-url", url]
        with serve(logs, args, {"PORTICO_MASTER_KEY": key}, ca_dir) as running:
            yield running
    finally:
        subprocess.run(["psql", admin_url, "-Atqc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])


def _token(server):
    return server.app_token("contoso.com", CONTOSO_ADMIN)


def _known_ids(server, token):
    """Ids that exist in the demo world, by collection path."""
    known = {}
    paths = {p.split("/{")[0] for p in SCHEMA.raw_schema["paths"] if "{" in p}
    for path in sorted(paths):
        url = server.url(path.replace("{tenant}", CONTOSO))
        response = requests.get(url, headers={"Authorization": f"Bearer {token}"}, verify=server.ca)
        if response.status_code == 200 and "value" in response.json():
            field = COLLECTIONS.get(path, "id")
            # Never the caller's own registration: deleting it would end the run's credentials.
            known[path] = [
                item[field] for item in response.json()["value"]
                if field in item and item.get("appId") != CONTOSO_ADMIN[0]
            ]
    return known


def _world(server):
    requests.post(server.url("portico/v1/reset"), verify=server.ca, timeout=30)
    statuses = collections.Counter()
    yield _known_ids(server, _token(server)), statuses
    # The figures docs/fuzzing.md quotes (shown with pytest -s).
    print(f"\nschemathesis on {server.base}: {sum(statuses.values())} requests, {dict(statuses)}")


@pytest.fixture(scope="module")
def sqlite_world(portico):
    yield from _world(portico)


@pytest.fixture(scope="module")
def postgres_world(postgres_server):
    yield from _world(postgres_server)


@pytest.fixture
def sqlite_token(portico):
    """A token per operation: the session's server is reset (new keys) before every test."""
    return _token(portico)


@pytest.fixture
def postgres_token(postgres_server):
    return _token(postgres_server)


_turn = itertools.count()


def _use_known_ids(case, known):
    """Every other case names objects that exist, so reads and writes reach the store."""
    if not case.path_parameters or next(_turn) % 2:
        return
    path = case.operation.path
    for name in list(case.path_parameters):
        if name == "tenant":
            case.path_parameters[name] = CONTOSO
        elif name == "memberId":
            ids = known.get("/v1.0/users") or []
            case.path_parameters[name] = ids[next(_turn) % len(ids)] if ids else "x"
        else:
            ids = known.get(path.split("/{" + name + "}")[0]) or []
            if ids:
                case.path_parameters[name] = ids[next(_turn) % len(ids)]


def _check(case, server, world, token):
    known, statuses = world
    _use_known_ids(case, known)
    response = case.call(
        base_url=server.base.rstrip("/"),
        headers={"Authorization": f"Bearer {token}"},
        verify=server.ca,
        timeout=30,
    )
    statuses[response.status_code] += 1
    if os.environ.get("PORTICO_SCHEMATHESIS_TRACE"):
        print(case.method, case.operation.path, response.status_code, response.text[:200])
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


HYPOTHESIS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ_ONLY.parametrize()
@HYPOTHESIS
def test_sqlite_no_server_errors_and_documented_shapes(case, portico, sqlite_world, sqlite_token):
    _check(case, portico, sqlite_world, sqlite_token)


# PostgreSQL gets the coverage phase too: it is where odd text (U+0000) became a 500.
@SCHEMA.parametrize()
@HYPOTHESIS
def test_postgres_no_server_errors_and_documented_shapes(
    case, postgres_server, postgres_world, postgres_token
):
    _check(case, postgres_server, postgres_world, postgres_token)
