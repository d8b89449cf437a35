"""The console's plan pages: search, the plan page, the plan form (rows added, moved and removed
without JavaScript; errors beside the field; someone else saving first), the key-safe code, the
plan's actions, history, audit, the card and letter, and asking contacts for consent."""
import io
import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import func, insert, select, update

from emergency.api.plan_schemas import PlanSchema
from emergency.audit.models import AuditEvent
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.plans.models import ContingencyPlan
from emergency.users import service as users
from tests.conftest import NOW, plan_payload
from tests.console.client import PASSWORD, Browser, error_summary, words
from tests.console.forms import form_fields

LINE = "+441134960500"


@pytest.fixture(autouse=True)
def line_number(app):
    app.config["LINE_PHONE_NUMBER"] = LINE


def post(browser, path, fields):
    fields = fields.copy()
    fields["csrf"] = browser.csrf
    return browser.client.post(path, data=fields)


def text_of(response):
    return response.get_data(as_text=True)


def problems_on(response):
    return error_summary(text_of(response)) or response.status_code


def audit_actions(plan_id):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.plan_id == plan_id)).all()


def today():
    """The session cookie is signed with the real time, so these pages are seen at the real time."""
    return plans.local_date(utc_now())


def add_plan(world, **changes):
    plan = plans.create_plan(PlanSchema().load(plan_payload(**changes)), by=world.coordinator, now=NOW)
    db.session.commit()
    return plan


# Who may see them

def test_plan_pages_are_for_coordinators_and_admins_only(app, world, client):
    assert client.get("/console/plans").status_code == 302
    officer = users.create_user("dave", "Dave", "duty_officer", NOW)
    users.set_password(officer, PASSWORD)
    db.session.commit()
    dave = Browser(app)
    dave.log_in("dave")
    for path in ("/console/plans", f"/console/plans/{world.plan.id}", "/console/plans/new", "/console/consent",
                 f"/console/plans/{world.plan.id}/card.pdf"):
        assert dave.client.get(path).status_code == 403, path
    reveal = dave.client.post(f"/console/plans/{world.plan.id}/key-safe/reveal", data={"csrf": dave.csrf})
    assert reveal.status_code == 403


# List and search

def test_search_finds_plans_by_name_card_phone_and_district_as_people_type_them(world, cora):
    other = add_plan(world, carer={"name": "Ravi Chandra", "mobile": "07700 900222",
                                   "address": {"line1": "2 Hill Top", "town": "Bradford", "postcode": "bd7 1aa"}},
                     cared_for=[{"name": "Asha Chandra"}], contacts=[])
    card = world.plan.card_number
    for query, expected, absent in [
        ("name=arthur", "Margaret Hughes", "Ravi Chandra"),
        (f"card_number={card[:4]}+{card[4:8]}+{card[8:]}", "Margaret Hughes", "Ravi Chandra"),
        ("phone=07700+900456", "Margaret Hughes", "Ravi Chandra"),  # a contact's number, typed locally
        ("postcode=bd7", "Ravi Chandra", "Margaret Hughes"),
        ("postcode=BD7+1AA", "Ravi Chandra", "Margaret Hughes"),
    ]:
        page = cora.page(f"/console/plans?{query}")
        assert expected in page and absent not in page, query
    assert f'/console/plans/{other.id}"' in cora.page("/console/plans")


def test_a_search_that_cannot_be_read_says_why_beside_the_field_and_keeps_it(cora):
    response = cora.client.get("/console/plans?postcode=not+a+postcode&card_number=1234")
    page = text_of(response)
    assert response.status_code == 422
    assert 'id="f-postcode-error"' in page and 'id="f-card_number-error"' in page
    summary = error_summary(page)
    assert summary == ("There is a problem The card number must be 10 digits long "
                       "Enter a real postcode or postcode district, like LS6 2AB or LS6")
    assert 'value="not a postcode"' in page


def test_archived_plans_show_only_when_asked_for(world, cora):
    plans.archive_plan(world.plan, reason="moved away", by=world.coordinator, now=NOW)
    db.session.commit()
    assert "Margaret Hughes" not in cora.page("/console/plans")
    assert "Margaret Hughes" in cora.page("/console/plans?status=archived")


