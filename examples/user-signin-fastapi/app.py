"""Sign a JTL user in from a FastAPI app and call JTL's API as that user, with jtl-connect
(OAuth 2.0 authorization code with PKCE, facts §0, §4.2, §5.4).

    GET  /          signed in: the user's data, read through the API with the user's token;
                    else a "Sign in with JTL" button
    GET  /login     starts a sign-in: keeps the pending sign-in (state + PKCE verifier) in the
                    server-side session, sends the browser to JTL's sign-in page
    GET  /callback  JTL sends the browser back with ``code`` and ``state``: jtl-connect checks
                    the state, exchanges the code (with the verifier), and the user's grant
                    (refresh token sealed) goes into the AccountStore
    POST /logout    forgets the session and deletes the user's stored grant

The session lives on the server (a dict keyed by a random HttpOnly cookie): the state and the
verifier are secrets and never go to the browser. ``pending.to_json()`` is text, so an app on
several machines keeps it in its shared session store instead.

Configuration (environment): JTL_CLIENT_ID, JTL_CLIENT_SECRET, JTL_ENVIRONMENT (``production``,
``beta`` or an emulator URL), JTL_CONNECT_DB (the AccountStore; a temporary one if unset),
PUBLIC_URL (how the browser reaches the app; default http://127.0.0.1:PORT), PORT (8000).

    python app.py        # or: scripts/run.sh (the emulator, this app, everything installed)
"""

# No `from __future__ import annotations`: FastAPI reads the handlers' annotations at run time.
import asyncio
import html
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jtl_connect import AccountStore, JtlError, SignIn, aio

