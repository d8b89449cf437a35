"""The plan form's reading of what was typed, its row buttons, and the card's text. Pure."""
import io

from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from emergency.console.forms import field_problems
from emergency.console.messages import PLAN, plain
from emergency.console.plan_form import apply_action, merge_typed, plan_input, read_form
from emergency.plans.card_pdf import CardDetails, card_pdf, printable


def test_what_was_typed_becomes_the_apis_input_with_blanks_left_to_the_schemas_defaults():
    form = read_form(MultiDict([
        ("carer.name", "Joan"), ("carer.address.postcode", "ls6 2ab"), ("cared_for.0.name", "Bill"),
        ("cared_for.0.safe_alone_minutes", "30"), ("cared_for.0.can_be_left_alone", "yes"),
        ("contacts.0.name", "Ann"),
        ("contacts.0.availability.0.days", "sat"), ("contacts.0.availability.0.days", "sun"),
        ("contacts.0.availability.0.from", "09:00"), ("contacts.0.availability.1.from", ""),
        ("escalation.rounds", "two"), ("carer.name.evil", "x"), ("__class__", "x"),
    ]))
    data = plan_input(form, with_version=False)
    assert data["carer"] == {"name": "Joan", "address": {"postcode": "ls6 2ab"}}
    person = data["cared_for"][0]
    assert person["safe_alone_minutes"] == 30 and person["can_be_left_alone"] and not person["lives_with_carer"]
    assert "address" not in person
    assert data["contacts"][0]["availability"] == [{"days": ["sat", "sun"], "from": "09:00"}]
    assert data["escalation"] == {"rounds": "two"}  # left as typed, for the schema to refuse


def test_row_buttons_add_move_and_remove_and_ignore_nonsense():
    form = read_form(MultiDict([("contacts.0.name", "Ann"), ("contacts.1.name", "Bob")]))
    assert apply_action(form, "down:contacts:0") and [c["name"] for c in form["contacts"]] == ["Bob", "Ann"]
    assert apply_action(form, "add:contacts") and len(form["contacts"]) == 3
    assert apply_action(form, "remove:contacts:2") and len(form["contacts"]) == 2
    for nonsense in ("remove:contacts:9", "up:carer:0", "explode:contacts:0", "", "down:contacts:x"):
        assert not apply_action(form, nonsense)
    assert [c["name"] for c in form["contacts"]] == ["Bob", "Ann"]


def test_nested_schema_messages_become_field_paths():
    messages = {"carer": {"address": {"postcode": ["not a postcode", "and more"]}},
                "contacts": {1: {"availability": {0: {"days": {2: ["Must be one of: mon."]}, "_schema": ["bad"]}}}},
                "cared_for": ["Length must be between 1 and 10."]}
    assert field_problems(messages) == {"carer.address.postcode": "not a postcode",  # one message a field
                                        "contacts.1.availability.0.days": "Must be one of: mon.",
                                        "contacts.1.availability.0": "bad",
                                        "cared_for": "Length must be between 1 and 10."}


def test_the_schemas_messages_become_sentences_about_the_field_in_the_gov_uk_style():
    said = {
        ("carer.name", "Missing data for required field."): "Enter the carer's full name",
        ("carer.name", "Length must be between 1 and 200."): "Carer's full name must be 200 characters or fewer",
        ("carer.mobile", "'0123' is not a valid phone number; write it like 07911 123456"):
            "Enter a UK mobile number for the carer, like 07700 900 982",
        ("carer.address.town", "Field may not be null."): "Enter the town or city of the carer's address",
        ("cared_for.1.date_of_birth", "must not be in the future"):
            "Date of birth of person cared for 2 must be in the past",
        ("cared_for.0.date_of_birth", "Not a valid date."): "Date of birth of person cared for 1 must be a real date",
        ("contacts.2.availability.0.days", "Shorter than minimum length 1."):
            "Select at least one day for time 1 of contact 3",
        ("contacts.0.availability.1.from", "must be HH:MM, 00:00 to 23:59"):
            "Start of time 2 for contact 1 must be a time on the 24-hour clock, like 17:30",
        ("escalation.rounds", "Must be greater than or equal to 1 and less than or equal to 10."):
            "Rounds of the rota must be between 1 and 10",
        ("escalation.channels", "Must be one of: sms, call, both."): "Select how to ask",
        ("contacts.1.mobile", "give the contact's mobile or landline number"):
            "Enter a mobile or landline number for contact 2",
        ("cared_for.0.safe_alone_minutes", "leave this out, or set can_be_left_alone, for someone who cannot be left alone"):
            "Leave the minutes empty, or tick ‘Can be left alone for a while’",
        # A message the table does not know keeps its words, with the field named when it needs it.
        ("carer.landline", "must be a landline, not a mobile"): "Carer's landline must be a landline, not a mobile",
        ("form", "the plan is archived."): "The plan is archived",
    }
    for (path, message), expected in said.items():
        assert plain(PLAN, path, message) == expected, path


def test_the_card_keeps_names_readable_in_the_pdfs_own_fonts():
    assert printable("Zoë Łukasz 李") == "Zoë Lukasz ?"
    pdf = card_pdf(CardDetails(carer_first_name="Łucja", card_number="1263250168", line_number="0113 496 0500"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "1263 2501 68" in text and "Lucja" in text


def test_after_someone_else_saved_their_changes_fill_the_fields_this_person_left_alone():
    def form(mobile, instructions, contacts):
        typed = MultiDict([("carer.mobile", mobile), ("instructions", instructions)])
        for index, (row_id, name) in enumerate(contacts):
            typed.add(f"contacts.{index}.id", row_id)
            typed.add(f"contacts.{index}.name", name)
        return read_form(typed)

    base = form("07700 900100", "", [("1", "Sue"), ("2", "Tom")])
    theirs = form("07700 900777", "", [("1", "Susan"), ("3", "Ali")])  # renamed Sue, removed Tom, added Ali
    mine = form("07700 900100", "Ring twice", [("2", "Tom"), ("1", "Sue"), ("", "Bea")])  # reordered, added Bea
    merged = merge_typed(base, theirs, mine)
    assert merged["carer"]["mobile"] == "07700 900777" and merged["instructions"] == "Ring twice"
    assert [(c["id"], c["name"]) for c in merged["contacts"]] == [("1", "Susan"), ("", "Bea"), ("3", "Ali")]
    both = merge_typed(base, theirs, form("07700 900900", "", [("1", "Sue"), ("2", "Tommy")]))
    assert both["carer"]["mobile"] == "07700 900900"  # both changed it: what was typed wins, and is shown
    assert [(c["id"], c["name"]) for c in both["contacts"]] == [("1", "Susan"), ("", "Tommy"), ("3", "Ali")]
