"""The console's tests share a world (a plan, a rota, a coordinator with a password) and
Cora, that coordinator, logged in through the form."""
import pytest

from emergency.extensions import db
from emergency.users import service as users
from tests.console.client import PASSWORD, Browser
from tests.scenarios.conftest import World


@pytest.fixture
def world(app):
    world = World(app)
    users.set_password(world.coordinator, PASSWORD)
    db.session.commit()
    return world


@pytest.fixture
def cora(app, world):
    browser = Browser(app)
    assert browser.log_in("cora").status_code == 302
    return browser
