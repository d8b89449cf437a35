"""A professional (a GP practice, a hospital discharge team, a social worker) refers a carer who
agreed to be contacted: the referrer, the carer, check and send. A coordinator then phones the carer."""
from flask import redirect, render_template, request, session, url_for

from emergency.applications import drafts
from emergency.applications import service as applications
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.public import answers as read
from emergency.public.views import (
    back_to_start,
    begin_draft,
    blp,
    current_draft,
    forget_draft,
)

KIND = "referral"


def _carer_values(answers: dict) -> dict:
    values = read.about_you_values(answers)
    return {**{key: values.get(key, "") for key in read.REFERRED_CARER},
            "cares_for": answers.get("cares_for", ""), "consent": "yes" if answers.get("consent_to_contact") else ""}


@blp.get("/refer")
def refer_start():
    return render_template("public/refer_start.html")


@blp.post("/refer")
def refer_begin():
    return begin_draft(KIND, "public.referrer")


@blp.route("/refer/you", methods=["GET", "POST"])
def referrer():
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    if request.method == "GET":
        return render_template("public/referrer.html", values=read.referrer_values(draft.answers.get("referrer")),
                               wrong=[])
    values = read.typed(request.form, read.REFERRER)
    answer, wrong = read.read_referrer(values)
    if wrong:
        return render_template("public/referrer.html", values=values, wrong=wrong), 422
    drafts.answer(draft, "referrer", answer, utc_now())
    db.session.commit()
    return redirect(url_for("public.refer_check" if draft.answers.get("carer") else "public.referred_carer"))


@blp.route("/refer/carer", methods=["GET", "POST"])
def referred_carer():
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    if request.method == "GET":
        return render_template("public/referred_carer.html", values=_carer_values(draft.answers), wrong=[])
    values = read.typed(request.form, read.REFERRED_CARER)
    answer, wrong = read.read_referred_carer(values)
    if wrong:
        return render_template("public/referred_carer.html", values=values, wrong=wrong), 422
    now = utc_now()
    for key, value in answer.items():
        drafts.answer(draft, key, value, now)
    db.session.commit()
    return redirect(url_for("public.refer_check"))


@blp.route("/refer/check", methods=["GET", "POST"])
def refer_check():
    draft = current_draft(KIND)
    if draft is None:
        return back_to_start(KIND)
    missing = applications.missing_answers(draft)
    if request.method == "GET" or missing:
        return render_template("public/refer_check.html", answers=draft.answers, missing=missing)
    application = applications.send(draft, now=utc_now())
    db.session.commit()
    forget_draft(KIND)
    session["front_door_referred"] = application.reference
    return redirect(url_for("public.referral_sent"))


@blp.get("/refer/sent")
def referral_sent():
    reference = session.get("front_door_referred")
    if not isinstance(reference, str):
        return back_to_start(KIND)
    return render_template("public/refer_sent.html", reference=reference)
