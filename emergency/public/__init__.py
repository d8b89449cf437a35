"""Pages without a login: the carers' front door (applying, a professional's referral)."""
from emergency.public import apply_views, refer_views  # noqa: F401  their routes join the blueprint
from emergency.public.views import blp

__all__ = ["blp"]
