"""Permissions as data: what each role may do, checked in one helper.

Role permissions answer "may this kind of user ever do X"; whether they may do it
to a particular object is answered by each domain's scoping query (what this user
can see) and ownership checks, which return 404 for objects outside their view.
"""

from __future__ import annotations

from enum import StrEnum

from backend.core.errors import PermissionDenied


class Role(StrEnum):
    FIRM = "firm"
    INSTITUTE = "institute"
    BROKER = "broker"
    ADMIN = "admin"
    EXPERT = "expert"
    INVESTOR = "investor"


class Permission(StrEnum):
    PROFILE_READ = "profile:read"
    ORG_EDIT_OWN = "organisation:edit-own"
    ORG_VERIFY = "organisation:verify"
    BROKER_VERIFY = "broker:verify"
    USER_MANAGE = "user:manage"
    DEMAND_WRITE = "demand:write"
    ACHIEVEMENT_WRITE = "achievement:write"
    LISTING_MODERATE = "listing:moderate"
    TAXONOMY_EDIT = "taxonomy:edit"
    MATCH_READ = "match:read"
    MATCH_FEED = "match:feed"
    MATCH_FEEDBACK = "match:feedback"
    MATCH_REINDEX = "match:reindex"
    DEAL_OPEN = "deal:open"
    DEAL_RESPOND = "deal:respond"
    DEAL_READ = "deal:read"
    EVIDENCE_CONFIRM = "evidence:confirm"
    REGISTRY_IMPORT = "registry:import"
    PAYEE_VERIFY = "payee:verify"
    CLAIM_SUBMIT = "claim:submit"
    CLAIM_REVIEW = "claim:review"
    POLICY_EDIT = "policy:edit"
    INTEGRITY_REVIEW = "integrity:review"
    DISHONESTY_MANAGE = "dishonesty:manage"
    AUDIT_READ = "audit:read"
    STATS_READ = "stats:read"
    EXPORT = "export"
    HELP_ASK = "help:ask"            # a firm asks for a broker's help, decides on drafts
    HELP_WORK = "help:work"          # a broker takes help requests, visits, drafts
    HELP_READ = "help:read"          # help requests, visits and drafts in one's view
    HELP_MANAGE = "help:manage"      # assign brokers, see escalations
    DOSSIER_READ = "dossier:read"    # ask for and read confidential dossiers (with consent)
    DIRECTORY_EDIT = "directory:edit-own"
    GRADE_MANAGE = "grade:manage"    # training records, promotion rules and proposals
    EXPERT_MANAGE = "expert:manage"  # invite and verify experts, conflicts, panels, decisions
    REVIEW_WORK = "review:work"      # an expert answers assignments and submits reviews
    POC_REQUEST = "poc:request"      # an institute asks for a proof-of-concept review
    POC_READ = "poc:read"            # proof-of-concept requests in one's view (own, or all)
    CHALLENGE_ISSUE = "challenge:issue"      # issue a challenge, decide on it, its milestones
    CHALLENGE_PROPOSE = "challenge:propose"  # answer a challenge with a proposal, deliver
    FINANCING_WRITE = "financing:write"  # a firm or institute asks for money (capital/)
    MANDATE_EDIT = "mandate:edit-own"    # an investor keeps its organisation's mandate
    FINANCING_FEED = "financing:feed"    # an investor's feed, interest and outcomes
    CHAIN_EDIT = "chain:edit"            # industry-chain maps: graphs, marks, placements
    ROADSHOW_MANAGE = "roadshow:manage"  # organise roadshows: invite requests and investors
    CAPITAL_STATS = "capital:stats"      # the capital chain's statistics (administrators)
    CHALLENGE_STATS = "challenge:stats"  # the challenges' dashboard (administrators)
    POC_DOSSIER = "poc:dossier"  # a review's dossier files (the institute, its panel, admins)


_EVERYONE = {Permission.PROFILE_READ, Permission.MATCH_READ, Permission.MATCH_FEEDBACK,
             Permission.DEAL_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.FIRM: frozenset(_EVERYONE | {Permission.ORG_EDIT_OWN, Permission.DEMAND_WRITE,
                                      Permission.DEAL_RESPOND, Permission.EVIDENCE_CONFIRM,
                                      Permission.HELP_ASK, Permission.HELP_READ,
                                      Permission.DOSSIER_READ, Permission.CHALLENGE_ISSUE,
                                      Permission.CHALLENGE_PROPOSE,
                                      Permission.FINANCING_WRITE}),
    Role.INSTITUTE: frozenset(_EVERYONE | {Permission.ORG_EDIT_OWN, Permission.ACHIEVEMENT_WRITE,
                                           Permission.DEAL_RESPOND, Permission.EVIDENCE_CONFIRM,
                                           Permission.DOSSIER_READ, Permission.POC_REQUEST,
                                           Permission.POC_READ,
                                           Permission.CHALLENGE_PROPOSE,
                                           Permission.FINANCING_WRITE,
                                           Permission.POC_DOSSIER}),
    Role.BROKER: frozenset(_EVERYONE | {Permission.MATCH_FEED, Permission.DEAL_OPEN,
                                        Permission.CLAIM_SUBMIT, Permission.HELP_WORK,
                                        Permission.HELP_READ, Permission.DOSSIER_READ,
                                        Permission.DIRECTORY_EDIT}),
    # Reviews only; an expert acts for no organisation (their employer is a profile field).
    Role.EXPERT: frozenset(_EVERYONE | {Permission.REVIEW_WORK, Permission.POC_DOSSIER}),
    # Administrators organise reviews; they neither review nor ask for one.
    Role.ADMIN: frozenset(set(Permission) - {Permission.REVIEW_WORK, Permission.POC_REQUEST}),
    Role.INVESTOR: frozenset(_EVERYONE | {Permission.ORG_EDIT_OWN, Permission.MANDATE_EDIT,
                                          Permission.FINANCING_FEED}),
}


def has_permission(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]


def check_permission(role: Role | str, permission: Permission) -> None:
    if not has_permission(role, permission):
        raise PermissionDenied(
            f"当前角色无此权限。Your role may not do this ({permission.value})."
        )
