"""gunicorn reads this file from the directory it is started in: `gunicorn wsgi:app`.

The access log never shows the token of a details link or a calendar feed (both work without
a login); the error log goes through the service's redaction too, once the app is loaded."""
logger_class = "emergency.gunicorn_logging.RedactingLogger"
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
