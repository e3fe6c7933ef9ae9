"""The jtl_connect clients for asyncio: every method that talks to JTL is a coroutine.

    from jtl_connect import aio

    async def main() -> None:
        client = aio.CloudClient.from_env()
        info = (await client.get("info")).json()
        async for item in client.paginate("items"):
            ...

The work runs on jtl_connect's native runtime, never on the event loop's thread; the
loop only waits. Cancelling a task cancels the request. Clients are cheap to create and
safe to share between tasks and threads.
"""

from __future__ import annotations

from jtl_connect._native import AsyncAuthorizationCodeClient as AuthorizationCodeClient
from jtl_connect._native import AsyncCloudClient as CloudClient
from jtl_connect._native import AsyncPaginator as Paginator
from jtl_connect._native import AsyncScxClient as ScxClient
from jtl_connect._native import AsyncSessionVerifier as SessionVerifier
from jtl_connect._native import AsyncWawiClient as WawiClient
from jtl_connect._native import register_wawi_app_async as register_wawi_app

__all__ = [
    "AuthorizationCodeClient",
    "CloudClient",
    "Paginator",
    "ScxClient",
    "SessionVerifier",
    "WawiClient",
    "register_wawi_app",
]
