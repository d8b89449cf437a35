"""Messages to the person a page asks, queued in the outbox under keys that make each once."""
from emergency.incidents.models import Page
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import message_row, queue_message, queue_messages


def _key(page: Page, channel: Channel, purpose: Purpose, attempt: int) -> str:
    return f"page:{page.id}:{channel}:{purpose}:{attempt}"


def queue_for_page(page: Page, channel: Channel, body: str, purpose: Purpose, now, attempt: int = 1):
    return queue_message(key=_key(page, channel, purpose, attempt), channel=channel, to_number=page.phone,
                         body=body, purpose=purpose, now=now, page_id=page.id)


def queue_all_for_page(page: Page, messages: list[tuple[Channel, str]], purpose: Purpose, now) -> None:
    """The page's first messages ((channel, body): an ask's text and call), in one INSERT."""
    queue_messages([message_row(key=_key(page, channel, purpose, 1), channel=channel, to_number=page.phone,
                                body=body, purpose=purpose, now=now, page_id=page.id)
                    for channel, body in messages])
