"""The console says which words are machine-drafted until a coordinator marks them reviewed, and
takes the council's recordings for a language the line has no voice for."""
import io
from xml.etree import ElementTree

from freezegun import freeze_time
from sqlalchemy import func, select

from emergency.api.plan_schemas import PlanSchema
from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.incidents import opening
from emergency.plans import service as plans
from emergency.rota.models import DutyOfficer
from tests.conftest import plan_payload
from tests.console.client import error_summary, words
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.conftest import Phone, TwilioStandIn, twilio_account

WARNING = "Texts and calls on this incident in Welsh use machine-drafted words"


def test_machine_drafted_words_are_shown_until_a_coordinator_marks_them_reviewed(world, cora):
    payload = plan_payload(contacts=[{"name": "Gwen Morgan", "relationship": "friend", "mobile": "+447700900905",
                                      "language": "cy", "consent": {"status": "given", "recorded_on": "2026-01-10"}}])
    plan = plans.create_plan(PlanSchema().load(payload), by=None, now=THURSDAY_NIGHT)
    with freeze_time(THURSDAY_NIGHT):
        incident, _ = opening.open_incident(plan, caller_number="+447700900906", channel="sms", now=THURSDAY_NIGHT)
    db.session.commit()
    assert WARNING in words(cora.page(f"/console/incidents/{incident.id}"))
    languages = words(cora.page("/console/languages"))
    assert "Welsh (Cymraeg)" in languages and "Mark Welsh reviewed" in languages
    assert "Mark English reviewed" not in languages
    assert "None: the council's recordings, else English with an apology" in languages
    assert cora.submit("/console/languages/cy/reviewed").status_code == 302
    languages = words(cora.page("/console/languages"))
    assert "Mark Welsh reviewed" not in languages and "Reviewed (marked by cora" in languages
    assert WARNING not in words(cora.page(f"/console/incidents/{incident.id}"))
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "language.reviewed")) == (
        "the Welsh catalog")
    assert cora.submit("/console/languages/xx/reviewed").status_code == 404


def test_an_officer_and_a_contact_are_given_the_language_they_are_asked_in(world, cora):
    assert cora.submit("/console/rota/officers/new", name="Dafydd Jones", mobile="07700 900907", role="social worker",
                       contact_preference="sms", language="cy").status_code == 302
    dafydd = db.session.scalar(select(DutyOfficer).where(DutyOfficer.name == "Dafydd Jones"))
    assert dafydd.language == "cy"
    assert cora.submit(f"/console/rota/officers/{dafydd.id}", name="Dafydd Jones", mobile="07700 900907",
                       role="social worker", contact_preference="sms").status_code == 302
    db.session.refresh(dafydd)
    assert dafydd.language == "cy"  # not sent: unchanged
    form = cora.page("/console/plans/new")
    assert 'name="contacts.0.language"' in form and "Cymraeg" in form and 'name="carer.large_print"' in form


MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


def test_a_coordinator_uploads_urdu_recordings_and_an_urdu_caller_hears_them_instead_of_english(world, cora, app):
    page = words(cora.page("/console/languages/ur/prompts"))
    assert "The line has no Urdu voice" in page and "براہ کرم" in page
    refused = cora.client.post("/console/languages/ur/prompts", data={
        "csrf": cora.csrf, "key": "voice.type_card", "audio": (io.BytesIO(b"not a recording"), "prompt.mp3")})
    assert refused.status_code == 422
    assert "The file is not an MP3 or WAV recording" in error_summary(refused.get_data(as_text=True))
    for key in ("voice.type_card", "voice.card_not_recognised"):
        saved = cora.client.post("/console/languages/ur/prompts", data={
            "csrf": cora.csrf, "key": key, "audio": (io.BytesIO(MP3), "prompt.mp3")})
        assert saved.status_code == 302
    assert "Uploaded" in words(cora.page("/console/languages/ur/prompts"))

    app.config["LINE_LANGUAGES"] = ["en", "cy", "pl", "ur"]
    twilio_account(app, TwilioStandIn())
    phone = Phone(app.test_client())
    root = ElementTree.fromstring(phone.call_step("/twilio/voice/language", "+447700900910", digits="4").data)
    played = [element.text for element in root.iter("Play")]
    assert played == ["/twilio/prompts/ur/voice.type_card"] and not list(root.iter("Say"))  # no apology, no English
    audio = app.test_client().get(played[0])
    assert (audio.status_code, audio.mimetype, audio.data) == (200, "audio/mpeg", MP3)
    assert app.test_client().get("/twilio/prompts/ur/voice.welcome").status_code == 404  # not recorded
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "language.prompt_recorded")) == 2
