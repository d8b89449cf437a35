"""A coordinator's decision on an application: approved (its plan made by the plan service, every
contact asked for consent by text, the carer told), declined (the carer texted the reason), and
the confirmation emailed when the carer gave an address. Texts say no more than the decision."""
from emergency.applications.models import Application
from emergency.applications.service import move
from emergency.applications.vocabulary import DECLINE_REASONS, OPEN_STATUSES, ApplicationKind, ApplicationStatus
from emergency.audit import service as audit
from emergency.errors import DomainError, RuleBroken
from emergency.names import first_name
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.plans.consent import ask_for_consent
from emergency.plans.models import ContingencyPlan
from emergency.wording import phrase
from emergency.wording.languages import is_configured, language_named

MOST_DECLINE_WORDS = 300


def approve(application: Application, plan: ContingencyPlan, *, by, now) -> dict:
    """The plan was made from the application: the application says so, each contact with a
    mobile is asked for consent, and the carer is texted. {'asked': n, 'not_asked': [names]}."""
    move(application, ApplicationStatus.APPROVED, by=by, now=now, allowed_from=OPEN_STATUSES)
    application.plan_id = plan.id
    application.decided_by_id = by.id if by else None
    asked, not_asked = 0, []
    for contact in plan.contacts:
        try:
            _, new = ask_for_consent(contact, by=by, now=now)
            asked += int(new)
        except DomainError:  # a landline only: the coordinator asks by phone
            not_asked.append(contact.name)
    if plan.carer_mobile:
        queue_message(key=f"application-approved:{application.id}", channel=Channel.SMS, to_number=plan.carer_mobile,
                      body=phrase("front_door.approved_text", _carers(plan.carer_preferred_language),
                                  name=first_name(plan.carer_name), card=plan.card_number),
                      purpose=Purpose.APPLICATION_DECISION, now=now)
    return {"asked": asked, "not_asked": not_asked}


def decline(application: Application, reason: str, words: str, *, by, now, call: str) -> bool:
    """Texts the carer (if they gave a mobile) the reason and the coordinator's own words;
    whether a text was queued."""
    if reason not in DECLINE_REASONS:
        raise RuleBroken("choose a reason", field="reason")
    words = (words or "").strip()
    if len(words) > MOST_DECLINE_WORDS:
        raise RuleBroken(f"keep your own words under {MOST_DECLINE_WORDS} characters", field="words")
    if "\x00" in words:
        raise RuleBroken("your own words must not contain NUL characters", field="words")
    if reason == "other" and not words:
        raise RuleBroken("say why in your own words", field="words")
    move(application, ApplicationStatus.DECLINED, by=by, now=now, allowed_from=OPEN_STATUSES)
    application.decline_reason, application.decline_words = reason, words or None
    application.decided_by_id = by.id if by else None
    mobile = (application.answers.get("carer") or {}).get("mobile")
    if not mobile:
        return False
    language = language_named((application.answers.get("carer") or {}).get("preferred_language") or "")
    said = {"reference": application.reference, "reason": decline_reason_words(reason, _carers(language)),
            "words": words, "call": call}
    body = phrase("review.declined_text", _carers(language), **said) \
        if application.kind == ApplicationKind.REVIEW_UPDATE else phrase("front_door.declined_text", _carers(language), **said)
    queue_message(key=f"application-declined:{application.id}", channel=Channel.SMS, to_number=mobile,
                  body=body.replace("  ", " "),
                  purpose=Purpose.APPLICATION_DECISION, now=now)
    return True


def _carers(language: str | None) -> str:
    """The carer's language for their texts, where the line has its words; else English."""
    return language if is_configured(language) else "en"


def decline_reason_words(reason: str, language: str = "en") -> str:
    return {"not_a_carer": phrase("front_door.decline.not_a_carer", language),
            "outside_area": phrase("front_door.decline.outside_area", language),
            "already_has_plan": phrase("front_door.decline.already_has_plan", language),
            "could_not_reach": phrase("front_door.decline.could_not_reach", language),
            "other": phrase("front_door.decline.other", language)}[reason]


def email_confirmation(application: Application, plan: ContingencyPlan, *, by, now) -> str:
    """Emails the carer that their plan is made (no health details, no key-safe code); the address."""
    email = (application.answers.get("about") or {}).get("email")
    if application.status != ApplicationStatus.APPROVED or not email:
        raise RuleBroken("only an approved application whose carer gave an email address", field="email")
    queue_message(key=f"application-email:{application.id}", channel=Channel.EMAIL, to_email=email,
                  subject=phrase("front_door.email.subject"),
                  body=phrase("front_door.email.body", name=first_name(plan.carer_name), card=plan.card_number,
                              reference=application.reference),
                  purpose=Purpose.APPLICATION_DECISION, now=now)
    audit.record("application.emailed", user=by, now=now, plan_id=plan.id, detail=application.reference)
    return email
