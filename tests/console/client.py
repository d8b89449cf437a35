"""A test client that uses the console as a browser would: the login form with its CSRF token."""
import re

PASSWORD = "correct horse battery"


class Browser:
    """A test client that logs in through the form and sends each form's CSRF token."""

    def __init__(self, app, address="127.0.0.1"):
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address
        self.csrf = None

    def log_in(self, username, password=PASSWORD, next_page=None):
        form = self.client.get("/console/login").get_data(as_text=True)
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        path = "/console/login" + (f"?next={next_page}" if next_page else "")
        response = self.client.post(path, data={"username": username, "password": password, "csrf": token})
        if response.status_code == 302:
            self.csrf = re.search(r'name="csrf" value="([^"]+)"', self.page("/console/")).group(1)
        return response

    def page(self, path):
        response = self.client.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def submit(self, path, **fields):
        return self.client.post(path, data={"csrf": self.csrf, **fields})


def words(html: str) -> str:
    """A page's text as a person reads it: no tags, no hidden words, single spaces."""
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', " ", html, flags=re.S)
    html = re.sub(r"</?(a|span|strong|em|b|code|time|abbr)\b[^>]*>", "", html)  # inline: no space of its own
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return re.sub(r"\s+", " ", text).strip()


def error_summary(html: str) -> str:
    """The words of the page's error summary, or "" when it has none."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return words(found.group(0)) if found else ""
