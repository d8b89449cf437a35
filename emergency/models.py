"""Imports every model, so that metadata (and so Alembic) sees every table."""
from emergency.applications.models import Application, ApplicationDraft, MobileCode  # noqa: F401
from emergency.audit.models import AuditEvent  # noqa: F401
from emergency.cover.models import Cover, CoverAsk, CoverLink, SocialCareReferral  # noqa: F401
from emergency.incidents.models import (  # noqa: F401
    DetailsLink,
    EngineHeartbeat,
    HandOver,
    Incident,
    IncidentEvent,
    Page,
)
from emergency.outbox.models import OutboxMessage, ProviderHealth, SmsOptOut  # noqa: F401
from emergency.plans.consent_models import ConsentRequest  # noqa: F401
from emergency.plans.models import (  # noqa: F401
    CaredForPerson,
    ContingencyPlan,
    EmergencyContact,
    KeySafeCode,
    PlanVersion,
)
from emergency.providers.models import CareProvider, ProviderCapability, ProviderDistrict  # noqa: F401
from emergency.reports.models import KeptReport  # noqa: F401
from emergency.reviews.models import CarerReviewLink, PlanReviewNotice  # noqa: F401
from emergency.rota.models import (  # noqa: F401
    CalendarFeed,
    DutyOfficer,
    RotaOverride,
    RotaPattern,
    RotaPatternTurn,
)
from emergency.telephony.models import InboundRequest, PutThrough  # noqa: F401
from emergency.users.models import ApiToken, LoginFailure, ShownOnce, User  # noqa: F401
from emergency.wording.prompts import RecordedPrompt  # noqa: F401
from emergency.wording.reviews import LanguageReview  # noqa: F401
