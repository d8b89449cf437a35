"""What the service says in texts and calls about an emergency. Pure: the words are in the
catalogs (emergency/wording); this picks the phrase and the facts it may carry. No health
details, addresses or key-safe codes ever go into a text: first names, the postcode district,
and how to answer."""
from emergency.incidents.vocabulary import IncidentStatus
from emergency.names import first_name
from emergency.phones import readable_phone
from emergency.postcodes import postcode_district
from emergency.wording import phrase, phrase_plural

EN = "en"
# The line's name in what staff are told (hand-overs, kept texts); people asked or helped get the catalogs' words.
LINE = "Carers Emergency Line"


def _ring(fallback_number: str | None, language: str) -> str:
    """Who a caller can ring for a person: the fallback number, else the line itself, which
    puts a caller through to the duty officers."""
    if fallback_number:
        return phrase("caller.ring_number", language, number=readable_phone(fallback_number))
    return phrase("caller.ring_this_number", language)


def who_and_where(snapshot: dict, language: str = EN) -> tuple[str, str, str]:
    carer = first_name(snapshot["carer"]["name"])
    cared_for = phrase("list.and", language).join(first_name(person["name"]) for person in snapshot["cared_for"])
    address = snapshot["carer"]["address"]
    return carer, cared_for, postcode_district(address["postcode"]) if address else phrase("place.your_area", language)


def _facts(snapshot: dict, language: str = EN, **more) -> dict:
    carer, cared_for, district = who_and_where(snapshot, language)
    return {"carer": carer, "cared_for": cared_for, "district": district, **more}


def ask_text(snapshot: dict, code: str, who: str, language: str = EN) -> str:
    if who == "contact":
        return phrase("ask.text.contact", language, **_facts(snapshot, language, code=code))
    return phrase("ask.text.officer", language, **_facts(snapshot, language, code=code))


def ask_call(snapshot: dict, code: str, who: str, language: str = EN) -> str:
    return phrase("ask.call", language, **_facts(snapshot, language))


def covered_text(snapshot: dict, code: str, accepter_name: str, language: str = EN) -> str:
    return phrase("ask.covered", language, **_facts(snapshot, language, code=code, accepter=first_name(accepter_name)))


def too_late_text(accepter_name: str, language: str = EN) -> str:
    return phrase("ask.too_late", language, accepter=first_name(accepter_name))


def no_longer_needed_text(language: str = EN) -> str:
    return phrase("ask.no_longer_needed", language)


def caller_confirmation(snapshot: dict, accepter_name: str, language: str = EN) -> str:
    return phrase("caller.help_arranged", language, **_facts(snapshot, language, accepter=first_name(accepter_name)))


def accepter_details(snapshot: dict, code: str, link: str, hours: int, language: str = EN) -> str:
    return phrase("accepter.details", language, **_facts(snapshot, language, code=code, link=link, hours=hours))


def round_alert(incident_id: int, snapshot: dict, rota_round: int, rounds: int) -> str:
    return phrase("coordinator.round_alert", **_facts(snapshot, incident=incident_id, round=rota_round, rounds=rounds))


def exhausted_alert(incident_id: int, snapshot: dict, fallback_called: bool, caller_number: str | None) -> str:
    """What coordinators are told when nobody accepted: only what is true."""
    happening = phrase("coordinator.fallback_called") if fallback_called else phrase("coordinator.no_fallback")
    caller = phrase("coordinator.caller_is_on", number=readable_phone(caller_number)) if caller_number else ""
    return phrase("coordinator.exhausted_alert", **_facts(snapshot, incident=incident_id, happening=happening,
                                                        caller=caller))


def fallback_call(incident_id: int, snapshot: dict, caller_number: str | None) -> str:
    """Read to whoever answers the fallback number."""
    spoken = " ".join(character for character in readable_phone(caller_number) if character.isdigit())
    caller = phrase("fallback.caller_number", digits=spoken) if spoken else ""
    return phrase("fallback.call", **_facts(snapshot, incident=incident_id, caller=caller))


def caller_opened(snapshot: dict, language: str = EN) -> str:
    return phrase("caller.opened", language, **_facts(snapshot, language))


def caller_still_looking(snapshot: dict, people_asked: int, language: str = EN) -> str:
    asked = phrase_plural("caller.people_asked", "caller.people_asked.plural", people_asked, language) if people_asked else ""
    return phrase("caller.still_looking", language, **_facts(snapshot, language, asked=asked))


def caller_nobody_found(snapshot: dict, fallback_number: str | None, language: str = EN) -> str:
    return phrase("caller.nobody_found", language, **_facts(snapshot, language, ring=_ring(fallback_number, language)))


def where_things_stand(snapshot: dict, status: str, accepter_name: str | None, fallback_number: str | None,
                       language: str = EN) -> str:
    """The truthful answer to a caller who texts or calls again."""
    if status == IncidentStatus.ACCEPTED:
        who = first_name(accepter_name) if accepter_name else phrase("caller.someone", language)
        return phrase("caller.where.accepted", language, **_facts(snapshot, language, accepter=who))
    if status == IncidentStatus.EXHAUSTED:
        return caller_nobody_found(snapshot, fallback_number, language)
    if status == IncidentStatus.OPEN:
        return phrase("caller.where.open", language, **_facts(snapshot, language))
    return phrase("caller.where.closed", language, **_facts(snapshot, language))


def no_card_found(told: bool, mistyped: bool, language: str = EN) -> str:
    """The answer to a text with no usable card number in it."""
    problem = phrase("caller.card_mistyped", language) if mistyped else phrase("caller.no_card_in_text", language)
    person = phrase("caller.duty_officer_will_call", language) if told else ""
    return phrase("caller.no_card_found", language, problem=problem, person=person)


def card_not_usable(told: bool, language: str = EN) -> str:
    return phrase("caller.card_not_usable.told", language) if told else phrase("caller.card_not_usable", language)


def not_understood(open_asks: list[tuple[str, dict]], language: str = EN) -> str:
    """For someone with open asks whose reply the line cannot read: never the general help."""
    described = [phrase("ask.described", language, code=code, label=ask_label(snapshot, language))
                 for code, snapshot in open_asks]
    if len(described) == 1:
        return phrase("ask.not_understood.one", language, ask=described[0], code=open_asks[0][0])
    return phrase("ask.not_understood.many", language, asks=", ".join(described), code=open_asks[0][0])


def ask_label(snapshot: dict | None, language: str = EN) -> str:
    if not snapshot:
        return phrase("ask.label.unknown", language)
    return phrase("ask.label", language, **_facts(snapshot, language))


def accepted_reminder(code: str, snapshot: dict | None, language: str = EN) -> str:
    cared_for = who_and_where(snapshot, language)[1] if snapshot else phrase("ask.everyone", language)
    return phrase("accepter.reminder", language, code=code, label=ask_label(snapshot, language), cared_for=cared_for)


def survey_text(snapshot: dict, language: str = EN) -> str:
    return phrase("carer.survey", language, **_facts(snapshot, language))
