"""Certificate credentials with MSAL Python: `ConfidentialClientApplication` signs a client
assertion with a certificate registered on the app (docs/token-service.md, "Certificate
credentials") — by SHA-1 thumbprint (RS256, `x5t`) and from the public certificate (PS256,
`x5t#S256`, with `x5c`)."""

import base64
import datetime

import msal
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from demo import CONTOSO, CONTOSO_ADMIN, GRAPH_DEFAULT

APP_ID = CONTOSO_ADMIN[0]


def make_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portico-msal-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return cert, private_pem


def register(portico, cert):
    response = requests.post(
        portico.url(f"portico/v1/tenants/contoso.com/applications/{APP_ID}/keyCredentials"),
        json={"key": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def app_with(portico, credential):
    return msal.ConfidentialClientApplication(
        APP_ID, client_credential=credential, authority=portico.url("contoso.com"),
        instance_discovery=False,
    )


@pytest.mark.parametrize("style", ["thumbprint", "public_certificate"])
def test_msal_authenticates_with_a_registered_certificate(portico, style):
    cert, private_pem = make_certificate()
    added = register(portico, cert)
    sha1 = cert.fingerprint(hashes.SHA1()).hex().upper()
    assert added["customKeyIdentifier"] == sha1
    credential = {"private_key": private_pem}
    if style == "thumbprint":
        credential["thumbprint"] = sha1
    else:
        credential["public_certificate"] = cert.public_bytes(serialization.Encoding.PEM).decode()
    result = app_with(portico, credential).acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    assert "access_token" in result, result
    claims = portico.verify(result["access_token"], CONTOSO)
    assert claims["azp"] == APP_ID and claims["idtyp"] == "app"


def test_an_unregistered_certificate_is_refused(portico):
    cert, private_pem = make_certificate()
    sha1 = cert.fingerprint(hashes.SHA1()).hex().upper()
    app = app_with(portico, {"private_key": private_pem, "thumbprint": sha1})
    result = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    assert (result["error"], result["error_codes"]) == ("invalid_client", [700027]), result
