"""The circuit breaker's state changes, which provider carries texts, which failures may have
reached a provider, and the escalation policy while calls cannot be made. Pure: time passed in."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from config import Config
from emergency.incidents.policy import OfficerOnDuty, Position, Settings, decide
from emergency.incidents.vocabulary import Stage
from emergency.outbox import circuit
from emergency.outbox.circuit import PROBE_EVERY, PROBE_LEASE, Breaker
from emergency.outbox.models import Circuit
from emergency.outbox.notify_transport import delivery_report, parse_api_key
from emergency.outbox.transport import may_have_arrived

T = datetime(2026, 12, 3, 22, 0, tzinfo=timezone.utc)
WINDOW = timedelta(seconds=60)
S = timedelta(seconds=1)


def test_a_provider_failing_for_less_than_the_window_keeps_carrying_texts():
    breaker = circuit.failed(Breaker(), T, WINDOW)
    breaker = circuit.failed(breaker, T + 59 * S, WINDOW)
    assert breaker == Breaker(Circuit.CLOSED, failing_since=T) and breaker.carrying


def test_a_provider_failing_for_the_window_opens_its_circuit_with_a_probe_due_later():
    breaker = circuit.failed(circuit.failed(Breaker(), T, WINDOW), T + 60 * S, WINDOW)
    assert breaker == Breaker(Circuit.OPEN, T, changed_at=T + 60 * S, probe_at=T + 60 * S + PROBE_EVERY)
    assert not breaker.carrying and not circuit.probe_due(breaker, T + 61 * S)
    assert circuit.probe_due(breaker, T + 60 * S + PROBE_EVERY)


def test_one_answer_in_the_window_starts_the_count_again():
    breaker = circuit.answered(circuit.failed(Breaker(), T, WINDOW), T + 30 * S)
    breaker = circuit.failed(breaker, T + 70 * S, WINDOW)
    assert breaker == Breaker(Circuit.CLOSED, failing_since=T + 70 * S)


def test_time_alone_opens_a_circuit_whose_provider_has_answered_nothing_for_the_window():
    failing = circuit.failed(Breaker(), T, WINDOW)
    assert circuit.as_time_passes(failing, T + 59 * S, WINDOW) == failing
    assert circuit.as_time_passes(failing, T + 60 * S, WINDOW).circuit == Circuit.OPEN
    assert circuit.as_time_passes(Breaker(), T + 3600 * S, WINDOW) == Breaker()  # never failed: stays closed


def test_a_probe_makes_the_circuit_half_open_and_its_answer_closes_it():
    opened = circuit.failed(circuit.failed(Breaker(), T, WINDOW), T + 60 * S, WINDOW)
    probe = circuit.probing(opened, T + 90 * S)
    assert probe.circuit == Circuit.HALF_OPEN and not probe.carrying and probe.probe_at == T + 90 * S + PROBE_LEASE
    assert not circuit.probe_due(probe, T + 91 * S)  # one probe at a time
    assert circuit.answered(probe, T + 91 * S) == Breaker(Circuit.CLOSED, None, changed_at=T + 91 * S, probe_at=None)


def test_a_failed_probe_opens_the_circuit_again_until_the_next_probe_and_keeps_since_when():
    opened = circuit.failed(circuit.failed(Breaker(), T, WINDOW), T + 60 * S, WINDOW)
    again = circuit.failed(circuit.probing(opened, T + 90 * S), T + 91 * S, WINDOW)
    assert again == Breaker(Circuit.OPEN, T, changed_at=T + 60 * S, probe_at=T + 91 * S + PROBE_EVERY)


def test_a_probe_lost_with_its_process_may_be_made_again_after_its_lease():
    probe = circuit.probing(circuit.failed(circuit.failed(Breaker(), T, WINDOW), T + 60 * S, WINDOW), T + 90 * S)
    assert circuit.probe_due(probe, T + 90 * S + PROBE_LEASE)


def test_a_message_a_provider_answers_while_its_circuit_is_open_closes_it():
    opened = circuit.failed(circuit.failed(Breaker(), T, WINDOW), T + 60 * S, WINDOW)
    assert circuit.answered(opened, T + 65 * S).carrying


def test_a_failure_while_open_does_not_put_off_the_next_probe():
    opened = circuit.failed(circuit.failed(Breaker(), T, WINDOW), T + 60 * S, WINDOW)
    assert circuit.failed(opened, T + 70 * S, WINDOW).probe_at == opened.probe_at


OPEN = Breaker(Circuit.OPEN, T, T, T + PROBE_EVERY)


@pytest.mark.parametrize(("breakers", "carrier"), [
    ({}, "twilio"),
    ({"twilio": OPEN}, "notify"),
    ({"twilio": circuit.probing(OPEN, T)}, "notify"),
    ({"twilio": OPEN, "notify": OPEN}, "twilio"),
    ({"notify": OPEN}, "twilio"),
])
def test_texts_go_by_the_first_provider_whose_circuit_is_closed(breakers, carrier):
    assert circuit.carrier("twilio", "notify", breakers) == carrier


def test_with_no_backup_texts_always_go_by_the_one_provider():
    assert circuit.carrier("twilio", None, {"twilio": OPEN}) == "twilio"


def _connection_error(reason):
    return requests.exceptions.ConnectionError(MaxRetryError(None, "https://api.twilio.com/", reason))


@pytest.mark.parametrize(("error", "arrived"), [
    (_connection_error(NewConnectionError(None, "Connection refused")), False),
    (requests.exceptions.ConnectTimeout("connect timed out"), False),
    (requests.exceptions.ReadTimeout("read timed out"), True),
    (_connection_error(ProtocolError("Connection aborted.", ConnectionResetError())), True),
    (requests.exceptions.ConnectionError("something else"), True),
    (None, True),
], ids=["refused", "connect timeout", "read timeout", "dropped after sending", "unknown", "no error"])
def test_only_a_request_that_surely_never_left_may_go_to_another_provider(error, arrived):
    assert may_have_arrived(error) is arrived


def test_a_notify_api_key_gives_its_service_id_and_secret():
    key = "carers-line-live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
    assert parse_api_key(key) == ("26785a09-ab16-4eb0-8407-a37497a57506", "3d844edf-8d35-48ac-975b-e847b4f122b0")


@pytest.mark.parametrize("key", ["", "not-a-key", "3d844edf-8d35-48ac-975b-e847b4f122b0",
                                 "name-26785a09-ab16-4eb0-8407-a37497a57506x3d844edf-8d35-48ac-975b-e847b4f122b0"])
def test_something_that_is_not_a_notify_api_key_is_refused_in_plain_words(key):
    with pytest.raises(RuntimeError, match="NOTIFY_API_KEY is not a Notify API key"):
        parse_api_key(key)


NOTIFY = {"NOTIFY_API_KEY": "carers-line-live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0",
          "NOTIFY_SMS_TEMPLATE_ID": "9d751e0e-f929-4891-82a1-a3e1c3c18ee3",
          "NOTIFY_EMAIL_TEMPLATE_ID": "0f1d8f5b-6b7c-4a4e-8d3c-1c2a9e1f7a55",
          "NOTIFY_CALLBACK_TOKEN": "a-long-random-callback-token"}


def test_notify_settings_default_to_a_sixty_second_window_and_notifys_own_address():
    settings = Config(environ=NOTIFY)
    settings.check()
    assert settings.SMS_FAILOVER_SECONDS == 60
    assert settings.NOTIFY_BASE_URL == "https://api.notifications.service.gov.uk"


@pytest.mark.parametrize(("change", "message"), [
    ({"NOTIFY_SMS_TEMPLATE_ID": ""}, "NOTIFY_SMS_TEMPLATE_ID is missing"),
    ({"NOTIFY_EMAIL_TEMPLATE_ID": ""}, "NOTIFY_EMAIL_TEMPLATE_ID is missing"),
    ({"NOTIFY_CALLBACK_TOKEN": ""}, "NOTIFY_CALLBACK_TOKEN is missing"),
    ({"NOTIFY_CALLBACK_TOKEN": "short"}, "NOTIFY_CALLBACK_TOKEN is too short"),
    ({"SMS_FAILOVER_SECONDS": "0"}, "SMS_FAILOVER_SECONDS must be at least 1"),
    ({"NOTIFY_API_KEY": "abc"}, "NOTIFY_API_KEY is not a Notify API key"),
])
def test_notify_settings_that_cannot_work_stop_start_up(change, message):
    with pytest.raises(RuntimeError, match=message):
        Config(environ={**NOTIFY, **change}).check()


@pytest.mark.parametrize(("status", "outcome"), [("delivered", "delivered"), ("permanent-failure", "failed"),
                                                 ("temporary-failure", "failed"), ("technical-failure", "failed"),
                                                 ("sending", "under way"), ("created", "under way")])
def test_notify_statuses_in_the_outboxs_terms(status, outcome):
    assert delivery_report(status).outcome == outcome


# The policy while calls cannot be made (Twilio failing) but texts can (Notify carrying them).

ZONE = ZoneInfo("Europe/London")
SETTINGS = Settings(wait_seconds=600, rounds=3, channels="both")


def contact(name, mobile=None, landline=None):
    return {"name": name, "mobile": mobile, "landline": landline, "consent": {"status": "given"}, "availability": []}


def test_a_contact_who_can_only_be_called_is_asked_but_not_waited_for_while_calls_cannot_be_made():
    decision = decide(Position(Stage.CONTACTS), [contact("Lena", landline="+441134960777")], {}, T, ZONE, SETTINGS,
                      calls_down=True)
    assert [(p.name, p.channels) for p in decision.pages] == [("Lena", "call")]
    assert decision.next_action_at == T  # the next step at once
    assert decision.notes == ("calls cannot be made just now: not waiting for Lena's call",)


def test_with_calls_working_the_same_contact_is_waited_for():
    decision = decide(Position(Stage.CONTACTS), [contact("Lena", landline="+441134960777")], {}, T, ZONE, SETTINGS)
    assert decision.next_action_at == T + timedelta(minutes=10)


def test_a_contact_asked_by_text_and_call_is_waited_for_by_the_texts_own_wait():
    decision = decide(Position(Stage.CONTACTS), [contact("Tom", mobile="+442079460789")], {}, T, ZONE, SETTINGS,
                      calls_down=True)
    assert [p.channels for p in decision.pages] == ["both"] and decision.next_action_at == T + timedelta(minutes=10)


def test_a_call_only_plan_texts_a_mobile_too_while_calls_cannot_be_made():
    decision = decide(Position(Stage.CONTACTS), [contact("Tom", mobile="+442079460789")], {}, T, ZONE,
                      Settings(600, 3, "call"), calls_down=True)
    assert [p.channels for p in decision.pages] == ["both"] and decision.next_action_at == T + timedelta(minutes=10)
    assert decision.notes == ("calls cannot be made just now: Tom is texted as well as called",)


def test_officers_who_prefer_calls_are_texted_too_and_the_tier_is_waited_for():
    on_duty = {1: [OfficerOnDuty(1, "Mo Khan", "+442079460105", "call")]}
    decision = decide(Position(Stage.ROTA), [], on_duty, T, ZONE, SETTINGS, calls_down=True)
    assert [p.channels for p in decision.pages] == ["both"] and decision.next_action_at == T + timedelta(minutes=10)


def test_a_tier_whose_officers_have_opted_out_of_texts_is_not_waited_for_while_calls_cannot_be_made():
    on_duty = {1: [OfficerOnDuty(1, "Mo Khan", "+442079460105", "both")]}
    decision = decide(Position(Stage.ROTA), [], on_duty, T, ZONE, SETTINGS, sms_blocked={"+442079460105"},
                      calls_down=True)
    assert [p.channels for p in decision.pages] == ["call"] and decision.next_action_at == T
