"""The registry's service: versions, audit, optimistic locking, the key-safe code kept apart."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from emergency.api.plan_schemas import PlanSchema
from emergency.audit.models import AuditEvent
from emergency.errors import Conflict, RuleBroken
from emergency.extensions import db
from emergency.plans import service
from emergency.plans.models import ContingencyPlan
from emergency.plans.snapshot import plan_to_dict
from emergency.users import service as users
from tests.conftest import NOW, plan_payload


@pytest.fixture
def cora(app):
    user = users.create_user("cora", "Cora Coordinator", "coordinator", NOW)
    db.session.commit()
    return user


def loaded(**overrides):
    return PlanSchema().load(plan_payload(**overrides))


def editable(plan):
    data = plan_to_dict(plan)
    for key in ("id", "card_number"):
        data.pop(key)
    data["home_access"].pop("has_key_safe_code")
    return PlanSchema().load({**data, "status": "active"})


def test_a_new_plan_gets_version_one_a_review_date_a_year_out_and_an_audit_line(cora):
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    db.session.commit()
    assert plan.version == 1 and plan.review_due_on == date(2027, 11, 22)
    [version] = service.versions_of(plan)
    assert (version.number, version.change, version.changed_by) == (1, "created", "cora")
    assert db.session.scalars(select(AuditEvent.action)).all() == ["plan.created"]


def test_an_update_records_who_changed_which_fields(cora):
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    data = editable(plan)
    data["cared_for"][0]["medication"] = "Donepezil 5 mg"
    service.update_plan(plan, data, expected_version=1, by=cora, now=NOW + timedelta(hours=1))
    db.session.commit()
    latest = service.versions_of(plan)[0]
    assert latest.number == plan.version == 2
    assert latest.changes == [{"field": "cared_for[0].medication", "from": "Donepezil 10 mg at night", "to": "Donepezil 5 mg"}]
    assert latest.changed_at == NOW + timedelta(hours=1)


def test_saving_a_plan_unchanged_adds_no_version(cora):
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    service.update_plan(plan, editable(plan), expected_version=1, by=cora, now=NOW)
    db.session.commit()
    assert plan.version == 1 and len(service.versions_of(plan)) == 1


def test_contacts_keep_their_ids_when_reordered_and_a_left_out_one_is_removed(cora):
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    susan, tom = plan.contacts
    data = editable(plan)
    data["contacts"] = [data["contacts"][1]]
    service.update_plan(plan, data, expected_version=1, by=cora, now=NOW)
    db.session.commit()
    assert [contact.id for contact in plan.contacts] == [tom.id]
    assert plan.contacts[0].position == 0


def test_an_id_from_another_plan_is_refused_naming_the_entry(cora):
    first = service.create_plan(loaded(), by=cora, now=NOW)
    second = service.create_plan(loaded(), by=cora, now=NOW)
    data = editable(second)
    data["contacts"][0]["id"] = first.contacts[0].id
    with pytest.raises(RuleBroken) as refused:
        service.update_plan(second, data, expected_version=1, by=cora, now=NOW)
    assert refused.value.field == "contacts[0].id"


def test_a_change_based_on_an_old_version_is_refused(cora):
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    data = editable(plan)
    data["instructions"] = "first change"
    service.update_plan(plan, data, expected_version=1, by=cora, now=NOW)
    data["instructions"] = "second change, from a stale copy"
    with pytest.raises(Conflict, match="version 1"):
        service.update_plan(plan, data, expected_version=1, by=cora, now=NOW)


def test_two_coordinators_saving_at_the_same_moment_cannot_both_win(app, cora):
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    db.session.commit()
    plan_id = plan.id
    with Session(db.engine) as first, Session(db.engine) as second:
        mine, theirs = first.get(ContingencyPlan, plan_id), second.get(ContingencyPlan, plan_id)
        mine.instructions, theirs.instructions = "mine", "theirs"
        first.commit()
        with pytest.raises(Exception, match="expected to update 1 row"):
            second.commit()
    db.session.expire_all()
    assert db.session.get(ContingencyPlan, plan_id).instructions == "mine"


def test_the_key_safe_code_never_enters_a_snapshot_or_a_version(cora):
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    service.set_key_safe_code(plan, "8642", by=cora, now=NOW)
    db.session.commit()
    def without_card(text):  # the card number is random: its digits may happen to hold the code's
        return text.replace(plan.card_number, "")

    assert "8642" not in without_card(str(plan_to_dict(plan)))
    assert all("8642" not in without_card(str(version.snapshot) + str(version.changes))
               for version in service.versions_of(plan))
    assert service.versions_of(plan)[0].changes == [
        {"field": "home_access.has_key_safe_code", "from": False, "to": True}
    ]
    assert service.read_key_safe_code(plan, by=cora, now=NOW) == "8642"
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["plan.created", "plan.key_safe_changed", "plan.key_safe_viewed"]


def test_an_archived_plan_cannot_be_changed_any_more(cora):
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    service.archive_plan(plan, reason="carer moved away", by=cora, now=NOW)
    assert service.versions_of(plan)[0].reason == "carer moved away"
    with pytest.raises(Conflict, match="archived"):
        service.update_plan(plan, editable(plan), expected_version=plan.version, by=cora, now=NOW)


def test_review_marks_today_in_london_and_sets_the_next_due_date(cora):
    plan = service.create_plan(loaded(last_reviewed_on="2025-01-05"), by=cora, now=NOW)
    assert plan.review_due_on == date(2026, 1, 5)
    late_evening_utc = NOW.replace(month=6, day=30, hour=23, minute=30)  # 00:30 on 1 July in London
    service.mark_reviewed(plan, by=cora, now=late_evening_utc)
    assert (plan.last_reviewed_on, plan.review_due_on) == (date(2026, 7, 1), date(2027, 7, 1))


def test_review_dates_follow_the_configured_local_time_zone_not_london(app, cora):
    app.config["LOCAL_TIMEZONE"] = "Pacific/Auckland"
    plan = service.create_plan(loaded(), by=cora, now=NOW)
    morning_in_auckland = NOW.replace(month=6, day=30, hour=13)  # 01:00 on 1 July in Auckland, 30 June in London
    service.mark_reviewed(plan, by=cora, now=morning_in_auckland)
    assert (plan.last_reviewed_on, plan.review_due_on) == (date(2026, 7, 1), date(2027, 7, 1))
