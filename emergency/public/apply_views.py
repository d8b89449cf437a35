"""A carer applies for a plan: the start page, one question page after another (cared-for people
and contacts added one at a time), check your answers, the declaration, the code that confirms
the mobile, and the confirmation with a reference."""
from flask import current_app, redirect, render_template, request, session, url_for

from emergency.applications import codes, drafts
from emergency.applications import service as applications
from emergency.applications.codes import CodeRefused
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.public import answers as read
from emergency.public.views import (
    back_to_start,
    begin_draft,
    blp,
    client_address,
    current_draft,
    forget_draft,
    settings,
    too_many,
)
from emergency.wording.pages import page_language

KIND = "application"
ROWS = {"cared_for": (drafts.MOST_CARED_FOR, read.CARED_FOR, read.read_cared_for, read.cared_for_values),
        "contacts": (drafts.MOST_CONTACTS, read.CONTACT, read.read_contact, read.contact_values)}
LIST_PAGES = {"cared_for": "public.cared_for_list", "contacts": "public.contacts_list"}
ROW_TEMPLATES = {"cared_for": "public/cared_for.html", "contacts": "public/contact.html"}


def _from_check() -> bool:
    return request.args.get("from") == "check"


def _next(endpoint: str, **values):
    return redirect(url_for("public.check" if _from_check() else endpoint, **values))


@blp.get("/apply")
def start():
    return render_template("public/start.html")


@blp.post("/apply")
def begin():
    return begin_draft(KIND, "public.about_you")


@blp.route("/apply/about-you", methods=["GET", "POST"])
def about_you():
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    if request.method == "GET":
        return render_template("public/about_you.html", values=read.about_you_values(draft.answers), wrong=[])
    values = read.typed(request.form, read.ABOUT_YOU)
    answer, wrong = read.read_about_you(values)
    if wrong:
        return render_template("public/about_you.html", values=values, wrong=wrong), 422
    now = utc_now()
    drafts.answer(draft, "carer", answer["carer"], now)
    drafts.answer(draft, "about", answer["about"], now)
    db.session.commit()
    if draft.answers.get("cared_for"):
        return _next("public.cared_for_list")
    return _next("public.row", key="cared_for", number=1)


@blp.route("/apply/<any(cared_for, contacts):key>/<int:number>", methods=["GET", "POST"])
def row(key, number):
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    most, names, reader, shown = ROWS[key]
    rows = draft.answers.get(key, [])
    if not 1 <= number <= min(len(rows) + 1, most):
        return redirect(url_for(LIST_PAGES[key]))
    context = {"number": number, "key": key, "from_check": _from_check()}
    if request.method == "GET":
        existing = rows[number - 1] if number <= len(rows) else {}
        return render_template(ROW_TEMPLATES[key], values=shown(existing), wrong=[], **context)
    values = read.typed(request.form, names)
    answer, wrong = reader(values)
    if wrong:
        return render_template(ROW_TEMPLATES[key], values=values, wrong=wrong, **context), 422
    drafts.set_row(draft, key, number - 1, answer, utc_now())
    db.session.commit()
    return redirect(url_for(LIST_PAGES[key], **({"from": "check"} if _from_check() else {})))


@blp.post("/apply/<any(cared_for, contacts):key>/<int:number>/remove")
def remove_row(key, number):
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    drafts.remove_row(draft, key, number - 1, utc_now())
    db.session.commit()
    return redirect(url_for(LIST_PAGES[key]))


def _row_list(key: str, template: str, after: str):
    """The people added so far, and whether to add another (the add-another pattern)."""
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    rows = draft.answers.get(key, [])
    most = ROWS[key][0]
    if not rows:
        return redirect(url_for("public.row", key=key, number=1))
    context = {"rows": rows, "most": most, "fewest": drafts.FEWEST_CONTACTS if key == "contacts" else 1}
    if request.method == "GET":
        return render_template(template, wrong=[], **context)
    another = request.form.get("another", "")
    if len(rows) < context["fewest"]:
        return redirect(url_for("public.row", key=key, number=len(rows) + 1))
    if len(rows) < most and another not in ("yes", "no"):
        return render_template(template, wrong=["another"], **context), 422
    if len(rows) < most and another == "yes":
        return redirect(url_for("public.row", key=key, number=len(rows) + 1))
    if after == "public.getting_in" and "home_access" in draft.answers:
        return redirect(url_for("public.check"))
    return redirect(url_for(after))


