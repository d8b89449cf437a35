"""Whatever anyone texts or keys, the line answers with valid TwiML (or a 4xx), never a 500."""
from xml.etree import ElementTree

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.telephony.conftest import Phone

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def valid_twiml_or_client_error(response):
    if response.status_code == 204:
        return
    assert response.status_code < 500, response.data
    if response.status_code == 200:
        assert ElementTree.fromstring(response.data).tag == "Response"


@FUZZ
@given(body=st.text(max_size=300), sender=st.one_of(st.text(max_size=20), st.just("07911 123456")))
def test_any_text_body_from_anyone(client, world, body, sender):
    valid_twiml_or_client_error(Phone(client).text(sender, body))


@FUZZ
@given(digits=st.one_of(st.none(), st.text(max_size=30), st.text(alphabet="0123456789#*", max_size=14)),
       attempt=st.sampled_from(["1", "2", "x", ""]))
def test_any_keypad_digits_for_the_card(client, world, digits, attempt):
    valid_twiml_or_client_error(Phone(client).call_step(f"/twilio/voice/card?attempt={attempt}", "07911 123456", digits))


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["MessageSid", "CallSid", "MessageStatus", "CallStatus", "ErrorCode",
                                             "SequenceNumber", "Digits", "From", "Body"]), st.text(max_size=40)),
       path=st.sampled_from(["/twilio/sms", "/twilio/status", "/twilio/voice", "/twilio/voice/card",
                             "/twilio/ask/1/answer", "/twilio/ask/1", "/twilio/say/1"]))
def test_any_form_on_any_webhook(client, world, form, path):
    valid_twiml_or_client_error(Phone(client).post(path, form))
