"""The pages' look: the GOV.UK Design System and MOJ Frontend, branded for the council.

govuk-frontend-jinja gives the page template and the components' markup; the compiled CSS, JS
and images of govuk-frontend and @ministryofjustice/frontend are fetched by tasks.py at the
versions package-lock.json pins, into emergency/assets/ (never committed), and served at
/assets/, where their stylesheets expect their images. The council's name, logo and colour
come from the settings."""
import base64
import hashlib
import re
from collections import ChainMap
from pathlib import Path

import govuk_frontend_jinja
from flask import Blueprint, Flask, Response, abort, current_app, send_file
from flask.templating import Environment
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from emergency.phones import labelled_phone, readable_phone

ASSETS = Path(__file__).resolve().parent / "assets"
STATIC = Path(__file__).resolve().parent / "static"
SERVICE_NAME = "Carers Emergency Line"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}

blp = Blueprint("design_system", __name__, static_folder=str(ASSETS), static_url_path="/assets")


def _js_enabled_script() -> str:
    """GOV.UK Frontend's one inline script, as the page template writes it: it marks the body
    so that the components' styles for JavaScript apply before the modules run."""
    template = Path(govuk_frontend_jinja.__file__).parent / "templates" / "template.html"
    found = re.search(r">(document\.body\.className[^<]*)</script>", template.read_text())
    if found is None:
        raise RuntimeError(f"{template} has no js-enabled script where one was expected")
    return found.group(1)


JS_ENABLED_SCRIPT = _js_enabled_script()
# The Content-Security-Policy allows that script, and only it, by its hash.
JS_ENABLED_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(JS_ENABLED_SCRIPT.encode()).digest()).decode()


class _Globals(ChainMap):
    """A template's globals over the app's, whose keys are a set. At every `{% from ... import %}`
    Jinja takes the difference of the importing template's globals and these; the components'
    macros import on every call (some 470 times in the plan form), and a ChainMap's keys view
    answers that one key at a time in Python. With a set, the plan form renders in half the CPU."""

    def keys(self):
        return set().union(*self.maps)


class PageTemplates(Environment):
    """The app's Jinja environment (Flask.jinja_environment)."""

    def make_globals(self, d):
        return _Globals(d or {}, self.globals)


def assets_installed() -> bool:
    return (ASSETS / "installed.json").is_file()


def register_design_system(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        app.jinja_loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
    # The components' macros are written for these (as GOV.UK Frontend's Nunjucks ones are).
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.add_template_filter(readable_phone, "phone")
    # "07700 900123 (mobile)": the console shows what kind each number is.
    app.add_template_filter(labelled_phone, "labelled_phone")
    app.register_blueprint(blp)
    if not assets_installed():
        app.logger.warning("the design system's assets are missing from %s: pages are unstyled until "
                           "`python3 tasks.py assets` fetches them", ASSETS)

    @app.context_processor
    def branding():
        config = app.config
        return {"service_name": SERVICE_NAME, "council_name": config["COUNCIL_NAME"],
                "council_logo": bool(config["COUNCIL_LOGO_FILE"]),
                "brand_colour": config["COUNCIL_BRAND_COLOUR"]}


@blp.get("/favicon.ico")
def favicon():
    """For browsers and pages (the API's JSON, its docs) that ask for /favicon.ico."""
    return send_file(STATIC / "favicon.png", mimetype="image/png", max_age=86400)


@blp.get("/brand.css")
def brand_css():
    """The council's colour for the header and the timeline's marks (the policy allows no inline style)."""
    colour = current_app.config["COUNCIL_BRAND_COLOUR"]
    if not colour:
        abort(404, description="No brand colour is set.")
    body = (f":root {{ --govuk-brand-colour: {colour}; }}\n"
            f".govuk-generic-header, .app-header {{ background-color: {colour}; }}\n"
            f".govuk-service-navigation {{ border-top-color: {colour}; }}\n")
    return Response(body, mimetype="text/css", headers={"Cache-Control": "max-age=3600"})


@blp.get("/brand/logo")
def council_logo():
    path = current_app.config["COUNCIL_LOGO_FILE"]
    if not path:
        abort(404, description="No council logo is set.")
    return send_file(Path(path).resolve(), mimetype=LOGO_TYPES[Path(path).suffix.lower()], max_age=3600)
