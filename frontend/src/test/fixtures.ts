// Typed example answers of the API, for component tests. Each takes overrides.
import type { Achievement, Claim, Contract, Deal, DealSummary, Demand, FieldNode, Flag, Match } from '@/api/types';

export const FIELD_TREE: FieldNode[] = [
  {
    id: 1,
    code: 'equipment',
    name_zh: '高端装备',
    name_en: 'Advanced equipment',
    parent_id: null,
    sort: 0,
    active: true,
    children: [{ id: 11, code: 'equipment.robotics', name_zh: '机器人', name_en: 'Robotics', parent_id: 1, sort: 0, active: true, children: [] }],
  },
];

const party = { organisation_id: 10, name: '福州示例科技有限公司', anonymous: false, contact_person: null, phone: null, email: null };
const field = { id: 11, code: 'equipment.robotics', name_zh: '机器人', name_en: 'Robotics' };

export function makeDemand(overrides: Partial<Demand> = {}): Demand {
  return {
    id: 101,
    title: '寻求焊接机器人视觉引导技术',
    description: '需要一套焊接机器人视觉引导方案。',
    field,
    keywords: ['焊接', '机器视觉'],
    budget_min: '100000.00',
    budget_max: '500000.00',
    modes: ['development'],
    min_trl: 5,
    deadline: '2027-01-31',
    region: '福州市',
    visibility: 'public',
    anonymous: false,
    status: 'published',
    party,
    mine: false,
    hidden: false,
    hidden_reason: null,
    assigned_broker_ids: null,
    created_at: '2026-11-01T02:00:00Z',
    updated_at: '2026-11-01T02:00:00Z',
    published_at: '2026-11-01T02:00:00Z',
    ...overrides,
  };
}

export function makeAchievement(overrides: Partial<Achievement> = {}): Achievement {
  return {
    id: 201,
    title: '焊缝智能识别关键技术',
    abstract: '基于深度学习的焊缝识别算法。',
    field,
    keywords: ['焊缝识别'],
    trl: 6,
    stage: 'pilot',
    ip_items: [{ kind: 'invention_patent', number: '201710601862.3', title: '一种焊缝识别方法' }],
    price: '300000.00',
    negotiable: false,
    modes: ['transfer'],
    team_lead: '李教授',
    region: '厦门市',
    status: 'published',
    party: { ...party, organisation_id: 20, name: '厦门示例大学' },
    mine: false,
    hidden: false,
    hidden_reason: null,
    created_at: '2026-11-01T02:00:00Z',
    updated_at: '2026-11-01T02:00:00Z',
    published_at: '2026-11-01T02:00:00Z',
    ...overrides,
  };
}

export function makeMatch(overrides: Partial<Match> = {}): Match {
  return {
    kind: 'achievement',
    id: 201,
    score: 0.8123,
    relevance: 0.8123,
    parts: { bm25: 0.4, minilm: 0.4123 },
    reasons: [
      { code: 'shared_terms', params: { terms: ['焊缝'] }, text_zh: '共同关键词：焊缝', text_en: 'Shared terms: weld seam' },
      { code: 'semantic', params: { similarity: 0.41, cosine: 0.41, encoder: 'use' }, text_zh: '需求描述的问题与成果解决的问题相近', text_en: 'The problem the demand describes is close to the one the achievement solves' },
      { code: 'trl_fit', params: { trl: 6, min_trl: 5 }, text_zh: '技术成熟度 6 级，满足不低于 5 级的要求', text_en: 'TRL 6 meets the required minimum of 5' },
    ],
    demand: null,
    achievement: makeAchievement(),
    ...overrides,
  };
}

export function makeDealSummary(overrides: Partial<DealSummary> = {}): DealSummary {
  return {
    id: 501,
    stage: 'introduced',
    relation: 'lead',
    opened_at: '2026-11-02T02:00:00Z',
    ended_at: null,
    demand_title: '寻求焊接机器人视觉引导技术',
    demand_organisation: '福州示例科技有限公司',
    achievement_title: '焊缝智能识别关键技术',
    achievement_organisation: '厦门示例大学',
    contract_amount: null,
    ...overrides,
  };
}

