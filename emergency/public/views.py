"""The public pages' blueprint and what every one of them shares: no login; a CSRF token on every
form (kept in the signed session, as the console's login form keeps its own); a size limit on
what is sent; the draft found by the token the browser keeps."""
import hmac
import secrets

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for

from emergency.applications import drafts
from emergency.applications.drafts import TooManyStarted
from emergency.applications.limits import address_hash
from emergency.applications.settings import FrontDoorSettings
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.wording.catalogs import SOURCE_LANGUAGE
from emergency.wording.languages import LANGUAGES

blp = Blueprint("public", __name__, template_folder="templates")
SESSION_KEYS = {"application": "front_door_application", "referral": "front_door_referral"}


@blp.before_request
def guard():
    request.max_content_length = current_app.config["FRONT_DOOR_MAX_REQUEST_BYTES"]
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    g.home_url = url_for("public.start")
    g.language = page_language_chosen()
    if request.method == "POST":
        sent = request.form.get("csrf", "")
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), session["csrf"].encode()):
            return render_template("public/problem.html", problem="expired"), 400
    return None


def public_languages() -> list[str]:
    """The line's languages whose catalogs hold the public pages' words, English first."""
    offered = [code for code in current_app.config["LINE_LANGUAGES"]
               if code in LANGUAGES and LANGUAGES[code].covers("front_door.start.title")]
    return list(dict.fromkeys((SOURCE_LANGUAGE, *offered)))


def page_language_chosen() -> str:
    """The language the person chose with the pages' language links (kept for their visit)."""
    wanted = request.args.get("lang")
    if wanted in public_languages():
        session["language"] = wanted
    chosen = session.get("language")
    return chosen if chosen in public_languages() else SOURCE_LANGUAGE


@blp.app_context_processor
def language_links() -> dict:
    """Links to the same page in each other language the public pages are in (none with English alone)."""
    if request.blueprint != "public" or len(public_languages()) < 2 or request.endpoint is None:
        return {}
    here = {**(request.view_args or {})}
    return {"other_languages": [(LANGUAGES[code].own_name, code, url_for(request.endpoint, **here, lang=code))
                                for code in public_languages() if code != g.language]}


@blp.app_template_filter("explained")
def explained(wrong, messages: dict) -> dict:
    """{path: words} for the wrong fields, in the page's order; the words come from the page."""
    wrong = set(wrong or ())
    shown = {path: words for path, words in messages.items() if path in wrong}
    for path in sorted(wrong - set(messages)):
        shown[path] = messages.get("*", "")
    return shown


def settings() -> FrontDoorSettings:
    return FrontDoorSettings.from_config(current_app.config)


def client_address() -> str:
    return address_hash(request.remote_addr, current_app.config["SECRET_KEY"])


def current_draft(kind: str):
    return drafts.find(session.get(SESSION_KEYS[kind]), kind, utc_now())


def remember_draft(kind: str, draft) -> None:
    session[SESSION_KEYS[kind]] = draft.token


def forget_draft(kind: str) -> None:
    session.pop(SESSION_KEYS[kind], None)


def begin_draft(kind: str, first_question: str):
    """Start the browser's draft (or carry on with the one it has) and go to its first question."""
    draft = current_draft(kind)
    if draft is None:
        try:
            draft = drafts.start(kind, address=client_address(), now=utc_now(), settings=settings())
        except TooManyStarted:
            db.session.rollback()
            return too_many()
        db.session.commit()
        remember_draft(kind, draft)
    return redirect(url_for(first_question))


def back_to_start(kind: str):
    """A page opened without a live draft (never started, sent, or a day old) starts again."""
    return redirect(url_for("public.start" if kind == "application" else "public.refer_start"))


def too_many():
    return render_template("public/problem.html", problem="too_many"), 429