def test_plans_due_or_overdue_for_review_are_red_and_can_be_listed_alone(world, cora):
    later = add_plan(world, carer={**plan_payload()["carer"], "name": "Zoe Later"}, review_due_on="2030-01-01")
    overdue = add_plan(world, carer={**plan_payload()["carer"], "name": "Olive Overdue"},
                       review_due_on=(today() - timedelta(days=1)).isoformat(), last_reviewed_on="2025-01-01")
    page = cora.page("/console/plans?due=yes")
    assert "Olive Overdue" in page and "Zoe Later" not in page
    row = next(row for row in page.split('<tr class="govuk-table__row">') if "Olive Overdue" in row)
    assert 'govuk-tag--red">overdue' in row
    assert f"/console/plans/{later.id}" in cora.page("/console/plans") and overdue.id


def test_the_list_pages_fifty_at_a_time(world, cora):
    for number in range(120):
        carer = {**plan_payload()["carer"], "name": f"Carer {number:03}"}
        plans.create_plan(PlanSchema().load(plan_payload(carer=carer, contacts=[])), by=world.coordinator, now=NOW)
    db.session.commit()
    first = cora.page("/console/plans?name=carer")
    rows = '<tr class="govuk-table__row">'
    assert "120 plans found; page 1 of 3" in first and first.count(rows) == 51  # a heading and 50 plans
    assert "Carer 000" in first and "Carer 050" not in first and "govuk-pagination__next" in first
    last = cora.page("/console/plans?name=carer&page=3")
    assert "Carer 119" in last and last.count(rows) == 21 and "govuk-pagination__next" not in last
    assert "page 3 of 3" in cora.page("/console/plans?name=carer&page=999999999999")


def _many_plans(count, name_of):
    """Plans written straight to their table: the list's limits need a thousand of them."""
    db.session.execute(insert(ContingencyPlan), [
        {"card_number": f"8{number:09}", "status": "active", "carer_name": name_of(number),
         "carer_address_line1": "1 Street", "carer_town": "Leeds", "carer_postcode": "LS7 2AB",
         "carer_preferred_language": "en", "review_due_on": NOW.date() + timedelta(days=200),
         "created_at": NOW, "updated_at": NOW} for number in range(count)])
    db.session.commit()


def test_a_name_found_in_more_than_a_thousand_plans_asks_for_more_of_the_name(world, cora):
    _many_plans(1001, lambda number: f"Pat Common {number:04}")
    page = words(cora.page("/console/plans?name=common"))
    assert "More than 1,000 plans match that name, too many to list." in page
    assert "Type more of the name, or add a postcode, card number or phone number." in page
    assert "Pat Common" not in page and "govuk-pagination" not in page
    narrower = words(cora.page("/console/plans?name=common+010"))
    assert "10 plans found." in narrower and "Pat Common 0099" not in narrower and "Pat Common 0110" not in narrower
    assert narrower.index("Pat Common 0100") < narrower.index("Pat Common 0101") < narrower.index("Pat Common 0109")


def test_a_search_finding_more_than_a_thousand_lists_the_first_thousand_by_name(world, cora):
    _many_plans(1001, lambda number: f"Pat Leeds {number:04}")
    first = words(cora.page("/console/plans?postcode=LS7"))
    assert "More than 1,000 plans found; page 1 of 20 lists the first 1,000 by name." in first
    assert "To find any other, search by name, card number, phone or postcode." in first
    assert "Pat Leeds 0000" in first and "Pat Leeds 0049" in first and "Pat Leeds 0050" not in first
    last = cora.page("/console/plans?postcode=LS7&page=999")
    assert "page 20 of 20" in words(last) and "Pat Leeds 0999" in last and "Pat Leeds 1000" not in last
    assert "govuk-pagination__next" not in last
    exactly = words(cora.page("/console/plans?postcode=LS7&status=active&name=pat"))
    assert "More than 1,000 plans match that name" in exactly  # the name is the broad part


# One plan

