"""The coordinators' queue of applications, referrals and review updates: how long each has
waited in working days, the application beside the plan form filled in from it (the plan form's
own service and schemas make the plan), declining with a reason, withdrawing. Every view and
step is audited."""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from emergency.api.plan_schemas import WEEKDAYS, PlanSchema
from emergency.applications import decisions
from emergency.applications import service as applications
from emergency.applications.models import Application
from emergency.applications.report import CONFIRM_WITHIN_WORKING_DAYS
from emergency.applications.vocabulary import DECLINE_REASONS, OPEN_STATUSES, ApplicationStatus
from emergency.clock import local_date, utc_now
from emergency.console import messages, plan_form
from emergency.console.forms import load_form, service_problem
from emergency.console.login import editors_only
from emergency.console.views import blp
from emergency.errors import DomainError
from emergency.extensions import db
from emergency.plans import service as plans
from emergency.rota.settings import bank_holidays, office_hours
from emergency.wording.catalogs import SOURCE_LANGUAGE
from emergency.wording.languages import OTHER_LANGUAGE, language_named

SHOWN = {"open": OPEN_STATUSES, "approved": (ApplicationStatus.APPROVED,),
         "declined": (ApplicationStatus.DECLINED,), "withdrawn": (ApplicationStatus.WITHDRAWN,)}
DECLINE_FIELDS = {"reason": messages.Field("The reason", "a reason", verb="Select"),
                  "words": messages.Field("Your own words", "your own words")}


def _application(application_id: int) -> Application:
    try:
        return applications.get(application_id)
    except DomainError:
        abort(404, description=f"There is no application {application_id}.")


def working_days_waited(application: Application, now) -> int:
    config = current_app.config
    office_days = applications.office_weekdays(office_hours(config))
    end = application.status_changed_at if application.status not in OPEN_STATUSES else now
    return applications.working_days_between(local_date(application.received_at), local_date(end),
                                             bank_holidays(config["BANK_HOLIDAY_REGION"]), office_days)


@blp.get("/applications")
@editors_only
def applications_page():
    shown = request.args.get("show", "open")
    if shown not in SHOWN:
        shown = "open"
    now = utc_now()
    rows = [(application, working_days_waited(application, now)) for application in applications.queue(SHOWN[shown])]
    return render_template("console/applications.html", rows=rows, shown=shown, late=CONFIRM_WITHIN_WORKING_DAYS)


@blp.get("/applications/<int:application_id>")
@editors_only
def application_page(application_id):
    application = _application(application_id)
    now = utc_now()
    applications.record_viewed(application, by=g.user, now=now)
    db.session.commit()
    return _render_application(application, now)


def _render_application(application, now, problems=None, status=200):
    plan = plans.get_plan(application.plan_id) if application.plan_id else None
    return render_template("console/application.html", application=application, plan=plan,
                           waited=working_days_waited(application, now), reasons=DECLINE_REASONS,
                           reason_words=decisions.decline_reason_words, problems=problems or {},
                           page_has_errors=bool(problems), late=CONFIRM_WITHIN_WORKING_DAYS), status


@blp.post("/applications/<int:application_id>/review")
@editors_only
def start_review(application_id):
    return _act(application_id, applications.start_review, "You are reviewing this application.")


@blp.post("/applications/<int:application_id>/withdraw")
@editors_only
def withdraw_application(application_id):
    return _act(application_id, applications.withdraw, "The application is withdrawn.")


def _act(application_id, change, done):
    application = _application(application_id)
    try:
        change(application, by=g.user, now=utc_now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message[:1].upper() + error.message[1:] + ".", "warning")
        return redirect(url_for("console.application_page", application_id=application_id))
    db.session.commit()
    flash(done)
    return redirect(url_for("console.application_page", application_id=application_id))


@blp.post("/applications/<int:application_id>/decline")
@editors_only
def decline_application(application_id):
    application = _application(application_id)
    now = utc_now()
    reason, words = request.form.get("reason", ""), request.form.get("words", "")
    try:
        texted = decisions.decline(application, reason if isinstance(reason, str) else "",
                                   words if isinstance(words, str) else "", by=g.user, now=now,
                                   call=current_app.config["PLAN_REVIEW_PHONE"])
    except DomainError as error:
        db.session.rollback()
        return _render_application(_application(application_id), now,
                                   service_problem(DECLINE_FIELDS, error, "reason"), error.status_code)
    db.session.commit()
    flash("The application is declined." + (" The carer has been texted the reason." if texted else
                                            " The carer gave no mobile: phone or write to them."))
    return redirect(url_for("console.application_page", application_id=application_id))


