"""A known set of plans, incidents, asks, ratings and rota for the report tests. The expected
figures in the tests are worked out by hand from what is written here.

The period is the first quarter of 2026 (London): 2026-01-01 00:00 GMT to 2026-04-01 00:00 BST,
that is [2026-01-01T00:00Z, 2026-03-31T23:00Z). The clocks go forward on 2026-03-29 at 01:00Z.
"""
from datetime import date, datetime, time, timedelta, timezone

from emergency.extensions import db
from emergency.incidents.models import Incident, IncidentEvent, Page
from emergency.outbox.service import queue_message
from emergency.plans.models import CaredForPerson, ContingencyPlan, EmergencyContact, PlanVersion
from emergency.rota.models import DutyOfficer, RotaOverride, RotaPattern, RotaPatternTurn


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def plan(number, *, created, status, postcode, language, due, cared_for=1, consents=(), mobile=None,
         opt_out=False) -> ContingencyPlan:
    row = ContingencyPlan(
        card_number=f"{number:010d}", status=status, carer_name=f"Carer {number}", carer_mobile=mobile,
        carer_address_line1="1 Street", carer_town="Leeds", carer_postcode=postcode,
        carer_preferred_language=language, review_due_on=due, created_at=created, updated_at=created,
        review_texts_opt_out=opt_out,
    )
    row.cared_for = [CaredForPerson(position=i, name=f"Person {number}.{i}") for i in range(cared_for)]
    row.contacts = [EmergencyContact(position=i, name=f"Contact {number}.{i}", relationship_to_carer="friend",
                                     mobile=f"+4420794600{i:02d}", consent_status=consent)
                    for i, consent in enumerate(consents)]
    db.session.add(row)
    db.session.flush()
    return row


def version(plan_row, change, at):
    count = db.session.query(PlanVersion).filter_by(plan_id=plan_row.id).count()
    db.session.add(PlanVersion(plan_id=plan_row.id, number=count + 1, changed_at=at, changed_by="cora",
                               change=change, snapshot={}, changes=[]))


def incident(*, opened, channel, status="open", plan_row=None, closed=None) -> Incident:
    # The snapshot as a plan gives it; reports count rows and never read it.
    snapshot = {"carer": {"name": "Ann Carer", "address": None}, "cared_for": [{"name": "Bob Cared"}]}
    row = Incident(plan_id=plan_row.id if plan_row else None, plan_snapshot=snapshot, channel=channel,
                   status=status, opened_at=opened, stage="contacts", wait_seconds=600, rounds=3, channels="both",
                   closed_at=closed)
    db.session.add(row)
    db.session.flush()
    return row


def ask(incident_row, *, after, who="officer", officer=None, tier=None, status="open", answered_after=None) -> Page:
    sent = incident_row.opened_at + timedelta(seconds=after)
    row = Page(incident_id=incident_row.id, code=str(100 + after % 900), who=who,
               officer_id=officer.id if officer else None, name=officer.name if officer else who,
               phone=officer.mobile if officer else "+447700900999", channels="both", step=1, tier=tier,
               status=status, sent_at=sent,
               answered_at=None if answered_after is None
               else incident_row.opened_at + timedelta(seconds=answered_after))
    db.session.add(row)
    db.session.flush()
    return row


def accepted(incident_row, page_row, after):
    incident_row.accepted_page_id = page_row.id
    incident_row.accepted_at = incident_row.opened_at + timedelta(seconds=after)


def event(incident_row, kind, at):
    db.session.add(IncidentEvent(incident_id=incident_row.id, at=at, kind=kind))