def test_the_plan_page_shows_the_whole_plan_but_never_the_key_safe_code_and_is_audited(world, cora):
    page = words(cora.page(f"/console/plans/{world.plan.id}"))
    for shown in ("Margaret Hughes", "Arthur Hughes", "Donepezil 10 mg at night", "kitchen cupboard", "LS6 1HR",
                  "Key safe by the back door", "Susan Hughes", "Tom Baker", "Mon, Tue 18:00–08:00 (overnight)",
                  "Tell Arthur that Margaret is safe.", "Given on 10 Jan 2026", "for up to 60 minutes",
                  "Mobile 07700 900100 (mobile)",
                  world.plan.card_number[:4] + " " + world.plan.card_number[4:8]):
        assert shown in page, shown
    assert page.index("Susan Hughes") < page.index("Tom Baker")
    card = world.plan.card_number  # random: its digits may happen to hold the code's

    def without_card(text):
        return text.replace(card, "").replace(f"{card[:4]} {card[4:8]} {card[8:]}", "")

    assert "8642" not in without_card(page) and "8642" not in without_card(cora.page("/console/plans"))
    assert "plan.viewed" in audit_actions(world.plan.id)


def test_the_plan_pages_carry_no_script_but_modules_and_the_one_line_a_strict_policy_allows(world, cora):
    plan_id = world.plan.id
    for path in ("/console/plans", f"/console/plans/{plan_id}", f"/console/plans/{plan_id}/edit", "/console/plans/new",
                 f"/console/plans/{plan_id}/key-safe", f"/console/plans/{plan_id}/history",
                 f"/console/plans/{plan_id}/audit", "/console/consent"):
        page = cora.page(path)
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, re.S)
        assert len(inline) == 1 and inline[0].startswith("document.body.className += ' js-enabled'"), path
        assert not re.search(r"\son[a-z]+=|\sstyle=", page), path


# The form

NEW_PLAN = {
    "status": "active",
    "carer__name": "Joan Smith", "carer__mobile": "07911 123456", "carer__address__line1": "3 Low Lane",
    "carer__address__town": "Leeds", "carer__address__postcode": "ls6 2ab",
    "cared_for__0__name": "Bill Smith", "cared_for__0__lives_with_carer": "yes",
    "cared_for__0__medication": "Warfarin", "cared_for__0__can_be_left_alone": "yes",
    "cared_for__0__safe_alone_minutes": "30",
    "contacts__0__name": "Ann Smith", "contacts__0__relationship": "daughter", "contacts__0__mobile": "07700 900111",
    "contacts__0__availability__0__days": ["sat", "sun"], "contacts__0__availability__0__from": "09:00",
    "contacts__0__availability__0__to": "21:00",
}


def test_registering_a_plan_through_the_form_normalises_like_the_api(cora):
    fields = form_fields(cora.page("/console/plans/new"), **NEW_PLAN)
    response = post(cora, "/console/plans/new", fields)
    assert response.status_code == 302, problems_on(response)
    plan = db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.carer_name == "Joan Smith"))
    assert (plan.status, plan.carer_mobile, plan.carer_postcode) == ("active", "+447911123456", "LS6 2AB")
    assert plan.cared_for[0].safe_alone_minutes == 30 and plan.cared_for[0].can_be_left_alone
    contact = plan.contacts[0]
    assert (contact.mobile, contact.availability) == ("+447700900111", [{"days": ["sat", "sun"], "from": "09:00",
                                                                         "to": "21:00"}])
    assert "card number " + plan.card_number in cora.page(response.headers["Location"])


