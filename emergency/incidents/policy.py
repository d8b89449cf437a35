"""The escalation policy: given where an incident stands, who is on duty and the time, decide
what to do next. Pure: no session, no Flask, time passed in. The service applies decisions.

1. The plan's contacts in order, skipping those who refused consent, are outside their
   availability window, or cannot be reached; SMS and call; wait.
2. The rota: everyone on duty in tier 1 at once; wait; tier 2; tier 3.
3. Repeat the rota steps for the configured rounds, alerting coordinators after each.
4. Nobody accepts: exhausted; call the fallback number.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from emergency.incidents.availability import is_available
from emergency.incidents.vocabulary import AskChannels, Asked, Stage
from emergency.plans.vocabulary import ConsentStatus
from emergency.rota.calendar import TIERS


@dataclass(frozen=True)
class Position:
    stage: Stage
    next_contact: int = 0
    rota_round: int = 1
    next_tier: int = 1


@dataclass(frozen=True)
class Settings:
    wait_seconds: int
    rounds: int
    channels: AskChannels


@dataclass(frozen=True)
class OfficerOnDuty:
    id: int
    name: str
    mobile: str
    contact_preference: str  # sms, call, both
    language: str = "en"


@dataclass(frozen=True)
class NewPage:
    """A page the decision asks for: one ask to one person, not yet sent or stored."""

    who: Asked
    name: str
    phone: str
    channels: AskChannels
    contact_index: int | None = None
    officer_id: int | None = None
    tier: int | None = None
    rota_round: int | None = None
    language: str = "en"  # the person is asked in it


@dataclass(frozen=True)
class Decision:
    position: Position
    pages: tuple[NewPage, ...] = ()
    next_action_at: datetime | None = None
    exhausted: bool = False
    rounds_completed: tuple[int, ...] = ()
    notes: tuple[str, ...] = field(default=())


def reachable_channels(wanted: str, mobile: str | None, phone: str | None, sms_blocked) -> str | None:
    """What can actually be used: texts need a mobile that has not opted out; calls any number."""
    can_text = wanted in (AskChannels.SMS, AskChannels.BOTH) and mobile is not None and mobile not in sms_blocked
    can_call = wanted in (AskChannels.CALL, AskChannels.BOTH) and phone is not None
    if can_text and can_call:
        return AskChannels.BOTH
    if can_text:
        return AskChannels.SMS
    if can_call:
        return AskChannels.CALL
    # Asked for texts only but texts are impossible: a call beats silence in an emergency.
    return AskChannels.CALL if phone is not None else None


def _narrow(service_channels: str, preference: str) -> str:
    """An officer's preference counts where the service (or plan) allows both channels."""
    return preference if service_channels == AskChannels.BOTH else service_channels


def while_calls_are_down(channels: str, name: str, mobile: str | None, sms_blocked) -> tuple[str, bool, str | None]:
    """(channels, whether the ask can reach the person now, a note) while calls cannot be made
    but texts can (Twilio failing, Notify carrying texts). A call-only ask to a mobile that can
    take texts is texted too; one that cannot waits for calls, and nobody waits for it."""
    if channels != AskChannels.CALL:
        return channels, True, None
    if mobile is not None and mobile not in sms_blocked:
        return AskChannels.BOTH, True, f"calls cannot be made just now: {name} is texted as well as called"
    return channels, False, f"calls cannot be made just now: not waiting for {name}'s call"


