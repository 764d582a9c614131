"""The whole server on loopback, as the serve suite starts it."""

from tests.integration.serve.conftest import server

__all__ = ["server"]