def test_the_carers_address_is_marked_required_and_a_review_date_already_past_is_said_plainly(cora):
    form = words(cora.page("/console/plans/new"))
    carer = form.split("Carer's address")[1].split("Preferred language")[0]
    assert carer.split() == "Address line 1 (required) Address line 2 Town or city (required) Postcode (required)".split()
    past = today() - timedelta(days=3)
    fields = form_fields(cora.page("/console/plans/new"), **NEW_PLAN, review_due_on__day=str(past.day),
                         review_due_on__month=str(past.month), review_due_on__year=str(past.year))
    response = post(cora, "/console/plans/new", fields)
    assert response.status_code == 302, problems_on(response)
    page = words(cora.page(response.headers["Location"]))
    assert (f"Important The plan's review was due on {past:%d %b %Y}".replace(" 0", " ") + ", which has passed, "
            "so the plan shows as overdue for review.") in page
    assert "overdue" in page.split("Next review due")[1][:40]
    plan = db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.carer_name == "Joan Smith"))
    assert plan.review_due_on == past
    saved = post(cora, f"/console/plans/{plan.id}/edit", form_fields(cora.page(f"/console/plans/{plan.id}/edit")))
    assert "which has passed" in words(cora.page(saved.headers["Location"]))  # said again on each save
    later = form_fields(cora.page(f"/console/plans/{plan.id}/edit"), review_due_on__year=str(past.year + 1))
    saved = post(cora, f"/console/plans/{plan.id}/edit", later)
    assert "which has passed" not in words(cora.page(saved.headers["Location"]))


def test_dates_are_typed_in_three_boxes_and_a_date_that_is_not_real_or_not_past_is_refused(cora):
    tomorrow = today() + timedelta(days=1)
    fields = form_fields(cora.page("/console/plans/new"), **NEW_PLAN,
                         cared_for__0__date_of_birth__day=str(tomorrow.day),
                         cared_for__0__date_of_birth__month=str(tomorrow.month),
                         cared_for__0__date_of_birth__year=str(tomorrow.year),
                         last_reviewed_on__day="31", last_reviewed_on__month="2", last_reviewed_on__year="2026",
                         contacts__0__consent__status="given")
    response = post(cora, "/console/plans/new", fields)
    page = text_of(response)
    assert response.status_code == 422
    assert error_summary(page) == (
        "There is a problem Date of birth of person cared for 1 must be in the past "
        "Enter the date contact 1 gave or refused consent The date of the last review must be a real date")
    kept = form_fields(page)
    assert (kept["last_reviewed_on.day"], kept["last_reviewed_on.month"], kept["last_reviewed_on.year"]) == (
        "31", "2", "2026")
    assert 'href="#f-cared_for-0-date_of_birth"' in page and 'id="f-cared_for-0-date_of_birth"' in page


def test_mistakes_are_shown_beside_the_field_and_everything_typed_is_kept(cora):
    fields = form_fields(cora.page("/console/plans/new"), **{**NEW_PLAN, "carer__address__postcode": "nowhere",
                                                             "contacts__0__name": "", "contacts__0__mobile": "0123",
                                                             "cared_for__0__safe_alone_minutes": "half an hour"})
    response = post(cora, "/console/plans/new", fields)
    page = text_of(response)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ContingencyPlan)) == 1  # only the world's
    for field in ("carer-address-postcode", "contacts-0-name", "contacts-0-mobile", "cared_for-0-safe_alone_minutes"):
        assert f'id="f-{field}-error"' in page, field
        assert f'aria-describedby="f-{field}-error"' in page or f'f-{field}-error"' in page
    assert error_summary(page) == (
        "There is a problem Enter a real postcode, like LS6 2AB "
        "Minutes person cared for 1 can be left alone must be a whole number, like 30 "
        "Enter the name of contact 1 Enter a UK mobile number for contact 1, like 07700 900 982")
    assert "<title>Error: Register a plan" in page
    kept = form_fields(page)
    assert kept["carer.address.postcode"] == "nowhere" and kept["contacts.0.mobile"] == "0123"
    assert kept["cared_for.0.safe_alone_minutes"] == "half an hour" and kept["cared_for.0.medication"] == "Warfarin"
    assert kept.getlist("contacts.0.availability.0.days") == ["sat", "sun"]


