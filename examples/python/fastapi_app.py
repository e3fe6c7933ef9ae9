"""A FastAPI backend for a JTL App Shell app: every request carries the App Shell session
token (``Authorization: Bearer <token>``), a dependency verifies it, and the handlers act
for the token's tenant.

    export JTL_CLIENT_ID=... JTL_CLIENT_SECRET=...   # the app's credentials
    export JTL_ENVIRONMENT=http://127.0.0.1:8787     # optional: the emulator
    uvicorn fastapi_app:app

Try it against the emulator (``cargo run -p jtl-emulator -- --port 8787``): mint a token with
``curl -s localhost:8787/_emulator/session-tokens --json '{}'`` and call
``curl -H "Authorization: Bearer $TOKEN" localhost:8000/api/me``.
"""

# No `from __future__ import annotations`: FastAPI reads the annotations of the handlers
# below at run time, and `Session` is local to create_app.
from functools import lru_cache
from typing import Annotated, Any, Optional

from fastapi import Depends, FastAPI, Header, HTTPException

from jtl_connect import SessionClaims, TokenVerificationError, aio


def create_app(client: Optional[aio.CloudClient] = None) -> FastAPI:
    """The app; `client` defaults to `aio.CloudClient.from_env()`, made on first use."""

    @lru_cache(maxsize=1)
    def cloud() -> aio.CloudClient:
        return client if client is not None else aio.CloudClient.from_env()

    @lru_cache(maxsize=1)
    def verifier() -> aio.SessionVerifier:
        # Keys are fetched once and cached; one verifier serves every request.
        return cloud().session_verifier()

    async def session(authorization: Annotated[str, Header()] = "") -> SessionClaims:
        """The verified claims of the request's session token, or 401."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, "expected Authorization: Bearer <session token>")
        try:
            return await verifier().verify(token)
        except TokenVerificationError as error:
            raise HTTPException(401, f"session token refused: {error.reason}") from error

    Session = Annotated[SessionClaims, Depends(session)]
    app = FastAPI(title="JTL App Shell backend (jtl-connect example)")

    @app.get("/api/me")
    async def me(claims: Session) -> dict[str, Any]:
        return {
            "tenantId": claims.tenant_id,
            "userId": claims.user_id,
            "tenantSlug": claims.tenant_slug,
            "expiresAt": claims.expires_at,
        }

    @app.get("/api/items")
    async def items(claims: Session, page: int = 1) -> Any:
        # The ERP API for the session's tenant; handles share the app's token cache.
        tenant = cloud().for_tenant(claims.tenant_id)
        response = await tenant.get("items", params={"pageNumber": page, "pageSize": 10})
        return response.json()

    return app


app = create_app()
