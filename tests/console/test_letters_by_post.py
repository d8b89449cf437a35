"""Letters by post, as a coordinator uses them: a plan's letters to download, each laid out for
Notify; posting one (confirmed first, audited, once); through GOV.UK Notify (the stand-in of its
API, reached by the real client), whose status callbacks then show on the plan; and, without
Notify, the print queue: every waiting letter as one PDF, then marked posted."""
import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.audit.models import AuditEvent
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.jobs import job_stats, run_job
from emergency.outbox import letters as outbox_letters
from emergency.outbox import sender
from emergency.outbox.models import OutboxLetter, OutboxMessage
from emergency.plans import service as plans
from emergency.plans.card_pdf import CardDetails, card_pdf
from emergency.retention import erasure
from emergency.retention import service as retention
from emergency.retention.schedule import RetentionSchedule
from emergency.scheduling import LETTER_STATUSES, build_scheduler
from tests.conftest import plan_payload
from tests.console.client import words
from tests.letter_pages import address_block, all_text, out_of_bounds, read_letter
from tests.notify_stand_in import NotifyCallbacks, notify_account, notify_stand_in  # noqa: F401  fixture

KEY_SAFE_CODE = "8642"  # the world's plan has this code; no letter may carry it


@pytest.fixture(autouse=True)
def line_number(app):
    app.config["LINE_PHONE_NUMBER"] = "+441134960500"


def _send():
    return sender.send_due(utc_now())  # the console's session runs on the real clock, and so do these letters


def _post(cora, plan, kind):
    confirm = cora.page(f"/console/plans/{plan.id}/letters/{kind}/post")
    assert "Post the" in words(confirm) and plan.carer_postcode in confirm
    return cora.submit(f"/console/plans/{plan.id}/letters/{kind}/post")


def _letter_rows():
    return db.session.execute(select(OutboxMessage, OutboxLetter).join(
        OutboxLetter, OutboxLetter.message_id == OutboxMessage.id).order_by(OutboxMessage.id)).all()


@pytest.mark.parametrize("kind", ["card", "confirmation", "review"])
def test_each_letter_to_the_carer_downloads_laid_out_for_posting_without_the_key_safe_code(cora, world, kind):
    plan = world.plan
    page = words(cora.page(f"/console/plans/{plan.id}/letters"))
    assert "Letters for this plan" in page and "No letters have been posted about this plan." in page
    response = cora.client.get(f"/console/plans/{plan.id}/letters/{kind}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    sizes, placed = read_letter(response.data)
    assert set(sizes) == {(210.0, 297.0)} and out_of_bounds(placed) == []
    assert address_block(placed)[0] == plan.carer_name and address_block(placed)[-1] == plan.carer_postcode
    assert KEY_SAFE_CODE not in all_text(placed)


def test_a_letter_posted_through_notify_shows_how_notify_says_it_has_fared(app, cora, world, client,
                                                                           notify_stand_in):  # noqa: F811
    notify_account(app, notify_stand_in, letters=True)
    plan = world.plan
    assert _post(cora, plan, "confirmation").status_code == 302
    assert _post(cora, plan, "confirmation").status_code == 302  # a second click the same day posts nothing more
    assert len(_letter_rows()) == 1
    _send()
    [letter] = notify_stand_in.letters()
    [(message, kept)] = _letter_rows()
    assert letter["reference"] == f"outbox-{message.id}" and letter["postage"] == "second"
    assert message.provider == "notify" and message.provider_id == letter["id"] and message.status == "sent"
    assert kept.pdf is None  # Notify has it: the line keeps no copy of the plan in the outbox
    sizes, placed = read_letter(letter["pdf"])
    assert out_of_bounds(placed) == [] and address_block(placed)[0] == plan.carer_name
    assert KEY_SAFE_CODE not in all_text(placed)
    assert "Handed to GOV.UK Notify" in words(cora.page(f"/console/plans/{plan.id}/letters"))

    callbacks = NotifyCallbacks(client)
    assert callbacks.receipt(letter, "accepted").status_code == 204
    assert "Being printed" in words(cora.page(f"/console/plans/{plan.id}/letters"))
    assert callbacks.receipt(letter, "received").status_code == 204
    assert callbacks.receipt(letter, "accepted").status_code == 204  # late and out of order: changes nothing
    db.session.expire_all()
    assert (message.status, message.provider_status) == ("delivered", "received")
    assert "Posted by Notify's printer" in words(cora.page(f"/console/plans/{plan.id}/letters"))
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.plan_id == plan.id)).all()
    assert actions.count("plan.letter_posted") == 1


