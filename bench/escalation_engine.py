"""How the escalation engine keeps up with many open incidents, and how fast a burst of
incidents gets its first asks into the outbox.

    .venv/bin/python bench/escalation_engine.py [--database-url URL] [--incidents N] [--burst N]
                                                [--only engine|burst] [--workers K]
                                                [--seed auto|service|bulk] [--engines E]

Two targets, measured and printed (nothing here asserts or exits non-zero):

  engine: "10,000 open incidents: each step executed within 2 s of its due time at p99 with
          a 1 s tick." N plans and N incidents are seeded, opened so that their second steps
          fall due evenly over one escalation wait (600 s), then engine.tick(now) runs once a
          simulated second, each in its own app context as the scheduler runs it, and every
          tick's real duration is measured. Lateness is worked out on a virtual timeline built
          from those durations (see LATENESS below). With --engines E > 1 (PostgreSQL, seeded
          in bulk), E spawned processes tick together once a second of real time over the same
          window instead, as E `flask engine run` beside each other would, and a step's
          lateness is read from the asks it made (their sent_at is the taking tick's now).
  burst:  "A burst of 6,000 incidents opened at once: every first ask in the outbox within
          10 s." N incidents are opened back to back on fresh plans, each by find_by_card_number
          + open_incident + commit in its own app context, as a webhook request would. With
          --workers K > 1, as K gunicorn worker processes would: the cards are dealt out to K
          spawned processes, each with its own app, which start together and open their share.

The schema is built with the Alembic migrations; rota and coordinator are seeded through the
service layer, and so are the engine's plans and incidents up to 10,000 (PlanSchema().load +
create_plan, then open_incident, one by one: 15-20 ms each on a small machine, so 100,000 would
take well over an hour before the first tick). Above 10,000 (or with --seed bulk) two plans and
their incidents are made that way and copied, with every row those calls write, to the other
N-2 in chunks of executemany inserts (seed_in_bulk): the engine sees the same incidents, at the
same step and due times, with their first-step pages, outbox messages and plan snapshots.
--seed service forces the service path at any size. Seeding is timed, but not counted.

Without --database-url each part gets a fresh SQLite file in a temporary directory; a URL given
must point at an empty database, which is migrated, filled, emptied (every table truncated)
between the two parts, and left filled.
"""
import argparse
import copy
import logging
import multiprocessing
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path

# The editable install does not make `emergency` importable from a script outside the
# project root (it comes out as a namespace package), so put the root first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
from sqlalchemy import delete, event, func, insert, select, text  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from config import TestConfig  # noqa: E402
from emergency import create_app  # noqa: E402
from emergency.api.plan_schemas import PlanSchema  # noqa: E402
from emergency.audit.models import AuditEvent  # noqa: E402
from emergency.extensions import db  # noqa: E402
from emergency.incidents import engine, opening, steps  # noqa: E402
from emergency.incidents.models import Incident, IncidentEvent, Page  # noqa: E402
from emergency.outbox.models import OutboxMessage  # noqa: E402
from emergency.plans import service as plans  # noqa: E402
from emergency.plans.cards import new_card_number  # noqa: E402
from emergency.plans.models import CaredForPerson, ContingencyPlan, EmergencyContact, PlanVersion  # noqa: E402
from emergency.plans.snapshot import changed_fields  # noqa: E402
from emergency.rota import service as rota  # noqa: E402
from emergency.telephony.models import InboundRequest  # noqa: E402
from emergency.users import service as users  # noqa: E402
from emergency.users.models import User  # noqa: E402

PLANS_CREATED_AT = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
# Thursday 22:00 London (GMT in December): nights 17:00-09:00 have tiers 1 and 2 on duty.
ENGINE_T0 = datetime(2026, 12, 3, 22, 0, tzinfo=timezone.utc)
BURST_AT = datetime(2026, 12, 4, 23, 0, tzinfo=timezone.utc)
TICK_SECONDS = 1
SEED_COMMIT_EVERY = 250
OPEN_COMMIT_EVERY = 200
COUNTED_OPENS = 20  # opened after the timed burst, with the statement counter on
WORKER_START_SECONDS = 120  # for --workers K > 1 to start, import everything and connect

# Ofcom's drama mobiles (07700 900000 to 900999): valid to phonenumbers, reach nobody. Plans take
# mobiles only in their mobile boxes, so the bench's people share 900 of them.
PHONES = [f"+447700900{j:03d}" for j in range(900)]
OFFICERS = [  # name, tier, mobile
    ("Priya Shah", 1, "+447700900990"),
    ("Joe Bloggs", 1, "+447700900991"),
    ("Sam Patel", 2, "+447700900992"),
]
COORDINATOR_MOBILE = "+447700900900"
PEOPLE_PHONES = PHONES  # carers, contacts, callers; officers and the coordinator (900 and up) kept apart

# Every ONE_CONTACT_EVERY-th plan has one contact (the rest two), so its second step goes to
# the rota: both tier-1 officers are asked. At most MOST_ONE_CONTACT_PLANS of them, so that an
# officer's open asks fit in the 900 three-digit reply codes (beyond that, codes grow longer).
ONE_CONTACT_EVERY = 20
MOST_ONE_CONTACT_PLANS = 500

# Above this many incidents, `--seed auto` seeds the engine's plans and incidents in bulk (see
# seed_in_bulk): through the service layer they take 15-20 ms each, over an hour at 100,000.
BULK_ABOVE = 10_000
BULK_CHUNK = 2_000  # plans (with their incidents) inserted and committed at a time

