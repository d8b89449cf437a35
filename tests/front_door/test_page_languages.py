"""The public pages in Welsh: chosen by a link on every page, kept for the visit, said in the
page's language to screen readers; with English alone, no language links at all."""
from tests.console.client import words
from tests.front_door.applicant import Applicant


def test_a_carer_chooses_welsh_and_every_page_after_is_in_welsh(app):
    app.config["LINE_LANGUAGES"] = ["en", "cy"]
    carer = Applicant(app)
    english = carer.get("/apply").get_data(as_text=True)
    assert "Apply for an emergency plan for carers" in english and 'hreflang="cy"' in english
    welsh = carer.get("/apply?lang=cy").get_data(as_text=True)
    assert '<html lang="cy"' in welsh and "Gwneud cais am gynllun argyfwng i ofalwyr" in words(welsh)
    assert 'hreflang="en"' in welsh and ">English<" in welsh
    response = carer.post("/apply")
    about_you = carer.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="cy"' in about_you and "Amdanoch chi" in words(about_you)


def test_a_language_the_line_does_not_offer_is_not_chosen_and_english_alone_shows_no_links(app):
    app.config["LINE_LANGUAGES"] = ["en"]
    carer = Applicant(app)
    page = carer.get("/apply?lang=cy").get_data(as_text=True)
    assert '<html lang="en"' in page and "Apply for an emergency plan for carers" in page
    assert "hreflang" not in page