SESSION_COOKIE = "sid"
# What the app asks the user to allow (facts §5.4: `resource.permission`); jtl-connect adds
# `openid` (who the user is) and `offline_access` (a refresh token).
SCOPES = ["items.read"]
ITEMS = "{ QueryItems(first: 5) { nodes { id sku name } totalCount } }"
ACCOUNT_NAME = "user-signin-example"


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title></head>
<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>""",
        status_code=status,
    )


def create_app(store: AccountStore, account_id: str, auth: aio.AuthorizationCodeClient) -> FastAPI:
    """The app. `auth`: ``store.async_authorization_code_client(account_id, redirect_uri)``,
    the redirect URI being this app's ``/callback`` as registered with JTL for the app."""
    sessions: dict[str, dict[str, Any]] = {}
    app = FastAPI(title="JTL user sign-in (jtl-connect example)")

    def session(request: Request) -> Optional[dict[str, Any]]:
        return sessions.get(request.cookies.get(SESSION_COOKIE, ""))

    @app.exception_handler(JtlError)
    async def jtl_error(request: Request, error: JtlError) -> Response:
        # No secret is ever in a JtlError. `sign_in_required` (declined, or the stored grant
        # was revoked or expired) and `state_mismatch` (a forged or stale callback) offer a
        # new sign-in.
        status = {"invalid_input": 400, "state_mismatch": 400, "sign_in_required": 401}
        body = (
            f'<p id="error" data-code="{html.escape(error.code)}">{html.escape(error.message)}</p>'
            '<p><a href="/login">Sign in again</a></p>'
        )
        return page("Error", body, status.get(error.code, 502))

    @app.get("/")
    async def home(request: Request) -> Response:
        current = session(request)
        user = current.get("user") if current else None
        if not user:
            return page(
                "JTL user sign-in (jtl-connect example)",
                '<p>Not signed in.</p><p><a id="sign-in" href="/login">Sign in with JTL</a></p>',
            )
        # A client for the stored user: every CloudClient method, with the user's token
        # (refreshed from the sealed refresh token when it runs out).
        client = store.async_user_client(account_id, user["user_id"])
        info = (await client.get("info")).json()
        items = (await client.graphql(ITEMS))["QueryItems"]
        api_user = info.get("user") or {}  # who the API says the token belongs to
        api_user_text = html.escape(f"{api_user.get('name')} ({api_user.get('id')})")
        rows = "".join(
            f"<li><code>{html.escape(str(i['sku']))}</code> {html.escape(str(i['name']))}</li>"
            for i in items["nodes"]
        )
        return page(
            "Signed in",
            f"""<dl id="user">
  <dt>User</dt><dd id="user-id">{html.escape(user["user_id"])}</dd>
  <dt>Name</dt><dd id="user-name">{html.escape(user["user_name"] or "")}</dd>
  <dt>Tenant</dt><dd id="tenant-id">{html.escape(user["tenant_id"] or "")}</dd>
  <dt>User the API answered for</dt><dd id="api-user">{api_user_text}</dd>
  <dt>Tenant the API answered for</dt><dd id="api-tenant">{html.escape(str(info["tenantId"]))}</dd>
  <dt>Items of the tenant</dt><dd id="item-count">{items["totalCount"]}</dd>
</dl>
<ul id="items">{rows}</ul>
<form method="post" action="/logout"><button id="sign-out">Sign out</button></form>""",
        )

    @app.get("/login")
    async def login(request: Request) -> Response:
        current = session(request)
        response = RedirectResponse("", status_code=303)
        if current is None:
            sid = secrets.token_urlsafe(24)
            current = sessions[sid] = {}
            response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax")
        pending = auth.start()
        # The state and PKCE verifier, kept (as text) until JTL sends the browser back.
        current["pending"] = pending.to_json().expose()
        response.headers["location"] = pending.url
        return response

    @app.get("/callback")
    async def callback(request: Request) -> Response:
        current = session(request)
        saved = current.pop("pending", None) if current else None
        if current is None or saved is None:
            return page("Sign-in failed", '<p id="error">No sign-in was started here.</p>', 400)
        # Checks the state (constant time), reads `code` or JTL's `error` (access_denied →
        # SignInRequiredError), exchanges the code with the verifier.
        grant = await auth.finish_redirect(SignIn.from_json(saved), str(request.url))
        # Sealed in the store (SQLite: off the event loop); the refresh token never leaves it.
        await asyncio.to_thread(store.save_grant, account_id, grant)
        current["user"] = {
            "user_id": grant.user_id,
            "user_name": grant.user_name,
            "tenant_id": grant.tenant_id,
        }
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        sid = request.cookies.get(SESSION_COOKIE, "")
        current = sessions.pop(sid, None)
        if current and current.get("user"):
            await asyncio.to_thread(store.delete_grant, account_id, current["user"]["user_id"])
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    return app


def open_account(env: Mapping[str, str]) -> tuple[AccountStore, str]:
    """Opens the store and adds (or finds) the app's jtl-cloud account from `env`."""
    db = env.get("JTL_CONNECT_DB") or str(
        Path(tempfile.mkdtemp(prefix="user-signin-")) / "accounts.db"
    )
    store = AccountStore(db)
    account = store.find("jtl-cloud", ACCOUNT_NAME) or store.add(
        "jtl-cloud",
        ACCOUNT_NAME,
        client_id=env.get("JTL_CLIENT_ID", ""),
        client_secret=env.get("JTL_CLIENT_SECRET", ""),
        environment=env.get("JTL_ENVIRONMENT", "production"),
    )
    return store, account.id


def main() -> None:
    import uvicorn

    port = int(os.environ.get("PORT", "8000"))
    public_url = os.environ.get("PUBLIC_URL", f"http://127.0.0.1:{port}")
    store, account_id = open_account(os.environ)
    auth = store.async_authorization_code_client(account_id, f"{public_url}/callback", SCOPES)
    print(f"listening on {public_url}", flush=True)
    uvicorn.run(
        create_app(store, account_id, auth), host="127.0.0.1", port=port, log_level="warning"
    )


if __name__ == "__main__":
    main()