export function makeDeal(overrides: Partial<Deal> = {}): Deal {
  return {
    id: 501,
    stage: 'introduced',
    relation: 'lead',
    allowed_next: ['negotiating', 'lost', 'cancelled'],
    both_accepted: false,
    opened_at: '2026-11-02T02:00:00Z',
    ended_at: null,
    demand: {
      listing_id: 101,
      title: '寻求焊接机器人视觉引导技术',
      field_code: 'equipment.robotics',
      region: '福州市',
      modes: ['development'],
      budget_min: '100000.00',
      budget_max: '500000.00',
      min_trl: 5,
      anonymous: false,
      organisation: { id: 10, name: '福州示例科技有限公司' },
      acceptance: 'pending',
    },
    achievement: {
      listing_id: 201,
      title: '焊缝智能识别关键技术',
      field_code: 'equipment.robotics',
      region: '厦门市',
      modes: ['transfer'],
      trl: 6,
      price: '300000.00',
      organisation: { id: 20, name: '厦门示例大学' },
      acceptance: 'pending',
    },
    brokers: [{ broker_id: 7, display_name: '李四', role: 'lead', status: 'active', share: '100.00', joined_at: '2026-11-02T02:00:00Z' }],
    contract: null,
    invitation: null,
    share_proposal: null,
    ...overrides,
  };
}

/** The evidence part of a contract: confirmed by both parties, matched to the registry. */
export function confirmedEvidence(amount = '1000000.00'): Pick<
  Contract,
  'evidence' | 'confirmed_amount' | 'confirmed_received_amount' | 'confirmed_version' | 'amount_ceiling' | 'registry_status' | 'registry_issues'
> {
  return {
    evidence: {
      version: 2,
      status: 'confirmed',
      required: ['buyer', 'seller'],
      answers: [
        { side: 'buyer', confirmed: true, reason: null, at: '2026-10-11T02:00:00Z' },
        { side: 'seller', confirmed: true, reason: null, at: '2026-10-11T03:00:00Z' },
      ],
      my_side: null,
      awaiting_me: false,
    },
    confirmed_amount: amount,
    confirmed_received_amount: '0.00',
    confirmed_version: 2,
    amount_ceiling: '1000000000.00',
    registry_status: 'verified',
    registry_issues: [],
  };
}

export function makeFlag(overrides: Partial<Flag> = {}): Flag {
  return {
    id: 31,
    claim_id: 41,
    rule: 'related_party',
    severity: 'critical',
    blocking: true,
    message_zh: '买卖双方的法定代表人为同一人',
    message_en: 'Buyer and seller share a legal representative',
    evidence: { between: ['buyer', 'seller'], links: [{ attribute: 'legal_representative', key: '张*' }] },
    status: 'open',
    raised_at: '2026-11-20T02:00:00Z',
    last_seen_at: '2026-11-20T02:00:00Z',
    cleared_at: null,
    reviewed_by_id: null,
    reviewed_at: null,
    review_reason: null,
    dismissal_requested_by_id: null,
    dismissal_requested_at: null,
    dismissal_reason: null,
    ...overrides,
  };
}

export function makeClaim(overrides: Partial<Claim> = {}): Claim {
  return {
    id: 41,
    broker_id: 7,
    broker_name: '李四',
    deal_id: 501,
    contract_id: 61,
    contract_name: '焊缝识别技术开发合同',
    registration_no: '2026350100000123',
    region: '福州市',
    field_code: 'equipment.robotics',
    status: 'under_review',
    share_percent: '100.00',
    base_amount: '1000000.00',
    amount: '15000.00',
    submitted_at: '2026-11-20T02:00:00Z',
    approved_at: null,
    paid_at: null,
    payout_batch_id: null,
    open_flags: 1,
    policy_id: 1,
    side: null,
    contract_type: 'development',
    contract_amount: '1000000.00',
    technology_amount: '1000000.00',
    received_amount: '1000000.00',
    deal_reward: '15000.00',
    signed_on: '2026-10-01',
    breakdown: {
      policy_id: 1,
      policy_key: 'default',
      policy_version: 1,
      policy_name: '福州市技术经纪人奖补政策',
      base_kind: 'min_technology_received',
      base: '1000000.00',
      contract_amount: '1000000.00',
      technology_amount: '1000000.00',
      received_amount: '1000000.00',
      lines: [
        { lower: '0.00', upper: '1000000.00', rate: '0.015000', portion: '1000000.00', amount: '15000.00' },
        { lower: '1000000.00', upper: null, rate: '0.010000', portion: '0.00', amount: '0.00' },
      ],
      deal_reward: '15000.00',
      share: '100.00',
      share_amount: '15000.00',
      already_this_year: '0.00',
      caps: [],
      amount: '15000.00',
    },
    review_started_by_id: 1000,
    review_started_at: '2026-11-21T02:00:00Z',
    approved_by_id: null,
    rejected_by_id: null,
    rejected_at: null,
    rejection_reason: null,
    paid_by_id: null,
    payment_reference: null,
    clawed_back_at: null,
    claw_back: null,
    claw_backs: [],
    flags: [makeFlag()],
    ...overrides,
  };
}
