// The one place that names generated schema components. When the backend's
// document renames a schema, only these aliases change.
import type { components, operations } from './schema';

type Schemas = components['schemas'];

// --- accounts -------------------------------------------------------------------------------
export type TokenPair = Schemas['TokenOut'];
export type CurrentUser = Schemas['Me'];
export type Role = Schemas['Role'];
export type Organisation = Schemas['OrganisationBrief'];
export type OrganisationKind = Schemas['OrgKind'];
export type OrganisationDetail = Schemas['OrganisationOut'];
export type BrokerProfile = Schemas['BrokerBrief'];
export type BrokerLevel = Schemas['BrokerLevel'];
export type VerificationStatus = Schemas['VerificationStatus'];
export type VerificationDecision = Schemas['VerificationDecision'];
export type Broker = Schemas['BrokerOut'];
export type BrokerName = Schemas['BrokerNameOut'];
export type OrganisationRegistration = Schemas['OrganisationRegistration'];
export type BrokerRegistration = Schemas['BrokerRegistration'];
export type OfficerPosition = Schemas['OfficerPosition'];
export type MemberRegistration = Schemas['MemberRegistration'];
export type JoinRequest = Schemas['JoinRequestOut'];
export type JoinStatus = Schemas['JoinStatus'];
export type Invitation = Schemas['MemberInvitationOut'];
export type InvitationCreated = Schemas['MemberInvitationCreated'];

export const ROLES = ['firm', 'institute', 'broker', 'admin'] as const satisfies readonly Role[];
export const BROKER_LEVELS = ['junior', 'intermediate', 'senior'] as const satisfies readonly BrokerLevel[];

// --- listings -------------------------------------------------------------------------------
export type Demand = Schemas['DemandOut'];
export type DemandInput = Schemas['DemandIn'];
export type DemandUpdate = Schemas['DemandUpdate'];
export type DemandStatus = Schemas['DemandStatus'];
export type DemandSort = Schemas['DemandSort'];
export type Achievement = Schemas['AchievementOut'];
export type AchievementInput = Schemas['AchievementIn'];
export type AchievementUpdate = Schemas['AchievementUpdate'];
export type AchievementStatus = Schemas['AchievementStatus'];
export type AchievementSort = Schemas['AchievementSort'];
export type TechStage = Schemas['backend__listings__models__Stage'];
export type IpKind = Schemas['IpKind'];
export type Visibility = Schemas['Visibility'];
export type FieldNode = Schemas['FieldOut'];
export type FieldRef = Schemas['FieldRef'];
export type ImportJob = Schemas['ImportJobOut'];
export type ImportStatus = Schemas['ImportStatus'];
export type CooperationMode = Demand['modes'][number];
export type DemandQuery = NonNullable<operations['demands-list_demands']['parameters']['query']>;
export type AchievementQuery = NonNullable<operations['achievements-list_achievements']['parameters']['query']>;

export const MODES = ['development', 'transfer', 'licensing', 'consulting', 'service', 'joint_rd'] as const satisfies readonly CooperationMode[];
export const VISIBILITIES = ['public', 'brokers', 'private'] as const satisfies readonly Visibility[];
export const TECH_STAGES = ['lab', 'pilot', 'industrialised'] as const satisfies readonly TechStage[];
export const IP_KINDS = ['invention_patent', 'utility_model', 'software_copyright', 'know_how'] as const satisfies readonly IpKind[];

// --- deals ----------------------------------------------------------------------------------
export type Deal = Schemas['DealOut'];
export type DealSummary = Schemas['DealSummary'];
export type DealStage = Schemas['backend__deals__models__Stage'];
export type DealRelation = Schemas['Relation'];
export type DealBroker = Schemas['DealBrokerOut'];
export type DealEvent = Schemas['EventOut'];
export type Contract = Schemas['ContractOut'];
export type ContractInput = Schemas['ContractIn'];
export type ContractType = Schemas['ContractType'];
export type RegistrationInput = Schemas['RegistrationIn'];
export type Payment = Schemas['PaymentOut'];
export type PaymentInput = Schemas['PaymentIn'];
export type PaymentCorrection = Schemas['PaymentCorrectIn'];
export type ContractFile = Schemas['ContractFileOut'];
export type Acceptance = Schemas['Acceptance'];
export type DealDashboard = Schemas['DashboardOut'];
export type Evidence = Schemas['EvidenceOut'];
export type EvidenceSide = Schemas['EvidenceSide'];
export type EvidenceStatus = Schemas['EvidenceStatus'];
export type EvidenceKind = Schemas['EvidenceKind'];
export type Awaiting = Schemas['AwaitingOut'];
export type AwaitingItem = Schemas['AwaitingItem'];
export type RegistryStatus = Schemas['RegistryStatus'];
export type RegistryImport = Schemas['RegistryImportOut'];
export type RegistryImportResult = Schemas['RegistryImportResult'];
export type RegistryContract = Schemas['RegistryContractOut'];
export type Notification = Schemas['NotificationOut'];

