"""The accepter's view of the plan, reached by the expiring link texted after they accept.
Made for a phone in a hurry: every number is a tap to call, the address opens a map search,
and it says who called, what they texted, and what to do if the accepter can no longer go."""
from urllib.parse import quote_plus

from flask import Blueprint, current_app, g, render_template

from emergency.clock import local_zone, utc_now
from emergency.console.login import logged_in_user
from emergency.extensions import db
from emergency.incidents import details_links
from emergency.plans.models import KeySafeCode
from emergency.rota import service as rota
from emergency.rota.calendar import TIERS

blp = Blueprint("details", __name__)


@blp.get("/details/<token>")
def plan_details(token):
    now = utc_now()
    found = details_links.details_for_link(token, now, viewer=logged_in_user())
    if found is None:
        return render_template("details/gone.html", fallback=current_app.config["FALLBACK_PHONE_NUMBER"],
                               line=current_app.config["LINE_PHONE_NUMBER"]), 404
    incident, page = found
    g.language = page.language  # the page in the language they were asked in
    key_safe = db.session.get(KeySafeCode, incident.plan_id)
    plan = incident.plan_snapshot
    address = plan["carer"]["address"]
    search = ", ".join(part for part in (address["line1"], address.get("line2"), address["town"], address["postcode"])
                       if part)
    zone = local_zone()

    def local(moment):
        return moment.astimezone(zone).strftime("%H:%M on %a %d %b")

    on_duty = rota.on_duty(now)
    duty = [(officer.name, officer.mobile) for tier in TIERS for officer in on_duty.get(tier, [])
            if officer.mobile != page.phone][:3]
    body = render_template(
        "details/plan.html", plan=plan, page=page, incident=incident, key_safe=key_safe.code if key_safe else None,
        map_link=f"https://www.google.com/maps/search/?api=1&query={quote_plus(search)}",
        opened_at=local(incident.opened_at), local=local,
        caller_texts=[event for event in incident.events if event.kind == "caller's text"],
        duty=duty, fallback=current_app.config["FALLBACK_PHONE_NUMBER"],
    )
    db.session.commit()  # the audit line
    return body, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
