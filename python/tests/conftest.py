"""Shared fixtures. `emulator` (a fresh emulator per test) comes from the
package's own pytest plugin, as it does for users."""

from __future__ import annotations

import pytest

import jtl_connect
from jtl_connect import aio
from jtl_connect.testing import Emulator


@pytest.fixture
def client(emulator: Emulator) -> jtl_connect.CloudClient:
    """A Cloud client of the emulator's demo app for the demo tenant."""
    return jtl_connect.CloudClient(
        emulator.client_id, emulator.client_secret, emulator.tenant_id, emulator.endpoints
    )


@pytest.fixture
def aio_client(emulator: Emulator) -> aio.CloudClient:
    """The same, for asyncio."""
    return aio.CloudClient(
        emulator.client_id, emulator.client_secret, emulator.tenant_id, emulator.endpoints
    )
