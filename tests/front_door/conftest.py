"""The front door's tests use the console's world (a coordinator, Cora, logged in through the form)."""
from tests.console.conftest import cora, world  # noqa: F401  fixtures
