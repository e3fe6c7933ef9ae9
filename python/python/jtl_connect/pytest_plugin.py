"""pytest plugin (entry point ``pytest11``): makes the `emulator` fixture of
`jtl_connect.testing` available to every test."""

from __future__ import annotations

from jtl_connect.testing import emulator

__all__ = ["emulator"]