def test_contacts_are_added_moved_and_removed_without_javascript_and_nothing_typed_is_lost(cora):
    fields = form_fields(cora.page("/console/plans/new"), **NEW_PLAN, action="add:contacts")
    page = text_of(post(cora, "/console/plans/new", fields))
    assert db.session.scalar(select(func.count()).select_from(ContingencyPlan)) == 1  # nothing saved yet
    fields = form_fields(page, contacts__1__name="Bob Jones", contacts__1__relationship="neighbour",
                         contacts__1__landline="0113 496 0999", action="up:contacts:1")
    page = text_of(post(cora, "/console/plans/new", fields))
    moved = form_fields(page)
    assert moved["contacts.0.name"] == "Bob Jones" and moved["contacts.1.name"] == "Ann Smith"
    assert moved.getlist("contacts.1.availability.0.days") == ["sat", "sun"]
    page = text_of(post(cora, "/console/plans/new", form_fields(page, action="add:cared_for")))
    page = text_of(post(cora, "/console/plans/new", form_fields(page, action="remove:cared_for:1")))
    response = post(cora, "/console/plans/new", form_fields(page, action="save"))
    assert response.status_code == 302
    plan = db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.carer_name == "Joan Smith"))
    assert [c.name for c in plan.contacts] == ["Bob Jones", "Ann Smith"] and len(plan.cared_for) == 1


def test_editing_keeps_ids_so_a_reorder_is_a_reorder_not_a_new_contact(world, cora):
    plan = world.plan
    ids = [c.id for c in plan.contacts]
    page = cora.page(f"/console/plans/{plan.id}/edit")
    page = text_of(post(cora, f"/console/plans/{plan.id}/edit", form_fields(page, action="down:contacts:0")))
    assert post(cora, f"/console/plans/{plan.id}/edit", form_fields(page, action="save")).status_code == 302
    db.session.refresh(plan)
    assert [c.id for c in plan.contacts] == ids[::-1]
    change = plans.versions_of(plan)[0]
    assert change.changed_by == "cora" and any(c["field"] == "contacts[0].name" for c in change.changes)


def test_someone_else_saving_first_shows_what_they_changed_and_keeps_what_was_typed(world, cora):
    plan = world.plan
    mine = form_fields(cora.page(f"/console/plans/{plan.id}/edit"), instructions="Ring the bell twice.")
    sam = users.create_user("sam", "Sam", "coordinator", NOW)
    data = PlanSchema().load(plan_payload(carer={**plan_payload()["carer"], "mobile": "07700 900777"}))
    plans.update_plan(plan, data, expected_version=plan.version, by=sam, now=NOW)
    db.session.commit()
    response = post(cora, f"/console/plans/{plan.id}/edit", mine)
    page = text_of(response)
    assert response.status_code == 409
    assert "Someone else saved this plan" in page
    assert "sam" in words(page) and "carer.mobile +447700900100 +447700900777" in words(page)
    again = form_fields(page)
    assert again["instructions"] == "Ring the bell twice." and again["version"] == str(plan.version)
    saved = post(cora, f"/console/plans/{plan.id}/edit", again)
    assert saved.status_code == 302, problems_on(saved)
    db.session.refresh(plan)
    assert plan.instructions == "Ring the bell twice." and plan.carer_mobile == "+447700900777"  # both kept


# The key-safe code

def test_the_key_safe_code_is_shown_only_after_a_deliberate_click_and_each_view_is_audited(world, cora):
    plan = world.plan
    page = cora.page(f"/console/plans/{plan.id}/key-safe")
    assert "8642" not in page and "Show the code" in page
    assert "plan.key_safe_viewed" not in audit_actions(plan.id)
    shown = text_of(cora.submit(f"/console/plans/{plan.id}/key-safe/reveal"))
    assert re.search(r'<strong class="[^"]*\bcode\b[^"]*">8642</strong>', shown)
    assert audit_actions(plan.id).count("plan.key_safe_viewed") == 1
    assert cora.client.get(f"/console/plans/{plan.id}/key-safe/reveal").status_code == 405


def test_the_key_safe_code_is_changed_and_removed_through_its_own_form(world, cora):
    plan = world.plan
    assert cora.submit(f"/console/plans/{plan.id}/key-safe", code=" 1357 ", action="set").status_code == 302
    db.session.refresh(plan)
    assert plan.key_safe.code == "1357"
    refused = cora.submit(f"/console/plans/{plan.id}/key-safe", code="x" * 21, action="set")
    assert refused.status_code == 422 and 'id="f-code-error"' in text_of(refused)
    assert cora.submit(f"/console/plans/{plan.id}/key-safe", action="remove").status_code == 302
    db.session.refresh(plan)
    assert plan.key_safe is None
    history = cora.page(f"/console/plans/{plan.id}/history")
    assert "key safe changed" in history and "1357" not in history


