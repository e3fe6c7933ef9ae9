"""Test helpers: `Emulator`, JTL's servers in-process, and the pytest fixture `emulator`.

    from jtl_connect import CloudClient
    from jtl_connect.testing import Emulator

    with Emulator() as emu:
        client = CloudClient(emu.client_id, emu.client_secret, emu.tenant_id, emu.endpoints)
        assert client.get("info").status == 200
        assert emu.stats()["token"] == 1

With pytest installed, the package's plugin provides the fixture `emulator` (a fresh
emulator per test) to every test; ``from jtl_connect.testing import emulator`` works too.
"""

from __future__ import annotations

from collections.abc import Iterator

from jtl_connect._native import Emulator, MintedAppToken, MintedToken

__all__ = ["Emulator", "MintedAppToken", "MintedToken", "emulator"]


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
