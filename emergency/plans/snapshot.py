"""A plan as plain data: the shape of the API, of versions, and of incident snapshots.

Pure: no session, no Flask. The key-safe code is never part of it.
"""


def _iso(value):
    return value.isoformat() if value is not None else None


def _address(line1, line2, town, postcode):
    if line1 is None and town is None and postcode is None:
        return None
    return {"line1": line1, "line2": line2, "town": town, "postcode": postcode}


def cared_for_to_dict(person) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "date_of_birth": _iso(person.date_of_birth),
        "lives_with_carer": person.lives_with_carer,
        "address": _address(person.address_line1, person.address_line2, person.town, person.postcode),
        "needs": person.needs,
        "conditions": person.conditions,
        "medication": person.medication,
        "medication_location": person.medication_location,
        "allergies": person.allergies,
        "mobility_needs": person.mobility_needs,
        "communication_needs": person.communication_needs,
        "gp": {"name": person.gp_name, "practice": person.gp_practice, "phone": person.gp_phone},
        "other_care": person.other_care,
        "routines": person.routines,
        "pets": person.pets,
        "can_be_left_alone": person.can_be_left_alone,
        "safe_alone_minutes": person.safe_alone_minutes,
    }


def contact_to_dict(contact) -> dict:
    return {
        "id": contact.id,
        "name": contact.name,
        "relationship": contact.relationship_to_carer,
        "mobile": contact.mobile,
        "landline": contact.landline,
        "language": contact.language,
        "availability": [dict(window) for window in contact.availability or []],
        "holds_key": contact.holds_key,
        "consent": {"status": contact.consent_status, "recorded_on": _iso(contact.consent_recorded_on)},
    }


def plan_to_dict(plan) -> dict:
    return {
        "id": plan.id,
        "card_number": plan.card_number,
        "status": plan.status,
        "carer": {
            "name": plan.carer_name,
            "mobile": plan.carer_mobile,
            "landline": plan.carer_landline,
            "address": _address(
                plan.carer_address_line1, plan.carer_address_line2, plan.carer_town, plan.carer_postcode
            ),
            "preferred_language": plan.carer_preferred_language,
            "other_language": plan.carer_other_language,
            "large_print": plan.carer_large_print,
        },
        "cared_for": [cared_for_to_dict(person) for person in plan.cared_for],
        "home_access": {
            "how_to_get_in": plan.how_to_get_in,
            "key_holders": plan.key_holders,
            "has_key_safe_code": plan.key_safe is not None,
        },
        "contacts": [contact_to_dict(contact) for contact in plan.contacts],
        "instructions": plan.instructions,
        "escalation": {
            "wait_minutes": plan.escalation_wait_minutes,
            "rounds": plan.escalation_rounds,
            "channels": plan.escalation_channels,
        },
        "last_reviewed_on": _iso(plan.last_reviewed_on),
        "review_due_on": _iso(plan.review_due_on),
        "review_texts_opt_out": bool(plan.review_texts_opt_out),
    }


def _flatten(value, path, into):
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else key, into)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{index}]", into)
    else:
        into[path] = value
    return into


def changed_fields(before: dict | None, after: dict) -> list[dict]:
    """The leaves that differ, as [{"field": "carer.address.postcode", "from": .., "to": ..}]."""
    old = _flatten(before or {}, "", {})
    new = _flatten(after, "", {})
    fields = sorted(set(old) | set(new))
    return [
        {"field": field, "from": old.get(field), "to": new.get(field)}
        for field in fields
        if old.get(field) != new.get(field)
    ]
