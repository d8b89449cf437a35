"""The web process: gunicorn and `flask --app wsgi run` load this. Command-line tasks use
`flask --app emergency ...`, which builds the app without starting background jobs."""
from emergency import create_app
from emergency.scheduling import start_scheduler

app = create_app()
start_scheduler(app)
