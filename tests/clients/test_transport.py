"""Transport as the Graph SDKs use it: HTTP/2 (httpx with h2, msgraph-sdk's default), early
refusals answered cleanly rather than as a reset stream, Graph-shaped 413 and 405."""

import asyncio
import concurrent.futures
import json

import httpx

from demo import CONTOSO, CONTOSO_ADMIN

INVITATION = {"invitedUserEmailAddress": "h2@example.com", "inviteRedirectUrl": "https://example.com"}


def _client(portico):
    return httpx.AsyncClient(http2=True, verify=portico.ca)


def _run(coroutine):
    # Other suites (Playwright's sync API) may leave an event loop running on this thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_http2_posts_without_a_token_get_401_not_a_reset_stream(portico):
    # 32 streams at once on one connection, each body larger than the initial flow-control
    # window, so the server answers while clients are still sending.
    body = json.dumps({**INVITATION, "padding": "x" * 100_000})

    async def burst():
        async with _client(portico) as client:
            async def one():
                response = await client.post(
                    portico.url("v1.0/invitations"), content=body,
                    headers={"content-type": "application/json"},
                )
                return response.http_version, response.status_code, response.json()["error"]["code"]
            return await asyncio.gather(*[one() for _ in range(32)], return_exceptions=True)

    for _ in range(3):
        results = _run(burst())
        assert all(r == ("HTTP/2", 401, "InvalidAuthenticationToken") for r in results), results


def test_bodies_over_the_limit_get_a_graph_shaped_413(portico):
    token = portico.app_token(CONTOSO, CONTOSO_ADMIN)
    body = json.dumps({**INVITATION, "padding": "x" * 2_000_000})

    async def send():
        async with _client(portico) as client:
            return await client.post(
                portico.url("v1.0/invitations"), content=body,
                headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
            )

    response = _run(send())
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "RequestEntityTooLarge"
    assert error["innerError"]["request-id"]


def test_an_unserved_method_gets_a_graph_shaped_405(portico):
    token = portico.app_token(CONTOSO, CONTOSO_ADMIN)

    async def send():
        async with _client(portico) as client:
            return await client.delete(
                portico.url("v1.0/organization"), headers={"authorization": f"Bearer {token}"},
            )

    response = _run(send())
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "Request_BadRequest"
