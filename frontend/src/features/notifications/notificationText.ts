import { DEAL_STAGES, type DealStage, type Notification, type Role } from '@/api/types';
import { inLanguage, type Locale, type Translate } from '@/i18n';
import { codeLabelKey } from '@/i18n/codeLabels';

const STAGES = new Set<string>(DEAL_STAGES);

function isStage(value: string): value is DealStage {
  return STAGES.has(value);
}

/** The stage a "deal.stage" notification announces (its title ends "moved to <stage>"). */
export function announcedStage(notification: Pick<Notification, 'title'>): DealStage | null {
  const stage = /moved to ([a-z_]+)\s*$/.exec(notification.title)?.[1];
  return stage !== undefined && isStage(stage) ? stage : null;
}

/** A notification's headline in the reader's language, from its kind (the stored title is
 *  written once, in both languages; the words here follow the UI's). */
export function notificationTitle(notification: Notification, t: Translate, locale: Locale): string {
  const deal = notification.deal_id ?? '';
  if (notification.kind === 'deal.stage') {
    const stage = announcedStage(notification);
    return stage === null ? t('notification.deal.stage.unknown', { deal }) : t('notification.deal.stage', { deal, stage: t(`stage.${stage}`) });
  }
  const key = codeLabelKey('NotificationOut.kind', notification.kind);
  return key === null ? inLanguage(notification.title, locale) : t(key, { deal });
}

/** The body, when it says something in the reader's language: a note or a stage change's
 *  reason as the user wrote it, the reader's half of what the system wrote in both languages;
 *  a Chinese-only system line for Chinese readers only. */
export function notificationBody(notification: Notification, locale: Locale): string | null {
  const body = notification.body.trim();
  if (body === '') return null;
  const text = inLanguage(body, locale);
  if (text !== body || locale === 'zh-CN' || notification.kind === 'deal.note' || notification.kind === 'deal.stage') return text;
  return null;
}

/** Where a capital-chain notification leads: the request its title numbers ("融资需求 #12："),
 *  or the roadshows, in the reader's own section. */
function capitalLink(notification: Pick<Notification, 'kind' | 'title'>, role: Role): string | null {
  if (notification.kind.startsWith('roadshow.')) {
    return role === 'admin' || role === 'firm' || role === 'institute' || role === 'investor' ? `/${role}/roadshows` : null;
  }
  if (!notification.kind.startsWith('financing.')) return null;
  const id = /#(\d+)/.exec(notification.title)?.[1];
  if (id === undefined) return null;
  if (role === 'investor') return `/investor/requests/${id}`;
  return role === 'firm' || role === 'institute' ? `/${role}/financing/${id}` : null;
}

/** Where a challenge's notification leads: a member's invitations, or the challenge its title
 *  numbers ("揭榜挂帅 #7：") — its page holds the proposals and the milestones —, for a reviewer
 *  the score sheet's page. */
function challengeLink(notification: Pick<Notification, 'kind' | 'title'>, role: Role): string | null {
  if (notification.kind === 'challenge.member_invited') return role === 'firm' || role === 'institute' ? `/${role}/challenges` : null;
  const id = /#(\d+)/.exec(notification.title)?.[1];
  if (id === undefined) return null;
  return role === 'expert' ? `/expert/challenges/${id}` : `/challenges/${id}`;
}

/** Where a notification leads: the deal (or the financing request, the roadshows, the
 *  challenge), in the reader's own section. */
export function notificationLink(notification: Pick<Notification, 'deal_id' | 'kind' | 'title'>, role: Role): string | null {
  if (notification.deal_id === null && notification.kind === 'dossier.requested' && role === 'firm') {
    // A demand's dossier ("保密资料 #7：…"): its owner answers the request on the dossier's page.
    const id = /#(\d+)/.exec(notification.title)?.[1];
    return id === undefined ? null : `/firm/dossiers/${id}`;
  }
  if (notification.deal_id === null && notification.kind.startsWith('challenge.')) return challengeLink(notification, role);
  if (notification.deal_id === null) return capitalLink(notification, role);
  return `/${role}/deals/${notification.deal_id}`;
}
