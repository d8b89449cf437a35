"""The coordinators' web console: live incidents first, closing them, the outbox and opt-outs;
the plans (search, the plan form, the key-safe code, the card, consent by text); the rota (week
view, overrides, patterns, officers, CSV, calendar feeds) and, for admins, people; kept texts
the line could not handle, until a coordinator marks each dealt with; a plan's letters and the
print queue; applications and referrals from the front door; care providers and emergency cover.
A duty officer sees only their own shifts and the incidents they were asked about."""
from emergency.console import (  # noqa: F401  their routes join the blueprint
    application_views,
    cover_views,
    kept_text_views,
    language_views,
    letter_views,
    people_views,
    plan_views,
    provider_views,
    review_update_views,
    rota_views,
)
from emergency.console.views import blp

__all__ = ["blp"]
