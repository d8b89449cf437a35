"""The plan registry as a coordinator uses it through the API."""
import json

import pytest
from freezegun import freeze_time

from emergency.plans.cards import damm_check_digit
from tests.conftest import plan_payload


def create(coordinator, **overrides):
    response = coordinator.post("/api/v1/plans", json=plan_payload(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def as_update(plan, **changes):
    """The plan as read, ready to send back with some fields changed."""
    body = {key: plan[key] for key in ("status", "carer", "cared_for", "home_access", "contacts",
                                        "instructions", "last_reviewed_on", "review_due_on", "version")}
    body["home_access"] = {k: v for k, v in body["home_access"].items() if k != "has_key_safe_code"}
    body.update(changes)
    return body


def test_a_created_plan_has_a_card_number_and_normalised_phones_and_postcode(coordinator):
    plan = create(coordinator)
    assert len(plan["card_number"]) == 10 and damm_check_digit(plan["card_number"]) == "0"
    assert plan["carer"]["mobile"] == "+447700900100"
    assert plan["carer"]["address"]["postcode"] == "LS6 1HR"
    assert [c["mobile"] for c in plan["contacts"]] == ["+447700900456", "+447700900789"]
    assert plan["contacts"][1]["availability"] == [{"days": ["mon", "tue"], "from": "18:00", "to": "08:00"}]
    assert plan["status"] == "active" and plan["version"] == 1


def test_a_plan_is_found_by_its_card_number_typed_with_spaces(coordinator):
    plan = create(coordinator)
    card = plan["card_number"]
    found = coordinator.get(f"/api/v1/plans/by-card/{card[:4]} {card[4:8]} {card[8:]}")
    assert found.status_code == 200 and found.json["id"] == plan["id"]


def test_a_mistyped_card_number_is_refused_naming_the_check_digit(coordinator):
    card = create(coordinator)["card_number"]
    typo = card[:-1] + str((int(card[-1]) + 1) % 10)
    response = coordinator.get(f"/api/v1/plans/by-card/{typo}")
    assert response.status_code == 422
    assert response.json["message"].startswith("card_number:") and "check digit" in response.json["message"]


def test_a_valid_card_number_that_no_plan_has_is_404(coordinator):
    body = "987654321"
    response = coordinator.get(f"/api/v1/plans/by-card/{body}{damm_check_digit(body)}")
    assert response.status_code == 404 and "no plan has card number" in response.json["message"]


@pytest.mark.parametrize("plan_id", [999, 2**31, 10**30])
def test_unknown_plan_ids_are_404(coordinator, plan_id):
    response = coordinator.get(f"/api/v1/plans/{plan_id}")
    assert response.status_code == 404 and "no plan with id" in response.json["message"]


@pytest.mark.parametrize(
    "change, field, says",
    [
        ({"carer": {**plan_payload()["carer"], "mobile": "0123"}}, ["carer", "mobile"], "not a valid phone number"),
        ({"carer": {**plan_payload()["carer"], "mobile": None}}, ["carer", "mobile"], "mobile or landline"),
        ({"carer": {**plan_payload()["carer"], "address": {"line1": "1 Road", "town": "Leeds", "postcode": "LS6"}}},
         ["carer", "address", "postcode"], "not a UK postcode"),
        ({"cared_for": []}, ["cared_for"], "Length must be between 1 and 10"),
        ({"status": "archived"}, ["status"], "Must be one of"),
        ({"instructions": "nul \x00 inside"}, ["instructions"], "NUL"),
        ({"cared_for": [{"name": "Arthur", "date_of_birth": "2999-01-01"}]}, ["cared_for", "0", "date_of_birth"], "future"),
        ({"cared_for": [{"name": "Arthur", "lives_with_carer": False}]}, ["cared_for", "0", "address"], "does not live with"),
        ({"contacts": [{"name": "Sue", "relationship": "daughter", "mobile": "07700 900456",
                        "availability": [{"days": ["fri"], "from": "25:00", "to": "08:00"}]}]},
         ["contacts", "0", "availability", "0", "from"], "HH:MM"),
        ({"contacts": [{"name": "Sue", "relationship": "daughter", "mobile": "07700 900456",
                        "consent": {"status": "given"}}]}, ["contacts", "0", "consent", "recorded_on"], "date consent"),
        ({"surprise": 1}, ["surprise"], "Unknown field"),
        # Texts go to the mobile: a landline there would be asked by text and never answer.
        ({"carer": {**plan_payload()["carer"], "mobile": "0113 496 0100"}}, ["carer", "mobile"],
         "0113 496 0100 is a landline number, and texts cannot reach it: enter a mobile number, like 07700 900982, "
         "or put a landline in the landline box"),
        ({"contacts": [{"name": "Sue", "relationship": "daughter", "mobile": "020 7946 0456"}]},
         ["contacts", "0", "mobile"], "020 7946 0456 is a landline number"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_what_is_wrong(coordinator, change, field, says):
    response = coordinator.post("/api/v1/plans", json=plan_payload(**change))
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    for key in field:
        errors = errors[int(key)] if isinstance(errors, dict) and key.isdigit() and int(key) in errors else errors[key]
    assert says in json.dumps(errors)
    assert coordinator.get("/api/v1/plans").json == []  # nothing half-saved


def test_a_body_that_is_not_json_is_a_clear_4xx(coordinator):
    response = coordinator.post("/api/v1/plans", data="{not json", headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500


def test_a_plan_is_changed_and_its_history_says_who_changed_what(coordinator):
    plan = create(coordinator)
    carer = {**plan["carer"], "address": {**plan["carer"]["address"], "postcode": "LS6 2AB"}}
    changed = coordinator.put(f"/api/v1/plans/{plan['id']}", json=as_update(plan, carer=carer))
    assert changed.status_code == 200 and changed.json["version"] == 2

    history = coordinator.get(f"/api/v1/plans/{plan['id']}/versions").json
    assert [(v["number"], v["change"], v["changed_by"]) for v in history] == [(2, "updated", "cora"), (1, "created", "cora")]
    assert history[0]["changes"] == [{"field": "carer.address.postcode", "from": "LS6 1HR", "to": "LS6 2AB"}]


def test_a_change_made_from_a_stale_copy_is_409_and_loses_nothing(coordinator):
    plan = create(coordinator)
    first = coordinator.put(f"/api/v1/plans/{plan['id']}", json=as_update(plan, instructions="first"))
    assert first.status_code == 200
    stale = coordinator.put(f"/api/v1/plans/{plan['id']}", json=as_update(plan, instructions="second"))
    assert stale.status_code == 409 and stale.json["message"].startswith("version:")
    assert coordinator.get(f"/api/v1/plans/{plan['id']}").json["instructions"] == "first"


def test_an_update_without_a_version_is_422(coordinator):
    plan = create(coordinator)
    body = as_update(plan)
    del body["version"]
    response = coordinator.put(f"/api/v1/plans/{plan['id']}", json=body)
    assert response.status_code == 422 and "version" in response.json["errors"]["json"]


def test_lists_show_no_health_details_addresses_or_key_safe_codes(coordinator):
    plan = create(coordinator)
    coordinator.put(f"/api/v1/plans/{plan['id']}/key-safe", json={"code": "8642"})
    listed = coordinator.get("/api/v1/plans").json
    assert listed == [{"id": plan["id"], "card_number": plan["card_number"], "status": "active",
                       "carer_name": "Margaret Hughes", "cared_for_names": ["Arthur Hughes"], "postcode": "LS6 1HR",
                       "review_due_on": plan["review_due_on"]}]
    detail = coordinator.get(f"/api/v1/plans/{plan['id']}").json
    without_card = json.dumps(detail).replace(detail["card_number"], "")  # random: its digits may hold the code's
    assert "8642" not in without_card and detail["home_access"]["has_key_safe_code"] is True


def test_reading_the_key_safe_code_and_the_plan_is_audited(coordinator):
    plan = create(coordinator)
    assert coordinator.put(f"/api/v1/plans/{plan['id']}/key-safe", json={"code": " 8642 "}).status_code == 204
    assert coordinator.get(f"/api/v1/plans/{plan['id']}/key-safe").json == {"code": "8642"}
    coordinator.get(f"/api/v1/plans/by-card/{plan['card_number']}")
    audit = coordinator.get(f"/api/v1/plans/{plan['id']}/audit").json
    assert [(event["actor"], event["action"]) for event in audit] == [
        ("cora", "plan.viewed"), ("cora", "plan.key_safe_viewed"), ("cora", "plan.key_safe_changed"), ("cora", "plan.created")]
    assert coordinator.put(f"/api/v1/plans/{plan['id']}/key-safe", json={"code": None}).status_code == 204
    assert coordinator.get(f"/api/v1/plans/{plan['id']}/key-safe").json == {"code": None}


def test_search_by_name_card_phone_postcode_and_district(coordinator):
    hughes = create(coordinator)
    other = create(coordinator, carer={"name": "Priya Shah", "landline": "020 7946 0111",
                                       "address": {"line1": "2 Kirkstall Rd", "town": "Leeds", "postcode": "LS4 2QY"}},
                   cared_for=[{"name": "Dev Shah"}], contacts=[])

    def ids(**query):
        response = coordinator.get("/api/v1/plans", query_string=query)
        assert response.status_code == 200, response.json
        return [plan["id"] for plan in response.json]

    assert ids(name="hugh") == [hughes["id"]]
    assert ids(name="DEV") == [other["id"]]  # a cared-for person's name finds the plan too
    assert ids(card_number=other["card_number"]) == [other["id"]]
    assert ids(phone="07700 900456") == [hughes["id"]]  # a contact's number
    assert ids(phone="+442079460111") == [other["id"]]
    assert ids(postcode="ls4 2qy") == [other["id"]]
    assert ids(postcode="LS6") == [hughes["id"]]
    assert ids(name="100%") == []  # wildcards are searched for literally
    assert sorted(ids()) == sorted([hughes["id"], other["id"]])


def test_a_bad_search_term_is_422_naming_the_query_field(coordinator):
    response = coordinator.get("/api/v1/plans", query_string={"phone": "12"})
    assert response.status_code == 422 and "phone" in response.json["errors"]["query"]


def test_lists_are_paged_with_the_total_in_a_header(coordinator):
    for _ in range(3):
        create(coordinator)
    response = coordinator.get("/api/v1/plans", query_string={"page": 2, "page_size": 2})
    assert len(response.json) == 1
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    assert coordinator.get("/api/v1/plans", query_string={"page": 10**12}).json == []


def test_an_archived_plan_leaves_the_default_list_and_refuses_changes(coordinator):
    plan = create(coordinator)
    archived = coordinator.post(f"/api/v1/plans/{plan['id']}/archive", json={"reason": "carer moved away"})
    assert archived.status_code == 200 and archived.json["status"] == "archived"
    assert coordinator.get("/api/v1/plans").json == []
    assert [p["id"] for p in coordinator.get("/api/v1/plans", query_string={"status": "archived"}).json] == [plan["id"]]
    again = coordinator.put(f"/api/v1/plans/{plan['id']}", json=as_update(archived.json, status="active"))
    assert again.status_code == 409 and "archived" in again.json["message"]


def test_plans_due_for_review_are_listed_soonest_first(coordinator):
    with freeze_time("2026-11-22 12:00:00"):
        overdue = create(coordinator, last_reviewed_on="2025-10-01")
        soon = create(coordinator, review_due_on="2026-12-10")
        later = create(coordinator)  # due 2027-11-22
        due = coordinator.get("/api/v1/plans/due-for-review", query_string={"within_days": 30}).json
        assert [p["id"] for p in due] == [overdue["id"], soon["id"]]
        reviewed = coordinator.post(f"/api/v1/plans/{overdue['id']}/review").json
        assert (reviewed["last_reviewed_on"], reviewed["review_due_on"]) == ("2026-11-22", "2027-11-22")
        due = coordinator.get("/api/v1/plans/due-for-review").json
        assert [p["id"] for p in due] == [soon["id"]]
        assert later["id"] not in [p["id"] for p in due]


def test_a_validation_error_also_says_in_one_line_which_fields_are_wrong(coordinator):
    response = coordinator.post("/api/v1/plans", json={"carer": {"name": "Ann", "mobile": "0123"}})
    message = response.json["message"]
    assert "cared_for: Missing data for required field." in message
    assert "carer.mobile: '0123' is not a valid phone number" in message


def test_drama_mobiles_are_mobiles_and_landlines_belong_in_the_landline_box(coordinator):
    made = coordinator.post("/api/v1/plans", json=plan_payload(contacts=[
        {"name": "Sue", "relationship": "daughter", "mobile": "07700 900456", "landline": "020 7946 0456"}]))
    assert made.status_code == 201, made.json
    assert made.json["contacts"][0]["mobile"] == "+447700900456"  # Ofcom's for drama, refused by phonenumbers alone
    assert made.json["contacts"][0]["landline"] == "+442079460456"



def test_the_carers_language_is_a_configured_one_or_other_and_which(coordinator):
    def created(**language):
        return coordinator.post("/api/v1/plans", json=plan_payload(carer={**plan_payload()["carer"], **language}))

    assert created(preferred_language="Cymraeg").get_json()["carer"]["preferred_language"] == "cy"
    somali = created(preferred_language="Somali").get_json()["carer"]
    assert (somali["preferred_language"], somali["other_language"]) == ("other", "Somali")
    refused = created(preferred_language="other")
    assert refused.status_code == 422 and "other_language" in json.dumps(refused.get_json())
