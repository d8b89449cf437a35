"""The line in the caller's language, and asks in each person's own language (docs/languages.md)."""
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.extensions import db
from emergency.incidents.models import Incident, Page
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.reports.figures import Period
from emergency.reports.service import build_report
from tests.conftest import plan_payload
from tests.scenarios.conftest import THURSDAY_NIGHT

CALLER, CARER = "+447700900901", "+447700900902"
GWEN, MAREK = "+447700900903", "+447700900904"
ALL_LANGUAGES = ["en", "cy", "pl", "ur"]


def twiml(response):
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return ElementTree.fromstring(response.data)


def spoken(root):
    return [(say.get("voice"), say.text) for say in root.iter("Say")]


def texts_to(number, purpose=None):
    query = select(OutboxMessage).where(OutboxMessage.to_number == number, OutboxMessage.channel == "sms") \
        .order_by(OutboxMessage.id)
    if purpose:
        query = query.where(OutboxMessage.purpose == purpose)
    return [message.body for message in db.session.scalars(query)]


def plan_with(*contacts):
    payload = plan_payload(carer={**plan_payload()["carer"], "mobile": CARER}, contacts=[
        {"name": name, "relationship": "friend", "mobile": mobile, "language": language,
         "consent": {"status": "given", "recorded_on": "2026-01-10"}} for name, mobile, language in contacts])
    plan = plans.create_plan(PlanSchema().load(payload), by=None, now=THURSDAY_NIGHT)
    db.session.commit()
    return plan


def test_a_caller_chooses_welsh_a_welsh_contact_replies_derbyn_and_the_caller_hears_help_is_arranged_in_welsh(
        world, phone, client):
    world.app.config["LINE_LANGUAGES"] = ALL_LANGUAGES
    plan = plan_with(("Gwen Morgan", GWEN, "cy"))
    menu = twiml(phone.call_step("/twilio/voice", CALLER))
    said = spoken(menu)
    assert said[0] == ("Polly.Amy", "Carers Emergency Line. If anyone is in danger, hang up and call 999.")
    assert ("Polly.Gwyneth", "I barhau yn Gymraeg, pwyswch 2.") in said
    assert ("Polly.Ewa", "Po polsku, naciśnij 3.") in said
    assert ("Polly.Amy", "For Urdu, press 4.") in said

    welsh = twiml(phone.call_step(menu.find("Gather").get("action"), CALLER, digits="2"))
    gather = welsh.find("Gather")
    assert gather.get("action") == "/twilio/voice/card?attempt=1&language=cy"
    assert spoken(welsh) == [("Polly.Gwyneth", "Dywedwch y rhif sydd ar gerdyn argyfwng y gofalwr, neu teipiwch ef a "
                                               "phwyswch yr allwedd hash.")]
    with freeze_time(THURSDAY_NIGHT):
        opened = twiml(phone.call_step(gather.get("action"), CALLER, digits=plan.card_number + "#"))
    assert spoken(opened)[0][0] == "Polly.Gwyneth" and spoken(opened)[0][1].startswith("Diolch. Rydym yn cysylltu")
    assert db.session.scalar(select(Incident.caller_language)) == "cy"

    [ask] = texts_to(GWEN, "ask")
    code = db.session.scalar(select(Page.code).where(Page.phone == GWEN))
    assert ask == (f"Llinell Argyfwng Gofalwyr: ni all Margaret ofalu am Arthur ar hyn o bryd (LS6). Allwch chi fynd? "
                   f"Atebwch DERBYN {code} neu GWRTHOD {code}.")
    phone.text(GWEN, f"derbyn {code}")
    assert db.session.scalar(select(Incident.status)) == "accepted"
    assert texts_to("+447700900901", "caller_confirmation") == [
        "Llinell Argyfwng Gofalwyr: mae help wedi'i drefnu. Mae Gwen ar y ffordd at Arthur."]
    [details] = texts_to(GWEN, "details")
    assert "Atebwch GORFFEN" in details
    link = re.search(r"https?://\S+?(/details/\S+?)(?=\s|\(|$)", details).group(1)
    page = client.get(link).get_data(as_text=True)
    assert '<html lang="cy"' in page and "Diolch am fynd, Gwen" in page and f"atebwch GORFFEN {code}" in page
    assert "Thank you for going" not in page


def test_a_polish_contact_is_asked_in_polish_and_an_english_one_in_english(world, phone):
    plan = plan_with(("Marek Nowak", MAREK, "pl"))
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, plan.card_number)
    code = db.session.scalar(select(Page.code).where(Page.phone == MAREK))
    assert texts_to(MAREK, "ask") == [
        f"Linia Alarmowa Opiekunow: Margaret nie moze teraz zajac sie Arthur (LS6). Mozesz pojsc? "
        f"Odpisz PRZYJMUJE {code} lub ODMAWIAM {code}."]
    answer = ElementTree.fromstring(phone.text(MAREK, f"ODMAWIAM {code}").data)
    assert "".join(m.text for m in answer.iter("Message")) == (
        "Linia Alarmowa dla Opiekunów: dziękujemy za informację. Prosimy kogoś innego.")