LATENESS = """lateness of a step = (virtual start of the tick that took it) - (its due time), where
  tick k is due at S + k*1 s (S = when the first step falls due) and starts, on a virtual
  timeline built from the measured real tick durations, at max(S + k*1 s, end of tick k-1):
  the 0-1 s wait for the 1 s tick, plus any backlog left by ticks that took longer than 1 s.
  The engine is given now = that virtual start. "to tick end" adds the real duration of the
  tick that took the step: an upper bound on when its transaction was committed."""


def payload(i: int, contacts: int) -> dict:
    """A valid plan as a coordinator would send it, varied by i."""
    return {
        "status": "active",
        "carer": {
            "name": f"Margaret Hughes {i:05d}",
            "mobile": PEOPLE_PHONES[(3 * i) % len(PEOPLE_PHONES)],
            "address": {"line1": f"{i % 200 + 1} Brudenell Grove", "town": "Leeds", "postcode": "ls6 1hr"},
        },
        "cared_for": [{
            "name": f"Arthur Hughes {i:05d}", "date_of_birth": "1941-03-02", "conditions": "Alzheimer's disease",
            "medication": "Donepezil 10 mg at night", "medication_location": "kitchen cupboard",
            "can_be_left_alone": True, "safe_alone_minutes": 60,
        }],
        "home_access": {"how_to_get_in": "Key safe by the back door"},
        "contacts": [
            {"name": f"{('Susan', 'Tom')[c]} {i:05d}", "relationship": ("daughter", "neighbour")[c],
             "mobile": PEOPLE_PHONES[(2 * i + c) % len(PEOPLE_PHONES)], "holds_key": c == 0,
             "consent": {"status": "given", "recorded_on": "2026-01-10"}}
            for c in range(contacts)
        ],
        "instructions": "Tell Arthur that Margaret is safe.",
    }


def seed_rota_and_coordinator():
    coordinator = users.create_user("bench", "Bench Coordinator", "coordinator", PLANS_CREATED_AT)
    coordinator.mobile = COORDINATOR_MOBILE
    every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    for name, tier, mobile in OFFICERS:
        officer = rota.save_officer(None, {"name": name, "mobile": mobile, "role": "social worker", "active": True,
                                           "contact_preference": "both"})
        rota.save_pattern(None, {"name": f"nights tier {tier}, {name}", "tier": tier, "days": every_day,
                                 "starts": clock(17), "ends": clock(9), "officer_ids": [officer.id],
                                 "starts_on": date(2026, 11, 30), "ends_on": None, "rotate_every_weeks": 1})
    db.session.commit()
    return coordinator


def caller_of(i: int) -> str:
    """Who texted incident i's card (the people's numbers, in turn)."""
    return PEOPLE_PHONES[i % len(PEOPLE_PHONES)]


def seed_plans(count: int, coordinator) -> tuple[list[int], list[str], int]:
    """(plan ids, card numbers, plans with one contact), through PlanSchema and create_plan."""
    schema = PlanSchema()
    ids, cards, one_contact = [], [], 0
    coordinator_id = coordinator.id
    for i in range(count):
        contacts = 2
        if i % ONE_CONTACT_EVERY == 0 and one_contact < MOST_ONE_CONTACT_PLANS:
            contacts, one_contact = 1, one_contact + 1
        plan = plans.create_plan(schema.load(payload(i, contacts)), by=coordinator, now=PLANS_CREATED_AT)
        ids.append(plan.id)
        cards.append(plan.card_number)
        if (i + 1) % SEED_COMMIT_EVERY == 0:
            db.session.commit()
            db.session.expunge_all()  # keep the session small, as separate requests would
            coordinator = db.session.get(User, coordinator_id)
    db.session.commit()
    db.session.expunge_all()
    return ids, cards, one_contact


class StatementCounter:
    """Counts SQL statements (by the first table they read) and commits, while switched on."""

    def __init__(self, bind):
        self.tables, self.commits, self.on = Counter(), 0, False
        self.sql_seconds, self._sent = 0.0, 0.0  # from each statement's sending to its answer
        event.listen(bind, "before_cursor_execute", self._count)
        event.listen(bind, "after_cursor_execute", self._answered)
        event.listen(bind, "commit", self._commit)

    def _answered(self, *_args):
        if self.on:
            self.sql_seconds += time.perf_counter() - self._sent

    def _count(self, _connection, _cursor, statement, *_args):
        if not self.on:
            return
        self._sent = time.perf_counter()
        if statement.startswith("SELECT page.code"):
            key = "SELECT page (reply codes in use)"
        else:
            found = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", statement, re.IGNORECASE)
            key = f"{statement.split()[0].upper()} {found.group(1)}" if found else statement.split()[0].upper()
        self.tables[key] += 1

    def _commit(self, _connection):
        if self.on:
            self.commits += 1

    def reset(self):
        self.tables.clear()
        self.commits, self.sql_seconds = 0, 0.0

    def total(self) -> int:
        return self.tables.total()

    def listing(self, per: float = 1) -> str:
        return ", ".join(f"{count / per:.4g} {table}" for table, count in self.tables.most_common())


def timed(call, times: int) -> list[float]:
    """Seconds for each of `times` calls."""
    result = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        result.append(time.perf_counter() - started)
    return result


def figures(values: list[float]) -> tuple[float, float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    percentiles = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), percentiles[89], percentiles[98], max(values)


