import { useMemo } from 'react';
import { Link } from 'react-router';

import type { ListingKind, Match, MatchPreviewInput, PredictedField } from '@/api/types';
import { Alert, Button, Card, Form, type FormInstance, Space, Spin, Tag, Typography } from '@/components/ui';
import { useFieldName } from '@/features/listings/fields';
import { useDraftPreview } from '@/hooks/queries/matches';
import { useLocale, useT } from '@/i18n';
import { useDebounced } from '@/lib/useDebounced';

import { useReasonText } from './reasonText';

/** Ask for help once the description says at least this much (characters, trimmed). */
const MIN_TEXT = 6;
const DEBOUNCE_MS = 600;
const SHOWN = 5;
const MAX_KEYWORDS = 16;

/** The draft form's values the panel reads; demands call their text `description`,
 *  achievements `abstract`. */
interface DraftValues {
  title?: string;
  description?: string;
  abstract?: string;
  keywords?: string[];
  field_id?: number | null;
  region?: string;
  trl?: number | null;
  price?: string | null;
}

function useDraft(kind: ListingKind, form: FormInstance): MatchPreviewInput | null {
  const values = (Form.useWatch([], form) ?? {}) as DraftValues;
  const text = (kind === 'demand' ? values.description : values.abstract)?.trim() ?? '';
  const draft = useMemo<MatchPreviewInput | null>(() => {
    if (text.length < MIN_TEXT) return null;
    const region = values.region?.trim() ?? '';
    return {
      kind,
      title: values.title?.trim() ?? '',
      text,
      keywords: values.keywords ?? [],
      field_id: values.field_id ?? null,
      region: region === '' ? null : region,
      ...(kind === 'achievement' ? { trl: values.trl ?? null, price: values.price ?? null, fit: false } : {}),
      top_k: SHOWN,
    };
  }, [kind, text, values.title, values.keywords, values.field_id, values.region, values.trl, values.price]);
  return useDebounced(draft, DEBOUNCE_MS);
}

function MatchTitle({ match }: { match: Match }) {
  const t = useT();
  const listing = match.achievement ?? match.demand;
  if (!listing) return <Typography.Text type="secondary">{t('match.hidden', { id: match.id })}</Typography.Text>;
  const path = match.achievement ? `/listings/achievements/${listing.id}` : `/listings/demands/${listing.id}`;
  // A new tab: following the link must not lose what is being typed.
  return (
    <Link to={path} target="_blank" rel="noopener">
      {listing.title}
    </Link>
  );
}

function PredictedFields({ fields, chosen, onChoose }: { fields: readonly PredictedField[]; chosen: number | null; onChoose: (id: number) => void }) {
  const t = useT();
  const name = useFieldName();
  if (fields.length === 0) return null;
  return (
    <div data-testid="draft-fields">
      <Typography.Text strong>{t('draft.fields')}</Typography.Text>
      <Space size={[4, 4]} wrap style={{ display: 'flex', marginTop: 4 }}>
        {fields.map((field) => (
          <Space key={field.id} size={2}>
            <Tag tone={field.id === chosen ? 'success' : 'info'}>
              {name(field)} {Math.round(field.probability * 100)}%
            </Tag>
            {field.id === chosen ? null : (
              <Button size="small" kind="link" onClick={() => onChoose(field.id)} aria-label={t('draft.useField', { field: name(field) })}>
                {t('draft.useFieldShort')}
              </Button>
            )}
          </Space>
        ))}
      </Space>
    </div>
  );
}

export interface DraftHelpPanelProps {
  kind: ListingKind;
  form: FormInstance;
}

/**
 * Help while a listing is drafted: what it would match as it stands, its likely field, and
 * technical keywords to add with one click, or what to describe when it is too vague.
 */
export function DraftHelpPanel({ kind, form }: DraftHelpPanelProps) {
  const t = useT();
  const { locale } = useLocale();
  const reasonText = useReasonText(kind);
  const draft = useDraft(kind, form);
  const preview = useDraftPreview(draft);
  const keywords = (Form.useWatch('keywords', form) as string[] | undefined) ?? [];
  const chosenField = (Form.useWatch('field_id', form) as number | null | undefined) ?? null;
  const data = draft === null ? undefined : preview.data;

  const addKeyword = (word: string) => {
    if (keywords.includes(word) || keywords.length >= MAX_KEYWORDS) return;
    form.setFieldValue('keywords', [...keywords, word]);
  };
  const suggestions = (data?.suggested_keywords ?? []).filter((word) => !keywords.includes(word));

  return (
    <Card
      size="small"
      title={t(kind === 'demand' ? 'draft.title.demand' : 'draft.title.achievement')}
      extra={preview.isFetching && draft !== null ? <Spin size="small" /> : null}
      data-testid="draft-help"
    >
      {draft === null ? (
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t(kind === 'demand' ? 'draft.start.demand' : 'draft.start.achievement')}
        </Typography.Paragraph>
      ) : null}
      {draft !== null && preview.isError && data === undefined ? (
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('draft.unavailable')}
        </Typography.Paragraph>
      ) : null}
      {data === undefined ? null : (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          {data.vague ? (
            <Alert type="warning" showIcon data-testid="draft-vague" message={(locale === 'zh-CN' ? data.hint_zh : data.hint_en) ?? t('draft.vague')} />
          ) : null}
          <PredictedFields fields={data.predicted_fields} chosen={chosenField} onChoose={(id) => form.setFieldValue('field_id', id)} />
          {suggestions.length === 0 ? null : (
            <div data-testid="draft-keywords">
              <Typography.Text strong>{t('draft.keywords')}</Typography.Text>
              <Space size={[4, 4]} wrap style={{ display: 'flex', marginTop: 4 }}>
                {suggestions.map((word) => (
                  <Button key={word} size="small" onClick={() => addKeyword(word)} aria-label={t('draft.addKeyword', { word })}>
                    + {word}
                  </Button>
                ))}
              </Space>
            </div>
          )}
          <div data-testid="draft-matches">
            <Typography.Text strong>{t(kind === 'demand' ? 'draft.matches.demand' : 'draft.matches.achievement')}</Typography.Text>
            {data.items.length === 0 ? (
              <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
                {t('draft.noMatches')}
              </Typography.Paragraph>
            ) : (
              <ol style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
                {data.items.slice(0, SHOWN).map((match) => {
                  const reason = match.reasons[0];
                  return (
                    <li key={`${match.kind}-${match.id}`} data-testid="draft-match" style={{ marginBottom: 6 }}>
                      <MatchTitle match={match} />
                      {reason === undefined ? null : (
                        <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 12 }}>
                          {reasonText(reason)}
                        </Typography.Paragraph>
                      )}
                    </li>
                  );
                })}
              </ol>
            )}
          </div>
        </Space>
      )}
    </Card>
  );
}
