"""User sign-in (authorization code + PKCE, facts §0, §4.2, §5.4) against the emulator over
real HTTP: the sign-in page, the code exchange, grants in the AccountStore, the user's
client (REST, GraphQL, pagination), refresh with rotation, `invalid_grant` → sign in again,
no secret in any repr or error; and the FastAPI example of examples/user-signin-fastapi."""

from __future__ import annotations

import asyncio
import html
import importlib.util
import json
import logging
import re
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import jtl_connect
from jtl_connect import (
    AccountStore,
    AuthorizationCodeClient,
    SignIn,
    SignInRequiredError,
    StateMismatchError,
    UserGrant,
    aio,
)
from jtl_connect.testing import Emulator

REDIRECT = "http://127.0.0.1:9/callback"
KEY = bytes(range(32))
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "user-signin-fastapi" / "app.py"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _location(request: urllib.request.Request | str) -> str:
    """The `Location` of a redirect answer (which urllib raises as an HTTPError)."""
    try:
        _opener.open(request)
    except urllib.error.HTTPError as answer:
        assert answer.code in (302, 303), answer.code
        return str(answer.headers["Location"])
    raise AssertionError("expected a redirect")


def users(emulator: Emulator) -> list[dict[str, str]]:
    with urllib.request.urlopen(f"{emulator.url}/_emulator/users") as answer:
        found: list[dict[str, str]] = json.load(answer)
    return found


def revoke(emulator: Emulator, user_id: str) -> None:
    body = json.dumps({"user_id": user_id}).encode()
    request = urllib.request.Request(
        f"{emulator.url}/_emulator/users/revoke",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200


def sign_in_on_page(emulator: Emulator, url: str, user_id: str) -> str:
    """Opens the emulator's sign-in page at `url`, presses the button of `user_id`, and
    returns where the browser would be sent back to (the redirect URI with code and state)."""
    with urllib.request.urlopen(url) as answer:
        page = answer.read().decode()
    assert f'data-user="{user_id}"' in page
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    }
    fields["user"] = user_id
    form = urllib.parse.urlencode(fields).encode()
    return _location(urllib.request.Request(f"{emulator.url}/oauth2/auth", data=form))


def query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


@pytest.fixture
def store(tmp_path: Path) -> AccountStore:
    return AccountStore(tmp_path / "accounts.db", master_key=KEY)


def cloud_account(store: AccountStore, emulator: Emulator) -> str:
    account = store.add(
        "jtl-cloud",
        "app",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        environment=emulator.url,
    )
    return account.id


