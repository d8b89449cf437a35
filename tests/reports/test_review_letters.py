"""A carer with no mobile to text is posted the review letter two weeks before their plan's
review, once per due date; a letter that cannot be made is audited, not retried."""
from sqlalchemy import select

from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.outbox.models import OutboxLetter
from emergency.reviews import service as reviews
from tests.letter_pages import address_block, all_text, out_of_bounds, read_letter
from tests.reports.test_plan_reviews import review_plans, tick_days  # noqa: F401  fixture


def letters():
    return db.session.scalars(select(OutboxLetter).order_by(OutboxLetter.message_id)).all()


def test_a_carer_with_no_mobile_is_posted_the_review_letter_once(app, review_plans):  # noqa: F811
    app.config["LINE_PHONE_NUMBER"] = "+441134960500"
    tick_days([20, 27], reviews.post_review_letters)
    assert letters() == []  # 22 and 15 days before
    tick_days([28, 28, 29, 30], reviews.post_review_letters)
    [letter] = letters()
    assert (letter.plan_id, letter.kind, letter.postage) == (review_plans["no_mobile"].id, "review", "second")
    _, placed = read_letter(letter.pdf)
    assert out_of_bounds(placed) == [] and address_block(placed) == ["Carer 3", "1 Street", "Leeds", "LS6 1HR"]
    assert "due for review on 12 May 2026" in all_text(placed) and "0113 496 0000" in all_text(placed)
    # Not the carers who get the text, the opted-out plan, the draft, the one due in June, the overdue one.


def test_a_review_letter_that_cannot_be_made_is_audited_and_not_retried(app, review_plans):  # noqa: F811
    app.config["LINE_PHONE_NUMBER"] = None  # no number to print
    tick_days([28, 29], reviews.post_review_letters)
    assert letters() == []
    refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.letter_not_posted")).all()
    assert [(event.plan_id, event.detail.split(":")[0]) for event in refused] == [(review_plans["no_mobile"].id, "review")]
