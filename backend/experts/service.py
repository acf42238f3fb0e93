"""The experts domain's front door: the pool, conflicts of interest, proof-of-concept reviews.

The rules live in `pool.py` (invitations, registration, profiles, load), `conflicts.py`
(conflicts of interest, computed and explained), `poc.py` (requests, panels, answers,
reviews, outcomes), `dossier.py` (the files an institute attaches for its panel),
`scoring.py` (the review form and the aggregation), `views.py` (what each reader sees) and
`report_pdf.py` (the report as a PDF);
other domains and the router call them through this module.
"""

from __future__ import annotations

from backend.experts import conflicts, dossier, poc, pool, report_pdf, scoring, views

__all__ = ["conflicts", "dossier", "poc", "pool", "report_pdf", "scoring", "views"]
