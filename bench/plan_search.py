"""Time the console's plan list over 100,000 plans: matches counted up to 1,000 and one page of
each search, as the console reads them.

    .venv/bin/python bench/plan_search.py [--plans 100000] [--database-url URL]

Plans are inserted in bulk (not through the service, which would take an hour), each with one
cared-for person and one contact, so the search's EXISTS clauses have rows to look through.
"""
import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import flask_migrate
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig  # noqa: E402
from emergency import create_app  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.plans import listing
from emergency.plans import service as plans  # noqa: E402
from emergency.plans.cards import damm_check_digit  # noqa: E402
from emergency.plans.models import CaredForPerson, ContingencyPlan, EmergencyContact  # noqa: E402

NAMES = ["Hughes", "Smith", "Patel", "Khan", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas"]
SEARCHES = {
    "no filter, page 1": {},
    "no filter, page 20 (the last)": {"page": 20},
    "name 'hughes'": {"name": "hughes"},
    "card number": {"card_number": None},
    "phone (a contact's)": {"phone": None},
    "district LS6": {"postcode": "LS6"},
    "full postcode": {"postcode": None},
    "due for review in 30 days": {"due": True},
}


def fill(count: int) -> None:
    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    rng = random.Random(7)
    for start in range(0, count, 5000):
        rows, people, contacts = [], [], []
        for number in range(start, min(count, start + 5000)):
            digits = f"{number:09d}"
            district = f"LS{rng.randint(1, 30)}"
            rows.append({"id": number + 1, "card_number": digits + damm_check_digit(digits), "status": "active",
                         "carer_name": f"{rng.choice(NAMES)} {number}", "carer_mobile": f"+4479{number:09d}",
                         "carer_address_line1": "1 Road", "carer_town": "Leeds",
                         "carer_postcode": f"{district} {rng.randint(1, 9)}AB", "carer_preferred_language": "English",
                         "how_to_get_in": "", "key_holders": "", "instructions": "",
                         "review_due_on": date(2026, 11, 22) + timedelta(days=rng.randint(-30, 365)),
                         "created_at": now, "updated_at": now, "version": 1})
            people.append({"plan_id": number + 1, "position": 0, "name": f"Person {number}", "needs": "",
                           "conditions": "", "medication": "", "medication_location": "", "allergies": "",
                           "mobility_needs": "", "communication_needs": "", "gp_name": "", "gp_practice": "",
                           "other_care": "", "routines": "", "pets": "", "lives_with_carer": True,
                           "can_be_left_alone": False})
            contacts.append({"plan_id": number + 1, "position": 0, "name": f"Contact {number}",
                             "relationship_to_carer": "friend", "mobile": f"+4420{number:09d}", "availability": [],
                             "holds_key": False, "consent_status": "pending"})
        db.session.execute(insert(ContingencyPlan), rows)
        db.session.execute(insert(CaredForPerson), people)
        db.session.execute(insert(EmergencyContact), contacts)
        db.session.commit()


def one_page(args: dict, today: date):
    page = args.pop("page", 1)
    due = args.pop("due", False)
    found = listing.one_page(plans.search_plans(**args, due_by=today + timedelta(days=30) if due else None),
                             page=page, size=50, by_name="name" in args)
    return ("many" if found.more else found.found), len(found.plans)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    url = options.database_url or f"sqlite:///{tempfile.mkdtemp()}/plans.db"
    app = create_app(TestConfig(environ={"DATABASE_URL": url}))
    with app.app_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        fill(options.plans)
        print(f"{options.plans} plans inserted in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
        sample = db.session.get(ContingencyPlan, options.plans // 2)
        today = date(2026, 11, 22)
        for label, args in SEARCHES.items():
            args = {k: (v if v is not None else {"card_number": sample.card_number,
                                                 "phone": f"+4420{options.plans // 2 - 1:09d}",
                                                 "postcode": sample.carer_postcode}[k]) for k, v in args.items()}
            timings = []
            for _ in range(options.repeats):
                began = time.perf_counter()
                total, shown = one_page(dict(args), today)
                timings.append((time.perf_counter() - began) * 1000)
            print(f"{label:28} {total:7} found, {shown:2} shown: median {statistics.median(timings):7.1f} ms, "
                  f"max {max(timings):7.1f} ms")


if __name__ == "__main__":
    main()