export const CONTRACT_TYPES = ['development', 'transfer', 'licensing', 'consulting', 'service'] as const satisfies readonly ContractType[];
export const DEAL_STAGES = [
  'requested',
  'introduced',
  'negotiating',
  'signed',
  'registered',
  'paid',
  'closed',
  'lost',
  'cancelled',
] as const satisfies readonly DealStage[];

// --- matches --------------------------------------------------------------------------------
export type Match = Schemas['MatchOut'];
export type Matches = Schemas['MatchesOut'];
export type MatchReason = Schemas['ReasonOut'];
export type MatchPair = Schemas['PairOut'];
export type MatchFeed = Schemas['FeedOut'];
export type MatchFeedback = Schemas['FeedbackOut'];
export type MatchFeedbackInput = Schemas['FeedbackIn'];
export type MatchPreviewInput = Schemas['backend__matches__schemas__PreviewIn'];
export type MatchPreview = Schemas['PreviewOut'];
export type PredictedField = Schemas['PredictedFieldOut'];
export type ListingKind = Match['kind'];
export type DemandMatchQuery = NonNullable<operations['matches-demand_matches']['parameters']['query']>;
export type AchievementMatchQuery = NonNullable<operations['matches-achievement_matches']['parameters']['query']>;
export type MatchFeedQuery = NonNullable<operations['matches-feed']['parameters']['query']>;

// --- rewards, integrity --------------------------------------------------------------------
export type Policy = Schemas['PolicyOut'];
export type PolicyTerms = Schemas['PolicyTerms'];
export type PolicyCreate = Schemas['PolicyCreate'];
export type RewardBaseKind = Schemas['RewardBase'];
export type RegionBasis = Schemas['RegionBasis'];
export type PayeeAccount = Schemas['PayeeAccountOut'];
export type PayeeAccountInput = Schemas['PayeeAccountIn'];
export type PayeeStatus = Schemas['PayeeStatus'];
export type RewardPreviewInput = Schemas['backend__rewards__schemas__PreviewIn'];
export type Breakdown = Schemas['BreakdownOut'];
export type ClaimSummary = Schemas['ClaimSummary'];
export type Claim = Schemas['ClaimOut'];
export type ClaimStatus = Schemas['ClaimStatus'];
export type ClaimSide = Schemas['ClaimSide'];
export type ClaimQuery = NonNullable<operations['claims-list_claims']['parameters']['query']>;
export type ClawBack = Schemas['ClawBackOut'];
export type PayoutBatch = Schemas['BatchOut'];
export type PayoutBatchStatus = Schemas['BatchStatus'];
export type FieldInput = Schemas['FieldIn'];
export type FieldUpdate = Schemas['FieldUpdate'];
export type Flag = Schemas['FlagOut'];
export type FlagStatus = Schemas['FlagStatus'];
export type Severity = Schemas['Severity'];
export type CollusionRole = NonNullable<Schemas['ConfirmIn']['colluding']>[number];
export type DishonestyEntry = Schemas['ListingOut'];
export type DishonestyInput = Schemas['ListingIn'];
export type SubjectKind = Schemas['SubjectKind'];
export type RewardStats = Schemas['RewardStatsOut'];
export type RewardStatsQuery = NonNullable<operations['stats-reward_stats']['parameters']['query']>;
export type StatsGroupBy = RewardStats['group_by'];
export type FlagRates = Schemas['FlagRatesOut'];
export type ExportDataset = operations['exports-export_dataset']['parameters']['path']['dataset'];

export const REGION_BASES = ['buyer', 'seller', 'either', 'both'] as const satisfies readonly RegionBasis[];
export const CLAIM_STATUSES = ['submitted', 'under_review', 'approved', 'paid', 'rejected', 'clawed_back'] as const satisfies readonly ClaimStatus[];
export const COLLUSION_ROLES = [
  'buyer',
  'seller',
  'buyer_legal_representative',
  'seller_legal_representative',
  'broker_agency',
] as const satisfies readonly CollusionRole[];

// --- audit, market --------------------------------------------------------------------------
export type AuditEntry = Schemas['AuditEntryOut'];
export type AuditVerification = Schemas['VerifyOut'];
export type AuditQuery = NonNullable<operations['audit-list_entries']['parameters']['query']>;
export type MarketFigures = Schemas['MarketFigures'];
export type MonthFigures = Schemas['MonthFigures'];

