"""Needs found with the firm: help requests, visits, drafted demands, confidential dossiers,
the broker directory and earned grades (`service.py` is the front door)."""
