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


SCREEN_WORDS = "Carers Emergency Line, an emergency call: press 1 to take it."
NOBODY_REACHED = ("We could not reach anyone. If anyone is in danger, call 999 now. Otherwise please call this "
                  "number again.")
PERSON_WILL_CALL_BACK = ("We are sorry: there is nobody to put you through to just now. A coordinator has been told "
                         "and will call you back. If anyone is in danger, call 999 now.")


def put_through(words: str | None, number: str, screen_url: str, next_url: str) -> str:
    """Ring one person. They hear the screening first (`<Number url>`); without a key press
    the leg is not taken, so a voicemail never takes the call. When the leg is over, Twilio
    asks `next_url` (the Dial's action) what to do."""
    response = VoiceResponse()
    if words:
        response.say(words, **VOICE)
    dial = Dial(timeout=20, action=next_url, method="POST")
    dial.number(number, url=screen_url, method="POST")
    response.append(dial)
    return str(response)


def screen(action: str) -> str:
    """Played to the person rung, before the caller is connected."""
    response = VoiceResponse()
    gather = Gather(input="dtmf", num_digits=1, timeout=6, action=action, method="POST", action_on_empty_result=True)
    gather.say(SCREEN_WORDS, loop=2, **VOICE)
    response.append(gather)
    return str(response)


def screened_in() -> str:
    """The person pressed 1: when this TwiML ends, Twilio connects them to the caller."""
    response = VoiceResponse()
    response.say("Connecting you now.", **VOICE)
    return str(response)


def hang_up() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def nobody_reached() -> str:
    return say_and_hang_up(NOBODY_REACHED)


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
