"""Type stubs of the native module (Rust, PyO3). Import from `jtl_connect`,
`jtl_connect.aio` and `jtl_connect.testing` instead."""

import builtins
import os
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from pathlib import Path
from typing import Any, Literal, final

from typing_extensions import Self, TypeAlias

__version__: str
__all__ = [
    "AccessToken",
    "Account",
    "AccountStore",
    "AsyncAuthorizationCodeClient",
    "AsyncCloudClient",
    "AsyncPaginator",
    "AsyncScxClient",
    "AsyncSessionVerifier",
    "AsyncWawiClient",
    "AuthorizationCodeClient",
    "Cancellation",
    "CloudClient",
    "ConnectionTest",
    "EmulatorHandle",
    "Endpoints",
    "Page",
    "Paginator",
    "ProcessedEvents",
    "Response",
    "ScxClient",
    "ScxEvent",
    "Secret",
    "SellerSignUp",
    "SessionClaims",
    "SessionVerifier",
    "SignIn",
    "StoredGrant",
    "UnverifiedToken",
    "UserGrant",
    "WawiApp",
    "WawiClient",
    "WawiPendingRegistration",
    "WawiRegistration",
    "_Ed25519Floor",
    "__version__",
    "decode_unverified",
    "error_tables",
    "option_schemas",
    "refresh_log_levels",
    "register_wawi_app",
    "register_wawi_app_async",
    "start_wawi_registration",
]

_Scalar: TypeAlias = str | int | float | bool
_ParamValue: TypeAlias = _Scalar | Sequence[_Scalar] | None
_Params: TypeAlias = Mapping[str, _ParamValue] | Iterable[tuple[str, _ParamValue]] | None
_Headers: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]] | None
_SecretLike: TypeAlias = str | Secret
_Json: TypeAlias = Any
"""JSON data: dict (str keys), list, tuple, str, int, float, bool or None."""

def refresh_log_levels() -> None:
    """Re-reads Python's logging levels after they were changed at run time."""

def option_schemas() -> dict[str, list[dict[str, Any]]]:
    """Every option schema of jtl-connect (names, types, defaults), from the core."""

def error_tables() -> dict[str, Any]:
    """The core's error codes (`code -> [meaning, fields]`) and token-invalid reasons."""

def decode_unverified(token: str) -> UnverifiedToken:
    """Header and claims of a JWT, **not verified**: for inspection only."""

@final
class Secret:
    """A secret string; `repr()` and `str()` show `Secret('***')`."""

    def __new__(cls, value: str) -> Self: ...
    def expose(self) -> str:
        """The secret itself: only where it is sent, never to log or display."""
    @property
    def fingerprint(self) -> str:
        """The first 8 hex digits of its SHA-256, for logs."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class _Ed25519Floor:
    """The bare ed25519-dalek check of a token's signature, for bench/python only (not API)."""

    def __new__(cls, x: str) -> _Ed25519Floor: ...
    def verify(self, token: str) -> bool: ...
    def verify_cofactorless(self, token: str) -> bool: ...

