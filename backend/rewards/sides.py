"""Which party a broker acted for on a claim: the buyer's side, the seller's, or (None) both."""

from __future__ import annotations

from enum import StrEnum


class ClaimSide(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
