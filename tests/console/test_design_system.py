"""Every page on the GOV.UK Design System, branded for the council and not for GOV.UK: the
council's name, logo and colour from the settings; no Crown, no GOV.UK logotype; the assets
served from the service itself; the favicon; and the error pages (the API keeps its JSON)."""
import pytest

from config import Config, TestConfig
from emergency import create_app
from emergency.extensions import db
from emergency.users import service as users
from tests.conftest import NOW
from tests.console.client import PASSWORD, Browser, words

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def branded_app(database_url, **settings):
    config = TestConfig(environ={"DATABASE_URL": database_url, **settings})
    return create_app(config)


@pytest.fixture
def northbridge(database_url, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text(LOGO)
    app = branded_app(database_url, COUNCIL_NAME="Northbridge Council", COUNCIL_BRAND_COLOUR="#00513f",
                      COUNCIL_LOGO_FILE=str(logo))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_header_is_the_councils_with_its_logo_and_colour_and_nothing_of_gov_uk(northbridge):
    client = northbridge.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    header = page.split("<header")[1].split("</header>")[0]
    assert "Northbridge Council" in words(header) and "Carers Emergency Line" in words(header)
    assert '<img class="app-council-logo" src="/brand/logo" alt=""' in header
    assert '<link rel="stylesheet" href="/brand.css">' in page
    for gov_uk in ("GOV.UK", "govuk-header__logotype", "govuk-logo", "crest", "crown", "Crown copyright",
                   "govuk-icon", "GDS Transport"):
        assert gov_uk.lower() not in page.lower(), gov_uk
    brand = client.get("/brand.css")
    assert brand.mimetype == "text/css" and ".govuk-generic-header, .app-header { background-color: #00513f; }" in (
        brand.get_data(as_text=True))
    logo = client.get("/brand/logo")
    assert logo.mimetype == "image/svg+xml" and logo.get_data(as_text=True) == LOGO
    logo.close()


def test_without_a_council_name_the_header_names_the_service_and_there_is_no_logo_or_colour(client):
    page = client.get("/console/login").get_data(as_text=True)
    assert "Carers Emergency Line" in words(page.split("<header")[1].split("</header>")[0])
    assert "/brand.css" not in page and "app-council-logo" not in page
    assert client.get("/brand.css").status_code == 404 and client.get("/brand/logo").status_code == 404


@pytest.mark.parametrize("colour, said", [
    ("#ffdd00", "too light for the header's white words (contrast 1.3:1, at least 4.5:1 is needed)"),
    ("blue", "must be a colour like #1d4e89"),
])
def test_a_brand_colour_the_header_cannot_use_is_refused_at_start_up(colour, said):
    with pytest.raises(RuntimeError, match=said.replace("(", r"\(").replace(")", r"\)")):
        Config(environ={"COUNCIL_BRAND_COLOUR": colour}).check()


def test_a_logo_that_is_not_there_or_not_an_image_is_refused_at_start_up(tmp_path):
    with pytest.raises(RuntimeError, match="is not a file this server can read"):
        Config(environ={"COUNCIL_LOGO_FILE": str(tmp_path / "missing.png")}).check()
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    with pytest.raises(RuntimeError, match="must be an .svg or .png file"):
        Config(environ={"COUNCIL_LOGO_FILE": str(tmp_path / "logo.gif")}).check()


def test_the_design_systems_assets_and_the_favicon_come_from_the_service_itself(client):
    for path, kind in (("/assets/govuk-frontend.min.css", "text/css"), ("/assets/moj-frontend.min.css", "text/css"),
                       ("/assets/govuk-frontend.min.js", "javascript"), ("/assets/moj-frontend.min.js", "javascript"),
                       ("/static/js/board.js", "javascript"), ("/favicon.ico", "image/png"),
                       ("/static/favicon.svg", "image/svg+xml")):
        response = client.get(path)
        assert response.status_code == 200 and kind in response.mimetype, (path, response.status_code)
        response.close()
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    # No Crown: the GOV.UK icons and fonts are not even unpacked.
    for withheld in ("/assets/images/govuk-crest.svg", "/assets/images/favicon.ico", "/assets/fonts/bold-b542beb274-v2.woff2"):
        assert client.get(withheld).status_code == 404, withheld


def test_a_page_that_is_not_there_is_a_page_in_the_councils_style_and_the_api_keeps_its_json(client):
    missing = client.get("/no-such-page")
    page = missing.get_data(as_text=True)
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "<title>Page not found – Carers Emergency Line</title>" in page
    assert "Page not found If you typed the web address, check it is correct." in words(page)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/json" and api.json["code"] == 404


def test_a_page_a_person_may_not_see_and_a_record_that_is_not_there_say_so_in_plain_words(app):
    officer = users.create_user("dave", "Dave Duty", "duty_officer", NOW)
    users.set_password(officer, PASSWORD)
    db.session.commit()
    dave = Browser(app)
    dave.log_in("dave")
    refused = dave.client.get("/console/outbox")
    said = words(refused.get_data(as_text=True))
    assert refused.status_code == 403 and "You do not have permission to do this A duty officer may not do this." in said
    assert "Dave Duty (duty officer)" in said  # still inside the console, with its navigation
    gone = dave.client.get("/console/incidents/999")
    assert gone.status_code == 404 and "Page not found There is no incident 999 for you to see." in words(
        gone.get_data(as_text=True))


def test_a_server_error_is_a_page_that_says_sorry_and_gives_the_line_to_call(database_url):
    app = branded_app(database_url, LINE_PHONE_NUMBER="+441134960500")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/broken")
    def broken():
        return str(1 / 0)  # a bug nobody caught

    with app.app_context():
        response = app.test_client().get("/broken")
        said = words(response.get_data(as_text=True))
        db.engine.dispose()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service Try again later." in said
    assert "If someone needs help now, call the line on 0113 496 0500" in said