def test_a_letter_notify_refuses_is_shown_failed(app, cora, world, client, notify_stand_in):  # noqa: F811
    notify_account(app, notify_stand_in, letters=True)
    _post(cora, world.plan, "review")
    _send()
    [letter] = notify_stand_in.letters()
    assert NotifyCallbacks(client).receipt(letter, "validation-failed").status_code == 204
    assert "Refused by Notify: the letter is not laid out as Notify needs" in words(
        cora.page(f"/console/plans/{world.plan.id}/letters"))


def test_without_notify_letters_wait_in_the_print_queue_until_marked_posted(cora, world):
    plan = world.plan
    assert "No letters are waiting to be printed." in words(cora.page("/console/letters/print-queue"))
    _post(cora, plan, "card")
    _post(cora, plan, "confirmation")
    _send()
    page = words(cora.page("/console/letters/print-queue"))
    assert "Download all 2 waiting letters as one PDF" in page
    assert "Waiting in the print queue" in words(cora.page(f"/console/plans/{plan.id}/letters"))

    merged = cora.client.get("/console/letters/print-queue.pdf")
    assert merged.status_code == 200
    pages = sum(kept.pages + kept.pages % 2 for _, kept in _letter_rows())  # each letter starts a new sheet
    assert len(PdfReader(io.BytesIO(merged.data)).pages) == pages

    nothing = cora.submit("/console/letters/print-queue/posted")
    assert nothing.status_code == 400 and "Select the letters that went in the post" in words(nothing.get_data(as_text=True))
    [(card, _), (confirmation, _)] = _letter_rows()
    assert cora.submit("/console/letters/print-queue/posted", letter=str(card.id)).status_code == 302
    db.session.expire_all()
    assert [(m.status, k.pdf is None) for m, k in _letter_rows()] == [("delivered", True), ("sent", False)]
    assert "Download all 1 waiting letter as one PDF" in words(cora.page("/console/letters/print-queue"))
    assert "Posted from the print queue" in words(cora.page(f"/console/plans/{plan.id}/letters"))
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("letters.%"))).all() == [
        "letters.printed", "letters.posted"]


def test_a_letter_without_the_lines_number_to_print_says_so(app, cora, world):
    app.config["LINE_PHONE_NUMBER"] = None
    response = cora.client.get(f"/console/plans/{world.plan.id}/letters/review.pdf")
    assert response.status_code == 409 and "phone number is not set" in response.get_data(as_text=True)


def test_the_gp_letter_downloads_but_is_not_posted_and_a_made_up_letter_is_not_found(cora, world):
    plan = world.plan
    page = cora.page(f"/console/plans/{plan.id}/letters")
    for path in (f"/console/plans/{plan.id}/letters/gp/post", f"/console/plans/{plan.id}/letters/forged.pdf",
                 f"/console/plans/{plan.id}/letters/gp.pdf?person=99", f"/console/plans/{plan.id}/letters/gp.pdf?person=x"):
        assert cora.client.get(path).status_code == 404, path
    if "Letter for the GP" in page:
        response = cora.client.get(f"/console/plans/{plan.id}/letters/gp.pdf?person=0")
        assert response.status_code == 200 and out_of_bounds(read_letter(response.data)[1]) == []


def test_a_new_plan_made_active_is_posted_its_card_and_confirmation_when_the_setting_says_so(app, cora, world):
    def draft():
        plan = plans.create_plan(PlanSchema().load(plan_payload(status="draft")), by=world.coordinator, now=utc_now())
        db.session.commit()
        return plan

    quiet = draft()
    assert cora.submit(f"/console/plans/{quiet.id}/status", status="active").status_code == 302
    assert _letter_rows() == []  # the setting is off by default

    app.config["POST_LETTERS_ON_ACTIVATION"] = True
    plan = draft()
    assert cora.submit(f"/console/plans/{plan.id}/status", status="active").status_code == 302
    assert sorted(kept.kind for _, kept in _letter_rows()) == ["card", "confirmation"]
    assert cora.submit(f"/console/plans/{plan.id}/status", status="suspended").status_code == 302
    assert cora.submit(f"/console/plans/{plan.id}/status", status="active").status_code == 302
    assert len(_letter_rows()) == 2  # only a plan's first activation posts anything
    page = words(cora.page(f"/console/plans/{plan.id}/letters"))
    assert page.count("Waiting to go") == 2
    created_active = plans.create_plan(PlanSchema().load(plan_payload()), by=world.coordinator, now=utc_now())
    db.session.commit()
    assert sorted(kept.kind for _, kept in _letter_rows() if kept.plan_id == created_active.id) == [
        "card", "confirmation"]