# Actions, history and audit

def test_a_draft_is_activated_a_review_sets_the_next_due_date_and_archiving_needs_a_reason(world, cora):
    plan = add_plan(world, status="draft")
    assert cora.submit(f"/console/plans/{plan.id}/status", status="active").status_code == 302
    db.session.refresh(plan)
    assert plan.status == "active"
    assert cora.submit(f"/console/plans/{plan.id}/review").status_code == 302
    db.session.refresh(plan)
    assert (plan.last_reviewed_on, plan.review_due_on) == (today(), plans.add_months(today(), 12))
    refused = cora.submit(f"/console/plans/{plan.id}/archive", reason="  ")
    assert refused.status_code == 422 and 'id="f-reason-error"' in text_of(refused)
    assert cora.submit(f"/console/plans/{plan.id}/archive", reason="The carer moved away").status_code == 302
    db.session.refresh(plan)
    assert plan.status == "archived"
    assert cora.client.get(f"/console/plans/{plan.id}/edit").status_code == 409
    assert cora.submit(f"/console/plans/{plan.id}/status", status="active").status_code == 409
    history = cora.page(f"/console/plans/{plan.id}/history")
    assert "archived: The carer moved away" in history and "reviewed" in history and "activated" in history


def test_the_history_says_who_changed_which_field_from_what_to_what(world, cora):
    plan = world.plan
    fields = form_fields(cora.page(f"/console/plans/{plan.id}/edit"), carer__address__postcode="ls6 3bb")
    assert post(cora, f"/console/plans/{plan.id}/edit", fields).status_code == 302
    history = cora.page(f"/console/plans/{plan.id}/history")
    assert "cora updated carer.address.postcode LS6 1HR LS6 3BB" in words(history)
    audit_page = cora.page(f"/console/plans/{plan.id}/audit")
    assert "plan.updated" in audit_page and "plan.history_viewed" in audit_page


# The card and the letter

def pdf_text(response):
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return reader, ["\n".join(page.extract_text().split("\n")) for page in reader.pages]


def test_the_card_is_credit_card_size_front_and_back_with_the_number_and_nothing_else_personal(world, cora):
    plan = world.plan
    reader, pages = pdf_text(cora.client.get(f"/console/plans/{plan.id}/card.pdf"))
    assert len(pages) == 2
    for page in reader.pages:
        width_mm, height_mm = float(page.mediabox.width) * 25.4 / 72, float(page.mediabox.height) * 25.4 / 72
        assert (round(width_mm, 1), round(height_mm, 1)) == (85.6, 54.0)
    everything = " ".join(" ".join(page.split()) for page in pages)
    grouped = f"{plan.card_number[:4]} {plan.card_number[4:8]} {plan.card_number[8:]}"
    assert grouped in pages[0] and "0113 496 0500" in pages[0]
    assert "Call or text this number and give the card number" in everything and "Margaret" in everything
    for private in ("Hughes", "Arthur", "Brudenell", "LS6", "8642", "Donepezil"):
        assert private not in everything, private


def test_the_letter_is_a4_with_the_card_what_happens_and_the_next_review(world, cora):
    reader, pages = pdf_text(cora.client.get(f"/console/plans/{world.plan.id}/letter.pdf"))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72)) == (210, 297)
    text = " ".join(" ".join(p.split()) for p in pages)
    due = world.plan.review_due_on.strftime("%d %B %Y").lstrip("0")
    assert "What happens when the line is used" in text and f"by {due}" in text
    assert "Dear Margaret" in text and "14 Brudenell Grove" in text and "Cut along the dashed line" in text
    assert "plan.letter_printed" in audit_actions(world.plan.id)


def test_no_card_is_printed_without_the_lines_number(app, world, cora):
    app.config.update(LINE_PHONE_NUMBER=None, TWILIO_FROM_NUMBER=None)
    response = cora.client.get(f"/console/plans/{world.plan.id}/card.pdf")
    assert response.status_code == 409 and "TWILIO_FROM_NUMBER" in text_of(response)


