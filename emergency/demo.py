"""Demonstration data: one coordinator and one active plan, so the embedded set-up has
something to show. Phone numbers are in Ofcom's drama ranges (0113 496 0xxx, 020 7946 0xxx), which reach nobody."""
from datetime import date

from emergency.plans import service as plans
from emergency.users import service as users

DEMO_PLAN = {
    "status": "active",
    "carer": {
        "name": "Margaret Hughes",
        "mobile": "+441134960100",
        "landline": "+441134960123",
        "address": {"line1": "14 Brudenell Grove", "line2": None, "town": "Leeds", "postcode": "LS6 1HR"},
        "preferred_language": "English",
    },
    "cared_for": [
        {
            "name": "Arthur Hughes",
            "date_of_birth": date(1941, 3, 2),
            "lives_with_carer": True,
            "needs": "Needs help to wash, dress and eat; prompt him to drink.",
            "conditions": "Alzheimer's disease (moderate); type 2 diabetes.",
            "medication": "Donepezil 10 mg at night; metformin 500 mg with breakfast and tea.",
            "medication_location": "Blister packs in the kitchen cupboard above the kettle.",
            "allergies": "Penicillin.",
            "mobility_needs": "Walks with a frame; hoist not needed.",
            "communication_needs": "Hard of hearing on the left; speak slowly.",
            "gp": {"name": "Dr Patel", "practice": "Hyde Park Surgery", "phone": "+441134960555"},
            "other_care": "Home carers visit 08:00 and 18:00 (Leeds Homecare).",
            "routines": "Breakfast at 08:30; likes the radio on; bed at 21:00.",
            "pets": "A cat, Smudge; food under the sink.",
            "can_be_left_alone": True,
            "safe_alone_minutes": 60,
        }
    ],
    "home_access": {"how_to_get_in": "Key safe by the back door.", "key_holders": "Neighbour at no. 16."},
    "contacts": [
        {
            "name": "Susan Hughes",
            "relationship": "daughter",
            "mobile": "+442079460456",
            "availability": [],
            "holds_key": True,
            "consent": {"status": "given", "recorded_on": date(2026, 1, 10)},
        },
        {
            "name": "Tom Baker",
            "relationship": "neighbour",
            "mobile": "+442079460789",
            "availability": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "18:00", "to": "08:00"}],
            "holds_key": True,
            "consent": {"status": "given", "recorded_on": date(2026, 1, 10)},
        },
    ],
    "instructions": "Arthur gets anxious if his routine changes; tell him Margaret is safe.",
}


def load(now):
    coordinator = users.create_user("demo", "Demo Coordinator", "coordinator", now)
    _, token = users.issue_token(coordinator, "demo", now)
    plan = plans.create_plan(DEMO_PLAN, by=coordinator, now=now)
    plans.set_key_safe_code(plan, "4321", by=coordinator, now=now)
    return token, plan
