"""The README's permission tables are the authorisation matrix's rules, rendered.

`scripts/permission_tables.py` renders them from `tests/security/authz_rules.py` (the cases
`test_authz_matrix.py` checks cell by cell); these tests fail when README.md says otherwise.
"""

from __future__ import annotations

from scripts import permission_tables as pt
from tests.security.authz_rules import RULES, TARGETS


def test_readme_tables_are_the_rules() -> None:
    current = pt.README.read_text(encoding="utf-8")
    assert pt.render_readme(current) == current, (
        "README.md's permission tables differ from tests/security/authz_rules.py: run "
        "`.venv/bin/python -m scripts.permission_tables --write` and commit README.md")


def test_every_case_is_about_a_known_kind_of_object() -> None:
    used = {case.target for case in RULES if case.target}
    assert used <= set(TARGETS), f"add to TARGETS in authz_rules.py: {sorted(used - set(TARGETS))}"
    assert set(TARGETS) <= used, f"TARGETS no case uses: {sorted(set(TARGETS) - used)}"


def test_every_route_is_in_some_table() -> None:
    rendered = "\n".join(pt.tables().values())
    for case in RULES:
        assert f"`{case.method} {case.path}`" in rendered, case.key


def _row(domain: str, route: str) -> list[str]:
    [row] = [line for line in pt.table(domain).splitlines() if line.startswith(f"| `{route}`")]
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_rows_say_what_the_rules_say() -> None:
    """The two rows the hand-written README had wrong, as the code and the matrix have them:
    the owning firm and administrators assign and unassign a demand's brokers; anyone logged
    in downloads the import template, only institutes import."""
    for method in ("POST", "DELETE"):
        path = ("/api/v1/demands/{demand_id}/brokers" if method == "POST"
                else "/api/v1/demands/{demand_id}/brokers/{broker_id}")
        route, visitor, firm, institute, broker, _, _, admin, _ = _row("listings",
                                                                        f"{method} {path}")
        assert (visitor, firm, institute, broker, admin) == (
            "401", "own ✓ · other 403", "403", "403", "✓"), route
    assert _row("listings", "GET /api/v1/achievements/import/template")[1:8] == [
        "401", "✓", "✓", "✓", "✓", "✓", "✓"]
    assert _row("listings", "POST /api/v1/achievements/import")[1:8] == [
        "401", "403", "✓", "403", "403", "403", "403"]
    # A broker's relations show only where the object has them.
    assert _row("deals", "POST /api/v1/deals/{deal_id}/invitation/accept")[4] == (
        "own 409 · invited ✓ · other 404")


def test_a_stale_table_is_found() -> None:
    current = pt.README.read_text(encoding="utf-8")
    begin, _ = pt._markers("listings")
    stale = current.replace(begin + "\n", begin + "\n| `GET /api/v1/demands` | 401 |\n", 1)
    assert stale != current and pt.render_readme(stale) == current
