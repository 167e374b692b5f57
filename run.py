"""Entry point: `flask --app run …` and `gunicorn run:app`."""

from app import create_app
from app.gc_tuning import freeze_startup_objects

app = create_app()
freeze_startup_objects()  # full collections walk only what requests leave behind (app/gc_tuning.py)
