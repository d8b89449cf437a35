"""Who may do what: the roles a user can have, and the rules that read them. Pure."""
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    DUTY_OFFICER = "duty_officer"
    MONITOR = "monitor"  # reads /metrics and nothing else


ROLES = tuple(Role)
# Roles that may change plans, the rota and incidents, and read key-safe codes and history.
EDITORS = (Role.ADMIN, Role.COORDINATOR)
# Roles that use the API and console at all (a monitor only reads /metrics).
EVERY_ROLE = (Role.ADMIN, Role.COORDINATOR, Role.DUTY_OFFICER)


def may_edit(user) -> bool:
    return user is not None and user.role in EDITORS


def sees_only_own_asks(user) -> bool:
    """A duty officer sees only their own shifts and the incidents they were asked about."""
    return user.role == Role.DUTY_OFFICER


def has_console(user) -> bool:
    """A monitor account only reads /metrics: it cannot log in to the console."""
    return user.role != Role.MONITOR
