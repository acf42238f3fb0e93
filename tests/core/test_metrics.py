from fastapi.testclient import TestClient


def _count(client: TestClient) -> float:
    for line in client.get("/metrics").text.splitlines():
        if (line.startswith("techbroker_http_requests_total{")
                and 'route="/api/v1/organisations/{org_id}"' in line and 'status="401"' in line):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    before = _count(client)
    client.get("/api/v1/organisations/12345")
    client.get("/api/v1/organisations/67890")
    assert _count(client) - before == 2
    body = client.get("/metrics").text
    assert "techbroker_http_request_duration_seconds_bucket" in body
    assert "/api/v1/organisations/12345" not in body