# Consent by text (the reply through the signed webhook: tests/telephony/test_consent_by_text.py)

def test_asking_for_consent_queues_the_text_once_and_lists_the_contact_as_pending(world, cora):
    plan = world.plan
    tom = plan.contacts[1]
    assert tom.name in cora.page("/console/consent") and "Susan Hughes" not in cora.page("/console/consent")
    assert cora.submit(f"/console/plans/{plan.id}/contacts/{tom.id}/ask-consent").status_code == 302
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "consent"))
    code = re.search(r"AGREE (\d{3}) or REFUSE \1\.$", message.body).group(1)
    assert message.body == (f"Margaret has named you as an emergency contact for the Carers Emergency Line. "
                            f"Reply AGREE {code} or REFUSE {code}.")
    assert message.to_number == tom.mobile
    assert cora.submit(f"/console/plans/{plan.id}/contacts/{tom.id}/ask-consent").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.purpose == "consent")) == 1
    assert f"code {code}" in cora.page("/console/consent")


def test_a_contact_whose_mobile_changed_after_the_ask_can_be_asked_again_at_the_new_number(world, cora):
    plan = world.plan
    tom = plan.contacts[1]
    cora.submit(f"/console/plans/{plan.id}/contacts/{tom.id}/ask-consent")
    assert "Ask Tom Baker for consent by text" not in cora.page(f"/console/plans/{plan.id}")
    fields = form_fields(cora.page(f"/console/plans/{plan.id}/edit"), contacts__1__mobile="07700 900790")
    assert post(cora, f"/console/plans/{plan.id}/edit", fields).status_code == 302
    page = cora.page(f"/console/plans/{plan.id}")
    assert "no longer their number" in page and "Ask Tom Baker for consent by text" in page
    assert cora.submit(f"/console/plans/{plan.id}/contacts/{tom.id}/ask-consent").status_code == 302
    sent = db.session.scalars(select(OutboxMessage.to_number).where(OutboxMessage.purpose == "consent")
                            .order_by(OutboxMessage.id)).all()
    assert sent == ["+447700900789", "+447700900790"]


def test_a_contact_with_only_a_landline_cannot_be_texted_and_is_told_so(world, cora):
    plan = add_plan(world, contacts=[{"name": "Len Low", "relationship": "friend", "landline": "0113 496 0888"}])
    response = cora.submit(f"/console/plans/{plan.id}/contacts/{plan.contacts[0].id}/ask-consent")
    assert response.status_code == 422 and "no mobile number to text" in text_of(response)
    assert cora.submit(f"/console/plans/{plan.id}/contacts/999/ask-consent").status_code == 404


# Mobiles and landlines

def test_a_landline_in_a_contacts_mobile_box_is_refused_beside_it_and_kept(cora):
    fields = form_fields(cora.page("/console/plans/new"), **{**NEW_PLAN, "contacts__0__mobile": "0113 496 0777"})
    response = post(cora, "/console/plans/new", fields)
    page = text_of(response)
    assert response.status_code == 422
    beside = re.search(r'<p id="f-contacts-0-mobile-error"[^>]*>(.*?)</p>', page, re.S)
    assert beside and ("0113 496 0777 is a landline number, and texts cannot reach it: enter a mobile number, like "
                       "07700 900982, or put a landline in the landline box") in words(beside.group(1))
    assert 'value="0113 496 0777"' in page  # kept, to move to the landline box
    assert db.session.scalar(select(func.count()).select_from(ContingencyPlan)) == 1  # only the world's


def test_the_plan_page_shows_numbers_the_uk_way_with_what_kind_they_are(world, cora):
    plan = add_plan(world, carer={**plan_payload()["carer"], "landline": "0113 496 0123"})
    page = cora.page(f"/console/plans/{plan.id}")
    said = words(page)
    assert "Mobile 07700 900100 (mobile)" in said and "Landline 0113 496 0123 (landline)" in said
    assert "Mobile 07700 900456 (mobile)" in said  # Susan
    assert ">+447700900456<" not in page and 'href="tel:+447700900456"' in page


