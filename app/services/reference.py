"""Reference data every installation needs: roles/permissions and approval chains.

Idempotent; run by `flask db upgrade`, `flask seed` and `flask sync`.
"""

from flask import current_app

from app.security import sync_roles
from app.services.approvals import sync_chains
from app.services.sla_config import sync_default_policies


def sync_reference_data() -> None:
    sync_roles(current_app.appbuilder.sm)
    sync_chains()
    sync_default_policies()
