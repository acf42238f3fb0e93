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
    "organisation.join", "organisation.join_request", "organisation.join_approve",
    "organisation.join_decline", "organisation.invite", "organisation.invitation_revoke",
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
    "deal.open", "deal.request", "deal.request_accept", "deal.request_decline",
    "deal.accept", "deal.decline", "deal.transition", "deal.note",
    "deal.broker_invite", "deal.invitation_accept", "deal.invitation_decline",
    "deal.invitation_withdraw", "deal.shares_change", "deal.shares_propose",
    "deal.shares_accept", "deal.shares_reject",
    "contract.record", "contract.update", "contract.register", "contract_file.upload",
    "payment.record", "payment.correct", "payment.void", "contract.amend_registration",
    "evidence.confirm", "evidence.dispute",
    "registry.import",
    # rewards
    "policy.create", "policy.revise",
    "claim.submit", "claim.review", "claim.approve", "claim.reject", "claim.pay",
    "claim.claw_back", "clawback.create", "clawback.recover",
    "claim.recompute", "payee.set", "payee.verify",
    "payout.create", "payout.pay", "payout.cancel",
    # integrity
    "integrity.scan", "integrity.scan_request", "flag.dismiss", "flag.dismiss_request", "flag.confirm",
    "dishonesty.list", "dishonesty.revoke",
    # intake
    "help_request.create", "help_request.accept", "help_request.decline",
    "help_request.assign", "help_request.cancel", "help_request.close", "help_request.escalate",
    "visit.create", "visit.update",
    "demand_draft.create", "demand_draft.update", "demand_draft.submit", "demand_draft.discard",
    "demand_draft.return", "demand_draft.approve",
    "dossier.create", "dossier.update", "dossier.attach", "dossier.request", "dossier.grant",
    "dossier.decline", "dossier.revoke", "nda_terms.publish", "nda_terms.accept",
    "intake_file.upload", "broker.directory_profile", "training.record", "grade_rule.update",
    "grade_proposal.create", "grade_proposal.confirmed", "grade_proposal.rejected",
    "broker.promote", "broker.demote",
    # experts and proof-of-concept reviews
    "expert.invite", "expert.invitation_revoke", "expert.register", "expert.profile_update",
    "expert.verified", "expert.rejected", "expert.conflict_add",
    "poc.request", "poc.accept", "poc.decline", "poc.publish", "poc.decide",
    "panel.swap", "panel.confirm", "review.accept", "review.decline", "review.submit",
    "achievement.poc_outcome", "achievement.poc_summary",
    "poc_file.upload", "poc_file.read", "poc_file.delete", "expert.conflict_remove",
    # challenges
    "challenge.create", "challenge.update", "challenge.top_up", "challenge.close",
    "challenge.transition", "challenge.award", "challenge.not_awarded",
    "challenge_proposal.submit", "challenge_proposal.update", "challenge_proposal.freeze",
    "challenge_milestone.submit", "challenge_milestone.accept", "challenge_milestone.reject",
    "challenge_milestone.pay",
    "challenge.review_request", "challenge.review_replace", "challenge.review_submit",
    "challenge_milestone.confirm", "challenge_milestone.dispute",
    "challenge_proposal.member_accept", "challenge_proposal.member_decline",
    "challenge_file.upload", "challenge_file.read", "challenge_file.delete",
    "challenge_milestone.expert_check",
    # capital
    "mandate.create", "mandate.update",
    "financing.create", "financing.update", "financing.publish", "financing.close",
    "financing.withdraw", "financing.interest", "financing.outcome",
    "financing.outcome_confirm", "financing.outcome_dispute", "financing.question",
    "financing.answer",
    "roadshow.create", "roadshow.invite_request", "roadshow.invite_investor", "roadshow.hold",
    "roadshow.cancel", "roadshow.consent_accept", "roadshow.consent_decline",
    "roadshow.register", "roadshow.interest", "roadshow.update",
    # the log itself
    "audit.prune",
    # industry chains
    "chain.create", "chain.update", "chain.import",
    "chain_placement.place", "chain_placement.remove", "chain_placement.auto",
)

OBJECT_TYPES: tuple[str, ...] = (
    "user", "organisation", "broker", "demand", "achievement", "field", "matching_index",
    "deal", "deal_event", "contract", "contract_file", "payment", "reward_policy",
    "reward_claim", "claw_back", "payout_batch", "integrity_scan", "integrity_flag",
    "dishonesty_listing", "audit_head", "demo", "registry_import", "broker_payee_account",
    "help_request", "visit", "demand_draft", "dossier", "nda_terms", "intake_file",
    "training_record", "grade_rule", "grade_proposal",
    "expert", "expert_invitation", "poc_request", "review_assignment",
    "challenge", "challenge_proposal", "challenge_milestone",
    "investor_mandate", "financing_request", "financing_interest",
    "chain", "chain_placement",
    "financing_question", "roadshow", "roadshow_interest",
    "poc_file", "challenge_file",
)
