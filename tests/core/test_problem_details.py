from fastapi.testclient import TestClient


def test_unknown_api_path_is_problem_json(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["instance"] == "/api/v1/nothing-here"


def test_validation_errors_name_fields_in_chinese_and_english(client: TestClient) -> None:
    r = client.post("/api/v1/auth/register/broker", json={"user": {}})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"user.username", "user.password", "person", "broker"} <= fields
    assert r.json()["errors"][0]["message"].startswith("必填项。")


def test_a_malformed_json_body_is_named_with_its_line_and_column(client: TestClient) -> None:
    r = client.post("/api/v1/auth/register/broker", content=b'{"user": }',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["detail"] == ("请求内容不是有效的 JSON（第 1 行第 10 列）。The request body is not "
                              "valid JSON (line 1, column 10).")
    assert body["errors"] == [{"field": "body", "message": body["detail"]}]
    r = client.post("/api/v1/auth/register/broker", content=b'{\n  "user": {,\n}',
                    headers={"Content-Type": "application/json"})
    assert "（第 2 行第 12 列）" in r.json()["detail"]
    assert "(line 2, column 12)" in r.json()["detail"]


def test_security_headers_and_request_id(client: TestClient) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert r.status_code == 200
    assert r.headers["X-Request-ID"] == "abc123"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_readyz_reports_the_database(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["status"] == "ready"
    assert r.json()["checks"] == {"database": "ok", "broker": "ok", "admission": "ok"}
