"""The booked provider's pages, reached by the link texted when cover is booked: what the
care needs, and the key-safe code on a page of its own. Both audited; gone when cover ends."""
from urllib.parse import quote_plus

from flask import Blueprint, current_app, render_template

from emergency.clock import local_zone, utc_now
from emergency.console.login import logged_in_user
from emergency.cover.links import cover_for_link
from emergency.extensions import db
from emergency.plans.models import KeySafeCode

blp = Blueprint("cover_links", __name__, template_folder="templates")
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _gone():
    return render_template("details/gone.html", fallback=current_app.config["FALLBACK_PHONE_NUMBER"],
                           line=current_app.config["LINE_PHONE_NUMBER"]), 404, PRIVATE


@blp.get("/cover/<token>")
def cover_details(token):
    found = cover_for_link(token, utc_now(), viewer=logged_in_user())
    if found is None:
        return _gone()
    cover, incident = found
    plan = incident.plan_snapshot
    address = plan["carer"]["address"] or {}
    search = ", ".join(part for part in (address.get("line1"), address.get("line2"), address.get("town"),
                                         address.get("postcode")) if part)
    body = render_template("cover/details.html", cover=cover, plan=plan, token=token,
                           map_link=f"https://www.google.com/maps/search/?api=1&query={quote_plus(search)}",
                           has_key_safe=db.session.get(KeySafeCode, incident.plan_id) is not None,
                           local=lambda moment: moment.astimezone(local_zone()).strftime("%H:%M on %a %d %b"),
                           line=current_app.config["LINE_PHONE_NUMBER"])
    db.session.commit()  # the audit line
    return body, 200, PRIVATE


@blp.get("/cover/<token>/key-safe")
def cover_key_safe(token):
    found = cover_for_link(token, utc_now(), viewer=logged_in_user(), key_safe=True)
    if found is None:
        return _gone()
    cover, incident = found
    key_safe = db.session.get(KeySafeCode, incident.plan_id)
    body = render_template("cover/key_safe.html", cover=cover, token=token, code=key_safe.code if key_safe else None)
    db.session.commit()
    return body, 200, PRIVATE
