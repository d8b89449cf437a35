"""The accepter's view of the plan, reached by the expiring link texted after they accept."""
from flask import Blueprint, render_template_string, request

from emergency.clock import utc_now
from emergency.console.login import logged_in_user
from emergency.extensions import db
from emergency.incidents import service
from emergency.plans.models import KeySafeCode

blp = Blueprint("details", __name__)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Carers Emergency Line: what you need to know</title></head>
<body>
<h1>Thank you for going, {{ page.name.split()[0] }}</h1>
<p>Carer: {{ plan.carer.name }}{% if plan.carer.mobile %}, {{ plan.carer.mobile }}{% endif %}</p>
{% set address = plan.carer.address %}
<p>Address: {{ address.line1 }}{% if address.line2 %}, {{ address.line2 }}{% endif %}, {{ address.town }} {{ address.postcode }}</p>
<h2>Getting in</h2>
<p>{{ plan.home_access.how_to_get_in or "No instructions recorded." }}</p>
{% if key_safe %}<p><strong>Key-safe code: {{ key_safe }}</strong></p>{% endif %}
{% if plan.home_access.key_holders %}<p>Key holders: {{ plan.home_access.key_holders }}</p>{% endif %}
{% for person in plan.cared_for %}
<h2>{{ person.name }}</h2>
<dl>
{% for label, value in [("Needs", person.needs), ("Conditions", person.conditions), ("Medication", person.medication),
  ("Where the medication is", person.medication_location), ("Allergies", person.allergies),
  ("Mobility", person.mobility_needs), ("Communication", person.communication_needs),
  ("Care already coming in", person.other_care), ("Routines", person.routines), ("Pets", person.pets)] if value %}
<dt>{{ label }}</dt><dd>{{ value }}</dd>
{% endfor %}
<dt>Can be left alone</dt><dd>{% if person.can_be_left_alone %}yes{% if person.safe_alone_minutes %}, for up to {{ person.safe_alone_minutes }} minutes{% endif %}{% else %}no{% endif %}</dd>
{% if person.gp.name or person.gp.practice %}<dt>GP</dt><dd>{{ person.gp.name }} {{ person.gp.practice }} {{ person.gp.phone or "" }}</dd>{% endif %}
</dl>
{% endfor %}
{% if plan.instructions %}<h2>What the carer asks</h2><p>{{ plan.instructions }}</p>{% endif %}
<h2>Other contacts</h2>
<ul>{% for contact in plan.contacts %}<li>{{ contact.name }} ({{ contact.relationship }}) {{ contact.mobile or contact.landline }}</li>{% endfor %}</ul>
<p>When {{ plan.cared_for[0].name.split()[0] }} is safe, reply DONE {{ page.code }} to the text.</p>
</body></html>"""

_GONE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link expired</title></head>
<body><h1>This link has expired or is not valid</h1><p>Please call the Carers Emergency Line.</p></body></html>"""


@blp.get("/details/<token>")
def plan_details(token):
    found = service.details_for_link(token, utc_now(), viewer=logged_in_user(), source_address=request.remote_addr)
    if found is None:
        return _GONE, 404
    incident, page = found
    key_safe = db.session.get(KeySafeCode, incident.plan_id)
    db.session.commit()  # the audit line
    body = render_template_string(_PAGE, plan=incident.plan_snapshot, page=page, key_safe=key_safe.code if key_safe else None)
    return body, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
