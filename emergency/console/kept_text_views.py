"""Texts kept while the database could not be reached that the line could not handle (dead
letters): the board lists them for coordinators (views.dead_letters_for_board), each until
one marks it dealt with, which is audited."""
from flask import abort, flash, g, redirect, url_for

from emergency.audit import service as audit
from emergency.clock import utc_now
from emergency.console.login import editors_only
from emergency.console.views import blp
from emergency.extensions import db
from emergency.telephony import spool


@blp.post("/kept-texts/<sid>/dealt-with")
@editors_only
def dead_letter_dealt_with(sid):
    """A coordinator has called the texter back: the kept text leaves the board and the disk."""
    if not spool.remove_dead_letter(sid):
        abort(404, description="That kept text is not on the board any more: someone may have dealt with it already.")
    audit.record("kept_text.dealt_with", user=g.user, now=utc_now(), detail=f"text {sid}")
    db.session.commit()
    flash("Marked as dealt with.")
    return redirect(url_for("console.board"))
