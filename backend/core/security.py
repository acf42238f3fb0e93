"""Password hashing (Argon2id) and signed access tokens (JWT, HS256)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.config import get_settings
from backend.core.types import utcnow

_hasher = PasswordHasher()
# Verified when the user does not exist, so a missing account takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_access_token(user_id: int, session_id: str, role: str) -> tuple[str, int]:
    settings = get_settings()
    now = utcnow()
    ttl = timedelta(minutes=settings.access_token_minutes)
    payload = {"sub": str(user_id), "sid": session_id, "role": role,
               "iat": now, "exp": now + ttl, "typ": "access"}
    return jwt.encode(payload, settings.secret_key, algorithm="HS256"), int(ttl.total_seconds())


def decode_access_token(token: str) -> dict[str, Any] | None:
    """The token's claims, or None if it is malformed, forged or expired."""
    try:
        claims: dict[str, Any] = jwt.decode(token, get_settings().secret_key,
                                            algorithms=["HS256"],
                                            options={"require": ["sub", "sid", "exp"]})
    except jwt.PyJWTError:
        return None
    return claims if claims.get("typ") == "access" else None


def expires_in(days: int) -> datetime:
    return utcnow() + timedelta(days=days)
