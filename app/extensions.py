"""Extension objects, created once and bound in create_app().

FAB's AppBuilder keeps per-app state (its view list), so create_app() makes
a fresh one per app; reach it as `current_app.appbuilder`.
"""

from flask_appbuilder.models.sqla import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# FAB's declarative base owns the metadata: Alembic must see it (FAB-NOTES).
db = SQLA(metadata=Model.metadata)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
