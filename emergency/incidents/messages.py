"""What the service says in texts and calls. Pure. No health details, addresses or key-safe
codes ever go into a text: first names, the postcode district, and how to answer."""
from emergency.incidents.vocabulary import IncidentStatus
from emergency.phones import readable_phone
from emergency.postcodes import postcode_district

LINE = "Carers Emergency Line"
DANGER = "If anyone is in danger, call 999."


def _ring(fallback_number: str | None) -> str:
    """Who a caller can ring for a person: the fallback number, else the line itself, which
    puts a caller through to the duty officers."""
    return f"call {readable_phone(fallback_number)}" if fallback_number else "call this number"


def first_name(full_name: str) -> str:
    return full_name.split()[0] if full_name.strip() else full_name


def who_and_where(snapshot: dict) -> tuple[str, str, str]:
    carer = first_name(snapshot["carer"]["name"])
    cared_for = " and ".join(first_name(person["name"]) for person in snapshot["cared_for"])
    address = snapshot["carer"]["address"]
    return carer, cared_for, postcode_district(address["postcode"]) if address else "your area"


def ask_text(snapshot: dict, code: str, who: str) -> str:
    carer, cared_for, district = who_and_where(snapshot)
    if who == "contact":
        situation = f"{carer} can't look after {cared_for} right now ({district})."
    else:
        situation = f"emergency cover needed for {cared_for}, cared for by {carer}, near {district}."
    return f"{LINE}: {situation} Can you go? Reply ACCEPT {code} or DECLINE {code}."


def ask_call(snapshot: dict, code: str, who: str) -> str:
    carer, cared_for, district = who_and_where(snapshot)
    return (f"This is the {LINE}. {carer}, who cares for {cared_for} near {district}, can't care right now "
            f"and needs someone to go. Press 1 to accept, or 2 to decline.")


def covered_text(snapshot: dict, code: str, accepter_name: str) -> str:
    _, cared_for, _ = who_and_where(snapshot)
    return (f"{LINE}: thank you. The emergency for {cared_for} (code {code}) is now covered by "
            f"{first_name(accepter_name)}. No need to reply.")


def too_late_text(accepter_name: str) -> str:
    return f"{LINE}: thank you, this is already covered by {first_name(accepter_name)}. No need to go."


def no_longer_needed_text() -> str:
    return f"{LINE}: thank you, this emergency has been closed. No need to go."


def caller_confirmation(snapshot: dict, accepter_name: str) -> str:
    _, cared_for, _ = who_and_where(snapshot)
    return f"{LINE}: help is arranged. {first_name(accepter_name)} is on the way to {cared_for}."


def accepter_details(snapshot: dict, code: str, link: str, hours: int) -> str:
    _, cared_for, _ = who_and_where(snapshot)
    return (f"{LINE}: thank you for going. What you need to know about {cared_for}: {link} "
            f"(works for {hours} hours). Reply DONE {code} when {cared_for} is safe.")


def round_alert(incident_id: int, snapshot: dict, rota_round: int, rounds: int) -> str:
    _, cared_for, district = who_and_where(snapshot)
    return (f"{LINE}: incident {incident_id} ({cared_for}, {district}) - nobody has accepted after round "
            f"{rota_round} of {rounds} of the rota. Please look at the incident now.")


def exhausted_alert(incident_id: int, snapshot: dict, fallback_called: bool, caller_number: str | None) -> str:
    """What coordinators are told when nobody accepted: only what is true."""
    _, cared_for, district = who_and_where(snapshot)
    happening = ("The fallback number is being called." if fallback_called
                 else "No fallback number is configured, so nobody else is being called.")
    caller = f" The caller is on {readable_phone(caller_number)}." if caller_number else ""
    return f"{LINE}: incident {incident_id} ({cared_for}, {district}) - NOBODY ACCEPTED. {happening}{caller}"


def fallback_call(incident_id: int, snapshot: dict, caller_number: str | None) -> str:
    """Read to whoever answers the fallback number."""
    carer, cared_for, district = who_and_where(snapshot)
    spoken = " ".join(character for character in readable_phone(caller_number) if character.isdigit())
    caller = f" The caller's number is {spoken}." if spoken else ""
    return (f"This is the {LINE}. Nobody has accepted incident {incident_id}: {carer}, who cares for {cared_for} "
            f"near {district}, can't care right now.{caller} Please look at the incident on the console now.")


