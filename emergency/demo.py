"""Demonstration data: one coordinator, one active plan, a rota and two care providers, so the
embedded set-up has something to show. Phone numbers are in Ofcom's ranges for drama, which reach nobody: mobiles
07700 900xxx, landlines 0113 496 0xxx. The plan's card number is fixed, so that the guides can
show it: 6445 6866 31."""
import secrets
from datetime import date, time, timedelta
from decimal import Decimal

from emergency.plans import service as plans
from emergency.providers import service as providers
from emergency.rota import service as rota
from emergency.users import service as users

DEMO_CARD_NUMBER = "6445686631"

DEMO_PLAN = {
    "status": "active",
    "carer": {
        "name": "Margaret Hughes",
        "mobile": "+447700900100",
        "landline": "+441134960123",
        "address": {"line1": "14 Brudenell Grove", "line2": None, "town": "Leeds", "postcode": "LS6 1HR"},
        "preferred_language": "en",
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
            "mobile": "+447700900456",
            "availability": [],
            "holds_key": True,
            "consent": {"status": "given", "recorded_on": date(2026, 1, 10)},
        },
        {
            "name": "Tom Baker",
            "relationship": "neighbour",
            "mobile": "+447700900789",
            "availability": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "18:00", "to": "08:00"}],
            "holds_key": True,
            "consent": {"status": "given", "recorded_on": date(2026, 1, 10)},
        },
    ],
    "instructions": "Arthur gets anxious if his routine changes; tell him Margaret is safe.",
}


DEMO_OFFICERS = [
    ("Priya Shah", "+447700900101", "social worker"),
    ("Joe Bloggs", "+447700900102", "social worker"),
    ("Ann Lee", "+447700900103", "social worker"),
    ("Sam Patel", "+447700900104", "senior practitioner"),
]
# Two home-care providers covering the demo plan's district, so that "Arrange cover" has someone to ask.
DEMO_PROVIDERS = [
    ("Headingley Home Care", "+441134960781", "+447700900781", "24.50", ["personal_care", "overnight", "dementia"]),
    ("Aire Valley Carers", "+441134960782", "+447700900782", "27.00", ["personal_care", "sitting", "live_in"]),
]
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def load(now):
    coordinator = users.create_user("demo", "Demo Coordinator", "coordinator", now)
    coordinator.mobile = "+447700900999"
    _, token = users.issue_token(coordinator, "demo", now)
    password = secrets.token_urlsafe(12)
    users.set_password(coordinator, password)
    plan = plans.create_plan(DEMO_PLAN, by=coordinator, now=now, card_number=DEMO_CARD_NUMBER)
    plans.set_key_safe_code(plan, "4321", by=coordinator, now=now)
    officers = load_rota(now.date() - timedelta(days=now.weekday()))
    cover_the_demo(officers, coordinator, now)
    for name, bookings_phone, mobile, rate, capabilities in DEMO_PROVIDERS:
        providers.save_provider(None, {
            "name": name, "bookings_phone": bookings_phone, "mobile": mobile,
            "email": f"bookings@{name.split()[0].lower()}.example.org", "districts": ["LS6", "LS4"],
            "capabilities": capabilities, "hourly_rate": Decimal(rate), "active": True, "contract_ends_on": None,
        }, by=coordinator, now=now)
    return token, password, plan, officers


DEMO_COVER = timedelta(hours=12)


def cover_the_demo(officers, coordinator, now) -> None:
    """The rota covers nights and weekends; a demo is usually run in office hours. So that a
    newcomer's first emergency shows the whole escalation rather than "nobody accepted", the
    next 12 hours get a first-call and a senior officer wherever the rota leaves them empty."""
    on_duty = rota.on_duty(now)
    for tier, officer in ((1, officers[0]), (2, officers[3])):
        if not on_duty.get(tier):
            rota.add_override({"kind": "add", "tier": tier, "officer_id": officer.id, "starts_at": now,
                               "ends_at": now + DEMO_COVER, "note": "demo: cover while the demo is run"},
                              by=coordinator, now=now)


def load_rota(monday: date):
    """Three social workers take weekly turns at first call for nights and weekend days; a
    senior practitioner covers the same hours at tier 2. Bank-holiday daytimes are left
    uncovered, so the gap report has something to show."""
    officers = [
        rota.save_officer(None, {"name": name, "mobile": mobile, "role": role, "active": True,
                                 "contact_preference": "both"})
        for name, mobile, role in DEMO_OFFICERS
    ]
    first_call = [officer.id for officer in officers[:3]]
    senior = [officers[3].id]
    for name, tier, days, starts, ends, turns in [
        ("Nights, first call", 1, EVERY_DAY, time(17), time(9), first_call),
        ("Weekend days, first call", 1, ["sat", "sun"], time(9), time(17), first_call),
        ("Nights, senior", 2, EVERY_DAY, time(17), time(9), senior),
        ("Weekend days, senior", 2, ["sat", "sun"], time(9), time(17), senior),
    ]:
        rota.save_pattern(None, {"name": name, "tier": tier, "days": days, "starts": starts, "ends": ends,
                                 "officer_ids": turns, "starts_on": monday, "ends_on": None, "rotate_every_weeks": 1})
    return officers
