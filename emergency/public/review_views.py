"""The carer's yearly review from the link in their reminder: the link opened (once), the plan's
mobile confirmed by a texted code, the plan shown as they gave it (never the key-safe code), then
"nothing has changed" or their changes sent to the coordinators. Every view is audited."""
from flask import current_app, redirect, render_template, request, session, url_for

from emergency.applications.codes import CodeRefused
from emergency.clock import utc_now
from emergency.errors import RuleBroken
from emergency.extensions import db
from emergency.plans import service as plans
from emergency.public import review_answers
from emergency.public.views import blp, client_address, settings, too_many
from emergency.reviews import carer_links
from emergency.wording import phrase
from emergency.wording.pages import page_language

SESSION_KEY = "carer_review"
DONE_KEY = "carer_review_done"


def _problem(reason: str):
    return render_template("public/review_problem.html", reason=reason,
                           call=current_app.config["PLAN_REVIEW_PHONE"]), 404 if reason == "unknown" else 410


def _current(page: str, *, confirmed: bool = True):
    """(the link this browser opened, None) or (None, the problem page); the view is audited."""
    now = utc_now()
    link, state = carer_links.find(session.get(SESSION_KEY), now)
    carer_links.record_view(link, page, now=now)
    db.session.commit()
    if state != "open":
        return None, _problem(state)
    if confirmed and link.confirmed_at is None:
        return None, redirect(url_for("public.review_code"))
    return link, None


@blp.get("/review/<token>")
def review_open(token):
    now = utc_now()
    link, state = carer_links.find(token, now)
    carer_links.record_view(link, "link", now=now)
    if state == "open" and link.opened_at is not None:
        if session.get(SESSION_KEY) == token:  # this browser opened it: carry on where it was
            db.session.commit()
            return redirect(url_for("public.review_code"))
        state = "used"  # opened once already, elsewhere: the link works once
    if state != "open":
        db.session.commit()
        return _problem(state)
    try:
        carer_links.open_link(link, now=now, address=client_address(), settings=settings(), language=page_language())
    except CodeRefused:
        db.session.rollback()
        return too_many()
    db.session.commit()
    session[SESSION_KEY] = token
    return redirect(url_for("public.review_code"))


@blp.route("/review/code", methods=["GET", "POST"])
def review_code():
    link, problem = _current("code", confirmed=False)
    if problem:
        return problem
    if link.confirmed_at is not None:
        return redirect(url_for("public.review_plan"))
    context = {"minutes": int(settings().code_lifetime.total_seconds() // 60)}
    if request.method == "GET":
        return render_template("public/review_code.html", wrong=[], outcome=None, **context)
    now = utc_now()
    if request.form.get("action") == "resend":
        try:
            carer_links.send_code(link, now=now, address=client_address(), settings=settings(),
                                  language=page_language())
        except CodeRefused:
            db.session.rollback()
            return too_many()
        db.session.commit()
        return render_template("public/review_code.html", wrong=[], outcome="resent", **context)
    typed = request.form.get("code", "")
    typed = typed.replace(" ", "")[:12] if isinstance(typed, str) else ""
    outcome = carer_links.check_code(link, typed, now=now, settings=settings()) \
        if typed.isdigit() and len(typed) == 6 else "malformed"
    db.session.commit()  # the try counts
    if outcome == "confirmed":
        return redirect(url_for("public.review_plan"))
    return render_template("public/review_code.html", wrong=["code"], outcome=outcome, **context), 422


@blp.get("/review/plan")
def review_plan():
    link, problem = _current("plan")
    if problem:
        return problem
    return render_template("public/review_plan.html", plan=carer_links.shown_plan(link),
                           card=plans.get_plan(link.plan_id).card_number)


@blp.post("/review/unchanged")
def review_unchanged():
    link, problem = _current("unchanged")
    if problem:
        return problem
    plan = carer_links.nothing_changed(link, now=utc_now())
    db.session.commit()
    session.pop(SESSION_KEY, None)
    session[DONE_KEY] = {"outcome": "unchanged", "due": f"{plan.review_due_on:%d %B %Y}"}
    return redirect(url_for("public.review_done"))


@blp.route("/review/changes", methods=["GET", "POST"])
def review_changes():
    link, problem = _current("changes")
    if problem:
        return problem
    shown = carer_links.shown_plan(link)
    if request.method == "GET":
        return _changes_page(shown, review_answers.values_from_plan(shown), [])
    values = review_answers.typed(request.form, shown)
    changed, wrong = review_answers.read_changes(values, shown)
    if wrong:
        return _changes_page(shown, values, wrong, 422)
    try:
        application = carer_links.send_changes(link, changed, now=utc_now(), address=client_address())
    except RuleBroken:
        db.session.rollback()
        return _changes_page(shown, values, ["form"], 422)
    db.session.commit()
    session.pop(SESSION_KEY, None)
    session[DONE_KEY] = {"outcome": "changed", "reference": application.reference}
    return redirect(url_for("public.review_done"))


def _changes_page(plan: dict, values: dict, wrong: list[str], status: int = 200):
    return render_template("public/review_changes.html", plan=plan, values=values, wrong=wrong,
                           messages=error_messages(plan)), status


def error_messages(plan: dict) -> dict:
    """The words beside each box that can be wrong, in the page's order (from the catalog)."""
    language = page_language()
    words = {"form": phrase("review.changes.nothing_changed", language),
             "carer.name": phrase("front_door.about.name.error", language),
             "carer.mobile": phrase("front_door.about.mobile.error", language),
             "carer.landline": phrase("front_door.about.landline.error", language),
             "carer.address.line1": phrase("front_door.address.line1.error", language),
             "carer.address.town": phrase("front_door.address.town.error", language),
             "carer.address.postcode": phrase("front_door.address.postcode.error", language),
             "carer.preferred_language": phrase("front_door.about.language.error", language)}
    for index in range(len(plan.get("cared_for") or [])):
        words[f"person-{index}.gp.phone"] = phrase("front_door.cared_for.gp_phone.error", language)
    for index in range(len(plan.get("contacts") or [])):
        words.update({f"contact-{index}.name": phrase("front_door.contact.name.error", language),
                      f"contact-{index}.relationship": phrase("front_door.contact.relationship.error", language),
                      f"contact-{index}.mobile": phrase("front_door.contact.mobile.error", language),
                      f"contact-{index}.landline": phrase("front_door.contact.landline.error", language)})
    words["*"] = phrase("front_door.error.check", language)
    return words


@blp.get("/review/done")
def review_done():
    done = session.get(DONE_KEY)
    if not isinstance(done, dict) or done.get("outcome") not in ("unchanged", "changed"):
        return _problem("unknown")
    return render_template("public/review_done.html", done=done, call=current_app.config["PLAN_REVIEW_PHONE"])
