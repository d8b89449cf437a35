"""What the service says in texts and calls. Pure. No health details, addresses or key-safe
codes ever go into a text: first names, the postcode district, and how to answer."""
from emergency.postcodes import postcode_district

LINE = "Carers Emergency Line"


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


def exhausted_alert(incident_id: int, snapshot: dict) -> str:
    _, cared_for, district = who_and_where(snapshot)
    return f"{LINE}: incident {incident_id} ({cared_for}, {district}) - NOBODY ACCEPTED. The fallback number is being called."


def survey_text(snapshot: dict) -> str:
    _, cared_for, _ = who_and_where(snapshot)
    return (f"{LINE}: we hope you are recovering. How well were {cared_for}'s needs met while you couldn't care? "
            f"Reply 1 (badly) to 5 (very well).")