def caller_opened(snapshot: dict) -> str:
    carer, cared_for, _ = who_and_where(snapshot)
    return (f"{LINE}: thank you. We are contacting {carer}'s emergency contacts now. You will get a text when "
            f"someone is on the way to {cared_for}. {DANGER}")


def caller_still_looking(snapshot: dict, people_asked: int) -> str:
    _, cared_for, _ = who_and_where(snapshot)
    people = "person" if people_asked == 1 else "people"
    asked = f"We have asked {people_asked} {people} so far. " if people_asked else ""
    return (f"{LINE}: we are still looking for someone to go to {cared_for}. {asked}You will get a text when someone "
            f"is on the way. {DANGER}")


def caller_nobody_found(snapshot: dict, fallback_number: str | None) -> str:
    _, cared_for, _ = who_and_where(snapshot)
    return (f"{LINE}: we are sorry - nobody has been found yet to go to {cared_for}. A coordinator has been alerted "
            f"and will keep trying. Please {_ring(fallback_number)} to speak to someone. {DANGER}")


def where_things_stand(snapshot: dict, status: str, accepter_name: str | None, fallback_number: str | None) -> str:
    """The truthful answer to a caller who texts or calls again."""
    _, cared_for, _ = who_and_where(snapshot)
    if status == IncidentStatus.ACCEPTED:
        who = first_name(accepter_name) if accepter_name else "Someone"
        return f"{LINE}: help is arranged. {who} has accepted and is on the way to {cared_for}."
    if status == IncidentStatus.EXHAUSTED:
        return caller_nobody_found(snapshot, fallback_number)
    if status == IncidentStatus.OPEN:
        return (f"{LINE}: we are still arranging help for {cared_for}; nobody has accepted yet. You will get a text "
                f"when someone is on the way. {DANGER}")
    return f"{LINE}: the emergency for {cared_for} has been closed. If you need help again, text the card number."


def no_card_found(told: bool, mistyped: bool) -> str:
    """The answer to a text with no usable card number in it."""
    problem = ("That card number doesn't look right - a digit may be mistyped. " if mistyped
               else "We couldn't find a card number in your text. ")
    how = ("The card number is the 10-digit number on the carer's emergency card, often kept in their purse, "
           "wallet or phone case. Text it to this number")
    person = ("The duty officer has been told and will call you back. " if told else "")
    return f"{LINE}: {problem}{how}, or call this number to speak to someone. {person}{DANGER}"


def card_not_usable(told: bool) -> str:
    if told:
        return f"{LINE}: we couldn't use that card, so the duty officer is being told and will call you back. {DANGER}"
    return f"{LINE}: we couldn't use that card. Please call this number to speak to someone. {DANGER}"


def not_understood(open_asks: list[tuple[str, dict]]) -> str:
    """For someone with open asks whose reply the line cannot read: never the general help."""
    described = [f"{code} ({ask_label(snapshot)})" for code, snapshot in open_asks]
    if len(described) == 1:
        code = open_asks[0][0]
        return f"Not understood. Your ask {described[0]} is still open: reply ACCEPT {code} or DECLINE {code}"
    return (f"Not understood. Your asks {', '.join(described)} are still open: reply ACCEPT or DECLINE with the "
            f"code, e.g. ACCEPT {open_asks[0][0]}")


def ask_label(snapshot: dict | None) -> str:
    if not snapshot:
        return "an emergency"
    _, cared_for, district = who_and_where(snapshot)
    return f"{cared_for}, {district}"


def accepted_reminder(code: str, snapshot: dict | None) -> str:
    _, cared_for, _ = who_and_where(snapshot) if snapshot else (None, "everyone", None)
    return (f"{LINE}: you have accepted ask {code} ({ask_label(snapshot)}). Reply DONE {code} when {cared_for} "
            f"is safe. If you can no longer go, call this number now.")


def survey_text(snapshot: dict) -> str:
    _, cared_for, _ = who_and_where(snapshot)
    return (f"{LINE}: we hope you are recovering. How well were {cared_for}'s needs met while you couldn't care? "
            f"Reply 1 (badly) to 5 (very well).")