def test_the_hourly_job_asks_notify_about_letters_whose_callback_never_came(app, cora, world, notify_stand_in):  # noqa: F811
    notify_account(app, notify_stand_in, letters=True)
    _post(cora, world.plan, "confirmation")
    _send()
    [letter] = notify_stand_in.letters()
    notify_stand_in.set_status(letter, "received")  # Notify's printer posted it; its callback was lost
    assert build_scheduler(app).get_job("letter-statuses") is not None
    assert run_job(app, LETTER_STATUSES) is True
    db.session.expire_all()
    [(message, _)] = _letter_rows()
    assert (message.status, message.provider_status) == ("delivered", "received")
    assert run_job(app, LETTER_STATUSES) is True  # nothing left to ask about
    assert job_stats(app)[LETTER_STATUSES.name].runs == 2
    assert "Posted by Notify's printer" in words(cora.page(f"/console/plans/{world.plan.id}/letters"))


def test_a_letter_in_the_outbox_reads_as_a_letter_in_the_console(cora, world):
    _post(cora, world.plan, "review")
    page = words(cora.page("/console/outbox"))
    assert ("Letter to the address in it: A letter about a plan, by post Waiting to go What it said Review letter, "
            f"card {world.plan.card_number}") in page


def test_erasing_a_plan_erases_its_letters_and_sends_none_still_waiting(cora, world):
    plan = world.plan
    _post(cora, plan, "card")
    _send()  # in the print queue
    _post(cora, plan, "confirmation")  # not yet handed over
    erasure.erase_plan(plan, reason="erasure request ER-1", confirm=plan.card_number, by=world.coordinator,
                       now=utc_now())
    db.session.commit()
    assert [(m.status, k.pdf) for m, k in _letter_rows()] == [("sent", None), ("cancelled", None)]
    assert "No letters are waiting to be printed." in words(cora.page("/console/letters/print-queue"))
    assert _send() == 0


def test_a_letter_notify_will_not_take_fails_and_says_why(app, world, notify_stand_in):  # noqa: F811
    notify_account(app, notify_stand_in, letters=True)
    card_only = card_pdf(CardDetails(carer_first_name="Margaret", card_number=world.plan.card_number,
                                     line_number="0113 496 0500"))  # card-sized pages, not A4
    outbox_letters.queue_letter(key="not-a4", pdf=card_only, description="The card alone", postage="first",
                                plan_id=world.plan.id, kind="card", now=utc_now())
    db.session.commit()
    _send()
    [(message, kept)] = _letter_rows()
    assert message.status == "failed" and "letter-not-a4-portrait-oriented" in message.last_error
    assert notify_stand_in.letters() == [] and kept.pdf is not None  # kept: nobody has it yet
    retention.run(utc_now() + timedelta(days=91), RetentionSchedule.from_settings(app.config))
    db.session.commit()
    db.session.expire_all()
    assert kept.pdf is None  # the retention schedule takes it with the message's words


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.lists(st.text(max_size=30), max_size=4), kind=st.text(min_size=1, max_size=20), person=st.text(max_size=8))
@example(chosen=["\x00", "99999999999999999999"], kind="gp", person="٣")  # a NUL, a huge id, an Arabic-Indic digit
def test_whatever_is_sent_to_the_letter_pages_they_answer_without_a_server_error(cora, world, chosen, kind, person):
    plan = world.plan
    responses = [cora.submit("/console/letters/print-queue/posted", letter=chosen),
                 cora.client.get(f"/console/plans/{plan.id}/letters/{quote(kind, safe='')}.pdf",
                                 query_string={"person": person}),
                 cora.client.get(f"/console/plans/{plan.id}/letters/{quote(kind, safe='')}/post")]
    for response in responses:
        # 308: a kind of "." or ".." makes a path the server tidies with a redirect, as for any URL
        assert response.status_code in (200, 302, 308, 400, 404), response.status_code
