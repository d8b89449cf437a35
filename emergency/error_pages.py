"""The error pages people see (400, 403, 404, 405, 413, 500, 503), on the design system. The API
keeps answering in JSON, as flask-smorest words it."""
from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from emergency.extensions import api, too_large_message
from emergency.incidents.messages import readable_phone

HEADINGS = {
    400: "Sorry, there is a problem with what was sent",
    403: "You do not have permission to do this",
    404: "Page not found",
    405: "Sorry, that cannot be done on this page",
    413: "What was sent is too large",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}
ADVICE = {
    404: ["If you typed the web address, check it is correct.",
          "If you pasted the web address, check you copied the entire address."],
    500: ["Try again later. Nothing you typed on this page was saved."],
    503: ["Try again later."],
}


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(HTTPException, error_page)


def error_page(error: HTTPException):
    if request.path == "/api" or request.path.startswith("/api/"):
        return api.handle_http_exception(error)
    code = error.code or 500
    lines = list(ADVICE.get(code, []))
    if code == 413:
        message = too_large_message()
        lines = [message[:1].upper() + message[1:] + ". Go back and send less."]
    elif error.description and error.description != type(error).description:
        lines = [error.description]  # the page's own words, such as "There is no plan 12."
    number = current_app.config.get("LINE_PHONE_NUMBER")
    line_number = {"tel": number, "shown": readable_phone(number)} if number else None
    headers = {"Allow": ", ".join(error.valid_methods)} if code == 405 and getattr(error, "valid_methods", None) else {}
    page = render_template("errors/error.html", heading=HEADINGS.get(code, error.name), lines=lines,
                           line_number=line_number)
    return page, code, headers