@final
class Endpoints:
    """The URLs of JTL's services. `Endpoints(token_url=..., ...)` starts from production."""

    def __new__(
        cls,
        *,
        token_url: str | None = None,
        api_base: str | None = None,
        jwks_url: str | None = None,
        scx_base: str | None = None,
    ) -> Self: ...
    def replace(
        self,
        *,
        token_url: str | None = None,
        api_base: str | None = None,
        jwks_url: str | None = None,
        scx_base: str | None = None,
    ) -> Endpoints: ...
    @staticmethod
    def production() -> Endpoints: ...
    @staticmethod
    def beta() -> Endpoints: ...
    @staticmethod
    def dev() -> Endpoints: ...
    @staticmethod
    def qa() -> Endpoints: ...
    @staticmethod
    def sandbox() -> Endpoints: ...
    @staticmethod
    def emulator(url: str) -> Endpoints: ...
    @staticmethod
    def from_name(name: str) -> Endpoints: ...
    @property
    def name(self) -> str: ...
    @property
    def token_url(self) -> str: ...
    @property
    def api_base(self) -> str: ...
    @property
    def jwks_url(self) -> str: ...
    @property
    def scx_base(self) -> str: ...
    @property
    def graphql_url(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class AccessToken:
    """A bearer token; `repr()` shows a fingerprint and the expiry, never the token."""

    def expose(self) -> str: ...
    @property
    def expires_at(self) -> float:
        """Unix seconds, as `time.time()`."""
    @property
    def obtained_at(self) -> float: ...
    @property
    def scope(self) -> str | None: ...
    @property
    def fingerprint(self) -> str: ...

@final
class Response:
    """A successful (2xx) answer; error answers raise a `JtlError`."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> dict[str, str]:
        """Names in lower case."""
    def header(self, name: str) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def content(self) -> bytes: ...
    def json(self) -> Any: ...
    @property
    def rate_limit(self) -> dict[str, int | None] | None:
        """`limit`, `remaining`, `interval_secs` from JTL's rate-limit headers."""

@final
class Page:
    """One page of a paginated endpoint."""

    @property
    def items(self) -> list[Any]: ...
    @property
    def page_number(self) -> int: ...
    @property
    def page_size(self) -> int | None: ...
    @property
    def total_items(self) -> int | None: ...
    @property
    def total_pages(self) -> int | None: ...
    @property
    def next_page(self) -> int | None: ...
    def __len__(self) -> int: ...

@final
class Paginator(Iterator[Any]):
    """Every record of a paginated endpoint; pages are fetched as iteration reaches them."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> Any: ...
    def next_page(self) -> Page | None: ...
    @property
    def total_items(self) -> int | None: ...
    @property
    def pages_fetched(self) -> int: ...

@final
class AsyncPaginator(AsyncIterator[Any]):
    """Every record of a paginated endpoint, for `async for`."""

    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[Any]: ...
    async def next_page(self) -> Page | None: ...
    @property
    def total_items(self) -> int | None: ...
    @property
    def pages_fetched(self) -> int: ...

@final
class SessionClaims:
    """What a verified session token says."""

    @property
    def tenant_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def customer_id(self) -> str | None:
        """The payload `kid` of a session token: the customer id (never a key id)."""
    @property
    def app_id(self) -> str | None:
        """`urn:jtl:app_id` of an app token."""
    @property
    def tenant_slug(self) -> str | None: ...
    @property
    def expires_at(self) -> int:
        """`exp`, Unix seconds."""
    @property
    def claims(self) -> dict[str, Any]: ...
    def get(self, name: str, default: Any = None) -> Any: ...
    def __getitem__(self, name: str, /) -> Any: ...
    def __contains__(self, name: str, /) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class UnverifiedToken:
    """Header and claims of a token read without verifying anything."""

    @property
    def header(self) -> dict[str, Any]: ...
    @property
    def claims(self) -> dict[str, Any]: ...

@final
class SessionVerifier:
    """Verifies App Shell session tokens against JTL's JWKS."""

    def verify(self, token: str) -> SessionClaims: ...
    @property
    def jwks_url(self) -> str: ...
    def stats(self) -> dict[str, int]: ...

@final
class AsyncSessionVerifier:
    """Verifies App Shell session tokens; `verify` is a coroutine."""

    async def verify(self, token: str) -> SessionClaims: ...
    @property
    def jwks_url(self) -> str: ...
    def stats(self) -> dict[str, int]: ...

@final
class CloudClient:
    """A client of the JTL Cloud ERP API."""

    def __new__(
        cls,
        client_id: str,
        client_secret: _SecretLike,
        tenant_id: str | None = None,
        endpoints: Endpoints | None = None,
        *,
        accept_language: str | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
        token_cache: str | None = None,
    ) -> Self: ...
    @staticmethod
    def from_env() -> CloudClient: ...
    def for_tenant(self, tenant_id: str) -> CloudClient: ...
    def run_as(self, user_id: str) -> CloudClient: ...
    @property
    def client_id(self) -> str: ...
    @property
    def tenant_id(self) -> str | None: ...
    @property
    def endpoints(self) -> Endpoints: ...
    def access_token(self) -> AccessToken: ...
    def session_verifier(
        self,
        *,
        issuer: str | None = None,
        verify_issuer: bool = True,
        require_issuer: bool = False,
        max_lifetime: float | None = None,
        audience: list[str] | None = None,
        algorithms: list[str] | None = None,
        leeway: float | None = None,
        jwks_url: str | None = None,
        jwks_ttl: float | None = None,
        unknown_kid_cooldown: float | None = None,
        max_stale: float | None = None,
        max_token_bytes: int | None = None,
        max_keys_tried: int | None = None,
        required_claims: list[str] | None = None,
        verified_cache_size: int | None = None,
    ) -> SessionVerifier: ...
    def app_token_verifier(
        self,
        app_id: str,
        issuer: str | None = None,
        *,
        leeway: float | None = None,
        max_lifetime: float | None = None,
        jwks_ttl: float | None = None,
        unknown_kid_cooldown: float | None = None,
        max_stale: float | None = None,
        max_token_bytes: int | None = None,
        verified_cache_size: int | None = None,
    ) -> SessionVerifier: ...
    def request(
        self,
        method: str,
        path: str,
        params: _Params = None,
        json: _Json = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def get(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    def post(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def put(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def patch(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def delete(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        json: _Json = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    def page(
        self,
        path: str,
        page_number: int = 1,
        page_size: int | None = None,
        params: _Params = None,
    ) -> Page: ...
    def paginate(
        self, path: str, params: _Params = None, page_size: int | None = None
    ) -> Paginator: ...
    def graphql(
        self,
        query: str,
        variables: Mapping[str, _Json] | None = None,
        operation_name: str | None = None,
        *,
        idempotency_key: str | bool | None = None,
        headers: _Headers = None,
        timeout: float | None = None,
    ) -> dict[str, Any]: ...
    def paginate_graphql(
        self,
        query: str,
        variables: Mapping[str, _Json] | None = None,
        *,
        connection: str,
        page_size: int | None = None,
    ) -> Paginator: ...

@final
class AsyncCloudClient:
    """The Cloud client for asyncio (`jtl_connect.aio.CloudClient`)."""

    def __new__(
        cls,
        client_id: str,
        client_secret: _SecretLike,
        tenant_id: str | None = None,
        endpoints: Endpoints | None = None,
        *,
        accept_language: str | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
        token_cache: str | None = None,
    ) -> Self: ...
    @staticmethod
    def from_env() -> AsyncCloudClient: ...
    def for_tenant(self, tenant_id: str) -> AsyncCloudClient: ...
    def run_as(self, user_id: str) -> AsyncCloudClient: ...
    @property
    def client_id(self) -> str: ...
    @property
    def tenant_id(self) -> str | None: ...
    @property
    def endpoints(self) -> Endpoints: ...
    async def access_token(self) -> AccessToken: ...
    def session_verifier(
        self,
        *,
        issuer: str | None = None,
        verify_issuer: bool = True,
        require_issuer: bool = False,
        max_lifetime: float | None = None,
        audience: list[str] | None = None,
        algorithms: list[str] | None = None,
        leeway: float | None = None,
        jwks_url: str | None = None,
        jwks_ttl: float | None = None,
        unknown_kid_cooldown: float | None = None,
        max_stale: float | None = None,
        max_token_bytes: int | None = None,
        max_keys_tried: int | None = None,
        required_claims: list[str] | None = None,
        verified_cache_size: int | None = None,
    ) -> AsyncSessionVerifier: ...
    def app_token_verifier(
        self,
        app_id: str,
        issuer: str | None = None,
        *,
        leeway: float | None = None,
        max_lifetime: float | None = None,
        jwks_ttl: float | None = None,
        unknown_kid_cooldown: float | None = None,
        max_stale: float | None = None,
        max_token_bytes: int | None = None,
        verified_cache_size: int | None = None,
    ) -> AsyncSessionVerifier: ...
    async def request(
        self,
        method: str,
        path: str,
        params: _Params = None,
        json: _Json = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def get(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    async def post(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def put(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def patch(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def delete(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        json: _Json = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    async def page(
        self,
        path: str,
        page_number: int = 1,
        page_size: int | None = None,
        params: _Params = None,
    ) -> Page: ...
    def paginate(
        self, path: str, params: _Params = None, page_size: int | None = None
    ) -> AsyncPaginator: ...
    async def graphql(
        self,
        query: str,
        variables: Mapping[str, _Json] | None = None,
        operation_name: str | None = None,
        *,
        idempotency_key: str | bool | None = None,
        headers: _Headers = None,
        timeout: float | None = None,
    ) -> dict[str, Any]: ...
    def paginate_graphql(
        self,
        query: str,
        variables: Mapping[str, _Json] | None = None,
        *,
        connection: str,
        page_size: int | None = None,
    ) -> AsyncPaginator: ...

@final
class WawiClient:
    """A client of a JTL-Wawi installation's REST API (`Authorization: Wawi <api key>`)."""

    def __new__(
        cls,
        base_url: str,
        api_key: _SecretLike,
        app_id: str,
        app_version: str,
        api_version: str = ...,  # "1.0"
        *,
        run_as: str | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
    ) -> Self: ...
    @property
    def base_url(self) -> str: ...
    def request(
        self,
        method: str,
        path: str,
        params: _Params = None,
        json: _Json = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def get(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    def post(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def put(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def patch(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def delete(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        json: _Json = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    def page(
        self,
        path: str,
        page_number: int = 1,
        page_size: int | None = None,
        params: _Params = None,
    ) -> Page: ...
    def paginate(
        self, path: str, params: _Params = None, page_size: int | None = None
    ) -> Paginator: ...

@final
class AsyncWawiClient:
    """The Wawi client for asyncio (`jtl_connect.aio.WawiClient`)."""

    def __new__(
        cls,
        base_url: str,
        api_key: _SecretLike,
        app_id: str,
        app_version: str,
        api_version: str = ...,  # "1.0"
        *,
        run_as: str | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
    ) -> Self: ...
    @property
    def base_url(self) -> str: ...
    async def request(
        self,
        method: str,
        path: str,
        params: _Params = None,
        json: _Json = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def get(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    async def post(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def put(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def patch(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def delete(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        json: _Json = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    async def page(
        self,
        path: str,
        page_number: int = 1,
        page_size: int | None = None,
        params: _Params = None,
    ) -> Page: ...
    def paginate(
        self, path: str, params: _Params = None, page_size: int | None = None
    ) -> AsyncPaginator: ...

@final
class ScxEvent:
    """One event of the SCX event queue."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def created_at(self) -> str | None: ...
    @property
    def event(self) -> Any: ...

@final
class ProcessedEvents:
    """What `process_events` did: acknowledged ids, and the events whose handler raised."""

    @property
    def acknowledged(self) -> list[str]: ...
    @property
    def failed(self) -> list[dict[str, str]]: ...

@final
class SellerSignUp:
    """A seller sign-up link (Seller API): `sign_up_url`, `expires_at` (Unix seconds)."""

    @property
    def sign_up_url(self) -> str: ...
    @property
    def expires_at(self) -> float: ...

@final
class ScxClient:
    """A client of the SCX Channel API (refresh token -> cached auth tokens)."""

    def __new__(
        cls,
        refresh_token: _SecretLike,
        endpoints: Endpoints | None = None,
        *,
        accept_language: str | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
        token_cache: str | None = None,
    ) -> Self: ...
    def access_token(self) -> AccessToken: ...
    def events(self) -> list[ScxEvent]: ...
    def acknowledge(self, ids: Iterable[str | ScxEvent]) -> None: ...
    def process_events(self, handler: Callable[[ScxEvent], object]) -> ProcessedEvents: ...
    def seller_sign_up(self, channel: str, user_agent: str) -> SellerSignUp: ...
    def request(
        self,
        method: str,
        path: str,
        params: _Params = None,
        json: _Json = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def get(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    def post(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def put(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def patch(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    def delete(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        json: _Json = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    def page(
        self,
        path: str,
        page_number: int = 1,
        page_size: int | None = None,
        params: _Params = None,
    ) -> Page: ...
    def paginate(
        self, path: str, params: _Params = None, page_size: int | None = None
    ) -> Paginator: ...

@final
class AsyncScxClient:
    """The SCX client for asyncio (`jtl_connect.aio.ScxClient`)."""

    def __new__(
        cls,
        refresh_token: _SecretLike,
        endpoints: Endpoints | None = None,
        *,
        accept_language: str | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
        token_cache: str | None = None,
    ) -> Self: ...
    async def access_token(self) -> AccessToken: ...
    async def events(self) -> list[ScxEvent]: ...
    async def acknowledge(self, ids: Iterable[str | ScxEvent]) -> None: ...
    async def process_events(self, handler: Callable[[ScxEvent], object]) -> ProcessedEvents: ...
    async def seller_sign_up(self, channel: str, user_agent: str) -> SellerSignUp: ...
    async def request(
        self,
        method: str,
        path: str,
        params: _Params = None,
        json: _Json = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def get(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    async def post(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def put(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def patch(
        self,
        path: str,
        json: _Json = None,
        params: _Params = None,
        headers: _Headers = None,
        *,
        timeout: float | None = None,
        idempotent: bool | None = None,
    ) -> Response: ...
    async def delete(
        self,
        path: str,
        params: _Params = None,
        headers: _Headers = None,
        json: _Json = None,
        *,
        timeout: float | None = None,
    ) -> Response: ...
    async def page(
        self,
        path: str,
        page_number: int = 1,
        page_size: int | None = None,
        params: _Params = None,
    ) -> Page: ...
    def paginate(
        self, path: str, params: _Params = None, page_size: int | None = None
    ) -> AsyncPaginator: ...

@final
class WawiApp:
    """How an app presents itself in JTL-Wawi's registration dialog."""

    def __new__(
        cls,
        app_id: str,
        display_name: str,
        version: str,
        *,
        description: str = "",
        provider_name: str = "",
        provider_website: str = "",
        mandatory_scopes: Sequence[str] = ...,
        optional_scopes: Sequence[str] = ...,
        icon_base64: str | None = None,
    ) -> Self: ...
    @property
    def app_id(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def provider_name(self) -> str: ...
    @property
    def provider_website(self) -> str: ...
    @property
    def mandatory_scopes(self) -> list[str]: ...
    @property
    def optional_scopes(self) -> list[str]: ...
    @property
    def icon_base64(self) -> str | None: ...

@final
class WawiRegistration:
    """An approved registration: the permanent API key and the granted scopes."""

    @property
    def app_id(self) -> str: ...
    @property
    def api_key(self) -> Secret: ...
    @property
    def granted_scopes(self) -> list[str]: ...

@final
class Cancellation:
    """Stops a waiting `register_wawi_app` from another thread."""

    def __new__(cls) -> Self: ...
    def cancel(self) -> None: ...
    @property
    def is_cancelled(self) -> bool: ...

def register_wawi_app(
    base_url: str,
    app: WawiApp,
    challenge_code: _SecretLike | None = None,
    *,
    tenant_id: str,
    cancellation: Cancellation | None = None,
    path: str = "v1",
    poll_interval: float = 5.0,
    timeout: float = 600.0,
    deadline: float | None = None,
    max_retries: int | None = None,
    max_retry_after: float | None = None,
    user_agent: str | None = None,
) -> WawiRegistration:
    """Registers `app` with JTL-Wawi and waits until the user accepts it."""

async def register_wawi_app_async(
    base_url: str,
    app: WawiApp,
    challenge_code: _SecretLike | None = None,
    *,
    tenant_id: str,
    cancellation: Cancellation | None = None,
    path: str = "v1",
    poll_interval: float = 5.0,
    timeout: float = 600.0,
    deadline: float | None = None,
    max_retries: int | None = None,
    max_retry_after: float | None = None,
    user_agent: str | None = None,
) -> WawiRegistration:
    """`register_wawi_app` as a coroutine."""

@final
class WawiPendingRegistration:
    """A registration request sent and not yet answered."""

    @property
    def request_id(self) -> str: ...
    def poll(self) -> WawiRegistration | None: ...
    def wait(
        self,
        *,
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        cancellation: Cancellation | None = None,
    ) -> WawiRegistration: ...

def start_wawi_registration(
    base_url: str,
    app: WawiApp,
    challenge_code: _SecretLike | None = None,
    *,
    tenant_id: str,
    path: str = "v1",
    deadline: float | None = None,
    max_retries: int | None = None,
    max_retry_after: float | None = None,
    user_agent: str | None = None,
) -> WawiPendingRegistration:
    """Sends the registration request and returns it pending."""

_System: TypeAlias = Literal["jtl-cloud", "jtl-wawi", "jtl-scx"]
_Field: TypeAlias = str | Secret | bool

@final
class Account:
    """A stored account: never the secret."""

    @property
    def id(self) -> str: ...
    @property
    def system(self) -> _System: ...
    @property
    def name(self) -> str: ...
    @property
    def fields(self) -> dict[str, str]: ...
    @property
    def secret_hint(self) -> str | None: ...
    @property
    def created_at(self) -> int: ...
    @property
    def updated_at(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class ConnectionTest:
    """The outcome of `AccountStore.test_connection()`; true when ok."""

    @property
    def ok(self) -> bool: ...
    @property
    def status(self) -> int | None: ...
    @property
    def code(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    @property
    def elapsed_ms(self) -> int: ...
    def __bool__(self) -> bool: ...

@final
class AccountStore:
    """Connected JTL accounts in an encrypted SQLite store."""

    def __new__(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        master_key: bytes | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
    ) -> Self: ...
    @property
    def path(self) -> Path: ...
    @property
    def key_source(self) -> Literal["environment", "file", "explicit"]: ...
    def add(self, system: _System, name: str, **fields: _Field) -> Account: ...
    def list(self) -> list[Account]: ...
    def get(self, id: str) -> Account: ...
    def find(self, system: _System, name: str) -> Account | None: ...
    def update(self, id: str, name: str | None = None, **fields: _Field) -> Account: ...
    def delete(self, id: str) -> None: ...
    def client(
        self, id: str, tenant_id: str | None = None
    ) -> CloudClient | WawiClient | ScxClient: ...
    def async_client(
        self, id: str, tenant_id: str | None = None
    ) -> AsyncCloudClient | AsyncWawiClient | AsyncScxClient: ...
    def test_connection(self, id: str, tenant_id: str | None = None) -> ConnectionTest: ...
    @property
    def key_generation(self) -> int: ...
    def rotate_master_key(self, new_key: bytes | None = None) -> dict[str, int]: ...
    def authorization_code_client(
        self, account_id: str, redirect_uri: str, scopes: Sequence[str] | None = None
    ) -> AuthorizationCodeClient:
        """A sign-in client for the Cloud account (its client id, secret, environment)."""
    def async_authorization_code_client(
        self, account_id: str, redirect_uri: str, scopes: Sequence[str] | None = None
    ) -> AsyncAuthorizationCodeClient: ...
    def save_grant(self, account_id: str, grant: UserGrant) -> StoredGrant:
        """Keeps a signed-in user's grant, sealed (replacing the user's earlier one)."""
    def grant(self, account_id: str, user_id: str) -> StoredGrant: ...
    def grants(self, account_id: str) -> builtins.list[StoredGrant]: ...
    def delete_grant(self, account_id: str, user_id: str) -> None: ...
    def user_client(
        self, account_id: str, user_id: str, tenant_id: str | None = None
    ) -> CloudClient:
        """A client that calls the API as the stored user (refreshed, rotation kept)."""
    def async_user_client(
        self, account_id: str, user_id: str, tenant_id: str | None = None
    ) -> AsyncCloudClient: ...

@final
class EmulatorHandle:
    """A running emulator (use `jtl_connect.testing.Emulator`, which wraps it)."""

    def __new__(cls, options: Mapping[str, Any] | None = None) -> Self: ...
    @property
    def demo(self) -> dict[str, str]: ...
    def control(self, op: str, args: Mapping[str, Any] | None = None) -> Any: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

@final
class SignIn:
    """A sign-in in progress: send the user to `url`, keep the rest server-side."""

    @property
    def url(self) -> str: ...
    @property
    def state(self) -> Secret: ...
    @property
    def verifier(self) -> Secret: ...
    @property
    def redirect_uri(self) -> str: ...
    @property
    def created_at(self) -> float: ...
    def to_json(self) -> Secret:
        """The whole pending sign-in as JSON text (a secret), for a server-side session."""
    @staticmethod
    def from_json(text: _SecretLike) -> SignIn: ...

@final
class UserGrant:
    """A user's grant to the app: who, which tenant and scopes, and the tokens."""

    @property
    def user_id(self) -> str: ...
    @property
    def user_name(self) -> str | None: ...
    @property
    def tenant_id(self) -> str | None: ...
    @property
    def scopes(self) -> list[str]: ...
    @property
    def expires_at(self) -> float: ...
    @property
    def refresh_token(self) -> Secret: ...
    @property
    def access_token(self) -> Secret: ...
    def to_json(self) -> Secret: ...
    @staticmethod
    def from_json(text: _SecretLike) -> UserGrant: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class StoredGrant:
    """A user's grant as the account store shows it: never a token."""

    @property
    def account_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def user_name(self) -> str | None: ...
    @property
    def tenant_id(self) -> str | None: ...
    @property
    def scopes(self) -> list[str]: ...
    @property
    def access_expires_at(self) -> int: ...
    @property
    def created_at(self) -> int: ...
    @property
    def updated_at(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class AuthorizationCodeClient:
    """Signs JTL users in (authorization code + PKCE) and refreshes their grants."""

    def __new__(
        cls,
        client_id: str,
        client_secret: _SecretLike | None = None,
        *,
        redirect_uri: str,
        scopes: Sequence[str] | None = None,
        endpoints: Endpoints | None = None,
        sign_in_timeout: float | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
    ) -> Self: ...
    @property
    def client_id(self) -> str: ...
    @property
    def redirect_uri(self) -> str: ...
    @property
    def scopes(self) -> list[str]: ...
    @property
    def endpoints(self) -> Endpoints: ...
    @property
    def is_confidential(self) -> bool: ...
    def start(self) -> SignIn: ...
    def finish(self, pending: SignIn, state: str, code: str) -> UserGrant: ...
    def finish_redirect(self, pending: SignIn, redirect: str) -> UserGrant: ...
    def refresh(self, grant: UserGrant) -> UserGrant: ...
    def client(self, grant: UserGrant, tenant_id: str | None = None) -> CloudClient: ...

@final
class AsyncAuthorizationCodeClient:
    """`AuthorizationCodeClient` for asyncio (`jtl_connect.aio.AuthorizationCodeClient`)."""

    def __new__(
        cls,
        client_id: str,
        client_secret: _SecretLike | None = None,
        *,
        redirect_uri: str,
        scopes: Sequence[str] | None = None,
        endpoints: Endpoints | None = None,
        sign_in_timeout: float | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int | None = None,
        max_retry_after: float | None = None,
        user_agent: str | None = None,
    ) -> Self: ...
    @property
    def client_id(self) -> str: ...
    @property
    def redirect_uri(self) -> str: ...
    @property
    def scopes(self) -> list[str]: ...
    @property
    def endpoints(self) -> Endpoints: ...
    @property
    def is_confidential(self) -> bool: ...
    def start(self) -> SignIn: ...
    async def finish(self, pending: SignIn, state: str, code: str) -> UserGrant: ...
    async def finish_redirect(self, pending: SignIn, redirect: str) -> UserGrant: ...
    async def refresh(self, grant: UserGrant) -> UserGrant: ...
    def client(self, grant: UserGrant, tenant_id: str | None = None) -> AsyncCloudClient: ...