def test_a_number_dedicated_to_welsh_skips_the_menu(world, phone):
    world.app.config.update(LINE_LANGUAGES=ALL_LANGUAGES, LINE_NUMBER_LANGUAGES={"+441134960999": "cy"})
    form = {"CallSid": "CA" + "5" * 32, "AccountSid": "AC" + "0" * 32, "From": CALLER, "To": "+441134960999"}
    root = twiml(phone.post("/twilio/voice", form))
    assert root.find("Gather").get("action") == "/twilio/voice/card?attempt=1&language=cy"
    assert spoken(root)[0] == ("Polly.Gwyneth", "Llinell Argyfwng Gofalwyr. Os oes unrhyw un mewn perygl, rhowch y "
                                                "ffôn i lawr a ffoniwch 999. Dywedwch y rhif sydd ar gerdyn "
                                                "argyfwng y gofalwr, neu teipiwch ef a phwyswch yr allwedd hash.")


def test_urdu_has_no_voice_so_the_line_apologises_in_english_and_texts_in_urdu(world, phone):
    world.app.config["LINE_LANGUAGES"] = ALL_LANGUAGES
    plan = plan_with(("Gwen Morgan", GWEN, "cy"))
    root = twiml(phone.call_step("/twilio/voice/language", CALLER, digits="4"))
    assert root.find("Gather").get("action") == "/twilio/voice/card?attempt=1&language=ur"
    assert spoken(root)[0] == ("Polly.Amy", "Sorry, this line cannot speak Urdu yet, so we will carry on in English. "
                                            "Your texts will be in Urdu.")
    with freeze_time(THURSDAY_NIGHT):
        opened = twiml(phone.call_step(root.find("Gather").get("action"), CALLER, digits=plan.card_number))
    assert spoken(opened)[0][0] == "Polly.Amy" and spoken(opened)[0][1].startswith("Thank you. We are contacting")
    assert db.session.scalar(select(Incident.caller_language)) == "ur"


def test_a_key_not_offered_in_the_menu_is_english(world, phone):
    world.app.config["LINE_LANGUAGES"] = ALL_LANGUAGES
    for digits in ("", "9", "*"):
        root = twiml(phone.call_step("/twilio/voice/language", CALLER, digits=digits))
        assert root.find("Gather").get("action") == "/twilio/voice/card?attempt=1"


WELSH_DIGITS = ["dim", "un", "dau", "tri", "pedwar", "pump", "chwech", "saith", "wyth", "naw"]


@pytest.mark.parametrize("confidence", [{"Confidence": "0.91"}, {}])
def test_a_caller_says_the_card_number_in_welsh_hears_it_read_back_and_confirms(world, phone, confidence):
    world.app.config["LINE_LANGUAGES"] = ALL_LANGUAGES
    plan = plan_with(("Gwen Morgan", GWEN, "cy"))
    card = plan.card_number
    asked = twiml(phone.call_step("/twilio/voice/language", CALLER, digits="2")).find("Gather")
    assert (asked.get("input"), asked.get("speechModel"), asked.get("speechTimeout"), asked.get("language")) == (
        "dtmf speech", "numbers_and_commands", "3", "cy-GB")
    said = " ".join(WELSH_DIGITS[int(digit)] for digit in card)
    heard = twiml(phone.call_step(asked.get("action"), CALLER, SpeechResult=said, **confidence))
    assert spoken(heard) == [("Polly.Gwyneth", f"Clywais {' '.join(card)}. Pwyswch 1 os yw hynny'n gywir, neu 2 "
                                               f"i'w ddweud eto.")]
    assert db.session.scalar(select(Incident.id)) is None  # nothing happens before the caller confirms
    with freeze_time(THURSDAY_NIGHT):
        opened = twiml(phone.call_step(heard.find("Gather").get("action"), CALLER, digits="1"))
    assert spoken(opened)[0][1].startswith("Diolch. Rydym yn cysylltu")
    assert db.session.scalar(select(Incident.caller_language)) == "cy"


def test_a_misheard_number_is_asked_again_and_two_misses_put_the_caller_through(world, phone):
    plan = plan_with(("Gwen Morgan", GWEN, "cy"))
    wrong_check_digit = plan.card_number[:-1] + str((int(plan.card_number[-1]) + 1) % 10)
    asked = twiml(phone.call_step("/twilio/voice", CALLER)).find("Gather")
    heard = twiml(phone.call_step(asked.get("action"), CALLER, SpeechResult=" ".join(wrong_check_digit)))
    with freeze_time(THURSDAY_NIGHT):
        again = twiml(phone.call_step(heard.find("Gather").get("action"), CALLER, digits="1"))
    assert "not recognised" in spoken(again)[0][1] and again.find("Gather").get("action").endswith("attempt=2")
    heard = twiml(phone.call_step(again.find("Gather").get("action"), CALLER, SpeechResult="three one",
                                  Confidence="0.4"))
    assert heard.find("Dial") is not None  # two misses: through to a person, as today
    assert spoken(heard)[0][1] == "Putting you through to the duty officer now."


def test_the_report_counts_texts_and_their_segments_by_language(world, phone):
    plan = plan_with(("Marek Nowak", MAREK, "pl"))
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, plan.card_number)
    [ask] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_number == MAREK,
                                                           OutboxMessage.channel == "sms")).all()
    assert ask.segments == 1
    day = THURSDAY_NIGHT.date()
    rows = build_report(Period(day, day + timedelta(days=1)), THURSDAY_NIGHT).table("texts-by-language").rows
    assert ["Polish", 1, 1] in rows

