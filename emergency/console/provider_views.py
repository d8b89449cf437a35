"""Care providers in the console: list, add, change, deactivate. Thin: the API's schema reads
the form and the providers service does the work (and the audit)."""
from flask import abort, flash, g, redirect, render_template, request, url_for

from emergency.api.provider_schemas import ProviderSchema, districts_from_text
from emergency.clock import utc_now
from emergency.console import cover_words
from emergency.console.forms import load_form, service_problem
from emergency.console.login import editors_only
from emergency.console.views import blp
from emergency.errors import DomainError, NotFound
from emergency.extensions import db
from emergency.providers import service as providers
from emergency.providers.vocabulary import CAPABILITY_WORDS

TEXT_FIELDS = ("name", "bookings_phone", "mobile", "email", "districts", "hourly_rate", "contract_ends_on")


def _provider_or_404(provider_id: int):
    try:
        return providers.get_provider(provider_id)
    except NotFound:
        abort(404, description=f"There is no care provider {provider_id}.")


@blp.get("/providers")
@editors_only
def providers_page():
    return render_template("console/providers.html", providers=db.session.scalars(providers.providers()).all(),
                           capability_words=CAPABILITY_WORDS)


def _form_of(provider) -> dict:
    if provider is None:
        return {"capabilities": []}
    return {"name": provider.name, "bookings_phone": provider.bookings_phone, "mobile": provider.mobile,
            "email": provider.email, "districts": ", ".join(provider.district_list),
            "hourly_rate": f"{provider.hourly_rate:.2f}", "capabilities": provider.capability_list,
            "contract_ends_on": provider.contract_ends_on.strftime("%d/%m/%Y") if provider.contract_ends_on else ""}


def _render(provider, form=None, problems=None, status=200):
    return render_template("console/provider.html", provider=provider, form=form or _form_of(provider),
                           problems=problems or {}, page_has_errors=bool(problems),
                           capability_options=[(c.value, words) for c, words in CAPABILITY_WORDS.items()]), status


def _read_date(text: str) -> str:
    """A day-first date as typed (31/03/2027) in the ISO form the schema reads; anything else as typed."""
    parts = text.strip().split("/")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        day, month, year = parts
        return f"{year.zfill(4)}-{month.zfill(2)}-{day.zfill(2)}"
    return text


@blp.route("/providers/new", methods=["GET", "POST"])
@blp.route("/providers/<int:provider_id>", methods=["GET", "POST"])
@editors_only
def provider_page(provider_id=None):
    provider = _provider_or_404(provider_id) if provider_id is not None else None
    if request.method == "GET":
        return _render(provider)
    form = {name: request.form.get(name, "") for name in TEXT_FIELDS}
    form["capabilities"] = request.form.getlist("capabilities")
    typed = {**form, "districts": districts_from_text(form["districts"]) or "",
             "contract_ends_on": _read_date(form["contract_ends_on"]),
             "active": provider.active if provider else True}
    data, problems = load_form(ProviderSchema(), typed, cover_words.PROVIDER)
    problems = {key.split(".")[0]: text for key, text in problems.items()}
    if "districts" in problems and form["districts"].strip():
        problems["districts"] = "Enter postcode districts only, like LS6, LS7: " + problems["districts"].split(";")[0]
    if problems:
        return _render(provider, form, problems, 422)
    try:
        saved = providers.save_provider(provider, data, by=g.user, now=utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render(provider, form, service_problem(cover_words.PROVIDER, error, "name"), 422)
    db.session.commit()
    flash(f"{saved.name} saved.")
    return redirect(url_for("console.provider_page", provider_id=saved.id))


@blp.post("/providers/<int:provider_id>/active")
@editors_only
def provider_active(provider_id):
    provider = _provider_or_404(provider_id)
    active = request.form.get("active") == "yes"
    providers.set_active(provider, active, by=g.user, now=utc_now())
    db.session.commit()
    flash(f"{provider.name} is {'offered for cover again' if active else 'inactive: it is no longer offered for cover'}.")
    return redirect(url_for("console.provider_page", provider_id=provider.id))
