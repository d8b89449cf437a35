"""Consent by text: ask a contact whether they agree to be named in a plan, and record the
reply ("AGREE 314" / "REFUSE 314") on the contact and in the plan's history."""
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from emergency.audit import service as audit
from emergency.errors import Conflict, RuleBroken
from emergency.extensions import db
from emergency.names import first_name
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.phones import is_mobile, readable_phone
from emergency.plans import service as plans
from emergency.plans.consent_models import ConsentRequest
from emergency.plans.models import ContingencyPlan, EmergencyContact
from emergency.plans.snapshot import plan_to_dict
from emergency.plans.vocabulary import ConsentRequestStatus, ConsentStatus, PlanStatus
from emergency.wording import phrase

_REPLY = re.compile(r"^(AGREE|REFUSE)(?:\s*#?\s*(\d{1,8}))?[.!]*$")
_CODE_TRIES = 20


@dataclass(frozen=True)
class ConsentReply:
    agreed: bool
    code: str | None


def parse_consent_reply(body: str) -> ConsentReply | None:
    """AGREE 314 / REFUSE 314 (any case, the code optional); None for any other text. Pure."""
    match = _REPLY.match(" ".join((body or "").upper().split()))
    return ConsentReply(match.group(1) == "AGREE", match.group(2)) if match else None


def consent_text(carer_name: str, code: str, language: str = "en") -> str:
    return phrase("consent.ask", language, carer=first_name(carer_name), code=code)


def open_request_for(contact: EmergencyContact) -> ConsentRequest | None:
    return db.session.scalar(select(ConsentRequest).where(ConsentRequest.contact_id == contact.id,
                                                          ConsentRequest.status == ConsentRequestStatus.OPEN))


def open_requests_for(contact_ids: list[int]) -> dict[int, ConsentRequest]:
    """{contact id: their open request}, for the contacts that have one."""
    if not contact_ids:
        return {}
    requests = db.session.scalars(select(ConsentRequest).where(ConsentRequest.contact_id.in_(contact_ids),
                                                               ConsentRequest.status == ConsentRequestStatus.OPEN))
    return {request.contact_id: request for request in requests}


def ask_for_consent(contact: EmergencyContact, *, by, now) -> tuple[ConsentRequest, bool]:
    """Queue the consent text to the contact's mobile: (the request, whether it is new). A
    contact already asked and not yet answered is not texted twice."""
    plan = contact.plan
    if plan.status == PlanStatus.ARCHIVED:
        raise Conflict("the plan is archived and can no longer be changed", field="status")
    if not contact.mobile:
        raise RuleBroken(f"{contact.name} has no mobile number to text; ask them by phone and record "
                         f"their answer in the plan", field="mobile")
    if not is_mobile(contact.mobile):  # saved before mobiles were checked to be mobiles
        raise RuleBroken(f"{contact.name}'s number {readable_phone(contact.mobile)} is not a mobile and cannot take "
                         f"texts; ask them by phone and record their answer in the plan", field="mobile")
    existing = open_request_for(contact)
    if existing is not None and existing.phone == contact.mobile:
        return existing, False
    if existing is not None:  # the number changed since: the old ask can no longer be answered
        existing.status = ConsentRequestStatus.CLOSED
        db.session.flush()
    request = _new_request(contact, plan, by, now)
    queue_message(key=f"consent:{request.id}", channel=Channel.SMS, to_number=contact.mobile,
                  body=consent_text(plan.carer_name, request.code, contact.language), purpose=Purpose.CONSENT, now=now)
    # ids only in the append-only log: an erasure must be able to leave no name or number behind.
    audit.record("plan.consent_asked", user=by, now=now, plan_id=plan.id, detail=f"contact {contact.id}")
    return request, True


def _new_request(contact, plan, by, now) -> ConsentRequest:
    taken = set(db.session.scalars(select(ConsentRequest.code).where(ConsentRequest.phone == contact.mobile,
                                                                     ConsentRequest.status == ConsentRequestStatus.OPEN)))
    for _ in range(_CODE_TRIES):
        code = str(secrets.randbelow(900) + 100)
        if code in taken:
            continue
        request = ConsentRequest(contact_id=contact.id, plan_id=plan.id, phone=contact.mobile, code=code,
                                 status=ConsentRequestStatus.OPEN, asked_at=now,
                                 asked_by=by.username if by else audit.SYSTEM_ACTOR)
        try:
            with db.session.begin_nested():  # another process may take the same code at this moment
                db.session.add(request)
        except IntegrityError:
            taken.add(code)
            continue
        return request
    raise Conflict("this number has too many open consent requests; wait for some replies", field="mobile")


def record_reply(sender: str, reply: ConsentReply, now) -> str:
    """The contact's answer, by text: the words to text back."""
    request = _request_answered(sender, reply.code)
    if isinstance(request, str):
        return request
    contact = request.contact
    plan: ContingencyPlan = contact.plan
    request.status = ConsentRequestStatus.AGREED if reply.agreed else ConsentRequestStatus.REFUSED
    request.answered_at = now
    if contact.mobile != sender:  # the plan now has another number for them: this phone speaks for nobody
        request.status = ConsentRequestStatus.CLOSED
        return phrase("consent.no_longer_open")
    if plan.status != PlanStatus.ARCHIVED:
        before = plan_to_dict(plan)
        contact.consent_status = ConsentStatus.GIVEN if reply.agreed else ConsentStatus.REFUSED
        contact.consent_recorded_on = plans.local_date(now)
        plans.record_change(plan, before, change="consent_by_text", by=None, now=now,
                            reason=f"{contact.name} replied {'AGREE' if reply.agreed else 'REFUSE'} {request.code} "
                                   f"from {sender}")
    audit.record("plan.consent_replied", user=None, now=now, plan_id=plan.id,
                 detail=f"contact {contact.id}: {'agreed' if reply.agreed else 'refused'} by text")
    carer, language = first_name(plan.carer_name), contact.language
    return (phrase("consent.agreed", language, carer=carer) if reply.agreed
            else phrase("consent.refused", language, carer=carer))


def _request_answered(sender: str, code: str | None) -> ConsentRequest | str:
    query = select(ConsentRequest).where(ConsentRequest.phone == sender, ConsentRequest.status == ConsentRequestStatus.OPEN)
    if code:
        request = db.session.scalar(query.where(ConsentRequest.code == code))
        return request or phrase("consent.no_request_with_code", code=code)
    pending = list(db.session.scalars(query.order_by(ConsentRequest.id)))
    if len(pending) == 1:
        return pending[0]
    if not pending:
        return phrase("consent.no_open_request")
    codes = ", ".join(request.code for request in pending)
    return phrase("consent.which_request", count=len(pending), codes=codes)


def contacts_awaiting_consent():
    """A query of (contact, plan) still pending consent on plans in use, oldest plan first."""
    return (select(EmergencyContact, ContingencyPlan)
            .join(ContingencyPlan, EmergencyContact.plan_id == ContingencyPlan.id)
            .where(EmergencyContact.consent_status == ConsentStatus.PENDING, ContingencyPlan.status != PlanStatus.ARCHIVED)
            .order_by(ContingencyPlan.carer_name, ContingencyPlan.id, EmergencyContact.position))
