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
