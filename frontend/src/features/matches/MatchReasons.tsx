import type { MatchReason } from '@/api/types';
import { icons, Space, Tooltip } from '@/components/ui';
import { useLocale, useT } from '@/i18n';

/** Why a pair matched, in the reader's language (the server writes both). */
export function MatchReasons({ reasons }: { reasons: readonly MatchReason[] }) {
  const t = useT();
  const { locale } = useLocale();
  if (reasons.length === 0) return null;
  return (
    <ul aria-label={t('match.reasons')} style={{ margin: 0, paddingInlineStart: 18 }}>
      {reasons.map((reason, index) => (
        <li key={`${reason.code}-${index}`} data-testid={`reason-${reason.code}`}>
          {locale === 'zh-CN' ? reason.text_zh : reason.text_en}
        </li>
      ))}
    </ul>
  );
}

/** The score with its parts (bm25, semantic, boosts) on hover. */
export function MatchScore({ score, parts }: { score: number; parts: Readonly<Record<string, number>> }) {
  const t = useT();
  const detail = Object.entries(parts)
    .map(([name, value]) => `${name}: ${value.toFixed(3)}`)
    .join(' · ');
  return (
    <Tooltip title={detail || undefined}>
      <Space size={4} aria-label={t('match.scoreLabel', { score: score.toFixed(2) })}>
        <icons.NodeIndexOutlined />
        <span>{t('match.score', { score: score.toFixed(2) })}</span>
      </Space>
    </Tooltip>
  );
}
