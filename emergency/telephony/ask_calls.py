"""A call that asks a person to help: its words, the key they press (1 accepts, 2 declines),
the plan's essentials read to an accepter, and no key at all. Callers commit."""
from emergency.audit import service as audit
from emergency.extensions import db
from emergency.incidents import answers, messages
from emergency.incidents.messages import first_name
from emergency.incidents.models import Page
from emergency.plans.models import KeySafeCode
from emergency.wording import phrase
from emergency.wording.languages import spoken


def ask_words(page: Page) -> str:
    return messages.ask_call(page.incident.plan_snapshot, page.code, page.who, spoken(page.language))


def keypress(page: Page, digit: str, now) -> str:
    """What the person called hears after pressing a key, in the language they are asked in."""
    language = spoken(page.language)
    if digit == "1":
        won, accepter = answers.accept(page, now)
        if not won:
            if accepter:
                return phrase("ask.call.too_late", language, accepter=first_name(accepter))
            return phrase("ask.call.closed", language)
        return phrase("ask.call.thanks_for_going", language) + _essentials(page, now)
    answers.decline(page, now)
    return phrase("ask.call.declined", language)


def _essentials(page: Page, now) -> str:
    """Read out after acceptance only: the accepter is identified by the phone we rang."""
    snapshot = page.incident.plan_snapshot
    address = snapshot["carer"]["address"]
    language = spoken(page.language)
    parts = [phrase("essentials.address", language,
                    address=f"{address['line1']}, {address['town']}, {address['postcode']}")]
    access = snapshot["home_access"]["how_to_get_in"]
    if access:
        parts.append(phrase("essentials.get_in", language, how=access))
    key_safe = db.session.get(KeySafeCode, page.incident.plan_id)
    if key_safe:
        parts.append(phrase("essentials.key_safe", language, code=" ".join(key_safe.code)))
    for person in snapshot["cared_for"]:
        details = [person[k] for k in ("needs", "medication", "medication_location", "allergies") if person[k]]
        parts.append(f"{person['name']}: " + " ".join(details))
    parts.append(phrase("essentials.also_texted", language))
    audit.record("plan.details_read_to_accepter", user=None, now=now, plan_id=page.incident.plan_id,
                 detail=f"incident {page.incident_id}, read out on the call of ask {page.id} ({page.who})")
    return " ".join(parts)


def essentials(page: Page, now) -> str:
    """The essentials again, as the plan and key-safe code now stand (audited)."""
    text = _essentials(page, now)
    db.session.commit()
    return text


def unanswered_call(page: Page, now) -> None:
    answers.page_failed(page, now, "no key pressed on the call", unanswered=True)
