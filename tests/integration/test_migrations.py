import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import exc, text

from emergency.audit import service as audit
from emergency.extensions import db
from tests.conftest import NOW


# SQLAlchemy cannot read an index on an expression back from SQLite (lower(username)); the
# comparison still sees it on PostgreSQL, and the test below checks it works on both.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index:UserWarning")
def test_the_migrations_build_exactly_the_schema_the_models_describe(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_the_migrations_go_down_to_nothing_and_up_again(app):
    flask_migrate.downgrade(revision="base")
    tables = set(db.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    flask_migrate.upgrade()
    assert "contingency_plan" in db.inspect(db.engine).get_table_names()


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"])
def test_the_database_refuses_to_rewrite_or_delete_the_audit_log(app, statement):
    audit.record("plan.viewed", user=None, now=NOW, plan_id=None)
    db.session.commit()
    with pytest.raises(exc.DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.execute(text("SELECT action FROM audit_event")).scalars().all() == ["plan.viewed"]


def test_audit_lines_that_named_people_are_cut_back_to_ids_and_the_log_stays_append_only(app):
    flask_migrate.downgrade(revision="0006")
    rows = [("plan.details_viewed_by_accepter", "incident 7, Susan Hughes (+447700900456)"),
            ("plan.details_read_to_accepter", "incident 7, read out on the call to Susan Hughes (+447700900456)"),
            ("plan.archived", "Margaret Hughes moved into care"),
            ("plan.key_safe_changed", "set")]
    for action, detail in rows:
        db.session.execute(text("INSERT INTO audit_event (at, actor, action, detail) VALUES (:at, 'system', :a, :d)"),
                           {"at": NOW.replace(tzinfo=None), "a": action, "d": detail})
    db.session.commit()
    flask_migrate.upgrade()
    details = db.session.execute(text("SELECT detail FROM audit_event ORDER BY id")).scalars().all()
    assert details == ["incident 7", "incident 7", "", "set"]
    with pytest.raises(exc.DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_event SET detail = 'forged'"))
    db.session.rollback()
    with pytest.raises(exc.DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()


def test_usernames_that_differ_only_in_case_are_renamed_by_the_upgrade_which_says_so(app, caplog):
    flask_migrate.downgrade(revision="0013")
    for name in ("cora", "CORA", "Cora", "CORA-2"):
        db.session.execute(text("INSERT INTO user_account (username, full_name, role, active, created_at) "
                                "VALUES (:name, 'x', 'coordinator', true, :at)"), {"name": name, "at": NOW.replace(tzinfo=None)})
    db.session.commit()
    flask_migrate.upgrade()
    names = db.session.execute(text("SELECT username FROM user_account ORDER BY id")).scalars().all()
    assert names == ["cora", "CORA-2-x", "Cora-3", "CORA-2"]
    renames = [record.getMessage() for record in caplog.records if ": renamed " in record.getMessage()]
    assert len(renames) == 2 and "user 2: renamed 'CORA' to 'CORA-2-x'" in renames[0]
    with pytest.raises(exc.IntegrityError):
        db.session.execute(text("INSERT INTO user_account (username, full_name, role, active, created_at) "
                                "VALUES ('COra', 'x', 'coordinator', true, :at)"), {"at": NOW.replace(tzinfo=None)})
    db.session.rollback()


def test_consent_audit_lines_that_named_the_contact_are_cut_back(app):
    flask_migrate.downgrade(revision="0013")
    rows = [("plan.consent_asked", "Eve Smith (+447911123456)"),
            ("plan.consent_replied", "Eve Smith: agreed by text from +447911123456"),
            ("plan.consent_replied", "Eve Smith: refused by text from +447911123456")]
    for action, detail in rows:
        db.session.execute(text("INSERT INTO audit_event (at, actor, action, detail) VALUES (:at, 'system', :a, :d)"),
                           {"at": NOW.replace(tzinfo=None), "a": action, "d": detail})
    db.session.commit()
    flask_migrate.upgrade()
    details = db.session.execute(text("SELECT detail FROM audit_event ORDER BY id")).scalars().all()
    assert details == ["", "agreed by text", "refused by text"]
    with pytest.raises(exc.DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event"))


def _insert(table, **values):
    columns = ", ".join(values)
    db.session.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in values)})"), values)


def _incident(incident_id, status, stage, rounds, **more):
    at = NOW.replace(tzinfo=None)
    _insert("incident", **{"id": incident_id, "status": status, "stage": stage, "rounds": rounds, "channel": "sms",
                           "opened_at": at, "next_contact": 0, "rota_round": 1, "next_tier": 1, "step": 0,
                           "wait_seconds": 0 if rounds == 0 else 600, "channels": "both", "version": 1, **more})


def test_needs_a_person_and_survey_sent_move_from_the_timeline_into_columns(app):
    flask_migrate.downgrade(revision="0013")
    at = NOW.replace(tzinfo=None)
    _incident(1, "open", "done", 0, caller_number="+447911123459")  # needs a person, still open
    _insert("incident_event", incident_id=1, at=at, kind="needs a person",
            detail="sms from +447911123459: an unknown card 1234567890")
    _incident(2, "resolved", "done", 0)  # needs a person, since closed
    _insert("incident_event", incident_id=2, at=at, kind="needs a person",
            detail="voice from +447911123459: a card number that could not be read (the check digit is wrong)")
    _incident(3, "exhausted", "done", 3)  # an escalation nobody accepted: not a hand-over
    _insert("page", id=1, incident_id=3, code="123", who="officer", name="Priya Shah", phone="+442079460101",
            channels="both", step=1, status="open", sent_at=at)
    _incident(4, "resolved", "done", 3)  # surveyed
    _insert("incident_event", incident_id=4, at=at, kind="survey sent", detail="asked the carer")
    _insert("incident_event", incident_id=4, at=at, kind="a kind from long ago", detail="what it said")
    db.session.commit()

    flask_migrate.upgrade()
    rows = db.session.execute(text("SELECT id, status, needs_person_reason, survey_sent_at IS NOT NULL "
                                   "FROM incident ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, "needs_person", "unknown_card", False),
                                            (2, "resolved", "unreadable_card", False),
                                            (3, "exhausted", None, False), (4, "resolved", None, True)]
    assert db.session.execute(text("SELECT kind, detail FROM incident_event WHERE incident_id = 4 ORDER BY id")
                              ).all()[1] == ("note", "a kind from long ago: what it said")
    assert db.session.execute(text("SELECT count(*) FROM page")).scalar() == 1

    db.session.rollback()  # PostgreSQL: an open read would hold the migration's ALTER TABLE forever

    flask_migrate.downgrade(revision="0013")  # and back: a hand-over is open with stage done again
    assert db.session.execute(text("SELECT status, stage FROM incident WHERE id = 1")).one() == ("open", "done")
    db.session.rollback()
    flask_migrate.upgrade()


@pytest.mark.parametrize("table, values", [
    ("incident_event", {"incident_id": 1, "kind": "something new", "detail": ""}),
    ("incident", {"id": 2, "status": "handed_over", "stage": "done", "rounds": 0}),
    ("incident", {"id": 2, "status": "open", "stage": "contacts", "rounds": 3, "channel": "fax"}),
])
def test_the_database_refuses_a_value_outside_its_vocabulary(app, table, values):
    _incident(1, "open", "contacts", 3)
    db.session.commit()
    with pytest.raises(exc.IntegrityError):
        if table == "incident":
            _incident(**{"incident_id": values.pop("id"), **values})
        else:
            _insert(table, at=NOW.replace(tzinfo=None), **values)
        db.session.flush()
    db.session.rollback()
