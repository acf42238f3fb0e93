"""The demo's Wenzhou pumps-and-valves chain: seeded with its listings placed on it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.demo.chain_data import CODE
from backend.demo.data import seed


def test_the_demo_chain_is_seeded_with_placements(client: TestClient, db: Session) -> None:
    firm = next(x for x in seed() if x.role == "firm")
    token = client.post("/api/v1/auth/token", data={"username": firm.username,
                                                    "password": firm.password}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    chains = client.get("/api/v1/chains", headers=headers).json()
    assert [c["code"] for c in chains] == [CODE]
    placed = client.get(f"/api/v1/chains/{chains[0]['id']}/placements", headers=headers).json()
    assert len({(p["listing_kind"], p["listing_id"]) for p in placed}) >= 40
    nodes = {n["node_key"]: n for n in client.get(
        f"/api/v1/chains/{chains[0]['id']}/figures", headers=headers).json()["nodes"]}
    assert len(nodes) == 11 and nodes["mech_seals"]["marks"] == ["bottleneck"]
