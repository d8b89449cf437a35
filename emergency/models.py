"""Imports every model, so that metadata (and so Alembic) sees every table."""
from emergency.audit.models import AuditEvent  # noqa: F401
from emergency.plans.models import (  # noqa: F401
    CaredForPerson,
    ContingencyPlan,
    EmergencyContact,
    KeySafeCode,
    PlanVersion,
)
from emergency.users.models import ApiToken, User  # noqa: F401
from emergency.outbox.models import OutboxMessage  # noqa: F401
from emergency.rota.models import (  # noqa: F401
    CalendarFeed,
    DutyOfficer,
    RotaOverride,
    RotaPattern,
    RotaPatternTurn,
)
from emergency.incidents.models import (  # noqa: F401
    DetailsLink,
    EngineHeartbeat,
    Incident,
    IncidentEvent,
    Page,
)
from emergency.telephony.models import InboundRequest, SmsOptOut  # noqa: F401
from emergency.reviews.models import PlanReviewNotice  # noqa: F401
