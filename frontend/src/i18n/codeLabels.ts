// The one table from the API's codes to words: for each enum of the OpenAPI document
// (src/api/enums.ts, generated), the catalogue key prefix whose `${prefix}${value}` keys label
// its values in zh-CN and en-US. A new enum fails tsc until it is named here; a new value
// fails codeLabels.test.ts until its label is in a catalogue.
import type { API_ENUMS } from '@/api/enums';

import type { MessageKey, Translate } from './types';
import { zhCN } from './zh-CN';

export type ApiEnum = keyof typeof API_ENUMS;
export type ApiCode<E extends ApiEnum> = (typeof API_ENUMS)[E][number];

export const CODE_LABEL_PREFIX: Record<ApiEnum, string> = {
  Acceptance: 'acceptance.',
  AchievementSort: 'sort.',
  AchievementStatus: 'achievementStatus.',
  BatchStatus: 'batchStatus.',
  BrokerLevel: 'brokerLevel.',
  BrokerRole: 'brokerRole.',
  BrokerStatus: 'brokerStatus.',
  ChallengeStatus: 'challengeStatus.',
  ClaimSide: 'claim.side.',
  ClaimStatus: 'claimStatus.',
  ClawBackStatus: 'clawback.status.',
  ContractType: 'contractType.',
  DemandSort: 'sort.',
  DemandStatus: 'demandStatus.',
  FlagStatus: 'flagStatus.',
  IpKind: 'ipKind.',
  OfficerPosition: 'officer.',
  OrgKind: 'orgKind.',
  ReasonCode: 'reasonCode.',
  Relation: 'relation.',
  RewardBase: 'rewardBase.',
  Role: 'role.',
  ScanTrigger: 'scanTrigger.',
  Severity: 'severity.',
  SubjectKind: 'subjectKind.',
  VerificationStatus: 'verification.',
  Visibility: 'visibility.',
  AccessStatus: 'accessStatus.',
  ClawBackKind: 'clawBackKind.',
  DraftStatus: 'intake.draftStatus.',
  EvidenceKind: 'evidenceKind.',
  EvidenceSide: 'evidenceSide.',
  EvidenceStatus: 'evidence.status.',
  GradeChangeReason: 'gradeChangeReason.',
  HelpStatus: 'intake.helpStatus.',
  ImportStatus: 'importStatus.',
  JoinStatus: 'joinStatus.',
  MilestoneStatus: 'milestoneStatus.',
  OfferStatus: 'offerStatus.',
  PayeeStatus: 'verification.',
  ProposalStatus: 'proposalStatus.',
  RegionBasis: 'regionBasis.',
  RegistryStatus: 'registry.status.',
  TrainingKind: 'intake.trainingKind.',
  VisitKind: 'intake.visitKind.',
  AssignmentStatus: 'seatStatus.',
  ExpertKind: 'expertKind.',
  InterestRelation: 'interest.',
  PocStatus: 'pocStatus.',
  Recommendation: 'recommendation.',
  'ConflictOut.kind': 'conflict.',
  'CriterionOut.code': 'criterion.',
  FinancingAudience: 'financingAudience.',
  FinancingStatus: 'financingStatus.',
  FinancingSubject: 'financingSubject.',
  Instrument: 'instrument.',
  InterestStatus: 'interestStatus.',
  InvestorKind: 'investorKind.',
  'ClawBackReviewIn.decision': 'clawBackDecision.',
  'PayeeVerificationIn.status': 'verification.',
  backend__deals__models__Stage: 'stage.',
  backend__listings__models__Stage: 'techStage.',
  'AchievementIn.modes': 'mode.',
  'AuditEntryOut.action': 'auditAction.',
  'AuditEntryOut.object_type': 'auditObject.',
  'ConfirmIn.colluding': 'collusion.',
  ListingKind: 'listingKind.',
  'Eligibility.org_kinds': 'orgKind.',
  'Indicator-Input.comparator': 'comparator.',
  'EventOut.kind': 'event.',
  'FlagOut.rule': 'rule.',
  'NotificationOut.kind': 'notification.',
  'OrganisationIn.kind': 'orgKind.',
  PersonRole: 'personRole.',
  'RewardStatsOut.group_by': 'stats.groupBy.',
  'ShareholderOut.kind': 'holderKind.',
  'achievements-download_import_template:format': 'fileFormat.',
  'exports-export_dataset:dataset': 'exports.dataset.',
  ReceiptStatus: 'receiptStatus.',
  ExpertVerdict: 'expertVerdict.',
  MemberConsent: 'memberConsent.',
  ReviewSeatStatus: 'reviewSeatStatus.',
  OutcomeConfirmation: 'confirmation.',
  QuestionSide: 'questionSide.',
  RoadshowStatus: 'roadshowStatus.',
  PresentationConsent: 'presentationConsent.',
  FollowUpStatus: 'followUpStatus.',
  ChainStage: 'chainStage.',
  MarkKind: 'markKind.',
  PlacementSource: 'placementSource.',
  DossierCategory: 'dossierCategory.',
  'capital-investor_feed:stage': 'capital.stage.',
};

/** The catalogue key of a code, or null when the catalogue has no label for it. */
export function codeLabelKey(kind: ApiEnum, code: string): MessageKey | null {
  const key = `${CODE_LABEL_PREFIX[kind]}${code}`;
  return key in zhCN ? (key as MessageKey) : null;
}

/**
 * A code in words: codeLabel(t, 'FlagOut.rule', 'related_party') → "关联交易". A code the
 * catalogue does not know (a newer server) is shown with its separators as spaces rather
 * than as a raw code.
 */
export function codeLabel(t: Translate, kind: ApiEnum, code: string): string {
  const key = codeLabelKey(kind, code);
  return key === null ? humanise(code) : t(key);
}

/** "signed_before_deal" → "signed before deal": the last resort for a code without words. */
export function humanise(code: string): string {
  return code.replace(/[_.]+/g, ' ').trim();
}
