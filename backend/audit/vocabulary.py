"""Every audit action and object type the services write: the OpenAPI document lists them
(`AuditEntryOut.action`, `.object_type`), so the UI shows each in words, never as a code.
tests/core/test_vocabulary.py fails when a service writes one that is not here."""

from __future__ import annotations

ACTIONS: tuple[str, ...] = (
    # accounts
    "user.register", "user.create_admin",
    "organisation.register", "organisation.update", "organisation.verified",
    "organisation.rejected", "organisation.reveal_identity",
    "broker.register", "broker.verified", "broker.rejected",
    # listings
    "demand.create", "demand.update", "demand.publish", "demand.withdraw", "demand.close",
    "demand.negotiate", "demand.release", "demand.fulfil", "demand.expire",
    "demand.assign_broker", "demand.unassign_broker", "demand.hide", "demand.unhide",
    "demand.import",
    "achievement.create", "achievement.update", "achievement.publish", "achievement.withdraw",
    "achievement.transfer", "achievement.hide", "achievement.unhide", "achievement.import",
    "field.create", "field.update",
    # matching
    "matching.reindex", "matching.rebuild",
    # deals
    "deal.open", "deal.accept", "deal.decline", "deal.transition", "deal.note",
    "deal.broker_invite", "deal.invitation_accept", "deal.invitation_decline",
    "deal.invitation_withdraw", "deal.shares_change", "deal.shares_propose",
    "deal.shares_accept", "deal.shares_reject",
    "contract.record", "contract.update", "contract.register", "contract_file.upload",
    "payment.record",
    # rewards
    "policy.create", "policy.revise",
    "claim.submit", "claim.review", "claim.approve", "claim.reject", "claim.pay",
    "claim.claw_back", "clawback.create", "clawback.recover",
    "payout.create", "payout.pay", "payout.cancel",
    # integrity
    "integrity.scan", "integrity.scan_request", "flag.dismiss", "flag.confirm",
    "dishonesty.list", "dishonesty.revoke",
    # the log itself
    "audit.prune",
)

OBJECT_TYPES: tuple[str, ...] = (
    "user", "organisation", "broker", "demand", "achievement", "field", "matching_index",
    "deal", "deal_event", "contract", "contract_file", "payment", "reward_policy",
    "reward_claim", "claw_back", "payout_batch", "integrity_scan", "integrity_flag",
    "dishonesty_listing", "audit_head", "demo",
)