@blp.post("/applications/<int:application_id>/email")
@editors_only
def email_application(application_id):
    application = _application(application_id)
    if application.plan_id is None:
        abort(409, description="Only an approved application has a confirmation to email.")
    try:
        email = decisions.email_confirmation(application, plans.get_plan(application.plan_id), by=g.user,
                                             now=utc_now())
    except DomainError as error:
        db.session.rollback()
        abort(409, description=error.message)
    db.session.commit()
    flash(f"A confirmation is on its way to {email}.")
    return redirect(url_for("console.application_page", application_id=application_id))


# The application beside the plan form, filled in from it

@blp.route("/applications/<int:application_id>/plan", methods=["GET", "POST"])
@editors_only
def approve_application(application_id):
    application = _application(application_id)
    if application.status not in OPEN_STATUSES or application.kind == "review_update":
        return redirect(url_for("console.application_page", application_id=application_id))
    if request.method == "GET":
        return _render_plan_form(application, plan_form.form_from_plan(plan_shaped(application.answers), 0))
    form = plan_form.read_form(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        plan_form.apply_action(form, action)
        return _render_plan_form(application, form)
    data, problems = load_form(PlanSchema(), plan_form.plan_input(form, with_version=False), messages.PLAN)
    if problems:
        return _render_plan_form(application, form, problems, 422)
    now = utc_now()
    try:
        plan = plans.create_plan(data, by=g.user, now=now)
        outcome = decisions.approve(application, plan, by=g.user, now=now)
    except DomainError as error:
        db.session.rollback()
        return _render_plan_form(_application(application_id), form,
                                 service_problem(messages.PLAN, error, "form"), error.status_code)
    db.session.commit()
    said = f"Approved: plan registered, card number {plan.card_number}. {outcome['asked']} contacts asked for consent by text."
    if outcome["not_asked"]:
        said += f" Phone {', '.join(outcome['not_asked'])} to ask: they have no mobile."
    flash(said)
    return redirect(url_for("console.application_page", application_id=application_id))


def _render_plan_form(application, form, problems=None, status=200):
    form["version"] = ""
    return render_template("console/application_plan.html", application=application, plan=None, form=form,
                           problems=problems or {}, day_options=[(day, day.capitalize()) for day in WEEKDAYS],
                           newer=(), page_has_errors=bool(problems)), status


def plan_shaped(answers: dict) -> dict:
    """An application's answers in the shape the plan form is filled from (as plan_to_dict gives a plan)."""
    carer = answers.get("carer") or {}
    address = carer.get("address")
    people = answers.get("cared_for") or [{"name": ""}]
    said = (carer.get("preferred_language") or "").strip()  # free text on the application
    language = language_named(said) if said else SOURCE_LANGUAGE
    return {
        "status": "draft", "instructions": "", "last_reviewed_on": None, "review_due_on": None,
        "carer": {"name": carer.get("name", ""), "mobile": carer.get("mobile"), "landline": carer.get("landline"),
                  "preferred_language": language or OTHER_LANGUAGE, "other_language": None if language else said[:50],
                  "address": address},
        "home_access": {"how_to_get_in": "", "key_holders": "", **(answers.get("home_access") or {})},
        "escalation": {"wait_minutes": None, "rounds": None, "channels": None},
        "cared_for": [{**{key: person.get(key) for key in plan_form.CARED_FOR_TEXT}, "id": None,
                       "lives_with_carer": person.get("lives_with_carer", True),
                       "can_be_left_alone": person.get("can_be_left_alone", False),
                       "date_of_birth": person.get("date_of_birth"), "address": person.get("address"),
                       "gp": {key: (person.get("gp") or {}).get(key) for key in plan_form.GP_TEXT}}
                      for person in people],
        "contacts": [{**{key: contact.get(key) for key in plan_form.CONTACT_TEXT}, "id": None,
                      "relationship": contact.get("relationship", ""), "holds_key": contact.get("holds_key", False),
                      "availability": contact.get("availability") or [],
                      "consent": {"status": "pending", "recorded_on": None}}
                     for contact in answers.get("contacts") or []],
    }

