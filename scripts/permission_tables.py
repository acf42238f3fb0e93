"""The README's permission tables, rendered from the authorisation matrix's rules.

    .venv/bin/python -m scripts.permission_tables            # print every domain's table
    .venv/bin/python -m scripts.permission_tables --check    # exit 1 when README.md differs
    .venv/bin/python -m scripts.permission_tables --write    # rewrite README.md's tables

The rules are `tests/security/authz_rules.py`, the ones `tests/security/test_authz_matrix.py`
sends as every kind of caller and checks. Each domain's table sits in README.md between
`<!-- permissions:DOMAIN:begin -->` and `<!-- permissions:DOMAIN:end -->`; the text around
the markers is written by hand and left alone. `tests/security/test_permission_tables.py`
fails when the README's tables differ from what this renders.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from tests.security.authz_rules import OK, RULES, TARGETS, Case, Expected

README = Path(__file__).resolve().parent.parent / "README.md"

# Domains in README order; a route belongs to the first whose pattern matches its path.
DOMAINS: list[tuple[str, str]] = [
    ("experts", r"^/api/v1/(experts|expert-invitations|poc-requests|review-assignments)"),
    ("matching", r"^/api/v1/(matches/|(demands|achievements)/\{\w+\}/matches$|brokers/search$)"),
    ("capital", r"^/api/v1/(investors|financing-requests)"),
    ("intake", r"^/api/v1/(help-requests|demand-drafts|dossiers|nda-terms|demands/\{\w+\}/dossier)"),
    ("directory", r"^/api/v1/(broker-directory|brokers/\{\w+\}/training|grade-rules|grade-proposals)"),
    ("rewards", r"^/api/v1/(reward-policies|claims|payouts|clawbacks|payee-accounts|integrity|"
                r"exports|stats|audit/(checkpoint|public-key))"),
    ("deals", r"^/api/v1/(deals|registry|notifications)"),
    ("challenges", r"^/api/v1/challenges"),
    ("listings", r"^/api/v1/(demands|achievements|fields)"),
    ("accounts", r""),  # the rest: accounts, organisations, audit log, health, documentation
]

# The matrix's callers as the tables' columns: (heading, relation to an object that is not
# theirs, relations to their own, in the order shown).
ROLES: list[tuple[str, str, tuple[tuple[str, str], ...]]] = [
    ("visitor", "anon", ()),
    ("firm", "firm", (("firm_own", "own"),)),
    ("institute", "inst", (("inst_own", "own"),)),
    ("broker", "broker", (("broker_own", "own"), ("invitee", "invited"),
                          ("cobroker", "co-broker"))),
    ("expert", "expert", (("expert_own", "own"),)),
    ("investor", "inv", (("inv_own", "own"),)),
    ("administrator", "admin", ()),
]

LEGEND = ("✓ allowed · 401 log in first · 403 refused to the role · 404 not in the caller's "
          "view (existence not revealed) · 409 refused in the state the matrix test leaves it "
          "in · own / other: the caller's object (their organisation's, their deal's, their "
          "own) / anyone else's. Generated from `tests/security/authz_rules.py`: run "
          "`python -m scripts.permission_tables --write` after changing a rule.")


def domain_of(path: str) -> str:
    for name, pattern in DOMAINS:
        if re.search(pattern, path):
            return name
    raise AssertionError(path)  # the last pattern matches everything


def _answer(expected: Expected) -> str:
    return "✓" if expected == OK else str(expected)


def _cell(case: Case, other: str, own: tuple[tuple[str, str], ...]) -> str:
    present = TARGETS[case.target][1] if case.target else frozenset()
    shown = [(word, case.rule[rel]) for rel, word in own if rel in present]
    if not shown or all(answer == case.rule[other] for _, answer in shown):
        return _answer(case.rule[other])
    parts = [f"{word} {_answer(answer)}" for word, answer in shown]
    return " · ".join([*parts, f"other {_answer(case.rule[other])}"])


def _route(case: Case) -> str:
    text = f"`{case.method} {case.path}`"
    what = ", ".join(x for x in (TARGETS[case.target][0] if case.target else "", case.label) if x)
    return f"{text} ({what})" if what else text


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def rows(cases: Iterable[Case]) -> list[str]:
    out: list[str] = []
    for case in cases:
        cells = [_route(case), *(_cell(case, other, own) for _, other, own in ROLES),
                 _escape(case.why)]
        row = "| " + " | ".join(cells) + " |"
        if row not in out:  # cases differing only in their request body
            out.append(row)
    return out


def table(domain: str) -> str:
    head = ["| route | " + " | ".join(heading for heading, _, _ in ROLES) + " | note |",
            "|---|" + ":-:|" * len(ROLES) + "---|"]
    body = rows(c for c in RULES if domain_of(c.path) == domain)
    return "\n".join([*head, *body, "", LEGEND])


def tables() -> dict[str, str]:
    return {name: table(name) for name, _ in DOMAINS}


def _markers(domain: str) -> tuple[str, str]:
    return f"<!-- permissions:{domain}:begin -->", f"<!-- permissions:{domain}:end -->"


def render_readme(text: str) -> str:
    """README.md's text with every domain's block replaced by its table."""
    for domain, rendered in tables().items():
        begin, end = _markers(domain)
        pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.DOTALL)
        found = list(pattern.finditer(text))
        if len(found) != 1:
            raise SystemExit(f"README.md needs exactly one {begin} … {end} block")
        start, stop = found[0].span()
        text = f"{text[:start]}{begin}\n{rendered}\n{end}{text[stop:]}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite README.md's tables")
    mode.add_argument("--check", action="store_true", help="exit 1 when README.md differs")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        for domain, rendered in tables().items():
            print(f"{_markers(domain)[0]}\n{rendered}\n{_markers(domain)[1]}\n")
        return 0
    current = README.read_text(encoding="utf-8")
    rendered_readme = render_readme(current)
    if args.check:
        if rendered_readme != current:
            print("README.md's permission tables differ from the rules: run "
                  "`python -m scripts.permission_tables --write`", file=sys.stderr)
            return 1
        return 0
    README.write_text(rendered_readme, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
