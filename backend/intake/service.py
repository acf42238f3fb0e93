"""The intake domain's front door: what other domains call, and where each rule lives.

  help requests, routing, escalation   requests.py, routing.py, workdays.py
  visits and their files               visits.py, files.py
  demands drafted for a firm           drafts.py
  confidential dossiers and terms      dossiers.py, terms.py
  the directory and the record         directory.py, record.py
  grades, training, promotion rules    grades.py, grading.py (pure), demotion.py
  grade gates                          backend/accounts/gates.py (a broker's grade against
                                       the settings: listings and deals check it too)

Other domains use the names below. `demotion` registers itself with integrity's dishonesty
list as it loads (a listed broker drops a grade), so integrity does not import intake.
"""

from __future__ import annotations

from backend.accounts.gates import Gate, require_for_deal, require_grade
from backend.intake.demotion import demote_for_finding
from backend.intake.record import confirmed_evidence

__all__ = ["Gate", "confirmed_evidence", "demote_for_finding", "require_for_deal",
           "require_grade"]