def row(label: str, values: list[float], scale: float = 1, fmt: str = ">10.3f") -> str:
    return f"{label:<46}{len(values):>7}" + "".join(f"{v * scale:{fmt}}" for v in figures(values))


def header(unit: str) -> str:
    return f"{unit:<46}{'count':>7}{'median':>10}{'p90':>10}{'p99':>10}{'max':>10}"


def make_app(database_url: str):
    app = create_app(TestConfig(environ={"DATABASE_URL": database_url, "ENGINE_TICK_SECONDS": str(TICK_SECONDS)}))
    # The engine warns of overdue incidents and slow ticks; the figures below say it better.
    app.logger.setLevel(logging.ERROR)
    return app


def describe_database() -> str:
    kind = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(db.engine.dialect.name, db.engine.dialect.name)
    server = db.engine.dialect.server_version_info or ()
    return f"database: {kind} {'.'.join(map(str, server))} at {db.engine.url.render_as_string(hide_password=True)}"


def migrate_empty(app, database_url: str) -> None:
    with app.app_context():
        flask_migrate.upgrade()
        if db.session.scalar(select(func.count()).select_from(ContingencyPlan)):
            sys.exit(f"{database_url}: already has plans; give an empty database")


def empty_every_table(app) -> None:
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))
        db.engine.dispose()


# --- bulk seeding of the engine's plans and incidents ------------------------------------------

def _rows(table, *where, order=None) -> list[dict]:
    return [dict(r) for r in db.session.execute(
        select(table.__table__).where(*where).order_by(order if order is not None else table.__table__.c.id)
    ).mappings()]


def _template(plan_id: int) -> dict:
    """Every row that create_plan and open_incident wrote for one plan and its incident."""
    incident = _rows(Incident, Incident.plan_id == plan_id)
    assert len(incident) == 1, "a template plan has one incident"
    pages = _rows(Page, Page.incident_id == incident[0]["id"])
    assert pages and all(p["who"] == "contact" for p in pages), "a first step asks contacts"
    return {
        "plan": _rows(ContingencyPlan, ContingencyPlan.id == plan_id)[0],
        "audit": _rows(AuditEvent, AuditEvent.plan_id == plan_id),
        "cared_for": _rows(CaredForPerson, CaredForPerson.plan_id == plan_id, order=CaredForPerson.position),
        "contacts": _rows(EmergencyContact, EmergencyContact.plan_id == plan_id, order=EmergencyContact.position),
        "versions": _rows(PlanVersion, PlanVersion.plan_id == plan_id),
        "incident": incident[0],
        "events": _rows(IncidentEvent, IncidentEvent.incident_id == incident[0]["id"]),
        "pages": pages,
        "outbox": _rows(OutboxMessage, OutboxMessage.page_id.in_([p["id"] for p in pages])),
    }


def _shifted(row: dict, delta: timedelta) -> dict:
    return {key: value + delta if isinstance(value, datetime) else value for key, value in row.items()}