def test_a_landline_saved_as_a_mobile_before_mobiles_were_checked_is_not_texted(world, cora):
    susan = world.plan.contacts[0]
    db.session.execute(update(type(susan)).where(type(susan).id == susan.id).values(mobile="+442079460456",
                                                                                      consent_status="pending"))
    db.session.commit()
    response = cora.submit(f"/console/plans/{world.plan.id}/contacts/{susan.id}/ask-consent")
    assert response.status_code == 422
    assert "number 020 7946 0456 is not a mobile and cannot take texts" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# Whatever is typed

form_text = st.text(max_size=30)
paths = st.sampled_from(["carer.name", "carer.mobile", "carer.address.postcode", "cared_for.0.date_of_birth",
                         "cared_for.0.safe_alone_minutes", "cared_for.3.name", "contacts.0.availability.0.days",
                         "contacts.0.availability.0.from", "contacts.1.consent.recorded_on", "contacts.0.id",
                         "escalation.wait_minutes", "escalation.channels", "review_due_on", "status", "version",
                         "action", "contacts.0.consent.status", "cared_for.0.id", "contacts..x", "contacts.99.name",
                         "cared_for.0.date_of_birth.day", "cared_for.0.date_of_birth.year", "review_due_on.month",
                         "contacts.1.consent.recorded_on.year", "last_reviewed_on.day.x"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(paths, form_text, max_size=6))
@example(changes={"version": "1", "contacts.0.id": "99999", "action": "save"})
@example(changes={"action": "down:contacts:7"})
@example(changes={"cared_for.0.date_of_birth": "\x00", "carer.name": "\x00"})
@example(changes={"cared_for.0.date_of_birth.day": "99", "cared_for.0.date_of_birth.year": "0000",
                  "review_due_on.month": "٣"})
def test_whatever_is_typed_into_the_plan_form_the_console_answers_without_a_server_error(world, cora, changes):
    plan = world.plan
    base = form_fields(cora.page(f"/console/plans/{plan.id}/edit"))
    for path, value in changes.items():
        base[path] = value
    for path in (f"/console/plans/{plan.id}/edit", "/console/plans/new"):
        response = post(cora, path, base)
        assert response.status_code in (200, 302, 409, 422), (path, response.status_code)
    db.session.rollback()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=form_text, reason=form_text, code=form_text, action=form_text, search=form_text)
@example(status="archived", reason="\x00", code="\x00", action="remove", search="\x00")
def test_whatever_is_sent_to_the_plan_actions_and_search_the_console_answers_without_a_server_error(
        world, cora, status, reason, code, action, search):
    plan_id = world.plan.id
    for response in (
        cora.submit(f"/console/plans/{plan_id}/key-safe", code=code, action=action),
        cora.submit(f"/console/plans/{plan_id}/status", status=status),
        cora.client.get("/console/plans", query_string={"name": search, "phone": search, "postcode": search,
                                                        "card_number": search, "status": search, "page": search}),
        cora.submit(f"/console/plans/{plan_id}/archive", reason=reason),
    ):
        assert response.status_code in (200, 302, 409, 422), response.status_code
    db.session.rollback()
    # Put an archived plan back in use, so that each example tries the actions on a live plan.
    db.session.execute(update(ContingencyPlan).where(ContingencyPlan.id == plan_id).values(status="active"))
    db.session.commit()


def test_the_plan_list_answers_whatever_is_searched(world, cora):
    for query in ("page=-1", "page=abc", "name=%00", "status=nonsense", "phone=%2B999", "due=maybe",
                  "card_number=" + "9" * 40):
        assert cora.client.get(f"/console/plans?{query}").status_code in (200, 422), query


def test_review_dates_in_the_list_use_local_days(world, cora):
    soon = add_plan(world, carer={**plan_payload()["carer"], "name": "Dee Soon"},
                    review_due_on=(today() + timedelta(days=10)).isoformat())
    page = cora.page("/console/plans?due=yes")
    assert "Dee Soon" in page and 'govuk-tag--yellow">due soon' in page and soon.id