// --- intake: help requests, visits, drafts, dossiers, the directory, grades ------------------
export type HelpRequest = Schemas['HelpRequestOut'];
export type HelpRequestInput = Schemas['HelpRequestIn'];
export type HelpStatus = Schemas['HelpStatus'];
export type HelpCandidate = Schemas['CandidateOut'];
export type Visit = Schemas['VisitOut'];
export type VisitInput = Schemas['VisitIn'];
export type VisitKind = Schemas['VisitKind'];
export type IntakeFile = Schemas['FileOut'];
export type DemandDraft = Schemas['DraftOut'];
export type DraftStatus = Schemas['DraftStatus'];
export type DraftContent = Schemas['DraftContent-Input'];
export type Dossier = Schemas['DossierOut'];
export type DossierInput = Schemas['DossierIn'];
export type DossierStatus = Schemas['DossierStatusOut'];
export type DossierSummary = Schemas['DossierSummaryOut'];
export type DossierAccess = Schemas['AccessOut'];
export type DossierView = Schemas['ViewOut'];
export type NdaTerms = Schemas['TermsOut'];
export type DirectoryEntry = Schemas['DirectoryEntryOut'];
export type DirectoryDetail = Schemas['DirectoryDetailOut'];
export type DirectoryProfile = Schemas['DirectoryProfileIn'];
export type BrokerRecord = Schemas['RecordOut'];
export type TrainingRecord = Schemas['TrainingOut'];
export type TrainingInput = Schemas['TrainingIn'];
export type GradeRule = Schemas['GradeRuleOut'];
export type GradeRuleInput = Schemas['GradeRuleIn'];
export type GradeProposal = Schemas['ProposalOut'];
export type DirectoryQuery = NonNullable<operations['broker-directory-list_directory']['parameters']['query']>;

export const HELP_STATUSES = ['open', 'accepted', 'closed', 'cancelled'] as const satisfies readonly HelpStatus[];
export const DRAFT_STATUSES = ['draft', 'submitted', 'returned', 'approved', 'discarded'] as const satisfies readonly DraftStatus[];

/** A page of a list endpoint (the backend's Page[T]). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

// --- experts and proof-of-concept reviews ------------------------------------------------------
export type Expert = Schemas['ExpertOut'];
export type ExpertKind = Schemas['ExpertKind'];
export type ExpertProfileInput = Schemas['ExpertProfileIn'];
export type ExpertRegistrationInput = Schemas['ExpertRegistration'];
export type ExpertInvitation = Schemas['ExpertInvitationOut'];
export type ExpertInvitationInput = Schemas['ExpertInvitationIn'];
export type ExpertInvitationCreated = Schemas['ExpertInvitationCreated'];
export type ExpertCandidate = Schemas['ExpertCandidateOut'];
export type Conflict = Schemas['ConflictOut'];
export type PocRequest = Schemas['PocRequestOut'];
export type PocRequestInput = Schemas['PocRequestIn'];
export type PocStatus = Schemas['PocStatus'];
export type PocDecision = Schemas['PocDecisionIn'];
export type PocReport = Schemas['ReportOut'];
export type PocStats = Schemas['PocStatsOut'];
export type PanelSeat = Schemas['SeatOut'];
export type ReviewAssignment = Schemas['AssignmentOut'];
export type ReviewInput = Schemas['ReviewIn'];
export type Review = Schemas['ReviewOut'];
export type Criterion = Schemas['CriterionOut'];
export type Recommendation = Schemas['Recommendation'];
export type AssignmentStatus = Schemas['AssignmentStatus'];
// the capital chain (资金链)
export type FinancingRequest = Schemas['FinancingOut'];
export type FeedItem = Schemas['FeedItemOut'];
export type FinancingInterest = Schemas['FinancingInterestOut'];
export type OutcomeInput = Schemas['OutcomeIn'];
export type FinancingThread = Schemas['ThreadOut'];
export type Roadshow = Schemas['RoadshowOut'];
export type FollowUpStatus = Schemas['FollowUpStatus'];
export type CapitalStats = Schemas['CapitalStatsOut'];
export type CapitalGroup = Schemas['CapitalGroupOut'];
export type FinancingInput = Schemas['FinancingIn'];
export type FinancingUpdateInput = Schemas['FinancingUpdate'];
export type MandateInput = Schemas['MandateIn'];
export type Mandate = Schemas['MandateOut'];
export type RoadshowInput = Schemas['RoadshowIn'];
export type RoadshowInterest = Schemas['RoadshowInterestOut'];
export type InvestorName = Schemas['InvestorOut'];
export type Instrument = Schemas['Instrument'];
export type PocFile = Schemas['PocFileOut'];
export type DossierCategory = Schemas['DossierCategory'];
