from datetime import date

from emergency.plans.service import add_months
from emergency.plans.snapshot import changed_fields


def test_changed_fields_names_each_changed_leaf_with_its_old_and_new_value():
    before = {"carer": {"name": "Ann", "address": {"postcode": "LS6 1HR"}}, "contacts": [{"name": "Sue"}]}
    after = {"carer": {"name": "Ann", "address": {"postcode": "LS6 2AB"}}, "contacts": [{"name": "Sue"}, {"name": "Tom"}]}
    assert changed_fields(before, after) == [
        {"field": "carer.address.postcode", "from": "LS6 1HR", "to": "LS6 2AB"},
        {"field": "contacts[1].name", "from": None, "to": "Tom"},
    ]


def test_a_new_plan_lists_every_field_as_changed_and_an_unchanged_one_none():
    plan = {"status": "draft", "carer": {"name": "Ann"}}
    assert [change["field"] for change in changed_fields(None, plan)] == ["carer.name", "status"]
    assert changed_fields(plan, plan) == []


def test_reviews_fall_due_a_year_later_even_from_a_leap_day():
    assert add_months(date(2026, 11, 22), 12) == date(2027, 11, 22)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