def test_the_whole_flow_through_the_page_and_the_store(
    emulator: Emulator, store: AccountStore, tmp_path: Path
) -> None:
    account_id = cloud_account(store, emulator)
    auth = store.authorization_code_client(account_id, REDIRECT, ["items.read"])
    assert auth.is_confidential and auth.redirect_uri == REDIRECT
    assert auth.scopes == ["openid", "offline_access", "items.read"]
    pending = auth.start()
    params = query(pending.url)
    assert pending.url.startswith(f"{emulator.url}/oauth2/auth?")
    assert params["code_challenge_method"] == "S256"
    assert params["state"] == pending.state.expose()
    assert params["redirect_uri"] == REDIRECT and params["client_id"] == emulator.client_id
    # Kept in a web session as text, restored on the callback.
    saved = pending.to_json().expose()
    restored = SignIn.from_json(saved)
    assert restored.url == pending.url and restored.verifier == pending.verifier

    anna, ben = users(emulator)
    back = sign_in_on_page(emulator, restored.url, anna["id"])
    assert back.startswith(REDIRECT + "?")
    grant = auth.finish_redirect(restored, back)
    assert grant.user_id == anna["id"] and grant.user_name == anna["name"]
    assert grant.tenant_id == emulator.tenant_id
    assert "items.read" in grant.scopes and grant.expires_at > time.time()

    stored = store.save_grant(account_id, grant)
    assert (stored.account_id, stored.user_id, stored.tenant_id) == (
        account_id,
        anna["id"],
        emulator.tenant_id,
    )
    assert [g.user_id for g in store.grants(account_id)] == [anna["id"]]
    assert store.grant(account_id, anna["id"]).to_dict()["user_id"] == anna["id"]

    # Every CloudClient method works as the user.
    client = store.user_client(account_id, anna["id"])
    assert isinstance(client, jtl_connect.CloudClient)
    assert client.tenant_id == emulator.tenant_id
    info = client.get("info").json()
    assert info["user"] == {"id": anna["id"], "name": anna["name"]}
    data = client.graphql("{ QueryItems(first: 3) { nodes { sku } totalCount } }")
    assert len(data["QueryItems"]["nodes"]) == 3
    walked = list(
        client.paginate_graphql(
            "query($first: Int, $after: String) { QueryItems(first: $first, after: $after) "
            "{ nodes { sku } pageInfo { hasNextPage endCursor } totalCount } }",
            connection="QueryItems",
            page_size=25,
        )
    )
    assert len(walked) == data["QueryItems"]["totalCount"]
    assert len(list(client.paginate("items", page_size=50))) == len(walked)
    assert client.access_token().expose() != grant.refresh_token.expose()

    # A second user signs in: their own grant, their own data.
    second = auth.start()
    grant_b = auth.finish_redirect(second, sign_in_on_page(emulator, second.url, ben["id"]))
    store.save_grant(account_id, grant_b)
    ben_info = store.user_client(account_id, ben["id"]).get("info").json()
    assert ben_info["user"] == {"id": ben["id"], "name": ben["name"]}
    assert sorted(g.user_id for g in store.grants(account_id)) == sorted([anna["id"], ben["id"]])

    # Nothing of the tokens in the database file in plain text.
    raw = (tmp_path / "accounts.db").read_bytes()
    for secret in (grant.refresh_token, grant.access_token, grant_b.refresh_token):
        assert secret.expose().encode() not in raw
    with sqlite3.connect(tmp_path / "accounts.db") as db:
        dump = "\n".join(db.iterdump())
    assert grant.refresh_token.expose() not in dump

    # Deleting the grant: the user has to sign in again.
    store.delete_grant(account_id, anna["id"])
    with pytest.raises(jtl_connect.NotFoundError):
        store.grant(account_id, anna["id"])
    with pytest.raises(jtl_connect.NotFoundError):
        store.user_client(account_id, anna["id"])
    # Deleting the account removes its grants.
    store.delete(account_id)
    assert store.grants(account_id) == []
    with pytest.raises(jtl_connect.NotFoundError):
        store.grant(account_id, ben["id"])


def test_finish_checks_the_state_and_a_code_works_once(emulator: Emulator) -> None:
    auth = AuthorizationCodeClient(
        emulator.client_id,
        emulator.client_secret,
        redirect_uri=REDIRECT,
        endpoints=emulator.endpoints,
    )
    anna = users(emulator)[0]
    pending = auth.start()
    back = query(sign_in_on_page(emulator, pending.url, anna["id"]))
    with pytest.raises(StateMismatchError) as crossed:
        auth.finish(pending, "not-the-state", back["code"])
    assert crossed.value.code == "state_mismatch"
    assert back["code"] not in str(crossed.value)
    grant = auth.finish(pending, back["state"], back["code"])
    assert grant.user_id == anna["id"]
    # RFC 6749 §4.1.2: a code works once; its second use is invalid_grant → sign in again.
    with pytest.raises(SignInRequiredError) as reused:
        auth.finish(pending, back["state"], back["code"])
    assert reused.value.code == "sign_in_required"
    assert isinstance(reused.value, jtl_connect.AuthenticationError)
    assert reused.value.error_code == "invalid_grant"
    assert back["code"] not in str(reused.value)
    assert pending.verifier.expose() not in str(reused.value)


def test_refresh_rotates_and_a_replayed_refresh_token_means_sign_in_again(
    emulator: Emulator,
) -> None:
    emulator.update_settings(sign_in_mode="approve")
    auth = AuthorizationCodeClient(
        emulator.client_id,
        emulator.client_secret,
        redirect_uri=REDIRECT,
        endpoints=emulator.endpoints,
    )
    pending = auth.start()
    grant = auth.finish_redirect(pending, _location(pending.url))
    fresh = auth.refresh(grant)
    assert fresh.user_id == grant.user_id
    assert fresh.refresh_token != grant.refresh_token, "rotation: a new refresh token"
    assert fresh.access_token != grant.access_token
    # The old refresh token was rotated away: invalid_grant, never retried.
    before = emulator.stats()["token"]
    with pytest.raises(SignInRequiredError) as replay:
        auth.refresh(grant)
    assert emulator.stats()["token"] == before + 1
    assert grant.refresh_token.expose() not in str(replay.value)
    # Restored from its JSON text (the expiry in whole seconds), a grant works as the original.
    copy = UserGrant.from_json(fresh.to_json())
    assert (copy.user_id, copy.refresh_token, copy.access_token) == (
        fresh.user_id,
        fresh.refresh_token,
        fresh.access_token,
    )
    assert abs(copy.expires_at - fresh.expires_at) < 1
    assert copy == UserGrant.from_json(fresh.to_json().expose())
    assert auth.client(fresh).get("info").json()["user"]["id"] == grant.user_id