@blp.route("/apply/cared-for", methods=["GET", "POST"])
def cared_for_list():
    return _row_list("cared_for", "public/cared_for_list.html", "public.getting_in")


@blp.route("/apply/contacts", methods=["GET", "POST"])
def contacts_list():
    return _row_list("contacts", "public/contacts_list.html", "public.check")


@blp.route("/apply/getting-in", methods=["GET", "POST"])
def getting_in():
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    if request.method == "GET":
        return render_template("public/getting_in.html", values=draft.answers.get("home_access") or {}, wrong=[])
    values = read.typed(request.form, read.GETTING_IN)
    answer, wrong = read.read_getting_in(values)
    if wrong:
        return render_template("public/getting_in.html", values=values, wrong=wrong), 422
    drafts.answer(draft, "home_access", answer, utc_now())
    db.session.commit()
    if draft.answers.get("contacts"):
        return _next("public.contacts_list")
    return _next("public.row", key="contacts", number=1)


@blp.get("/apply/check")
def check():
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    return render_template("public/check.html", answers=draft.answers, missing=applications.missing_answers(draft))


@blp.route("/apply/declaration", methods=["GET", "POST"])
def declaration():
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    if applications.missing_answers(draft):
        return redirect(url_for("public.check"))
    context = {"retention": _retention()}
    if request.method == "GET":
        return render_template("public/declaration.html", wrong=[], **context)
    if request.form.get("declared") != "yes":
        return render_template("public/declaration.html", wrong=["declared"], **context), 422
    now = utc_now()
    drafts.answer(draft, "declared", True, now)
    mobile = draft.answers["carer"].get("mobile")
    if mobile and not drafts.mobile_confirmed(draft):
        try:
            codes.send_code(mobile, address=client_address(), now=now, settings=settings(),
                            language=page_language(), draft_id=draft.id)
        except CodeRefused:
            db.session.rollback()
            return too_many()
        db.session.commit()
        return redirect(url_for("public.confirm_mobile"))
    return _send(draft, now)


def _retention() -> dict:
    config = current_app.config
    return {"incident_years": config["RETENTION_INCIDENT_YEARS"],
            "application_months": config["APPLICATION_RETENTION_MONTHS"]}


def _send(draft, now):
    application = applications.send(draft, now=now)
    db.session.commit()
    forget_draft(KIND)
    session["front_door_sent"] = {"reference": application.reference, "mobile": application.mobile_confirmed}
    return redirect(url_for("public.sent"))


@blp.route("/apply/confirm-mobile", methods=["GET", "POST"])
def confirm_mobile():
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    mobile = (draft.answers.get("carer") or {}).get("mobile")
    if not mobile or not draft.answers.get("declared"):
        return redirect(url_for("public.check"))
    context = {"mobile": mobile, "minutes": int(settings().code_lifetime.total_seconds() // 60)}
    if request.method == "GET":
        return render_template("public/confirm_mobile.html", wrong=[], outcome=None, **context)
    now = utc_now()
    if request.form.get("action") == "resend":
        try:
            codes.send_code(mobile, address=client_address(), now=now, settings=settings(),
                            language=page_language(), draft_id=draft.id)
        except CodeRefused:
            db.session.rollback()
            return too_many()
        db.session.commit()
        return render_template("public/confirm_mobile.html", wrong=[], outcome="resent", **context)
    typed = request.form.get("code", "")
    typed = typed.replace(" ", "")[:12] if isinstance(typed, str) else ""
    outcome = codes.check_code(codes.latest_code(draft.id), typed, now=now, settings=settings()) \
        if typed.isdigit() and len(typed) == 6 else "malformed"
    if outcome == "confirmed":
        drafts.confirm_mobile(draft, mobile, now)
        return _send(draft, now)
    db.session.commit()  # the try counts
    return render_template("public/confirm_mobile.html", wrong=["code"], outcome=outcome, **context), 422


@blp.get("/apply/sent")
def sent():
    sent = session.get("front_door_sent")
    if not isinstance(sent, dict) or not isinstance(sent.get("reference"), str):
        return back_to_start(KIND)
    return render_template("public/sent.html", reference=sent["reference"], mobile=bool(sent.get("mobile")))
