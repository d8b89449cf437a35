"""TwiML the line answers with, built with the Twilio SDK. Pure: URLs and words passed in
(the language-specific words from the catalogs, said in that language's voice)."""
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from emergency.telephony.spoken_digits import read_back
from emergency.wording import phrase
from emergency.wording.languages import LANGUAGES
from emergency.wording.languages import language as configured
from emergency.wording.languages import spoken as spoken_language

VOICE = {"voice": "Polly.Amy", "language": "en-GB"}


def voice(code: str | None) -> dict:
    chosen = configured(spoken_language(code)).voice
    return {"voice": chosen.name, "language": chosen.language}


def language_menu(action: str, codes: list[str]) -> str:
    """The 999 warning first and short, then each language offered in its own words."""
    response = VoiceResponse()
    gather = Gather(input="dtmf", num_digits=1, timeout=6, action=action, method="POST", action_on_empty_result=True)
    gather.say(phrase("voice.danger_first"), **VOICE)
    for digit, code in enumerate(codes, start=1):
        if LANGUAGES[code].voice.name:
            gather.say(phrase("voice.language_choice", code, digit=digit), **voice(code))
        else:
            gather.say(phrase("voice.language_choice.no_voice", language_name=LANGUAGES[code].english_name,
                              digit=digit),
                       **VOICE)
    response.append(gather)
    return str(response)


def text_reply(body: str | None) -> str:
    response = MessagingResponse()
    if body:
        response.message(body)
    return str(response)


def ask_for_card(action: str, retry: bool, language: str = "en", welcomed: bool = False,
                 apology: str | None = None, recordings: dict[str, str] | None = None) -> str:
    """`welcomed`: the caller has heard the 999 warning already (in the language menu).
    `apology`: said first when the caller's language has no voice and no recordings.
    `recordings`: {phrase key: the address of its recording}, played instead of being said."""
    needed = ["voice.card_not_recognised"] if retry else ([] if welcomed else ["voice.welcome"])
    needed.append("voice.type_card")
    if recordings and all(key in recordings for key in needed):
        return _played_card_prompt(action, [recordings[key] for key in needed], language)
    spoken = spoken_language(language)
    response = VoiceResponse()
    # Said or keyed, whichever comes first. A named speech model needs a whole-number
    # speechTimeout. Relay UK: a relay assistant reads the prompt to the caller and passes on their
    # answer, so the waits are generous.
    gather = Gather(input="dtmf speech", finish_on_key="#", timeout=15, action=action, method="POST",
                    action_on_empty_result=True, speech_model="numbers_and_commands",
                    hints="$OOV_CLASS_DIGIT_SEQUENCE", speech_timeout="3", language=voice(spoken)["language"])
    if apology:
        gather.say(apology, **VOICE)
    if retry:
        opening = phrase("voice.card_not_recognised", spoken)
    else:
        opening = "" if welcomed else phrase("voice.welcome", spoken)
    gather.say(opening + phrase("voice.type_card", spoken), **voice(spoken))
    response.append(gather)
    # Gather with action_on_empty_result always posts back, so nothing after it runs.
    return str(response)


def _played_card_prompt(action: str, recordings: list[str], language: str) -> str:
    response = VoiceResponse()
    gather = Gather(input="dtmf", finish_on_key="#", timeout=15, action=action, method="POST",
                    action_on_empty_result=True)  # keypad only: Twilio cannot hear this language
    for address in recordings:
        gather.play(address)
    response.append(gather)
    return str(response)


def confirm_card(digits: str, action: str, language: str = "en") -> str:
    """What the line heard, digit by digit, and a key to confirm it."""
    spoken = spoken_language(language)
    response = VoiceResponse()
    gather = Gather(input="dtmf", num_digits=1, timeout=10, action=action, method="POST", action_on_empty_result=True)
    gather.say(phrase("voice.heard", spoken, digits=read_back(digits)), **voice(spoken))
    response.append(gather)
    return str(response)


def say_and_hang_up(words: str, language: str = "en") -> str:
    response = VoiceResponse()
    response.say(words, **voice(language))
    response.hangup()
    return str(response)


def put_through(words: str | None, number: str, screen_url: str, next_url: str, language: str = "en") -> str:
    """Ring one person. They hear the screening first (`<Number url>`); without a key press
    the leg is not taken, so a voicemail never takes the call. When the leg is over, Twilio
    asks `next_url` (the Dial's action) what to do."""
    response = VoiceResponse()
    if words:
        response.say(words, **voice(language))
    dial = Dial(timeout=20, action=next_url, method="POST")
    dial.number(number, url=screen_url, method="POST")
    response.append(dial)
    return str(response)


def screen(action: str) -> str:
    """Played to the person rung, before the caller is connected."""
    response = VoiceResponse()
    gather = Gather(input="dtmf", num_digits=1, timeout=6, action=action, method="POST", action_on_empty_result=True)
    gather.say(phrase("voice.screen"), loop=2, **VOICE)
    response.append(gather)
    return str(response)


def screened_in() -> str:
    """The person pressed 1: when this TwiML ends, Twilio connects them to the caller."""
    response = VoiceResponse()
    response.say(phrase("voice.connecting"), **VOICE)
    return str(response)


def hang_up() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def nobody_reached(language: str = "en") -> str:
    return say_and_hang_up(phrase("voice.nobody_reached", spoken_language(language)), language)


def ask_by_phone(words: str, action: str, language: str = "en") -> str:
    response = VoiceResponse()
    gather = Gather(input="dtmf", num_digits=1, timeout=8, action=action, method="POST", action_on_empty_result=True)
    gather.say(words, **voice(language))
    response.append(gather)
    return str(response)


def repeat_ask(ask_url: str) -> str:
    response = VoiceResponse()
    response.redirect(ask_url, method="POST")
    return str(response)
