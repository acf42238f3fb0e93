"""The intake domain's front door: what other domains call, and where each rule lives.

  help requests, routing, escalation   requests.py, routing.py, workdays.py
  visits and their files               visits.py, files.py
  demands drafted for a firm           drafts.py
  confidential dossiers and terms      dossiers.py, terms.py
  the directory and the record         directory.py, record.py
  grades, training, promotion rules    grades.py, grading.py (pure), demotion.py
  grade gates                          gates.py

Other domains use the names below. Two are leaves, imported where they are needed without
pulling in the rest (and so without an import cycle): `gates` (listings, deals) and
`demotion` (integrity, when a broker is listed as dishonest).
"""

from __future__ import annotations

from backend.intake.demotion import demote_for_finding
from backend.intake.gates import Gate, require_for_deal, require_grade
from backend.intake.record import confirmed_evidence

__all__ = ["Gate", "confirmed_evidence", "demote_for_finding", "require_for_deal",
           "require_grade"]