def test_a_revoked_grant_makes_the_stored_user_client_ask_to_sign_in_again(
    emulator: Emulator, store: AccountStore
) -> None:
    account_id = cloud_account(store, emulator)
    anna = users(emulator)[0]
    emulator.update_settings(sign_in_mode="approve", token_lifetime_secs=2)
    auth = store.authorization_code_client(account_id, REDIRECT)
    pending = auth.start()
    grant = auth.finish_redirect(pending, _location(pending.url))
    store.save_grant(account_id, grant)
    client = store.user_client(account_id, anna["id"])
    assert client.get("info").status == 200
    first = store.grant(account_id, anna["id"]).access_expires_at
    # The access token runs out: refreshed from the stored refresh token, the rotated one
    # sealed back into the store.
    time.sleep(2.2)
    assert client.get("info").json()["user"]["id"] == anna["id"]
    assert store.grant(account_id, anna["id"]).access_expires_at > first
    revoke(emulator, anna["id"])
    time.sleep(2.2)
    with pytest.raises(SignInRequiredError) as stopped:
        client.get("info")
    assert re.search(r"sign (the user )?in again", str(stopped.value))
    assert grant.refresh_token.expose() not in repr(stopped.value)


def test_denied_sign_in_and_no_secret_in_any_repr(emulator: Emulator) -> None:
    auth = AuthorizationCodeClient(
        emulator.client_id, redirect_uri=REDIRECT, endpoints=emulator.endpoints
    )
    assert not auth.is_confidential
    emulator.update_settings(sign_in_mode="deny")
    pending = auth.start()
    back = _location(pending.url)
    assert query(back)["error"] == "access_denied"
    with pytest.raises(SignInRequiredError) as denied:
        auth.finish_redirect(pending, back)
    assert denied.value.error_code == "access_denied"
    for shown in (repr(pending), str(pending), repr(auth)):
        assert pending.state.expose() not in shown
        assert pending.verifier.expose() not in shown
    assert "Secret('***')" in repr(pending)
    emulator.update_settings(sign_in_mode="approve")
    pending = auth.start()
    grant = auth.finish_redirect(pending, _location(pending.url))
    assert grant.refresh_token.expose() not in repr(grant)
    assert grant.access_token.expose() not in repr(grant)
    with pytest.raises(jtl_connect.InvalidInputError):
        SignIn.from_json("{}")
    with pytest.raises(jtl_connect.InvalidInputError):
        AuthorizationCodeClient(emulator.client_id, redirect_uri="http://example.com/cb")


