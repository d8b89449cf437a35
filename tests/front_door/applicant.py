"""A test client that fills in the public pages as a carer's browser would, with each form's CSRF
token. Phone numbers are Ofcom drama numbers, in the front door's range (+447700900800..899)."""
import re

from sqlalchemy import select

from emergency.extensions import db
from emergency.outbox.models import OutboxMessage

CARER_MOBILE = "07700 900801"
ABOUT_YOU = {"name": "Margaret Hughes", "mobile": CARER_MOBILE, "email": "margaret@example.org",
             "address.line1": "14 Brudenell Grove", "address.town": "Leeds", "address.postcode": "ls6 1hr",
             "preferred_language": "English", "contact_by": "text"}
ARTHUR = {"name": "Arthur Hughes", "needs": "Help with meals and washing", "conditions": "Alzheimer's disease",
          "medication": "Donepezil 10 mg at night", "medication_location": "kitchen cupboard",
          "gp.name": "Dr Patel", "gp.practice": "Hyde Park Surgery", "gp.phone": "0113 496 0301",
          "can_be_left_alone": "yes", "safe_alone_hours": "2"}
JOAN = {"name": "Joan Hughes", "needs": "Needs help to stand", "can_be_left_alone": "no"}
CONTACTS = [
    {"name": "Susan Hughes", "relationship": "daughter", "mobile": "07700 900802", "holds_key": "yes", "when": "any"},
    {"name": "Tom Baker", "relationship": "neighbour", "mobile": "07700 900803", "holds_key": "no", "when": "times",
     "days": ["mon", "tue"], "from": "18:00", "to": "08:00"},
    {"name": "Priya Shah", "relationship": "friend", "mobile": "07700 900804", "holds_key": "no", "when": "any"},
]


class Applicant:
    def __init__(self, app, address="192.0.2.10"):
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address

    def token(self) -> str:
        with self.client.session_transaction() as session:
            return session.get("csrf", "")

    def get(self, path):
        return self.client.get(path)

    def post(self, path, **fields):
        return self.client.post(path, data={"csrf": self.token(), **fields})

    def start(self, path="/apply"):
        self.get(path)
        return self.post(path)

    def apply_until_declaration(self, about=None, cared_for=(ARTHUR, JOAN), contacts=CONTACTS):
        assert self.start().status_code == 302
        assert self.post("/apply/about-you", **(about or ABOUT_YOU)).status_code == 302
        for number, person in enumerate(cared_for, 1):
            assert self.post(f"/apply/cared_for/{number}", **person).status_code == 302
            more = "yes" if number < len(cared_for) else "no"
            assert self.post("/apply/cared-for", another=more).status_code == 302
        assert self.post("/apply/getting-in", how_to_get_in="Key safe by the back door",
                         key_holders="").status_code == 302
        for number, contact in enumerate(contacts, 1):
            assert self.post(f"/apply/contacts/{number}", **contact).status_code == 302
            if number >= 2:
                more = "yes" if number < len(contacts) else "no"
                assert self.post("/apply/contacts", another=more).status_code == 302
        assert self.get("/apply/check").status_code == 200

    def declare(self):
        return self.post("/apply/declaration", declared="yes")


def texts_to(number_e164: str) -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.to_number == number_e164)
                                   .order_by(OutboxMessage.id)))


def code_texted_to(number_e164: str) -> str:
    return re.search(r"your code is ([0-9]{6})", texts_to(number_e164)[-1]).group(1)
