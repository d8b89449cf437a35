"""A message to the person a page asks, queued in the outbox under a key that makes it once."""
from emergency.incidents.models import Page
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message


def queue_for_page(page: Page, channel: Channel, body: str, purpose: Purpose, now, attempt: int = 1):
    return queue_message(key=f"page:{page.id}:{channel}:{purpose}:{attempt}", channel=channel, to_number=page.phone,
                         body=body, purpose=purpose, now=now, page_id=page.id)
