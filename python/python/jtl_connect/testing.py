"""Test helpers: `Emulator`, JTL's servers on a loopback port, and the pytest fixture `emulator`.

    from jtl_connect import CloudClient
    from jtl_connect.testing import Emulator

    with Emulator() as emu:
        client = CloudClient(emu.client_id, emu.client_secret, emu.tenant_id, emu.endpoints)
        assert client.get("info").status == 200
        assert emu.stats()["token"] == 1

With pytest installed, the package's plugin provides the fixture `emulator` (a fresh
emulator per test) to every test; ``from jtl_connect.testing import emulator`` works too.

The emulator runs as a child process: the `jtl-emulator` binary named by the environment
variable `JTL_EMULATOR_BIN`, else `jtl-emulator` or `jtl-connect` (the CLI, as
`jtl-connect emulator`) on `PATH`. Get it with `cargo install --locked --path emulator` from
a checkout, or from the CLI tarball of `make dist` or the release. It ends with `close()` or
when the test process exits, however it exits.

The methods only name the emulator's admin operations: the arguments are parsed, checked
and defaulted by the emulator crate (`Emulator::control`), the same for every language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jtl_connect._native import EmulatorHandle, Endpoints

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Emulator", "MintedAppToken", "MintedToken", "emulator"]


@dataclass(frozen=True, repr=False)
class MintedToken:
    """A minted App Shell session token."""

    token: str
    kid: str
    expires_at: int
    user_id: str
    tenant_id: str
    customer_id: str | None = None

    def __repr__(self) -> str:
        return (
            f"MintedToken(kid={self.kid!r}, tenant_id={self.tenant_id!r}, "
            f"user_id={self.user_id!r}, expires_at={self.expires_at})"
        )


@dataclass(frozen=True, repr=False)
class MintedAppToken:
    """A minted JTL app token (RS256)."""

    token: str
    kid: str
    expires_at: int
    user_id: str
    tenant_id: str
    audience: list[str]
    app_id: str | None = None
    issuer: str | None = None

    def __repr__(self) -> str:
        return (
            f"MintedAppToken(kid={self.kid!r}, tenant_id={self.tenant_id!r}, "
            f"user_id={self.user_id!r}, expires_at={self.expires_at})"
        )


def _given(**args: Any) -> dict[str, Any]:
    """The arguments that were given (`None` means left out)."""
    return {k: v for k, v in args.items() if v is not None}


class Emulator:
    """A running emulator of JTL's servers on a free loopback port, with the demo
    credentials (`client_id`, `client_secret`, `tenant_id`, `wawi_api_key`,
    `scx_refresh_token`) and the admin operations tests need. A context manager:
    `with Emulator() as emu: ...`. Keyword arguments set the emulator's settings
    (`token_lifetime_secs`, `wawi_auto_approve_ms`, `rate_limit`, `latency_ms`, ...)."""

    def __init__(self, *, port: int = 0, **settings: Any) -> None:
        self._handle = EmulatorHandle({"port": port, "settings": settings})
        self._demo = self._handle.demo

    def _call(self, op: str, args: Mapping[str, Any] | None = None) -> Any:
        return self._handle.control(op, args)

    def close(self) -> None:
        """Stops serving (waits until the port is closed). Idempotent."""
        self._handle.close()

    @property
    def closed(self) -> bool:
        """Whether `close()` was called."""
        return self._handle.closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = ", closed" if self.closed else ""
        return f"Emulator(url={self.url!r}{state})"

    @property
    def url(self) -> str:
        """The base URL, `http://127.0.0.1:<port>` (no trailing slash)."""
        return self._demo["url"]

    @property
    def endpoints(self) -> Endpoints:
        """`Endpoints.emulator(url)`."""
        return Endpoints.emulator(self.url)

    @property
    def wawi_url(self) -> str:
        """The Wawi API base, `<url>/api/eazybusiness`."""
        return self._demo["wawi_url"]

    @property
    def client_id(self) -> str:
        """The demo client id."""
        return self._demo["client_id"]

    @property
    def client_secret(self) -> str:
        """The demo client secret."""
        return self._demo["client_secret"]

    @property
    def tenant_id(self) -> str:
        """The demo tenant."""
        return self._demo["tenant_id"]

    @property
    def second_tenant_id(self) -> str:
        """A second tenant the demo client may use."""
        return self._demo["second_tenant_id"]

    @property
    def foreign_tenant_id(self) -> str:
        """A tenant the demo client may not use (requests for it answer 403)."""
        return self._demo["foreign_tenant_id"]

    @property
    def wawi_api_key(self) -> str:
        """The Wawi API key accepted from the start."""
        return self._demo["wawi_api_key"]

    @property
    def scx_refresh_token(self) -> str:
        """The SCX refresh token accepted from the start."""
        return self._demo["scx_refresh_token"]

    @property
    def scx_seller_refresh_token(self) -> str:
        """The SCX refresh token of a seller accepted from the start (Seller API)."""
        return self._demo["scx_seller_refresh_token"]

    @property
    def app_issuer(self) -> str:
        """The app-token issuer (`iss` of minted app tokens)."""
        return self._demo["app_issuer"]

    @property
    def app_id(self) -> str:
        """The demo app id (`urn:jtl:app_id` and `aud` of minted app tokens)."""
        return self._demo["app_id"]

    @property
    def customer_id(self) -> str:
        """The customer id minted session tokens carry in their payload `kid`."""
        return self._demo["customer_id"]

    @property
    def current_kid(self) -> str:
        """The `kid` of the current session key."""
        kid: str = self._call("current_kid")
        return kid

    def mint_session_token(self, **spec: Any) -> MintedToken:
        """Mints an App Shell session token as JTL documents it (no header `kid`, the
        payload `kid` = `customer_id`). Every keyword is optional: `tenant_id`, `user_id`,
        `tenant_slug`, `ttl_seconds` (negative: already expired), `iss` (`None`: no `iss`
        claim), `customer_id` (`None`: no payload `kid`), `kid` (`"header"`, `"payload"`,
        `"both"`, `"none"`), `key` (`"current"`, `"previous"`, `"unpublished"`), `claims`
        and `header` (extra fields, set last)."""
        return MintedToken(**self._call("mint_session_token", spec))

    def mint_app_token(self, **spec: Any) -> MintedAppToken:
        """Mints a JTL app token (RS256). Every keyword is optional: `tenant_id`,
        `user_id` (`sub`), `app_id` (`None`: no `urn:jtl:app_id`), `audience`,
        `ttl_seconds`, `iss` (`None`: no `iss`), `key` (`"current"`, `"unpublished"`,
        `"foreign"`), `claims` and `header` (set last)."""
        return MintedAppToken(**self._call("mint_app_token", spec))

    def inject_fault(
        self,
        service: str,
        kind: str = "status",
        *,
        status: int | None = None,
        count: int = 1,
        delay_ms: int | None = None,
        retry_after: str | float | None = None,
        body: Any = None,
        expires_in: int | None = None,
        shape: str | None = None,
    ) -> int:
        """Arms a fault on `service` (`token`, `api`, `jwks`, `scx_auth`, `scx`, `wawi`,
        `wawi_registration`) of `kind` (`status`, `delay`, `malformed_json`, `truncated`,
        `drop`, `wrong_content_type`, `expires_in`, `echo`) for the next `count` requests
        (0: until cleared); `shape` is the dialect of an `echo` fault (`erp`, `wawi`,
        `oauth`, `scx`, `problem`, `text`, `cut`). Returns the fault's id."""
        args = _given(
            service=service,
            kind=kind,
            status=status,
            count=count,
            delay_ms=delay_ms,
            retry_after=None if retry_after is None else str(retry_after),
            body=body,
            expires_in=expires_in,
            shape=shape,
        )
        fault_id: int = self._call("inject_fault", args)
        return fault_id

    def clear_faults(self) -> None:
        """Disarms every fault."""
        self._call("clear_faults")

    def stats(self) -> dict[str, Any]:
        """Requests per service (`token`, `api`, ...), per route (`routes`), `faults_served`."""
        stats: dict[str, Any] = self._call("stats")
        return stats

    def rotate_keys(self, grace: float | None = None) -> dict[str, Any]:
        """Rotates the session keys; the old key stays published for `grace` seconds
        (default: the `key_grace_secs` setting). Returns `{current, previous, grace_secs}`."""
        rotated: dict[str, Any] = self._call("rotate_keys", _given(grace_secs=grace))
        return rotated

    def reset(self) -> None:
        """Back to the state at start (clients, data, faults, counters, settings)."""
        self._call("reset")

    def settings(self) -> dict[str, Any]:
        """The current settings."""
        settings: dict[str, Any] = self._call("settings")
        return settings

    def update_settings(self, **changes: Any) -> dict[str, Any]:
        """Changes settings (`token_lifetime_secs`, `latency_ms`, `rate_limit`, ...);
        returns the new settings."""
        settings: dict[str, Any] = self._call("update_settings", changes)
        return settings

    def register_client(
        self,
        client_id: str,
        client_secret: str,
        tenants: Sequence[str] | None = None,
        scopes: Sequence[str] | None = None,
    ) -> None:
        """Registers (or replaces) an OAuth client allowed to use `tenants` (default: the
        demo tenants), limited to `scopes` (`None`: every scope)."""
        args = _given(
            client_id=client_id,
            client_secret=client_secret,
            tenants=None if tenants is None else list(tenants),
            scopes=None if scopes is None else list(scopes),
        )
        self._call("register_client", args)

    def issue_scx_refresh_token(self) -> str:
        """Issues a new SCX refresh token."""
        token: str = self._call("issue_scx_refresh_token")
        return token

    def issue_scx_seller_refresh_token(self) -> str:
        """Issues a new SCX refresh token of a seller (Seller API)."""
        token: str = self._call("issue_scx_seller_refresh_token")
        return token

    def push_scx_event(self, type: str, event: Any = None) -> dict[str, Any]:
        """Queues an SCX event; returns it as `GET /v1/channel/event` will list it."""
        pushed: dict[str, Any] = self._call("push_scx_event", _given(type=type, event=event))
        return pushed

    def scx_dead_letters(self) -> list[dict[str, Any]]:
        """SCX events delivered 10 times without an acknowledgement."""
        letters: list[dict[str, Any]] = self._call("scx_dead_letters")
        return letters

    def issue_wawi_api_key(self, scopes: Sequence[str] | None = None) -> str:
        """Issues a Wawi API key directly (default scopes `["all.read"]`)."""
        args = _given(scopes=None if scopes is None else list(scopes))
        key: str = self._call("issue_wawi_api_key", args)
        return key

    def wawi_registrations(self) -> list[dict[str, Any]]:
        """The Wawi registration requests, decided ones included."""
        registrations: list[dict[str, Any]] = self._call("wawi_registrations")
        return registrations

    def approve_wawi_registration(
        self, registration_id: str, granted_scopes: Sequence[str] | None = None
    ) -> None:
        """Approves a pending Wawi registration (granted scopes default to all requested)."""
        granted = None if granted_scopes is None else list(granted_scopes)
        args = _given(id=registration_id, granted_scopes=granted)
        self._call("approve_wawi_registration", args)

    def reject_wawi_registration(self, registration_id: str) -> None:
        """Rejects a pending Wawi registration."""
        self._call("reject_wawi_registration", {"id": registration_id})


def _emulator() -> Iterator[Emulator]:
    """A fresh emulator of JTL's servers for one test, closed afterwards."""
    with Emulator() as emu:
        yield emu


try:
    import pytest
except ImportError:  # pytest is not a dependency: without it there is no fixture.
    emulator = _emulator
else:
    emulator = pytest.fixture(name="emulator")(_emulator)
