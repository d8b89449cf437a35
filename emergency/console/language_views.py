"""The languages the line speaks: which are offered, their voices and answer words, and which
catalogs are machine-drafted until a coordinator marks them reviewed by a translator (audited)."""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from emergency.clock import utc_now
from emergency.console.login import editors_only
from emergency.console.views import blp
from emergency.errors import RuleBroken
from emergency.extensions import db
from emergency.wording import phrase, prompts, reviews
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


@blp.route("/languages/<code>/prompts", methods=["GET", "POST"])
@editors_only
def language_prompts(code):
    """The recordings of the line's fixed phrases in a language, uploaded one by one."""
    if code not in LANGUAGES:
        abort(404, description="The line has no such language.")
    problems = {}
    if request.method == "POST":
        key = request.form.get("key", "")
        upload = request.files.get("audio")
        try:
            prompts.save(key, code, upload.read(prompts.MOST_BYTES + 1) if upload else b"", by=g.user, now=utc_now())
        except RuleBroken as error:
            problems = {"audio": error.message[:1].upper() + error.message[1:]}
        else:
            db.session.commit()
            flash(f"The recording of \u201c{phrase(key)}\u201d is saved.")
            return redirect(url_for("console.language_prompts", code=code))
    return render_template("console/language_prompts.html", language=LANGUAGES[code], phrases=prompts.RECORDABLE,
                           chosen=request.form.get("key", prompts.RECORDABLE[0]),
                           options=[(key, phrase(key)) for key in prompts.RECORDABLE],
                           recorded=prompts.recorded(code), problems=problems, page_has_errors=bool(problems),
                           words={key: phrase(key, code) for key in prompts.RECORDABLE}), 422 if problems else 200
