"""The languages the line speaks: which are offered, their voices and answer words, and which
catalogs are machine-drafted until a coordinator marks them reviewed by a translator (audited)."""
from flask import abort, current_app, flash, g, redirect, render_template, url_for

from emergency.clock import utc_now
from emergency.console.login import editors_only
from emergency.console.views import blp
from emergency.extensions import db
from emergency.wording import reviews
from emergency.wording.languages import LANGUAGES


@blp.get("/languages")
@editors_only
def languages_page():
    return render_template("console/languages.html", languages=LANGUAGES.values(), reviews=reviews.reviews(),
                           offered=current_app.config["LINE_LANGUAGES"],
                           dedicated=current_app.config["LINE_NUMBER_LANGUAGES"] or {})


@blp.post("/languages/<code>/reviewed")
@editors_only
def language_reviewed(code):
    if code not in LANGUAGES:
        abort(404, description="The line has no such language.")
    if reviews.mark_reviewed(code, by=g.user, now=utc_now()):
        db.session.commit()
        flash(f"The {LANGUAGES[code].english_name} words are marked reviewed by a translator.")
    return redirect(url_for("console.languages_page"))
