"""What the daily retention job deletes from the front door: applications declined or withdrawn
before the cut-off (approved ones became plans), drafts never sent, and old mobile codes."""
from sqlalchemy import delete

from emergency.applications.models import Application, ApplicationDraft, MobileCode
from emergency.applications.vocabulary import CLOSED_WITHOUT_PLAN
from emergency.extensions import db


def delete_closed_applications(before) -> int:
    return db.session.execute(delete(Application).where(Application.status.in_(CLOSED_WITHOUT_PLAN),
                                                        Application.status_changed_at < before)).rowcount


def delete_old_codes(before) -> int:
    return db.session.execute(delete(MobileCode).where(MobileCode.sent_at < before)).rowcount


def delete_unsent_drafts(before) -> int:
    # Their codes first: a code's draft may be deleted only once nothing points at it.
    drafts = db.session.scalars(db.select(ApplicationDraft.id).where(ApplicationDraft.created_at < before)).all()
    if drafts:
        db.session.execute(db.update(MobileCode).where(MobileCode.draft_id.in_(drafts)).values(draft_id=None))
    return db.session.execute(delete(ApplicationDraft).where(ApplicationDraft.created_at < before)).rowcount


def delete_applications_of_plan(plan_id: int) -> int:
    """An erased plan's application and review changes (they hold its people's answers)."""
    return db.session.execute(delete(Application).where(Application.plan_id == plan_id)).rowcount
