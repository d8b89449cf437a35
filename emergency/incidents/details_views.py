"""The accepter's view of the plan, reached by the expiring link texted after they accept.
Made for a phone in a hurry: every number is a tap to call, the address opens a map search,
and it says who called, what they texted, and what to do if the accepter can no longer go."""
from urllib.parse import quote_plus

from flask import Blueprint, current_app, render_template_string

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import service
from emergency.incidents.messages import readable_phone
from emergency.plans.models import KeySafeCode
from emergency.rota import service as rota

blp = Blueprint("details", __name__)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Carers Emergency Line: what you need to know</title></head>
<body>
{% macro call(number) %}{% if number %}<a href="tel:{{ number }}">{{ readable(number) }}</a>{% endif %}{% endmacro %}
<h1>Thank you for going, {{ page.name.split()[0] }}</h1>
{% set address = plan.carer.address %}
<p><strong>Address:</strong> <a href="{{ map_link }}">{{ address.line1 }}
{%- if address.line2 %}, {{ address.line2 }}{% endif %}, {{ address.town }} {{ address.postcode }}</a> (opens a map)</p>
<h2>Who called</h2>
<p>{% if incident.caller_number %}{{ call(incident.caller_number) }}{% else %}No number was given{% endif %},
 by {{ {"sms": "text", "voice": "phone", "console": "a coordinator"}.get(incident.channel, incident.channel) }}
 at {{ opened_at }}.</p>
{% if caller_texts %}<p>What they texted:</p>
<ul>{% for event in caller_texts %}<li>{{ local(event.at) }}: &ldquo;{{ event.detail }}&rdquo;</li>{% endfor %}</ul>
{% endif %}
<h2>The carer</h2>
<p>{{ plan.carer.name }}{% if plan.carer.mobile %}, mobile {{ call(plan.carer.mobile) }}{% endif %}
{% if plan.carer.landline %}, home {{ call(plan.carer.landline) }}{% endif %}</p>
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
{% if person.gp and (person.gp.name or person.gp.practice or person.gp.phone) %}<dt>GP</dt>
<dd>{{ person.gp.name or "" }} {{ person.gp.practice or "" }} {{ call(person.gp.phone) }}</dd>{% endif %}
</dl>
{% endfor %}
{% if plan.instructions %}<h2>What the carer asks</h2><p>{{ plan.instructions }}</p>{% endif %}
<h2>Other contacts</h2>
<ul>{% for contact in plan.contacts if page.phone not in (contact.mobile, contact.landline) %}<li>{{ contact.name }} ({{ contact.relationship }})
{% if contact.mobile %}mobile {{ call(contact.mobile) }}{% endif %}
{% if contact.landline %}home {{ call(contact.landline) }}{% endif %}</li>{% endfor %}</ul>
<h2>If you can no longer go</h2>
<p>Tell us at once so that someone else can be found:
{% if duty %}call the duty officer on shift now,
{% for name, number in duty %}{{ name }} {{ call(number) }}{% if not loop.last %} or {% endif %}{% endfor %}{% endif %}
{% if fallback %}{% if duty %}, or{% else %}call{% endif %} {{ call(fallback) }}{% endif %}
{% if not duty and not fallback %}call the Carers Emergency Line{% endif %}.
{% if incident.caller_number %}Then let the caller know on {{ call(incident.caller_number) }}.{% endif %}
If anyone is in danger, call <a href="tel:999">999</a>.</p>
<p>When {{ plan.cared_for[0].name.split()[0] }} is safe, reply DONE {{ page.code }} to the text.</p>
</body></html>"""

_GONE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link expired</title></head>
<body><h1>This link has expired or is not valid</h1><p>Please call the Carers Emergency Line.</p></body></html>"""


@blp.get("/details/<token>")
def plan_details(token):
    now = utc_now()
    found = service.details_for_link(token, now)
    if found is None:
        return _GONE, 404
    incident, page = found
    key_safe = db.session.get(KeySafeCode, incident.plan_id)
    plan = incident.plan_snapshot
    address = plan["carer"]["address"]
    search = ", ".join(part for part in (address["line1"], address.get("line2"), address["town"], address["postcode"])
                       if part)
    zone = rota.local_zone()

    def local(moment):
        return moment.astimezone(zone).strftime("%H:%M on %a %d %b")

    duty = [(officer.name, officer.mobile) for tier in (1, 2, 3) for officer in rota.on_duty(now).get(tier, [])
            if officer.mobile != page.phone][:3]
    body = render_template_string(
        _PAGE, plan=plan, page=page, incident=incident, key_safe=key_safe.code if key_safe else None,
        map_link=f"https://www.google.com/maps/search/?api=1&query={quote_plus(search)}",
        opened_at=local(incident.opened_at), local=local, readable=readable_phone,
        caller_texts=[event for event in incident.events if event.kind == "caller's text"],
        duty=duty, fallback=current_app.config["FALLBACK_PHONE_NUMBER"],
    )
    db.session.commit()  # the audit line
    return body, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
