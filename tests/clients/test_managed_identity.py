"""azure-identity's ManagedIdentityCredential, unmodified, against Portico's managed identity
endpoints (docs/managed-identity.md): the App Service protocol through IDENTITY_ENDPOINT
and IDENTITY_HEADER, IMDS through AZURE_POD_IDENTITY_AUTHORITY_HOST. Both are HTTPS URLs of the
server; the SDK's HTTP stack trusts Portico's CA through REQUESTS_CA_BUNDLE."""

import pytest
import requests
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import ManagedIdentityCredential

from conftest import serve
from demo import CONTOSO, CONTOSO_ADMIN, GRAPH, GRAPH_DEFAULT

PAYROLL = "c0c0a004-0000-4000-8000-000000000004"  # Contoso Payroll, a user-assigned identity
HEADER = "portico-local-identity-header"
IDENTITY_VARIABLES = (
    "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT",
    "MSI_ENDPOINT", "MSI_SECRET", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE",
)


@pytest.fixture(scope="module")
def identities(tmp_path_factory):
    """A dev-mode server whose managed identities are Contoso's admin app (system-assigned)
    and its payroll app."""
    args = [
        "--managed-identity", f"contoso.com/{CONTOSO_ADMIN[0]}",
        "--managed-identity", f"{CONTOSO}/{PAYROLL}",
        "--identity-header", HEADER,
    ]
    with serve(tmp_path_factory.mktemp("managed-identity"), args) as server:
        yield server


@pytest.fixture
def environment(identities, monkeypatch):
    """A clean environment that trusts the server's CA; each test adds what a developer sets."""
    for name in IDENTITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", identities.ca)
    monkeypatch.setenv("SSL_CERT_FILE", identities.ca)
    return monkeypatch


def graph_accepts(server, token):
    response = requests.get(
        server.url("v1.0/organization"), headers={"Authorization": f"Bearer {token}"},
        verify=server.ca, timeout=10,
    )
    return response.status_code == 200


def test_app_service_endpoint(identities, environment):
    environment.setenv("IDENTITY_ENDPOINT", identities.url("msi/token"))
    environment.setenv("IDENTITY_HEADER", HEADER)
    access = ManagedIdentityCredential().get_token(GRAPH_DEFAULT)
    claims = identities.verify(access.token, CONTOSO, audience=GRAPH)
    assert claims["azp"] == CONTOSO_ADMIN[0] and claims["idtyp"] == "app"
    assert abs(access.expires_on - claims["exp"]) <= 60
    assert graph_accepts(identities, access.token)

    payroll = ManagedIdentityCredential(client_id=PAYROLL).get_token(GRAPH_DEFAULT)
    assert identities.verify(payroll.token, CONTOSO)["azp"] == PAYROLL


def test_imds_endpoint(identities, environment):
    environment.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", identities.base.rstrip("/"))
    access = ManagedIdentityCredential().get_token(GRAPH_DEFAULT)
    claims = identities.verify(access.token, CONTOSO)
    assert claims["azp"] == CONTOSO_ADMIN[0]
    assert abs(access.expires_on - claims["exp"]) <= 60
    assert graph_accepts(identities, access.token)

    user_assigned = ManagedIdentityCredential(client_id=PAYROLL).get_token(GRAPH_DEFAULT)
    assert identities.verify(user_assigned.token, CONTOSO)["azp"] == PAYROLL


def test_a_wrong_identity_header_is_refused(identities, environment):
    environment.setenv("IDENTITY_ENDPOINT", identities.url("msi/token"))
    environment.setenv("IDENTITY_HEADER", "not-the-header")
    with pytest.raises(ClientAuthenticationError):
        ManagedIdentityCredential().get_token(GRAPH_DEFAULT)


def test_an_unknown_identity_is_unavailable(identities, environment):
    environment.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", identities.base.rstrip("/"))
    unknown = "00000000-0000-4000-8000-00000000beef"
    with pytest.raises(ClientAuthenticationError, match="Identity not found"):
        ManagedIdentityCredential(client_id=unknown).get_token(GRAPH_DEFAULT)


def test_the_session_server_has_no_managed_identity(portico):
    """Without --managed-identity (and always outside dev mode) the endpoints do not exist."""
    response = requests.get(
        portico.url("metadata/identity/oauth2/token"),
        params={"api-version": "2018-02-01", "resource": GRAPH},
        headers={"Metadata": "true"}, verify=portico.ca, timeout=10,
    )
    assert response.status_code == 404
