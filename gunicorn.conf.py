"""gunicorn reads this file from the directory it is started in: `gunicorn wsgi:app`.

The access log never shows the token of a details link or a calendar feed (both work without
a login); the error log goes through the service's redaction too, once the app is loaded."""
logger_class = "emergency.gunicorn_logging.RedactingLogger"
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# A webhook's time is mostly spent waiting on the database; with threads a worker takes other
# requests meanwhile, and keeps connections open between them. Sync workers (one request at a
# time, a new connection for each) served a fifth as many signed texts: see docs/benchmarks.md.
worker_class = "gthread"
threads = 4
