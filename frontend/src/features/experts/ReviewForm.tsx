import type { Criterion, Recommendation, Review, ReviewInput } from '@/api/types';
import { Button, Card, Descriptions, Form, Input, InputNumber, Radio, Space, Table, type TableColumns, Tag, Typography } from '@/components/ui';
import { useT } from '@/i18n';

interface Values {
  scores: Record<string, number | undefined>;
  comments?: Record<string, string | undefined>;
  recommendation: Recommendation;
  trl: number;
  confidential_note?: string;
}

const RECOMMENDATIONS: Recommendation[] = ['pass', 'revise', 'fail'];

interface Row {
  code: string;
}

/** The review form, built from the criteria the API gives (the form is data): a score on each
 *  criterion's scale with an optional comment, an overall recommendation, the TRL the expert
 *  finds and a confidential note to the organiser. */
export function ReviewForm({ criteria, submitting, onSubmit }: { criteria: Criterion[]; submitting: boolean; onSubmit: (body: ReviewInput) => void }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      aria-label={t('experts.review.form')}
      onFinish={(values) => {
        const scores: Record<string, number> = {};
        const comments: Record<string, string> = {};
        for (const c of criteria) {
          scores[c.code] = values.scores[c.code] ?? 0;
          const comment = values.comments?.[c.code]?.trim();
          if (comment) comments[c.code] = comment;
        }
        onSubmit({ scores, comments, recommendation: values.recommendation, trl: values.trl, confidential_note: values.confidential_note?.trim() ?? '' });
      }}
    >
      {criteria.map((c) => (
        <Card key={c.code} size="small" style={{ marginBottom: 12 }} title={t(`criterion.${c.code}`)} extra={<Typography.Text type="secondary">{t('experts.review.weight', { weight: c.weight })}</Typography.Text>}>
          <Form.Item name={['scores', c.code]} label={t('experts.review.score', { low: c.low, high: c.high })} rules={[{ required: true, message: t('experts.review.required') }]}>
            <Radio.Group aria-label={t(`criterion.${c.code}`)} optionType="button" options={Array.from({ length: c.high - c.low + 1 }, (_, i) => ({ value: c.low + i, label: String(c.low + i) }))} />
          </Form.Item>
          <Form.Item name={['comments', c.code]} label={t('experts.review.comment')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </Card>
      ))}
      <Form.Item name="recommendation" label={t('experts.review.recommendation')} rules={[{ required: true, message: t('experts.review.required') }]}>
        <Radio.Group aria-label={t('experts.review.recommendation')} options={RECOMMENDATIONS.map((r) => ({ value: r, label: t(`recommendation.${r}`) }))} />
      </Form.Item>
      <Form.Item name="trl" label={t('experts.review.trl')} rules={[{ required: true, message: t('experts.review.required') }]}>
        <InputNumber min={1} max={9} precision={0} aria-label={t('experts.review.trl')} />
      </Form.Item>
      <Form.Item name="confidential_note" label={t('experts.review.note')}>
        <Input.TextArea rows={3} maxLength={5000} />
      </Form.Item>
      <Button kind="primary" htmlType="submit" loading={submitting}>
        {t('experts.review.submit')}
      </Button>
    </Form>
  );
}

/** Submitted reviews side by side: one row per criterion, one column per review. */
export function ReviewsTable({ reviews, criteria }: { reviews: Review[]; criteria: Criterion[] }) {
  const t = useT();
  const columns: TableColumns<Row> = [
    { key: 'criterion', title: t('experts.review.form'), render: (_, r) => t(`criterion.${r.code}` as 'criterion.team') },
    ...reviews.map((review, i) => ({
      key: `r${review.assignment_id}`,
      title: (
        <Space size={4}>
          {`#${i + 1} ${t(`expertKind.${review.kind}`)}`}
          {review.outlier ? <Tag tone="danger">{t('experts.aggregate.outlier')}</Tag> : null}
        </Space>
      ),
      align: 'right' as const,
      render: (_: unknown, r: Row) => review.scores[r.code] ?? '—',
    })),
  ];
  return (
    <>
      <Table<Row> rowKey="code" size="small" pagination={false} columns={columns} dataSource={criteria.map((c) => ({ code: c.code }))} scroll={{ x: 360 }} />
      <Descriptions
        size="small"
        column={1}
        style={{ marginTop: 12 }}
        items={reviews.map((review, i) => ({
          key: review.assignment_id,
          label: `#${i + 1} ${t('experts.review.overall')}`,
          children: `${review.overall} · ${t(`recommendation.${review.recommendation}`)} · TRL ${review.trl}${review.confidential_note ? ` · ${review.confidential_note}` : ''}`,
        }))}
      />
    </>
  );
}