def _replaced(text_: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        text_ = text_.replace(old, new)
    return text_


def _patched_snapshot(snapshot: dict, plan: dict, cared_for: list[dict], contacts: list[dict]) -> dict:
    """The template's plan snapshot with the copy's ids, card number, names, numbers and address."""
    snapshot = copy.deepcopy(snapshot)
    snapshot["id"], snapshot["card_number"] = plan["id"], plan["card_number"]
    snapshot["carer"]["name"], snapshot["carer"]["mobile"] = plan["carer_name"], plan["carer_mobile"]
    snapshot["carer"]["address"]["line1"] = plan["carer_address_line1"]
    for entry, row in zip(snapshot["cared_for"], cared_for, strict=True):
        entry["id"], entry["name"] = row["id"], row["name"]
    for entry, row in zip(snapshot["contacts"], contacts, strict=True):
        entry["id"], entry["name"], entry["mobile"] = row["id"], row["name"], row["mobile"]
    return snapshot


def seed_in_bulk(count: int, coordinator, wait: int, counter: StatementCounter) -> tuple[int, float, str]:
    """Plans 0 (one contact) and 1 (two contacts) are made by PlanSchema and create_plan and
    their incidents opened by open_incident, exactly as the service-layer path does; plans
    2..N-1 and their incidents are copies of the template with the same number of contacts,
    inserted with executemany in chunks: every row those calls write (plan, cared-for person,
    contacts, version, audit line; incident with its plan snapshot, timeline, first-step page
    and its text and call in the outbox), with the copy's own ids, card number (random, check
    digit, unique), names, numbers and address (from payload(i), as the service path), caller,
    reply code (three random digits unused among the number's open asks, as the engine picks
    them) and times moved to its opening at T0 + i*wait/N. (plans with one contact, statements
    per template open, their listing)."""
    ids, cards, _ = seed_plans(2, coordinator)  # i = 0: one contact; i = 1: two
    counter.reset()
    counter.on = True
    for i, plan_id in enumerate(ids):
        opening.open_incident(db.session.get(ContingencyPlan, plan_id), caller_number=caller_of(i), channel="sms",
                              now=ENGINE_T0 + timedelta(seconds=i * wait / count))
    db.session.commit()
    counter.on = False
    open_statements, open_listing = counter.total() / len(ids), counter.listing(per=len(ids))
    counter.reset()
    templates = {len(t["contacts"]): t for t in map(_template, ids)}
    for t in templates.values():
        assert t["versions"][0]["changes"] == changed_fields(None, t["versions"][0]["snapshot"])

    tables = (ContingencyPlan, AuditEvent, CaredForPerson, EmergencyContact, PlanVersion, Incident, IncidentEvent,
              Page, OutboxMessage)
    next_id = {table: db.session.scalar(select(func.max(table.__table__.c.id))) + 1 for table in tables}

    def new_id(table) -> int:
        next_id[table] += 1
        return next_id[table] - 1

    used_cards = set(cards)
    codes_in_use: dict[str, set[str]] = {}
    for t in templates.values():
        for page in t["pages"]:
            codes_in_use.setdefault(page["phone"], set()).add(page["code"])
    one_contact = 1
    rows: dict = {table: [] for table in tables}
    for i in range(2, count):
        contacts = 2
        if i % ONE_CONTACT_EVERY == 0 and one_contact < MOST_ONE_CONTACT_PLANS:
            contacts, one_contact = 1, one_contact + 1
        t, wanted = templates[contacts], payload(i, contacts)
        card = new_card_number()
        while card in used_cards:
            card = new_card_number()
        used_cards.add(card)
        plan = {**t["plan"], "id": new_id(ContingencyPlan), "card_number": card, "carer_name": wanted["carer"]["name"],
                "carer_mobile": wanted["carer"]["mobile"], "carer_address_line1": wanted["carer"]["address"]["line1"]}
        cared_for = [{**row, "id": new_id(CaredForPerson), "plan_id": plan["id"], "name": person["name"]}
                     for row, person in zip(t["cared_for"], wanted["cared_for"], strict=True)]
        people = [{**row, "id": new_id(EmergencyContact), "plan_id": plan["id"], "name": contact["name"],
                   "mobile": contact["mobile"]} for row, contact in zip(t["contacts"], wanted["contacts"], strict=True)]
        versions = []
        for row in t["versions"]:
            snapshot = _patched_snapshot(row["snapshot"], plan, cared_for, people)
            versions.append({**row, "id": new_id(PlanVersion), "plan_id": plan["id"], "snapshot": snapshot,
                             "changes": changed_fields(None, snapshot)})
        rows[ContingencyPlan].append(plan)
        rows[CaredForPerson].extend(cared_for)
        rows[EmergencyContact].extend(people)
        rows[PlanVersion].extend(versions)
        rows[AuditEvent].extend({**row, "id": new_id(AuditEvent), "plan_id": plan["id"]} for row in t["audit"])

        delta = ENGINE_T0 + timedelta(seconds=i * wait / count) - t["incident"]["opened_at"]
        caller = caller_of(i)
        incident = {**_shifted(t["incident"], delta), "id": new_id(Incident), "plan_id": plan["id"],
                    "plan_snapshot": _patched_snapshot(t["incident"]["plan_snapshot"], plan, cared_for, people),
                    "caller_number": caller}
        rows[Incident].append(incident)
        names = [(old["name"], new["name"]) for old, new in zip(t["contacts"], people, strict=True)]
        pairs = [(f"from {t['incident']['caller_number']}", f"from {caller}"), *names]
        pages = {}  # template page id: (new page, pairs for its texts)
        for old in t["pages"]:
            phone = people[old["contact_index"]]["mobile"]
            in_use = codes_in_use.setdefault(phone, set())
            code = steps._code_not_in(in_use, phone)
            in_use.add(code)
            page = {**_shifted(old, delta), "id": new_id(Page), "incident_id": incident["id"], "code": code,
                    "name": people[old["contact_index"]]["name"], "phone": phone}
            pages[old["id"]] = (page, [(f"code {old['code']}", f"code {code}"), (f"ACCEPT {old['code']}", f"ACCEPT {code}"),
                                       (f"DECLINE {old['code']}", f"DECLINE {code}")])
            rows[Page].append(page)
        every_code = [pair for _, code_pairs in pages.values() for pair in code_pairs]
        rows[IncidentEvent].extend({**_shifted(row, delta), "id": new_id(IncidentEvent), "incident_id": incident["id"],
                                    "detail": _replaced(row["detail"], pairs + every_code)} for row in t["events"])
        for row in t["outbox"]:
            page, code_pairs = pages[row["page_id"]]
            rows[OutboxMessage].append({
                **_shifted(row, delta), "id": new_id(OutboxMessage), "page_id": page["id"], "to_number": page["phone"],
                "idempotency_key": row["idempotency_key"].replace(f"page:{row['page_id']}:", f"page:{page['id']}:", 1),
                "body": _replaced(row["body"], code_pairs)})
        if (i + 1) % BULK_CHUNK == 0 or i == count - 1:
            for table in tables:  # parents first
                if rows[table]:
                    db.session.execute(insert(table.__table__), rows[table])
                rows[table] = []
            db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in tables:  # explicit ids: move the sequences past them
            name = table.__tablename__
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"))
        # The planner's statistics, as autovacuum would have gathered them during a seeding that
        # took an hour; a bulk insert of a minute leaves them to chance at the first ticks.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    db.session.expunge_all()
    return one_contact, open_statements, open_listing


# --- engine ----------------------------------------------------------------------------------

def run_engine(app, count: int, bulk: bool = False) -> dict:
    with app.app_context():
        print(describe_database())
        wait = app.config["ESCALATION_WAIT_SECONDS"]
        coordinator = seed_rota_and_coordinator()
        counter = StatementCounter(db.engine)
        if bulk:
            started = time.perf_counter()
            one_contact, open_statements, open_listing = seed_in_bulk(count, coordinator, wait, counter)
            seed_seconds, open_seconds = time.perf_counter() - started, None
        else:
            started = time.perf_counter()
            plan_ids, _, one_contact = seed_plans(count, coordinator)
            seed_seconds = time.perf_counter() - started

            # Incident i opens at T0 + i*wait/N: its second step falls due at S + i*wait/N.
            started = time.perf_counter()
            counter.on = True
            for i, plan_id in enumerate(plan_ids):
                opened_at = ENGINE_T0 + timedelta(seconds=i * wait / count)
                opening.open_incident(db.session.get(ContingencyPlan, plan_id), caller_number=caller_of(i),
                                      channel="sms", now=opened_at)
                if (i + 1) % OPEN_COMMIT_EVERY == 0:
                    db.session.commit()
                    db.session.expunge_all()
            db.session.commit()
            counter.on = False
            open_seconds = time.perf_counter() - started
            open_statements = counter.total() / count
            open_listing = counter.listing(per=count)
        counter.reset()
        db.session.remove()

    first_due = ENGINE_T0 + timedelta(seconds=wait)
    durations, late_start, late_end, handled_per_tick = [], [], [], []
    mismatches, backlog_ticks, statements_per_tick, sql_seconds = 0, 0, [], 0.0
    sample_tick = None  # (steps, statement listing, commits) of a tick in mid-window
    k, previous_end = 0, 0.0
    sim_started = time.perf_counter()
    while True:
        start = max(float(k * TICK_SECONDS), previous_end)  # virtual seconds since first_due
        backlog_ticks += start > k * TICK_SECONDS
        now = first_due + timedelta(seconds=start)
        with app.app_context():  # untimed: which steps are due, and since when
            due = [(at - first_due).total_seconds() for at in db.session.scalars(
                select(Incident.next_action_at).where(*engine._due(now)))]
        counter.reset()
        counter.on = True
        tick_started = time.perf_counter()
        with app.app_context():  # as scheduling.escalation_tick runs it
            handled = engine.tick(now)
        duration = time.perf_counter() - tick_started
        counter.on = False
        mismatches += handled != len(due)
        durations.append(duration)
        handled_per_tick.append(handled)
        statements_per_tick.append((counter.total(), counter.commits, handled))
        sql_seconds += counter.sql_seconds
        end = start + duration
        late_start.extend(start - at for at in due)
        late_end.extend(end - at for at in due)
        if sample_tick is None and start >= wait / 2 and handled:
            sample_tick = (handled, counter.listing(per=handled), counter.commits, counter.total())
        previous_end, k = end, k + 1
        if start >= wait:
            break
    sim_seconds = time.perf_counter() - sim_started

    with app.app_context():
        behind = db.session.scalar(select(func.count()).select_from(Incident).where(Incident.step < 2))
        officer_pages = dict(db.session.execute(
            select(Page.phone, func.count()).where(Page.who == "officer", Page.status == "open").group_by(Page.phone)
        ).all())
        steps = sum(handled_per_tick)
        total_statements = sum(s for s, _, _ in statements_per_tick)
        total_commits = sum(c for _, c, _ in statements_per_tick)
        idle = [s for s, _, h in statements_per_tick if h == 0]

        if open_seconds is None:
            print(f"seed (bulk): 1 coordinator, {len(OFFICERS)} officers on nights (tiers 1 and 2); 2 plans by "
                  f"create_plan and their incidents by open_incident, copied to {count} plans ({one_contact} with "
                  f"one contact, the rest two) with their incidents opened from {ENGINE_T0:%Y-%m-%d %H:%M} UTC, one "
                  f"every {wait / count * 1000:.1f} ms of simulated time, in {seed_seconds:.1f} s "
                  f"({seed_seconds / count * 1000:.2f} ms a plan and its incident; not counted); "
                  f"{open_statements:.1f} SQL statements an open (the 2 by open_incident): {open_listing}")
        else:
            print(f"seed: 1 coordinator, {len(OFFICERS)} officers on nights (tiers 1 and 2), {count} plans "
                  f"({one_contact} with one contact, the rest two) in {seed_seconds:.1f} s "
                  f"({seed_seconds / count * 1000:.2f} ms a plan; not counted)")
            print(f"opened {count} incidents from {ENGINE_T0:%Y-%m-%d %H:%M} UTC, one every {wait / count * 1000:.1f} ms "
                  f"of simulated time, in {open_seconds:.1f} s real ({open_seconds / count * 1000:.2f} ms each, "
                  f"committed every {OPEN_COMMIT_EVERY}; not counted); {open_statements:.1f} SQL statements an open: "
                  f"{open_listing}")
        print(f"simulated: {k} ticks of {TICK_SECONDS} s from {first_due:%H:%M:%S} (the first due step) to "
              f"+{start:.1f} s, each engine.tick(now) in its own app context; {steps} steps taken "
              f"({steps / k:.1f} a tick); {sim_seconds:.1f} s real in all")
        print(f"incidents whose second step had not run at the end: {behind}; ticks whose count of steps "
              f"differed from those due at their start: {mismatches}; ticks that started late (backlog): "
              f"{backlog_ticks}")
        print()
        print(header("real tick duration, milliseconds"))
        print(row("every tick", durations, 1000))
        busy = [d for d, h in zip(durations, handled_per_tick, strict=True) if h]
        if busy:
            print(row("ticks that took a step", busy, 1000))
        print()
        print(LATENESS)
        print(header("lateness, seconds"))
        print(row("to tick start (the target's measure)", late_start))
        print(row("to tick end (upper bound)", late_end))
        p99_start, p99_end = figures(late_start)[2], figures(late_end)[2]
        verdict = "target met" if p99_start <= 2 else "target missed"
        print(f"p99 lateness {p99_start:.3f} s to tick start ({p99_end:.3f} s to tick end) against 2 s: {verdict}"
              + ("" if (p99_end <= 2) == (p99_start <= 2) else
                 f" (to tick end: target {'met' if p99_end <= 2 else 'missed'})"))
        over = sum(d > TICK_SECONDS for d in durations)
        met = p99_start < 1.2 and not over
        print(f"ticks longer than the {TICK_SECONDS} s interval: {over} of {k} (longest {max(durations):.3f} s); "
              f"against p99 < 1.2 s and no tick longer than the interval (the 100,000-incident target): "
              f"{'target met' if met else 'target missed'}")
        print()
        print(f"SQL statements: {total_statements} over {k} ticks, {total_statements / max(steps, 1):.1f} a step "
              f"(tick overheads included); {total_commits} commits ({total_commits / max(steps, 1):.2f} a step); "
              + (f"a tick with nothing due: {statistics.median(idle):.0f} statements" if idle else "every tick had steps due"))
        tick_seconds = sum(durations)
        print(f"tick time: {tick_seconds:.1f} s in all, {tick_seconds / max(steps, 1) * 1000:.1f} ms a step (tick "
              f"overheads included), of which {sql_seconds / max(steps, 1) * 1000:.1f} ms in SQL statements "
              f"({sql_seconds / tick_seconds:.0%}: from sending each to its answer; commits not included); "
              f"{count / wait:.1f} steps fall due a second, so a tick keeps up if a step takes under "
              f"{TICK_SECONDS / (count / wait) * 1000:.1f} ms")
        if sample_tick:
            handled, listing, commits, total = sample_tick
            print(f"  one mid-window tick, {handled} steps: {total} statements, {commits} commits; "
                  f"per step (its overheads spread over its steps): {listing}")
        if officer_pages:
            pages = max(officer_pages.values())
            print(f"open pages per tier-1 officer at the end: {pages} of the 900 three-digit reply codes "
                  f"(one SELECT reads the codes in use; a free one is picked in memory)")
        db.session.remove()
        return {"p99_start": p99_start, "p99_end": p99_end, "durations": durations, "late_start": late_start}


def engine_process(database_url: str, first_due: datetime, started_at: float, wait: int) -> list[tuple]:
    """In a spawned process, as one `flask engine run` beside the others: engine.tick(now) at
    every whole second of real time from `started_at` (a time.time() shared by the engines), or
    at once when the last tick ran past it, as the simulated timeline does, with now =
    first_due + the seconds since `started_at`.
    [(start, seconds, steps taken)] of each tick, start in seconds since `started_at`."""
    app = make_app(database_url)
    with app.app_context():  # connected and warmed up, as a running engine is
        db.session.execute(text("SELECT 1"))
        db.session.remove()
    ticks, k, previous_end = [], 0, 0.0
    while True:
        start = max(float(k * TICK_SECONDS), previous_end)
        time.sleep(max(0.0, started_at + start - time.time()))
        start = time.time() - started_at
        with app.app_context():
            handled = engine.tick(first_due + timedelta(seconds=start))
        previous_end = time.time() - started_at
        ticks.append((start, previous_end - start, handled))
        k += 1
        if start >= wait:
            break
    with app.app_context():
        db.engine.dispose()
    return ticks


def run_engines_together(app, database_url: str, count: int, engines: int) -> None:
    """The engine part with `engines` processes ticking together in real time on one database,
    as operators may run them (the row locks share the due steps out). Lateness of a step = the
    `now` of the tick that took it (the sent_at of the asks it made) - its due time."""
    with app.app_context():
        print(describe_database())
        wait = app.config["ESCALATION_WAIT_SECONDS"]
        coordinator = seed_rota_and_coordinator()
        counter = StatementCounter(db.engine)
        started = time.perf_counter()
        seed_in_bulk(count, coordinator, wait, counter)
        print(f"seed (bulk): {count} plans and their open incidents in {time.perf_counter() - started:.1f} s "
              f"(not counted)")
        due = dict(db.session.execute(select(Incident.id, Incident.next_action_at)).all())
        db.session.remove()
    first_due = ENGINE_T0 + timedelta(seconds=wait)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(engines, mp_context=spawn) as pool:
        started_at = time.time() + WORKER_START_SECONDS / 4  # every engine started and connected by then
        futures = [pool.submit(engine_process, database_url, first_due, started_at, wait) for _ in range(engines)]
        runs = [future.result() for future in futures]
    with app.app_context():
        taken = dict(db.session.execute(select(Page.incident_id, func.min(Page.sent_at)).where(Page.step == 2)
                                        .group_by(Page.incident_id)).all())
        behind = db.session.scalar(select(func.count()).select_from(Incident).where(Incident.step < 2))
        db.session.remove()
    lateness = [(taken[incident] - at).total_seconds() for incident, at in due.items() if incident in taken]
    durations = [seconds for ticks in runs for _, seconds, _ in ticks]
    steps = sum(handled for ticks in runs for _, _, handled in ticks)
    over = sum(seconds > TICK_SECONDS for seconds in durations)
    print(f"{engines} engines, each engine.tick(now) once a second of real time in its own process, in step; "
          f"{steps} steps taken, by engine: {', '.join(str(sum(h for _, _, h in ticks)) for ticks in runs)}; "
          f"incidents whose second step had not run at the end: {behind}")
    print()
    print(header("real tick duration, milliseconds"))
    for number, ticks in enumerate(runs, start=1):
        print(row(f"engine {number}: every tick", [seconds for _, seconds, _ in ticks], 1000))
    print()
    print(header("lateness, seconds"))
    print(row("due -> the now of the tick that took it", lateness))
    p99 = figures(lateness)[2]
    met = p99 < 1.2 and not over
    print(f"ticks longer than the {TICK_SECONDS} s interval: {over} of {len(durations)} (longest "
          f"{max(durations):.3f} s); p99 lateness {p99:.3f} s; against p99 < 1.2 s and no tick longer than the "
          f"interval (the 100,000-incident target): {'target met' if met else 'target missed'}")


# --- burst -----------------------------------------------------------------------------------

def open_by_card(app, card: str, i: int) -> None:
    with app.app_context():  # one webhook request
        plan = plans.find_by_card_number(card)
        opening.open_incident(plan, caller_number=PEOPLE_PHONES[(7 * i) % len(PEOPLE_PHONES)], channel="sms", now=BURST_AT)
        db.session.commit()


_start_together = None  # in a --workers process: the barrier that releases them all at once


def start_worker(barrier) -> None:
    global _start_together
    _start_together = barrier


def open_share(database_url: str, share: list[tuple[int, str]]) -> tuple[list[float], Counter]:
    """In a worker process, as a gunicorn worker: its own app, warmed up, then, once every worker
    is ready, its share of the burst. (seconds of each open, failed opens by error)."""
    app = make_app(database_url)
    with app.app_context():  # a running worker is connected and has served requests: one open, undone
        i, card = share[0]
        opening.open_incident(plans.find_by_card_number(card), caller_number=PEOPLE_PHONES[(7 * i) % len(PEOPLE_PHONES)],
                              channel="sms", now=BURST_AT)
        db.session.rollback()
    _start_together.wait(timeout=WORKER_START_SECONDS)
    per_open, failures = [], Counter()
    for i, card in share:
        started = time.perf_counter()
        try:
            open_by_card(app, card, i)
        except DBAPIError as error:  # e.g. SQLite's "database is locked": counted, not retried
            failures[f"{type(error.orig).__name__}: {str(error.orig).splitlines()[0]}"] += 1
            continue
        per_open.append(time.perf_counter() - started)
    with app.app_context():
        db.engine.dispose()
    return per_open, failures


def burst_in_processes(database_url: str, cards: list[str], workers: int) -> tuple[float, list[float], Counter]:
    """(seconds from the workers' release to the last one done, seconds of each open, failed opens)."""
    numbered = list(enumerate(cards))
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(workers + 1)  # the workers and this process, which times them
    with ProcessPoolExecutor(workers, mp_context=spawn, initializer=start_worker, initargs=(barrier,)) as pool:
        futures = [pool.submit(open_share, database_url, numbered[w::workers]) for w in range(workers)]
        try:
            barrier.wait(timeout=WORKER_START_SECONDS)
        except threading.BrokenBarrierError:  # a worker failed before the start: say why
            next(as_completed(futures)).result()
            raise
        first_started = time.perf_counter()
        results = [future.result() for future in futures]
        total_seconds = time.perf_counter() - first_started
    return total_seconds, [s for per_open, _ in results for s in per_open], sum((f for _, f in results), Counter())


def run_burst(app, database_url: str, count: int, workers: int = 1) -> dict:
    with app.app_context():
        print(describe_database())
        coordinator = seed_rota_and_coordinator()
        started = time.perf_counter()
        _, cards, _ = seed_plans(count + COUNTED_OPENS, coordinator)
        seed_seconds = time.perf_counter() - started
        db.session.remove()

    failures = Counter()
    if workers == 1:
        per_open = []
        first_started = time.perf_counter()
        for i, card in enumerate(cards[:count]):
            started = time.perf_counter()
            open_by_card(app, card, i)
            per_open.append(time.perf_counter() - started)
        total_seconds = time.perf_counter() - first_started
    else:
        total_seconds, per_open, failures = burst_in_processes(database_url, cards[:count], workers)

    with app.app_context():
        # Before the counted opens below: every card of the burst opened once, and only once.
        opened = db.session.scalar(select(func.count()).select_from(Incident))
        doubled = db.session.scalar(select(func.count()).select_from(
            select(Incident.plan_id).group_by(Incident.plan_id).having(func.count() > 1).subquery()))
        db.session.remove()

    with app.app_context():
        counter = StatementCounter(db.engine)
        counter.on = True
        for i, card in enumerate(cards[count:], start=count):
            open_by_card(app, card, i)
        counter.on = False
        statements = counter.total() / COUNTED_OPENS
        listing = counter.listing(per=COUNTED_OPENS)
        commits = counter.commits / COUNTED_OPENS

        # What open_incident reads for its first step: who is on duty (not needed when the
        # first step asks a contact) and which numbers refuse texts.
        on_duty_times = timed(lambda: steps.officers_on_duty(BURST_AT), 200)
        blocked_times = timed(steps.sms_blocked_numbers, 200)
        counter.reset()
        counter.on = True
        steps.officers_on_duty(BURST_AT)
        counter.on = False
        on_duty_statements = counter.total()
        db.session.rollback()
        commit_times = durable_commit_times(200)

        asks = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.purpose == "ask"))
        with_ask = db.session.scalar(select(func.count(func.distinct(Page.incident_id))))
        print(f"seed: 1 coordinator, {len(OFFICERS)} officers, {count + COUNTED_OPENS} plans in {seed_seconds:.1f} s "
              f"({seed_seconds / (count + COUNTED_OPENS) * 1000:.2f} ms a plan; not counted)")
        if workers == 1:
            print(f"burst: {count} incidents opened back to back at {BURST_AT:%Y-%m-%d %H:%M} UTC, each "
                  f"find_by_card_number + open_incident + commit in its own app context (a webhook request)")
        else:
            print(f"burst: {count} incidents opened at {BURST_AT:%Y-%m-%d %H:%M} UTC by {workers} worker processes "
                  f"at once (as gunicorn workers; card i to worker i mod {workers}), each open "
                  f"find_by_card_number + open_incident + commit in its own app context (a webhook request)")
        print(f"outbox: {asks} first-ask rows (SMS and call) for {with_ask} incidents "
              f"({COUNTED_OPENS} of them opened after the timed burst, to count statements)")
        if workers > 1:
            committed = count - failures.total()  # opens that did not fail
            print(f"correctness: {opened} incidents in the database for {count} cards, {failures.total()} opens failed "
                  f"({'none lost' if opened == committed else f'{committed - opened} LOST'}); "
                  f"{doubled} plans with more than one incident ({'no doubles' if not doubled else 'DOUBLES'})")
            for error, times in failures.most_common():
                print(f"  failed opens: {times} x {error}")
        print()
        by = "" if workers == 1 else f" by {workers} workers"
        met = total_seconds <= 10 and not failures
        print(f"first open to last first ask committed: {total_seconds:.2f} s for {count} incidents{by} "
              f"({count / total_seconds:.0f} a second) against 10 s: {'target met' if met else 'target missed'}"
              + (f" ({failures.total()} opens failed)" if failures else ""))
        print(header("one open, milliseconds"))
        print(row("find + open_incident + commit" + ("" if workers == 1 else f", {workers} workers"), per_open, 1000))
        print(row("officers_on_duty alone", on_duty_times, 1000))
        print(row("sms_blocked_numbers alone", blocked_times, 1000))
        print(row("one small INSERT + COMMIT, nothing else", commit_times, 1000))
        floor = count * statistics.median(commit_times)
        print(f"so {count} opens one after another, each committed before its reply, take at least {floor:.1f} s "
              f"on this disk whatever the code does (the median durable commit, {count} times)")
        print()
        print(f"SQL statements an open: {statements:.1f}, {commits:.0f} commit(s): {listing}")
        print(f"  officers_on_duty, read only when a step reaches the rota: {on_duty_statements} statements")
        db.session.remove()
        return {"total": total_seconds, "per_open": per_open}