def test_aio_sign_in_and_user_client(emulator: Emulator, store: AccountStore) -> None:
    account_id = cloud_account(store, emulator)
    emulator.update_settings(sign_in_mode="approve")
    auth = store.async_authorization_code_client(account_id, REDIRECT, ["items.read"])
    assert isinstance(auth, aio.AuthorizationCodeClient)

    async def main() -> dict[str, Any]:
        pending = auth.start()
        back = await asyncio.to_thread(_location, pending.url)
        grant = await auth.finish_redirect(pending, back)
        await asyncio.to_thread(store.save_grant, account_id, grant)
        fresh = await auth.refresh(grant)
        assert fresh.refresh_token != grant.refresh_token
        store.save_grant(account_id, fresh)
        client = store.async_user_client(account_id, grant.user_id)
        infos = await asyncio.gather(*(client.get("info") for _ in range(5)))
        data = await client.graphql("{ QueryItems(first: 2) { nodes { sku } } }")
        assert len(data["QueryItems"]["nodes"]) == 2
        found: dict[str, Any] = infos[0].json()
        return found

    info = asyncio.run(main())
    assert info["user"]["id"] == users(emulator)[0]["id"]


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("user_signin_fastapi", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fastapi_example_signs_users_in_and_shows_their_data(
    emulator: Emulator, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    example = _example()
    base = "http://127.0.0.1"
    env = {
        "JTL_CONNECT_DB": str(tmp_path / "accounts.db"),
        "JTL_CLIENT_ID": emulator.client_id,
        "JTL_CLIENT_SECRET": emulator.client_secret,
        "JTL_ENVIRONMENT": emulator.url,
    }
    # The master key: a key file created beside the database (or JTL_CONNECT_MASTER_KEY).
    store, account_id = example.open_account(env)
    auth = store.async_authorization_code_client(account_id, f"{base}/callback", example.SCOPES)
    app = example.create_app(store, account_id, auth)

    for user in users(emulator):
        with TestClient(app, base_url=base) as browser:
            assert 'id="sign-in"' in browser.get("/").text
            login = browser.get("/login", follow_redirects=False)
            assert login.status_code == 303
            assert login.headers["location"].startswith(f"{emulator.url}/oauth2/auth?")
            assert list(browser.cookies.keys()) == ["sid"]
            back = sign_in_on_page(emulator, login.headers["location"], user["id"])
            assert back.startswith(f"{base}/callback?")
            done = browser.get(back, follow_redirects=False)
            assert done.status_code == 303, done.text
            page = browser.get("/").text
            assert f'<dd id="user-id">{user["id"]}</dd>' in page
            assert f'<dd id="api-user">{user["name"]} ({user["id"]})</dd>' in page
            assert f'<dd id="api-tenant">{emulator.tenant_id}</dd>' in page
            assert page.count("<li>") == 5
    assert len(store.grants(account_id)) == 2

    with TestClient(app, base_url=base) as browser:
        # A callback that was not started here, then one with a forged state.
        assert browser.get("/callback?code=x&state=y").status_code == 400
        login = browser.get("/login", follow_redirects=False)
        forged = browser.get("/callback?code=x&state=forged")
        assert forged.status_code == 400
        assert 'data-code="state_mismatch"' in forged.text
        # Signing in, then out: the grant is deleted.
        anna = users(emulator)[0]
        login = browser.get("/login", follow_redirects=False)
        browser.get(sign_in_on_page(emulator, login.headers["location"], anna["id"]))
        assert browser.post("/logout", follow_redirects=False).status_code == 303
        assert anna["id"] not in [g.user_id for g in store.grants(account_id)]
        with pytest.raises(jtl_connect.NotFoundError):
            store.grant(account_id, anna["id"])
        # Denied at JTL: the sign-in-again error.
        emulator.update_settings(sign_in_mode="deny")
        login = browser.get("/login", follow_redirects=False)
        denied = browser.get(_location(login.headers["location"]))
        assert denied.status_code == 401
        assert 'data-code="sign_in_required"' in denied.text


def test_no_sign_in_secret_in_debug_logs_reprs_or_errors(
    emulator: Emulator, store: AccountStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="jtl_connect")
    jtl_connect.refresh_log_levels()
    try:
        account_id = cloud_account(store, emulator)
        anna = users(emulator)[0]
        auth = store.authorization_code_client(account_id, REDIRECT, ["items.read"])
        pending = auth.start()
        back = sign_in_on_page(emulator, pending.url, anna["id"])
        code = query(back)["code"]
        grant = auth.finish_redirect(pending, back)
        stored = store.save_grant(account_id, grant)
        client = store.user_client(account_id, anna["id"])
        client.get("info")
        fresh = auth.refresh(grant)
        errors: list[BaseException] = []
        attempts: list[Callable[[], UserGrant]] = [
            lambda: auth.refresh(grant),  # rotated away
            lambda: auth.finish_redirect(pending, back),  # the code again
        ]
        for attempt in attempts:
            with pytest.raises(SignInRequiredError) as failed:
                attempt()
            errors.append(failed.value)
        secrets = [
            pending.state.expose(),
            pending.verifier.expose(),
            code,
            grant.refresh_token.expose(),
            grant.access_token.expose(),
            fresh.refresh_token.expose(),
            fresh.access_token.expose(),
            emulator.client_secret,
        ]
        shown = [repr(x) for x in (pending, grant, fresh, stored, auth, client, store)]
        shown += [str(e) for e in errors] + [repr(e) for e in errors]
        shown += [str(stored.to_dict())]
        logged = [record.getMessage() for record in caplog.records]
        assert logged, "debug records of the sign-in were captured"
        for text in shown + logged:
            for secret in secrets:
                assert secret not in text, text
    finally:
        caplog.set_level(logging.WARNING, logger="jtl_connect")
        jtl_connect.refresh_log_levels()
