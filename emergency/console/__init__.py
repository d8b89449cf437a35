"""The coordinators' web console: live incidents first, closing them, the outbox and opt-outs,
and the plans (search, the plan form, the key-safe code, the card, consent by text)."""
from emergency.console import plan_views  # noqa: F401  registers the plan pages on blp
from emergency.console.views import blp

__all__ = ["blp"]
