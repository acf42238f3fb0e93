import { describe, expect, it } from 'vitest';

import type { Notification } from '@/api/types';
import { createTranslate } from '@/i18n';

import { notificationBody, notificationLink, notificationTitle } from './notificationText';

function note(overrides: Partial<Notification>): Notification {
  return { id: 1, kind: 'deal.introduced', title: '', body: '', deal_id: 5, created_at: '2026-11-20T02:00:00Z', read_at: null, ...overrides };
}

const zh = createTranslate('zh-CN');
const en = createTranslate('en-US');

describe('notifications in the reader’s language', () => {
  it('words the headline from the kind, with the deal and the stage', () => {
    const stage = note({ kind: 'deal.stage', title: '撮合项目 #5：进入「已签约」阶段 moved to signed' });
    expect(notificationTitle(stage, zh, 'zh-CN')).toBe('撮合项目 #5：进入“已签约”阶段');
    expect(notificationTitle(stage, en, 'en-US')).toBe('Deal #5 moved to “Signed”');
    const introduced = note({ title: '撮合项目 #5：新的撮合引荐，请确认是否接受 A new introduction awaits your answer' });
    expect(notificationTitle(introduced, en, 'en-US')).toBe('Deal #5: a new introduction awaits your answer');
  });

  it('shows a body only in the reader’s language', () => {
    const invitation = note({ kind: 'deal.invitation', body: '拟分配给您的份额：30%。Proposed share: 30%.' });
    expect(notificationBody(invitation, 'zh-CN')).toBe('拟分配给您的份额：30%。');
    expect(notificationBody(invitation, 'en-US')).toBe('Proposed share: 30%.');
    const introduced = note({ body: '需求：焊接机器人；成果：焊缝跟踪' });
    expect(notificationBody(introduced, 'zh-CN')).toBe('需求：焊接机器人；成果：焊缝跟踪');
    expect(notificationBody(introduced, 'en-US')).toBeNull();
    expect(notificationBody(note({ kind: 'deal.note', body: '已约好周五面谈' }), 'en-US')).toBe('已约好周五面谈');
    const paid = note({ kind: 'deal.stage', body: '合同款已全额到账。The contract amount has been received in full.' });
    expect(notificationBody(paid, 'zh-CN')).toBe('合同款已全额到账。');
    expect(notificationBody(paid, 'en-US')).toBe('The contract amount has been received in full.');
    expect(notificationBody(note({ kind: 'deal.stage', body: '客户另选方案' }), 'en-US')).toBe('客户另选方案');
  });

  it('leads to the deal in the reader’s section', () => {
    expect(notificationLink(note({}), 'firm')).toBe('/firm/deals/5');
    expect(notificationLink(note({ deal_id: null }), 'broker')).toBeNull();
  });

  it('leads a capital-chain notification to its request or the roadshows', () => {
    const asked = note({ deal_id: null, kind: 'financing.question', title: '融资需求 #12：投资机构提问' });
    expect(notificationLink(asked, 'institute')).toBe('/institute/financing/12');
    expect(notificationLink({ ...asked, kind: 'financing.fits_mandate' }, 'investor')).toBe('/investor/requests/12');
    expect(notificationLink({ ...asked, title: '融资需求：' }, 'firm')).toBeNull();
    expect(notificationLink(note({ deal_id: null, kind: 'roadshow.registered', title: '路演 #3：有投资机构报名' }), 'admin')).toBe('/admin/roadshows');
    expect(notificationLink(note({ deal_id: null, kind: 'roadshow.investor_invited' }), 'broker')).toBeNull();
  });

  it('leads a challenge notification to the challenge, a reviewer to the score sheet', () => {
    const asked = note({ deal_id: null, kind: 'challenge.dossier_requested', title: '揭榜挂帅 #7：保密资料测试用户申请查看' });
    expect(notificationLink(asked, 'firm')).toBe('/challenges/7');
    expect(notificationLink(asked, 'admin')).toBe('/challenges/7');
    expect(notificationLink({ ...asked, kind: 'challenge.dossier_granted' }, 'institute')).toBe('/challenges/7');
    expect(notificationLink({ ...asked, kind: 'challenge.dossier_granted' }, 'expert')).toBe('/expert/challenges/7');
    expect(notificationLink({ ...asked, title: '揭榜挂帅：' }, 'firm')).toBeNull();
  });

  it('leads a financing dossier’s owner to the request and its investor to the request page, never to a firm’s dossier page', () => {
    const asked = note({ deal_id: null, kind: 'financing.dossier_requested', title: '融资需求 #12：保密资料海峡科创申请查看' });
    expect(notificationLink(asked, 'institute')).toBe('/institute/financing/12');
    expect(notificationLink(asked, 'firm')).toBe('/firm/financing/12');
    const granted = note({ deal_id: null, kind: 'financing.dossier_granted', title: '融资需求 #12：保密资料已获授权，接受保密协议后即可查看' });
    expect(notificationLink(granted, 'investor')).toBe('/investor/requests/12');
    // A demand's dossier: its firm answers on the dossier's page.
    expect(notificationLink(note({ deal_id: null, kind: 'dossier.requested', title: '保密资料 #7：李四申请查看' }), 'firm')).toBe('/firm/dossiers/7');
    expect(notificationLink(note({ deal_id: null, kind: 'dossier.requested', title: '保密资料 #7：李四申请查看' }), 'institute')).toBeNull();
  });
});
