"""The coordinators' web console: live incidents first, closing them, the outbox and opt-outs.
Plans and the rota are maintained through the API (its docs page is linked from here)."""
from emergency.console.views import blp

__all__ = ["blp"]
