"""What the probe of issue 12 found in the API's input and CSV handling, each pinned by a test:
formula injection in CSV, deeply nested JSON, request size, the officer filter, Excel's BOM."""
import csv
import io

import pytest
from freezegun import freeze_time

from config import TestConfig
from emergency import create_app
from emergency.csv_cells import spreadsheet_safe
from tests.api.test_rota_api import PLANNING_DAY, add_officer, month_of_cover, team  # noqa: F401  fixtures

SPAN = {"from": "2026-12-01 00:00", "to": "2026-12-03 00:00"}


@pytest.mark.parametrize("typed, written", [
    ("=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"),
    ("+SUM(1,2)", "'+SUM(1,2)"), ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"),
    ("Priya Shah", "Priya Shah"), ("+447700900101", "+447700900101"), ("-5", "-5"), ("", ""), (3, 3), (None, None),
])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(typed, written):
    assert spreadsheet_safe(typed) == written


def test_an_officer_named_like_a_formula_is_exported_as_text(coordinator, team):  # noqa: F811
    officer_id = add_officer(coordinator, '=HYPERLINK("http://evil.example","Click")', "07700 900109")
    with freeze_time(PLANNING_DAY):
        coordinator.post("/api/v1/rota/overrides", json={
            "kind": "add", "tier": 1, "officer_id": officer_id, "starts_at": "2026-12-01 17:00",
            "ends_at": "2026-12-02 09:00"})
    exported = coordinator.get("/api/v1/rota/shifts.csv", query_string=SPAN).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["officer_name"] for row in rows] == ["'=HYPERLINK(\"http://evil.example\",\"Click\")"]
    assert rows[0]["officer_mobile"] == "+447700900109"  # a phone number is not a formula: kept as it is


def test_the_officer_filter_works_on_shifts_and_their_csv(coordinator, month_of_cover):  # noqa: F811
    priya = month_of_cover["priya"]
    shifts = coordinator.get("/api/v1/rota/shifts", query_string={**SPAN, "officer_id": str(priya)})
    assert shifts.status_code == 200, shifts.json
    assert shifts.json and {shift["officer_id"] for shift in shifts.json} == {priya}
    exported = coordinator.get("/api/v1/rota/shifts.csv", query_string={**SPAN, "officer_id": priya})
    assert exported.status_code == 200
    names = {row["officer_name"] for row in csv.DictReader(io.StringIO(exported.get_data(as_text=True)))}
    assert names == {"Priya Shah"}
    refused = coordinator.get("/api/v1/rota/shifts", query_string={**SPAN, "officer_id": "priya"})
    assert refused.status_code == 422 and "officer_id" in refused.json["errors"]["query"]


def test_a_rota_csv_saved_by_excel_with_a_byte_order_mark_is_accepted(coordinator, month_of_cover):  # noqa: F811
    csv_text = ("officer_mobile,officer_name,tier,starts,ends,note\r\n"
                "07700 900103,Ann Lee,3,2026-12-24 17:00,2026-12-25 09:00,Christmas Eve\r\n")
    with freeze_time(PLANNING_DAY):
        response = coordinator.post("/api/v1/rota/shifts.csv", data=b"\xef\xbb\xbf" + csv_text.encode(),
                                    content_type="text/csv")
    assert response.status_code == 201, response.json
    assert response.json["imported"] == 1


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000, "[" * 3_000 + "]" * 3_000])
def test_deeply_nested_json_is_refused_as_invalid_json(coordinator, body):
    response = coordinator.post("/api/v1/plans", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "invalid JSON" in response.json["message"]


@pytest.mark.parametrize("body", ["[" * 100_000, "[" * 3_000 + "]" * 3_000])
def test_deeply_nested_json_sent_in_chunks_is_refused_as_invalid_json(coordinator, body):
    """Transfer-Encoding: chunked, as gunicorn hands it on: no Content-Length, a stream that ends."""
    response = coordinator.post("/api/v1/plans", input_stream=io.BytesIO(body.encode()),
                                headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
                                environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 400
    assert "invalid JSON" in response.json["message"]


def test_a_body_over_the_size_limit_gets_413_with_a_clear_message(app, coordinator):
    response = coordinator.post("/api/v1/plans", data=b'{"notes": "' + b"x" * 1_100_000 + b'"}',
                                content_type="application/json")
    assert response.status_code == 413
    assert response.json["message"] == "the request is too large: at most 1024 KB"


def test_the_size_limit_is_a_setting(database_url):

    app = create_app(TestConfig(environ={"DATABASE_URL": database_url, "MAX_CONTENT_LENGTH": "10240"}))
    assert app.config["MAX_CONTENT_LENGTH"] == 10 * 1024
    with app.app_context():
        response = app.test_client().post("/api/v1/plans", json={"notes": "x" * 20_000})
    assert response.status_code == 413 and response.json["message"] == "the request is too large: at most 10 KB"


def test_a_console_login_with_a_huge_password_gets_a_page_not_a_hash(client):
    response = client.post("/console/login", data={"username": "cora", "password": "p" * 2_000_000})
    assert response.status_code == 413
    assert response.mimetype == "text/html" and "The request is too large: at most 1024 KB" in response.get_data(as_text=True)


def test_the_csv_import_has_its_own_larger_limit(app, coordinator, month_of_cover):  # noqa: F811
    header = "officer_mobile,officer_name,tier,starts,ends,note\n"
    row = "07700 900103,Ann Lee,3,2026-12-24 17:00,2026-12-25 09:00," + "n" * 400 + "\n"
    big = header + row * 3_000  # about 1.4 MB: over the general limit, under the import's
    response = coordinator.post("/api/v1/rota/shifts.csv", data=big, content_type="text/csv")
    assert response.status_code == 201, response.json
    too_big = header + row * 30_000
    response = coordinator.post("/api/v1/rota/shifts.csv", data=too_big, content_type="text/csv")
    assert response.status_code == 413 and "at most" in response.json["message"]
