"""The console's letters: a plan's letters to download or post (each posting confirmed first,
and audited), how each posted letter has fared, and the print queue for letters the council
posts itself: all waiting letters as one PDF, then marked posted. Thin: the letter services
make, queue and mark them."""
from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for

from emergency.audit import service as audit
from emergency.clock import utc_now
from emergency.console.login import editors_only
from emergency.console.plan_views import _plan
from emergency.console.views import blp
from emergency.errors import DomainError
from emergency.extensions import db
from emergency.outbox import letters as outbox_letters
from emergency.plans import letter_service
from emergency.plans.letters import POSTED_KINDS, LetterKind
from emergency.plans.vocabulary import PlanStatus

# What Notify (or the print queue) says of a letter, in the console's words.
LETTER_STATUSES = {"pending-virus-check": "Being checked by Notify", "accepted": "Being printed",
                   "received": "Posted by Notify's printer", "posted": "Posted from the print queue",
                   "validation-failed": "Refused by Notify: the letter is not laid out as Notify needs",
                   "virus-scan-failed": "Refused by Notify", "technical-failure": "Failed at Notify",
                   "permanent-failure": "Notify's printer could not print it", "cancelled": "Cancelled"}
OUTBOX_STATUSES = {"pending": "Waiting to go", "sending": "Being handed over", "unknown": "Not known: sending was cut off",
                   "failed": "Failed", "cancelled": "Cancelled", "delivered": "Posted"}


def letter_status(message) -> str:
    if message.provider_status in LETTER_STATUSES:
        return LETTER_STATUSES[message.provider_status]
    if message.status == "sent":
        return "Waiting in the print queue" if message.provider == "local" else "Handed to GOV.UK Notify"
    return OUTBOX_STATUSES.get(message.status, message.status.capitalize())


def _settings() -> letter_service.LetterSettings:
    return letter_service.LetterSettings.from_config(current_app.config)


def _pdf(body: bytes, name: str) -> Response:
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.get("/plans/<int:plan_id>/letters")
@editors_only
def plan_letters(plan_id):
    plan = _plan(plan_id)
    return render_template("console/plan_letters.html", plan=plan, titles=letter_service.TITLES,
                           posted_kinds=POSTED_KINDS, gp_people=letter_service.gp_letters(plan),
                           letters=outbox_letters.letters_about(plan.id), letter_status=letter_status,
                           by_notify=current_app.config["LETTERS_VIA"] == "notify")


@blp.get("/plans/<int:plan_id>/letters/<kind>.pdf")
@editors_only
def plan_letter(plan_id, kind):
    plan = _plan(plan_id)
    person = request.args.get("person", "0")
    if kind not in set(LetterKind) or not person.isdigit() or len(person) > 3:
        abort(404, description="There is no such letter.")
    try:
        body = letter_service.make_letter(plan, kind, _settings(), utc_now(), person=int(person))
    except DomainError as error:
        abort(error.status_code, description=error.message)
    audit.record("plan.letter_printed", user=g.user, now=utc_now(), plan_id=plan.id, detail=kind)
    db.session.commit()
    return _pdf(body, f"{kind}-letter-{plan.card_number}.pdf")


@blp.route("/plans/<int:plan_id>/letters/<kind>/post", methods=["GET", "POST"])
@editors_only
def plan_letter_post(plan_id, kind):
    plan = _plan(plan_id)
    if kind not in POSTED_KINDS:
        abort(404, description="Only the letters to the carer can be posted.")
    if plan.status == PlanStatus.ARCHIVED:
        abort(409, description="The plan is archived: nothing is posted about it.")
    if request.method == "GET":
        return render_template("console/plan_letter_post.html", plan=plan, kind=kind, title=letter_service.TITLES[kind],
                               by_notify=current_app.config["LETTERS_VIA"] == "notify",
                               postage=current_app.config["LETTER_POSTAGE"])
    try:
        message_id, new = letter_service.post_letter(plan, kind, _settings(), by=g.user, now=utc_now())
    except DomainError as error:
        db.session.rollback()
        abort(error.status_code, description=error.message)
    db.session.commit()
    flash(f"{letter_service.TITLES[kind]} queued for posting." if new
          else f"{letter_service.TITLES[kind]} was already queued for posting today; it is not posted twice.")
    return redirect(url_for("console.plan_letters", plan_id=plan.id))


@blp.get("/letters/print-queue")
@editors_only
def print_queue():
    waiting = outbox_letters.waiting_to_print()
    return render_template("console/print_queue.html", waiting=waiting, chosen={q.message.id for q in waiting},
                           problem=None)


@blp.get("/letters/print-queue.pdf")
@editors_only
def print_queue_pdf():
    waiting = outbox_letters.waiting_to_print()
    if not waiting:
        abort(404, description="No letters are waiting to be printed.")
    audit.record("letters.printed", user=g.user, now=utc_now(),
                 detail="outbox " + ", ".join(str(q.message.id) for q in waiting))
    db.session.commit()
    return _pdf(outbox_letters.one_pdf(waiting), "letters-to-post.pdf")


@blp.post("/letters/print-queue/posted")
@editors_only
def print_queue_posted():
    ids = [int(value) for value in request.form.getlist("letter") if value.isascii() and value.isdigit()
           and len(value) < 12]
    if not ids:
        return render_template("console/print_queue.html", waiting=outbox_letters.waiting_to_print(), chosen=set(),
                               problem="Select the letters that went in the post"), 400
    now = utc_now()
    marked = outbox_letters.mark_posted(ids, by_user_id=g.user.id, now=now)
    if marked:
        audit.record("letters.posted", user=g.user, now=now, detail="outbox " + ", ".join(map(str, marked)))
    db.session.commit()
    flash(f"{len(marked)} letter{'' if len(marked) == 1 else 's'} marked as posted." if marked
          else "Those letters were already marked as posted.")
    return redirect(url_for("console.print_queue"))
