"""The outbox sits below every concept that sends messages: it reports delivery outcomes
through the hooks they subscribe to, and imports none of them (not telephony, not incidents),
so that it can carry any concept's messages and none of them can bounce back into it."""
import ast
from pathlib import Path

import emergency

ROOT = Path(emergency.__file__).resolve().parent.parent
OUTBOX = ROOT / "emergency" / "outbox"
# What the outbox may use besides itself: the database, time, and keeping secrets out of texts.
ALLOWED = ("emergency.outbox", "emergency.extensions", "emergency.database", "emergency.db_types", "emergency.clock",
           "emergency.redaction", "emergency.wakeup")


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module a file imports, at the top or inside a function, relative imports resolved."""
    package = ".".join(path.relative_to(root).parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from emergency import incidents`
    return found


def not_allowed(path: Path, root: Path = ROOT) -> set[str]:
    return {name for name in imported_modules(path, root)
            if name.startswith("emergency.")
            and not any(name == allowed or name.startswith(f"{allowed}.") for allowed in ALLOWED)}


def test_the_outbox_imports_neither_telephony_nor_incidents_nor_any_concept_above_it():
    files = sorted(OUTBOX.rglob("*.py"))
    assert {path.name for path in files} >= {"sender.py", "twilio_transport.py", "smtp_transport.py"}
    wrong = {f"{path.relative_to(ROOT)} imports {name}" for path in files for name in not_allowed(path)}
    assert wrong == set()


def test_the_import_check_sees_every_way_of_importing(tmp_path):
    checked = tmp_path / "emergency" / "outbox" / "any_file.py"
    checked.parent.mkdir(parents=True)
    checked.write_text("import emergency.telephony.incoming_texts\n"
                       "from emergency import incidents\n"
                       "def later():\n    from emergency.alerts.service import alert_coordinators\n"
                       "from . import sender\n"
                       "from ..telephony import sms_views\n"
                       "from emergency.outbox.models import OutboxMessage\n")
    assert not_allowed(checked, tmp_path) == {
        "emergency.telephony.incoming_texts", "emergency.incidents", "emergency.alerts.service",
        "emergency.alerts.service.alert_coordinators", "emergency.telephony", "emergency.telephony.sms_views"}
