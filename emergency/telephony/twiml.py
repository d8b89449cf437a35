"""TwiML the line answers with, built with the Twilio SDK. Pure: URLs and words passed in."""
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

VOICE = {"voice": "Polly.Amy", "language": "en-GB"}


def text_reply(body: str | None) -> str:
    response = MessagingResponse()
    if body:
        response.message(body)
    return str(response)


def ask_for_card(action: str, retry: bool) -> str:
    response = VoiceResponse()
    gather = Gather(input="dtmf", finish_on_key="#", timeout=10, action=action, method="POST",
                    action_on_empty_result=True)
    opening = ("Sorry, that card number was not recognised. " if retry
               else "Carers Emergency Line. If anyone is in danger, hang up and call 999. ")
    gather.say(opening + "Please type the number on the carer's emergency card, then press the hash key.", **VOICE)
    response.append(gather)
    # Gather with action_on_empty_result always posts back, so nothing after it runs.
    return str(response)


def say_and_hang_up(words: str) -> str:
    response = VoiceResponse()
    response.say(words, **VOICE)
    response.hangup()
    return str(response)


def connect_to_people(words: str, numbers: list[str]) -> str:
    """Say why, then ring each number in turn until one answers; never a dead end while
    there is anyone to ring."""
    response = VoiceResponse()
    response.say(words, **VOICE)
    for number in numbers:
        dial = Dial(timeout=20, answer_on_bridge=True)
        dial.number(number)
        response.append(dial)
    response.say("We could not reach anyone. If anyone is in danger, call 999 now. Otherwise please call "
                 "this number again.", **VOICE)
    return str(response)


def ask_by_phone(words: str, action: str) -> str:
    response = VoiceResponse()
    gather = Gather(input="dtmf", num_digits=1, timeout=8, action=action, method="POST", action_on_empty_result=True)
    gather.say(words, **VOICE)
    response.append(gather)
    return str(response)


def repeat_ask(ask_url: str) -> str:
    response = VoiceResponse()
    response.redirect(ask_url, method="POST")
    return str(response)
