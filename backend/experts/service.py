"""The experts domain's front door: the pool, conflicts of interest, proof-of-concept reviews.

The rules live in `pool.py` (invitations, registration, profiles, load), `conflicts.py`
(conflicts of interest, computed and explained), `poc.py` (requests, panels, answers,
reviews, outcomes), `scoring.py` (the review form and the aggregation) and `views.py` (what
each reader sees); other domains and the router call them through this module.
"""

from __future__ import annotations

from backend.experts import conflicts, poc, pool, scoring, views

__all__ = ["conflicts", "poc", "pool", "scoring", "views"]
