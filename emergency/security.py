"""Web hardening shared by every page: the client's real address behind a proxy, security
headers, and logs that never hold a secret link's token."""
import logging

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from emergency.design_system import JS_ENABLED_SCRIPT_HASH
from emergency.redaction import RedactSecrets, redact_secret_links

# Scripts only from the service itself, plus GOV.UK Frontend's one inline line by its hash; no
# inline style, no other sites, no framing. Swagger UI's page has inline script of its own, so
# /api/docs gets only the policy's framing rule. font-src: GOV.UK Frontend's stylesheet
# declares its font, and Chrome checks a declared font against the policy even when no text
# uses it; the pages use Arial and the service serves no font (the browser tests check that
# no page asks for one).
CONTENT_SECURITY_POLICY = (f"default-src 'none'; script-src 'self' '{JS_ENABLED_SCRIPT_HASH}'; style-src 'self'; "
                           "img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")
NO_FRAMING = "frame-ancestors 'none'"
ONE_YEAR = 365 * 24 * 3600
# Loggers whose records may carry a request's path: the development server's request log,
# gunicorn's, and the service's own.
REDACTED_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "emergency")


def register_security(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Only as many X-Forwarded-For hops as there are proxies of ours: the rest is forgeable.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)
    https = app.config["PUBLIC_BASE_URL"].startswith("https://")

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy",
                           NO_FRAMING if request.path.startswith("/api/docs") else CONTENT_SECURITY_POLICY)
        if not _is_asset(request.endpoint):
            # Plans, contacts, key-safe codes and rotas must not wait in a browser's or a proxy's
            # cache; only the stylesheets and scripts say how long they may be kept.
            headers.setdefault("Cache-Control", "no-store")
        if https:
            headers.setdefault("Strict-Transport-Security", f"max-age={ONE_YEAR}; includeSubDomains")
        return response

    # The service's INFO lines (the local outbox transport's messages among them) show at the
    # default level; LOG_LEVEL changes that. app.logger puts Flask's handler on the logger.
    app.logger.setLevel(app.config["LOG_LEVEL"])
    install_log_redaction()
    app.add_template_filter(redact_secret_links)


def _is_asset(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static")
                                     or endpoint == "swagger_ui_asset")


def install_log_redaction() -> None:
    """On the loggers (records made there) and on every handler they and the root logger
    have (records that propagate from the service's module loggers)."""
    for name in (*REDACTED_LOGGERS, ""):
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactSecrets) for f in target.filters):
                target.addFilter(RedactSecrets())
