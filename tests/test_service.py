"""The HTTP service against real uvicorn servers on loopback (not a test client)."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from click.testing import CliRunner

from locaudit import Checker
from locaudit.cli import main
from locaudit.models import output_schema
from locaudit.service import MAX_BATCH, create_app
from tests.conftest import example_notes
from tests.servers import ThreadServer

CANARY = "CANARY-PHI-5150"


def _post(server, path: str, **kwargs) -> httpx.Response:
    return httpx.post(f"{server.base_url}{path}", timeout=60, **kwargs)


@pytest.mark.parametrize("example", ["ex-two-lesions", "ex-bracketing", "ex-missing-side"])
def test_http_check_equals_cli_check_json(http_server, cli_record, example):
    text = example_notes()[example]
    response = _post(http_server, "/v1/check", json={"id": example, "text": text})
    assert response.status_code == 200
    assert response.json() == cli_record(text, example)


def test_http_batch_equals_cli_in_order(http_server, cli_record):
    notes = example_notes()
    ids = ["ex-two-lesions", "ex-ct-chest", "ex-one-lesion"]
    body = {"notes": [{"id": i, "text": notes[i]} for i in ids] + [{"text": ""}]}
    response = _post(http_server, "/v1/check/batch", json=body)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [*ids, "note:4"]
    assert results[:3] == [cli_record(notes[i], i) for i in ids]
    assert results[3]["error"]["kind"] == "empty_text"


def test_http_records_are_contract_valid(http_server):
    import jsonschema

    record = _post(http_server, "/v1/check", json={"text": example_notes()["ex-one-lesion"]})
    assert record.json()["id"] == "note"
    jsonschema.validate(record.json(), output_schema())


def test_http_batch_is_bounded(http_server):
    body = {"notes": [{"text": "Chest CT."}] * (MAX_BATCH + 1)}
    response = _post(http_server, "/v1/check/batch", json=body)
    assert response.status_code == 422
    assert _post(http_server, "/v1/check/batch", json={"notes": []}).json() == {"results": []}


def test_http_billed_accepted(http_server):
    text = example_notes()["ex-two-lesions"]
    plain = _post(http_server, "/v1/check", json={"text": text}).json()
    billed = _post(http_server, "/v1/check", json={"text": text, "billed": ["19283-LT"]}).json()
    assert billed == plain and billed["billed_check"] is None


def test_http_health_and_version(http_server):
    assert httpx.get(f"{http_server.base_url}/healthz").json() == {"status": "ok"}
    version = httpx.get(f"{http_server.base_url}/version").json()
    assert version == Checker().version.model_dump()


def test_http_openapi_uses_the_contract_models(http_server):
    spec = httpx.get(f"{http_server.base_url}/openapi.json").json()
    assert set(spec["paths"]) >= {"/v1/check", "/v1/check/batch", "/healthz", "/version"}
    schemas = spec["components"]["schemas"]
    assert set(schemas["Assessment"]["properties"]) == set(output_schema()["properties"])


def test_http_binds_loopback_by_default(http_server):
    assert "Uvicorn running on http://127.0.0.1:" in http_server.logs()


def test_http_bad_requests_are_4xx_with_clear_messages_and_no_note_text(http_server):
    """Bad JSON, wrong types, too large, wrong content type: 4xx, never 5xx, never the note."""
    cases = [
        (422, {"content": f'{{"text": "{CANARY} wire', "headers": _JSON}),
        (422, {"json": {"text": [CANARY]}}),
        (422, {"json": {"id": {"x": CANARY}, "text": "wire"}}),
        (422, {"json": {"notes": CANARY}}),
        (422, {"content": CANARY.encode(), "headers": {"content-type": "text/plain"}}),
        (413, {"json": {"text": CANARY + " wire" * 300_000}}),
    ]
    for status, kwargs in cases:
        response = _post(http_server, "/v1/check", **kwargs)
        assert response.status_code == status, (status, response.text)
        assert CANARY not in response.text
        assert response.json()["detail"]
    bad_json = _post(http_server, "/v1/check", content=b'{"text": ', headers=_JSON)
    assert bad_json.json()["detail"][0]["msg"] == "the request body is not valid JSON"
    too_large = _post(http_server, "/v1/check/batch", content=b"x" * 2_000_000, headers=_JSON)
    assert too_large.status_code == 413 and "limit" in too_large.json()["detail"]


def test_http_chunked_body_over_the_limit_is_413(http_server):
    """No Content-Length (a streamed upload): the limit is counted as the body arrives."""

    def chunks():
        for _ in range(40):
            yield b"x" * 50_000

    response = _post(http_server, "/v1/check", content=chunks(), headers=_JSON)
    assert response.status_code == 413


def test_http_logs_hold_no_note_text(http_server):
    note = f"Patient {CANARY}. " + example_notes()["ex-two-lesions"]
    assert _post(http_server, "/v1/check", json={"text": note}).status_code == 200
    _post(http_server, f"/v1/check?note={CANARY}", json={"text": note})
    _post(http_server, "/v1/check", content=f'{{"text": "{CANARY}', headers=_JSON)
    logs = http_server.logs()
    assert '"POST /v1/check" 200' in logs  # the access log is on, without the query string
    assert CANARY not in logs


_JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def token_server():
    server = ThreadServer(create_app(Checker(), token="s3cret-token", max_body_bytes=4096))
    yield server
    server.stop()


def test_http_bearer_token_guards_all_but_healthz(token_server):
    url = token_server.base_url
    body = {"text": "Chest CT."}
    assert httpx.post(f"{url}/v1/check", json=body).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert httpx.post(f"{url}/v1/check", json=body, headers=wrong).status_code == 401
    assert httpx.get(f"{url}/version").status_code == 401
    good = {"Authorization": "Bearer s3cret-token"}
    assert httpx.post(f"{url}/v1/check", json=body, headers=good).json()["verdict"]
    assert httpx.get(f"{url}/version", headers=good).status_code == 200
    assert httpx.get(f"{url}/healthz").status_code == 200


def test_http_max_body_bytes_is_configurable(token_server):
    good = {"Authorization": "Bearer s3cret-token"}
    body = {"text": "wire " * 1000}
    response = httpx.post(f"{token_server.base_url}/v1/check", json=body, headers=good)
    assert response.status_code == 413


class _Exploding(Checker):
    def check(self, text, billed=None, *, record_id="note"):
        raise RuntimeError(f"failed on {text}")


def test_http_unexpected_exception_is_500_without_note_text(caplog):
    server = ThreadServer(create_app(_Exploding()))
    try:
        with caplog.at_level(logging.INFO):
            response = httpx.post(f"{server.base_url}/v1/check", json={"text": CANARY})
    finally:
        server.stop()
    assert response.status_code == 500 and CANARY not in response.text
    assert "unhandled RuntimeError" in caplog.text
    assert CANARY not in caplog.text


def test_cli_serve_port_passes_loopback_and_token_from_env(monkeypatch):
    import locaudit.service

    seen: dict = {}
    monkeypatch.setattr(locaudit.service, "serve_http", lambda checker, **kw: seen.update(kw))
    monkeypatch.setenv("MY_TOKEN", "abc")
    args = ["serve", "--port", "9999", "--token-env", "MY_TOKEN", "--max-body-bytes", "10"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert seen == {"host": "127.0.0.1", "port": 9999, "token": "abc", "max_body_bytes": 10}
    monkeypatch.delenv("LOCAUDIT_TOKEN", raising=False)
    CliRunner().invoke(main, ["serve", "--port", "9999"])
    assert seen["token"] is None


def test_http_concurrent_clients_get_the_sequential_records(http_server):
    from concurrent.futures import ThreadPoolExecutor

    notes = example_notes()
    jobs = [{"id": i, "text": notes[i]} for i in notes if notes[i]] * 4
    with httpx.Client(base_url=http_server.base_url, timeout=60) as client:
        sequential = [client.post("/v1/check", json=job).json() for job in jobs]
    with ThreadPoolExecutor(max_workers=6) as pool:
        concurrent = list(
            pool.map(lambda job: httpx.post(f"{http_server.base_url}/v1/check", json=job), jobs)
        )
    assert [r.json() for r in concurrent] == sequential
    assert json.dumps(sequential).count('"verdict": "supported"') >= 4
