"""Every matches test gets its own index directory (hash encoder: instant, no models)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.matches import fit
from backend.matches.index import IndexService, use_index_service


@pytest.fixture(autouse=True)
def index_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[IndexService]:
    fit.forget()  # read from another test's (rolled back) database
    monkeypatch.setattr(fit, "REBUILD_AFTER", 0.0)  # follow every index change at once
    service = IndexService(tmp_path / "index", "hash", save_delay=0)  # every change saved at once
    use_index_service(service)
    yield service
    use_index_service(None)
    service.close()