def seed_quarter():
    alice = DutyOfficer(name="Alice Officer", mobile="+447700900101", role="duty officer")
    bob = DutyOfficer(name="Bob Officer", mobile="+447700900102", role="senior")
    db.session.add_all([alice, bob])
    db.session.flush()

    # Plans. P4 is registered at 2026-03-31T23:30Z, which is 1 April in London: after the period.
    p1 = plan(1, created=utc(2025, 6, 10, 9), status="active", postcode="LS6 1HR", language="English",
              due=date(2026, 6, 10), cared_for=2, consents=("given", "pending"))
    p2 = plan(2, created=utc(2026, 1, 15, 10), status="active", postcode="LS6 2AB", language="English",
              due=date(2026, 2, 20), consents=("refused",))
    plan(3, created=utc(2026, 3, 29, 0, 30), status="active", postcode="BD1 1AA", language="Polish",
         due=date(2026, 3, 15), consents=("given",))
    plan(4, created=utc(2026, 3, 31, 23, 30), status="active", postcode="LS6 3CD", language="English",
         due=date(2027, 3, 31), consents=("given",))
    p5 = plan(5, created=utc(2025, 12, 1, 9), status="archived", postcode="LS7 4EF", language="Urdu",
              due=date(2026, 3, 1), consents=("given",))
    plan(6, created=utc(2026, 2, 1, 12), status="draft", postcode="LS7 5GH", language="Polish",
         due=date(2027, 2, 1), consents=("pending",))
    p7 = plan(7, created=utc(2025, 1, 1, 9), status="archived", postcode="LS1 1AA", language="English",
              due=date(2026, 1, 1))
    version(p5, "archived", utc(2026, 2, 10, 9))  # archived within the period
    version(p7, "archived", utc(2025, 6, 1, 9))   # archived before it
    version(p1, "reviewed", utc(2026, 3, 10, 9))

    # I1: New Year's Day (a bank holiday, so out of hours) 10:00, by call; a contact accepts.
    i1 = incident(opened=utc(2026, 1, 1, 10), channel="voice", status="resolved", plan_row=p1,
                  closed=utc(2026, 1, 1, 12))
    accepted(i1, ask(i1, after=60, who="contact", status="accepted", answered_after=660), 660)
    event(i1, "survey sent", utc(2026, 1, 2, 12))
    i1.survey_sent_at = utc(2026, 1, 2, 12)
    i1.survey_rating = 5
    # I2: Wednesday 14 January 14:00 (office hours), by text; tier 1 (Alice) accepts.
    i2 = incident(opened=utc(2026, 1, 14, 14), channel="sms", status="accepted", plan_row=p2)
    ask(i2, after=30, who="contact", status="declined", answered_after=300)
    accepted(i2, ask(i2, after=630, officer=alice, tier=1, status="accepted", answered_after=900), 900)
    event(i2, "survey sent", utc(2026, 1, 15, 14))
    i2.survey_sent_at = utc(2026, 1, 15, 14)
    # I3: Saturday 7 February 22:00, by hand; nobody accepts, the fallback is called.
    i3 = incident(opened=utc(2026, 2, 7, 22), channel="console", status="exhausted", plan_row=p2)
    ask(i3, after=120, officer=alice, tier=1, status="no_answer", answered_after=400)
    ask(i3, after=720, officer=bob, tier=2, status="declined", answered_after=800)
    ask(i3, after=1500, who="fallback")
    event(i3, "exhausted", utc(2026, 2, 7, 22, 25))
    # I4: Tuesday 10 March 09:30 (office hours), by call; cancelled as a false alarm.
    i4 = incident(opened=utc(2026, 3, 10, 9, 30), channel="voice", status="cancelled", plan_row=p1,
                  closed=utc(2026, 3, 10, 9, 40))
    ask(i4, after=10, who="contact", status="closed")
    # I5: Sunday 29 March 00:30Z, half an hour before the clocks go forward (00:30 local), by text;
    # Bob, in tier 1 that night, accepts.
    i5 = incident(opened=utc(2026, 3, 29, 0, 30), channel="sms", status="resolved", plan_row=p1,
                  closed=utc(2026, 3, 29, 2))
    accepted(i5, ask(i5, after=300, officer=bob, tier=1, status="accepted", answered_after=1200), 1200)
    event(i5, "survey sent", utc(2026, 3, 30, 2))
    i5.survey_sent_at = utc(2026, 3, 30, 2)
    i5.survey_rating = 3
    # I6: 01:30Z the same night, 02:30 BST, by call; Alice (tier 2) accepts only after the period.
    i6 = incident(opened=utc(2026, 3, 29, 1, 30), channel="voice", status="accepted", plan_row=p2)
    accepted(i6, ask(i6, after=60, officer=alice, tier=2, status="accepted",
                     answered_after=int((utc(2026, 3, 31, 23, 30) - utc(2026, 3, 29, 1, 30)).total_seconds())),
             int((utc(2026, 3, 31, 23, 30) - utc(2026, 3, 29, 1, 30)).total_seconds()))
    # I7: Tuesday 31 March 22:30Z (23:30 BST), by hand; still open, nobody asked yet.
    incident(opened=utc(2026, 3, 31, 22, 30), channel="console", plan_row=p2)
    # Outside the period: 1 April 00:15 BST, and 31 December 2025 23:59 GMT.
    incident(opened=utc(2026, 3, 31, 23, 15), channel="voice", plan_row=p2)
    incident(opened=utc(2025, 12, 31, 23, 59), channel="voice", plan_row=p2)

    # Rota: Alice on first call round the clock, but for three holes.
    pattern = RotaPattern(name="first call", tier=1, days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                          starts=time(0), ends=time(0), starts_on=date(2025, 1, 1), rotate_every_weeks=1)
    pattern.turns = [RotaPatternTurn(position=0, officer_id=alice.id)]
    db.session.add(pattern)
    for start, end in ((utc(2026, 1, 10, 18), utc(2026, 1, 10, 22)),   # Saturday: 4 h out of hours
                       (utc(2026, 2, 2, 8), utc(2026, 2, 2, 10)),      # Monday 08-10: 1 h before the office opens
                       (utc(2026, 3, 29, 0), utc(2026, 3, 29, 3))):    # the night the clocks change: 3 h
        db.session.add(RotaOverride(kind="remove", tier=1, officer_id=alice.id, starts_at=start, ends_at=end,
                                    created_by="cora", created_at=utc(2025, 12, 1)))
    # A text to I2's caller, 200 GSM characters: two segments.
    queue_message(key="seed:caller-text", channel="sms", to_number="+447700900998", body="a" * 200,
                  purpose="caller_update", now=utc(2026, 1, 14, 14, 5), incident_id=i2.id)
    db.session.commit()