def _contact_page(index: int, contact: dict, settings: Settings, sms_blocked, local: datetime, calls_down: bool):
    """(page, whether it can reach them now, note)."""
    if contact["consent"]["status"] == ConsentStatus.REFUSED:
        return None, False, f"skipped {contact['name']}: refused consent to be contacted"
    if not is_available(contact.get("availability") or [], local):
        return None, False, f"skipped {contact['name']}: outside their availability window"
    phone = contact.get("mobile") or contact.get("landline")
    channels = reachable_channels(settings.channels, contact.get("mobile"), phone, sms_blocked)
    if channels is None:
        return None, False, f"skipped {contact['name']}: no number that can be reached"
    reachable, note = True, None
    if calls_down:
        channels, reachable, note = while_calls_are_down(channels, contact["name"], contact.get("mobile"), sms_blocked)
    return NewPage(Asked.CONTACT, contact["name"], phone, channels, contact_index=index,
                   language=contact.get("language") or "en"), reachable, note


def _officer_pages(officers, tier: int, rota_round: int, settings: Settings, sms_blocked, calls_down: bool):
    """(pages, whether any can reach its officer now, notes)."""
    pages, reachable, notes = [], not calls_down, []
    for officer in officers:
        wanted = _narrow(settings.channels, officer.contact_preference)
        channels = reachable_channels(wanted, officer.mobile, officer.mobile, sms_blocked)
        if calls_down:
            channels, now_reachable, note = while_calls_are_down(channels, officer.name, officer.mobile, sms_blocked)
            reachable = reachable or now_reachable
            notes += [note] if note else []
        pages.append(NewPage(Asked.OFFICER, officer.name, officer.mobile, channels, officer_id=officer.id,
                        tier=tier, rota_round=rota_round, language=officer.language))
    return pages, reachable, notes


def decide(position: Position, contacts: list[dict], on_duty, now: datetime,
           zone: ZoneInfo, settings: Settings, sms_blocked=frozenset(), fallback_number: str | None = None,
           calls_down: bool = False) -> Decision:
    """The next step after `position`. Called when the incident is due: at opening, when the
    wait is over, or at once after a decline or a failed delivery. `on_duty` maps tier to the
    officers on duty (anything with .get(tier, default)). `calls_down`: calls cannot be made
    just now but texts can; a step whose asks can only be calls is taken without waiting."""
    notes = []
    wait_until = now + timedelta(seconds=settings.wait_seconds)
    if position.stage == Stage.CONTACTS:
        local = now.astimezone(zone)
        for index in range(position.next_contact, len(contacts)):
            new_page, reachable, note = _contact_page(index, contacts[index], settings, sms_blocked, local, calls_down)
            notes += [note] if note else []
            if new_page:
                return Decision(Position(Stage.CONTACTS, index + 1), (new_page,), wait_until if reachable else now,
                                notes=tuple(notes))
        position = Position(Stage.ROTA, len(contacts), 1, 1)

    rounds_completed = []
    rota_round, next_tier = position.rota_round, position.next_tier
    while position.stage == Stage.ROTA and rota_round <= settings.rounds:
        for tier in TIERS[next_tier - 1:]:
            officers = on_duty.get(tier, [])
            if officers:
                pages, reachable, more_notes = _officer_pages(officers, tier, rota_round, settings, sms_blocked, calls_down)
                moved = Position(Stage.ROTA, position.next_contact, rota_round, tier + 1)
                return Decision(moved, tuple(pages), wait_until if reachable else now,
                                rounds_completed=tuple(rounds_completed), notes=(*notes, *more_notes))
            notes.append(f"nobody on duty in tier {tier}")
        if next_tier == 1:
            # A whole round from tier 1 with nobody on duty: more rounds would find nobody too.
            notes.append("nobody on the rota to ask")
            break
        rounds_completed.append(rota_round)
        rota_round, next_tier = rota_round + 1, 1

    fallback = () if fallback_number is None else (
        NewPage(Asked.FALLBACK, "fallback number", fallback_number, AskChannels.CALL),)
    notes.append("nobody accepted: exhausted" + ("" if fallback else "; no fallback number is configured"))
    return Decision(Position(Stage.DONE, position.next_contact, rota_round, 1), fallback, None, exhausted=True,
                    rounds_completed=tuple(rounds_completed), notes=tuple(notes))
