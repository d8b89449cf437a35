"""The few fields of a plan that a list shows: nothing about health, access or contacts."""


def plan_summary(plan) -> dict:
    return {
        "id": plan.id,
        "card_number": plan.card_number,
        "status": plan.status,
        "carer_name": plan.carer_name,
        "cared_for_names": [person.name for person in plan.cared_for],
        "postcode": plan.carer_postcode,
        "review_due_on": plan.review_due_on,
    }
