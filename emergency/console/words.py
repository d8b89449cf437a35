"""The console's words for the outbox's codes: what each text or call was for, and where it got to."""
PURPOSES = {
    "ask": "Asking them to go",
    "fallback": "Calling the fallback number: nobody accepted",
    "covered": "Telling them someone else is going",
    "too_late": "Telling them someone else accepted first",
    "details": "The plan's details, for whoever is going",
    "caller_confirmation": "Telling the caller help is arranged",
    "caller_update": "Telling the caller the line is still looking",
    "hand_over": "Putting the caller through to a person",
    "kept_text_reply": "Answering a text the line kept while its database was down",
    "consent": "Asking a contact to agree to be named in a plan",
    "survey": "Asking the carer how it went",
    "review_reminder": "Reminding the carer their plan is due for review",
    "review_list": "Plans due for review, for coordinators",
    "coordinator_alert": "Alerting coordinators about an incident",
    "rota_gap_alert": "Alerting coordinators to a gap in the rota",
    "provider_outage_alert": "Alerting coordinators that texts and calls are not going out",
    "letter": "A letter about a plan, by post",
    "cover_ask": "Asking a care provider to cover",
    "cover_update": "Telling people how cover stands",
    "social_care_referral": "Referring to adult social care",
}
STATUSES = {
    "pending": ("Waiting to go", "govuk-tag--grey"),
    "sending": ("Being sent", "govuk-tag--blue"),
    "sent": ("Sent", "govuk-tag--blue"),
    "delivered": ("Delivered", "govuk-tag--green"),
    "failed": ("Could not be sent", "govuk-tag--red"),
    "unknown": ("Not known: never sent again", "govuk-tag--orange"),
    "cancelled": ("Not sent: no longer needed", "govuk-tag--grey"),
}
CHANNELS = {"sms": "Text", "call": "Call", "email": "Email", "letter": "Letter"}


def purpose_words(purpose: str) -> str:
    return PURPOSES.get(purpose, purpose.replace("_", " ").capitalize())


def status_words(status: str) -> tuple[str, str]:
    return STATUSES.get(status, (status.replace("_", " ").capitalize(), "govuk-tag--grey"))
