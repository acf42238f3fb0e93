"""Shared plumbing: types, errors, permissions, security, post-commit jobs."""
