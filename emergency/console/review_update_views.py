"""A carer's changes at their yearly review, approved from the queue: the plan form filled in
with the plan as the carer changed it, based on the version they were shown. Saving goes through
the plan service with its versioning and stale-edit rules: a plan changed since the carer opened
the link is shown as stale, with what changed meanwhile, and is only saved by saving again.
Approving also records the review."""
from flask import flash, g, redirect, render_template, request, url_for

from emergency.api.plan_schemas import WEEKDAYS, PlanUpdateSchema
from emergency.applications.service import move
from emergency.applications.vocabulary import OPEN_STATUSES, ApplicationKind, ApplicationStatus
from emergency.clock import utc_now
from emergency.console import messages, plan_form
from emergency.console.application_views import _application
from emergency.console.forms import load_form, service_problem
from emergency.console.login import editors_only
from emergency.console.views import blp
from emergency.errors import Conflict, DomainError
from emergency.extensions import db
from emergency.plans import service as plans
from emergency.plans.snapshot import plan_to_dict
from emergency.plans.vocabulary import PlanStatus

STALE = "The plan has changed since the carer opened the link. Check what changed meanwhile, then save again."


@blp.route("/applications/<int:application_id>/merge", methods=["GET", "POST"])
@editors_only
def merge_review_update(application_id):
    application = _application(application_id)
    if application.kind != ApplicationKind.REVIEW_UPDATE or application.status not in OPEN_STATUSES:
        return redirect(url_for("console.application_page", application_id=application_id))
    plan = plans.get_plan(application.plan_id)
    if plan.status == PlanStatus.ARCHIVED:
        flash("The plan is archived and can no longer be changed.", "warning")
        return redirect(url_for("console.application_page", application_id=application_id))
    based_on = application.based_on_version or plan.version
    if request.method == "GET":
        form = plan_form.form_from_plan(application.answers, based_on)
        if based_on != plan.version:
            return _render_stale(application, plan, form, based_on, status=200)
        return _render(application, plan, form)
    form = plan_form.read_form(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        plan_form.apply_action(form, action)
        return _render(application, plan, form)
    data, problems = load_form(PlanUpdateSchema(), plan_form.plan_input(form, with_version=True), messages.PLAN)
    if problems:
        return _render(application, plan, form, problems, 422)
    expected = data.pop("version")
    now = utc_now()
    try:
        plans.update_plan(plan, data, expected_version=expected, by=g.user, now=now)
        plans.mark_reviewed(plan, by=g.user, now=now)
        move(application, ApplicationStatus.APPROVED, by=g.user, now=now, allowed_from=OPEN_STATUSES)
        application.decided_by_id = g.user.id
    except Conflict as error:
        db.session.rollback()
        if error.field != "version":
            return _render(application, plan, form, {"form": messages.plain({}, "form", error.message)}, 409)
        return _render_stale(_application(application_id), plans.get_plan(plan.id), form, expected)
    except DomainError as error:
        db.session.rollback()
        return _render(application, plan, form, service_problem(messages.PLAN, error, "form"), error.status_code)
    db.session.commit()
    flash(f"Approved: the carer's changes are in the plan (version {plan.version}) and the review is recorded; "
          f"the next one is due {plan.review_due_on:%d %B %Y}.")
    return redirect(url_for("console.application_page", application_id=application_id))


def _render_stale(application, plan, form, based_on, status=409):
    """The plan changed after `based_on`: the form again with those changes merged in where the
    carer left a field alone (the carer's change wins where both changed it), based on the plan
    as it is now, and what changed meanwhile. Nothing is saved."""
    versions = plans.versions_of(plan)
    newer = [version for version in versions if version.number > based_on]
    base = next((version.snapshot for version in versions if version.number == based_on), None)
    theirs = plan_form.form_from_plan(plan_to_dict(plan), plan.version)
    if base is not None:
        form = plan_form.merge_typed(plan_form.form_from_plan(base, based_on), theirs, form)
    for which in ("cared_for", "contacts"):
        current = {row["id"] for row in theirs[which]}
        for row in form[which]:
            if row["id"] not in current:
                row["id"] = ""
    form["version"] = str(plan.version)
    return _render(application, plan, form, {"version": STALE}, status, newer=newer)


def _render(application, plan, form, problems=None, status=200, newer=()):
    return render_template("console/review_update_plan.html", application=application, plan=plan, form=form,
                           problems=problems or {}, day_options=[(day, day.capitalize()) for day in WEEKDAYS],
                           newer=newer, page_has_errors=bool(problems)), status
