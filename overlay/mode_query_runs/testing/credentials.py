"""The mock server's demo account and credentials.

A module of constants only: the pytest plugin, loaded at every pytest start, reads
``DEMO_ACCOUNT`` from here without loading PyYAML or the server.
"""

__all__ = ["DEMO_ACCOUNT", "DEMO_SECRET", "DEMO_TOKEN"]

DEMO_ACCOUNT = "acme"
"""The account of the bundled recordings, and the mock server's when cassettes name none."""
DEMO_TOKEN = "demo-token"
"""The API token the mock server accepts."""
DEMO_SECRET = "demo-secret"
"""The API secret the mock server accepts."""
