"""The console's error messages for the providers' and cover forms (see console.messages)."""
from emergency.console.messages import Field, phone

PROVIDER = {
    "name": Field("Name", "the provider's name"),
    "bookings_phone": phone("Bookings phone", "the provider's 24-hour bookings number", "0113 496 0000"),
    "mobile": phone("Mobile for texts", "a UK mobile number for the provider's texts"),
    "email": Field("Email", "the provider's email address, like bookings@example.org"),
    "districts": Field("Postcode districts", "the postcode districts the provider covers, like LS6, LS7"),
    "capabilities": Field("What it can do", "what the provider can do", "Select"),
    "hourly_rate": Field("Hourly rate", "the hourly rate in pounds, like 24.50"),
    "contract_ends_on": Field("Contract ends", "the date the contract ends"),
    "_messages": {"Not a valid number.": "Enter the hourly rate in pounds, like 24.50",
                  "must be between 0 and 9999.99": "Enter the hourly rate in pounds, like 24.50"},
}
_PERIOD = {
    "starts_at": Field("Start", "when cover starts, like 04/12/2026 18:00"),
    "ends_at": Field("Planned end", "when cover is planned to end, like 06/12/2026 18:00"),
    "extension_reason": Field("Reason for longer cover", "why cover must last longer than the limit"),
}
ASK = {**_PERIOD,
       "provider_ids": Field("Providers", "at least one provider to ask", "Select"),
       "mode": Field("How to ask", "how to ask the providers", "Select"),
       "capabilities": Field("What the care needs", "what the care needs", "Select")}
BOOKING = {**_PERIOD,
           "provider_id": Field("Provider", "the provider you booked", "Select"),
           "note": Field("Note", "a note")}
END = {"outcome": Field("Outcome", "how the cover ended", "Select"), "note": Field("What happened", "what happened")}
EXTEND = {"ends_at": Field("New planned end", "the new planned end, like 07/12/2026 18:00"),
          "reason": Field("Reason", "why cover must last longer than the limit")}
REFERRAL = {"note": Field("Note", "a note")}