def durable_commit_times(times: int) -> list[float]:
    """Seconds for a durable write and nothing else: one small INSERT and its COMMIT, each in
    its own transaction (rows removed afterwards)."""
    keys = [f"bench-commit-{i}" for i in range(times)]
    result = []
    for key in keys:
        started = time.perf_counter()
        db.session.add(InboundRequest(key=key, received_at=BURST_AT, answer=""))
        db.session.commit()
        result.append(time.perf_counter() - started)
    db.session.execute(delete(InboundRequest).where(InboundRequest.key.in_(keys)))
    db.session.commit()
    return result


def run(database_url: str | None, only: str | None, count: int, burst: int, workers: int, seed: str = "auto",
        engines: int = 1) -> None:
    parts = [p for p in ("engine", "burst") if only in (None, p)]
    with tempfile.TemporaryDirectory(prefix="engine-bench-") as directory:
        for index, part in enumerate(parts):
            url = database_url or f"sqlite:///{Path(directory) / f'{part}.db'}"
            app = make_app(url)
            if database_url and index:
                empty_every_table(app)
            migrate_empty(app, url)
            print(f"== {part}: " + ("engine.tick on open incidents" if part == "engine" else "a burst of incidents"))
            if part == "engine" and engines > 1:
                run_engines_together(app, url, count, engines)
            elif part == "engine":
                run_engine(app, count, bulk=seed == "bulk" or (seed == "auto" and count > BULK_ABOVE))
            else:
                run_burst(app, url, burst, workers)
            with app.app_context():
                db.engine.dispose()
            print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database to migrate and fill (default: SQLite in a temp dir)")
    parser.add_argument("--incidents", type=int, default=10000, help="open incidents for the engine (default 10000)")
    parser.add_argument("--burst", type=int, default=6000, help="incidents opened at once (default 6000)")
    parser.add_argument("--only", choices=("engine", "burst"), help="run one part only")
    parser.add_argument("--seed", choices=("auto", "service", "bulk"), default="auto",
                        help="how the engine part seeds its plans and incidents: through the service layer, or "
                             f"2 through it and copies in bulk (default auto: bulk above {BULK_ABOVE} incidents)")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes opening the burst at once, as gunicorn workers (default 1: back to back)")
    parser.add_argument("--engines", type=int, default=1,
                        help="engine processes ticking together in real time on PostgreSQL, seeded in bulk (default "
                             "1: one engine on a simulated timeline)")
    args = parser.parse_args()
    if args.engines > 1 and not (args.database_url or "").startswith("postgresql"):
        parser.error("--engines above 1 needs a PostgreSQL --database-url (the engines share out steps by row locks)")
    if args.incidents < 2 or args.burst < 2:
        parser.error("--incidents and --burst must be at least 2")
    if not 1 <= args.workers <= args.burst:
        parser.error("--workers must be from 1 to --burst")
    run(args.database_url, args.only, args.incidents, args.burst, args.workers, args.seed, args.engines)


if __name__ == "__main__":
    main()
