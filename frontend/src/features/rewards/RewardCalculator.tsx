import { useState } from 'react';

import { Alert, Col, Descriptions, Form, InputNumber, Money, MoneyInput, Row, Table, type TableColumns, Typography } from '@/components/ui';
import { useT } from '@/i18n';
import { ratePercent } from '@/lib/decimal';
import { formatYuan } from '@/lib/money';
import { type BracketInput, type BracketLine, computeBase, computeClaim, InvalidBrackets, type RewardBase } from '@/lib/reward';

import { bracketProblemText } from './policyForm';

export interface CalculatorPolicy {
  base: RewardBase;
  brackets: BracketInput[];
  capPerClaim?: string | null;
  capPerBrokerYear?: string | null;
}

interface Inputs {
  contract: string | null;
  technology: string | null;
  received: string | null;
  paidThisYear: string | null;
  share: string | null;
}

/** What a contract would earn under the policy being edited, recomputed as you type. */
export function RewardCalculator({ policy }: { policy: CalculatorPolicy }) {
  const t = useT();
  const [inputs, setInputs] = useState<Inputs>({ contract: '1000000', technology: null, received: null, paidThisYear: null, share: '100' });
  const set = (key: keyof Inputs) => (value: string | number | null) => setInputs((current) => ({ ...current, [key]: value === null ? null : String(value) }));

  const contract = inputs.contract ?? '0';
  const technology = inputs.technology ?? contract;
  const received = inputs.received ?? contract;
  let result: ReturnType<typeof computeClaim> | null = null;
  let problem: string | null = null;
  const base = computeBase(policy.base, contract, technology, received);
  try {
    if (base !== null) {
      result = computeClaim(base, policy.brackets, {
        share: inputs.share ?? '100',
        capPerClaim: policy.capPerClaim,
        capPerBrokerYear: policy.capPerBrokerYear,
        alreadyPaidThisYear: inputs.paidThisYear ?? '0',
      });
    }
  } catch (error) {
    problem = error instanceof InvalidBrackets ? bracketProblemText(t, error) : t('calculator.invalidInput');
  }

  const columns: TableColumns<BracketLine & { key: number }> = [
    {
      key: 'range',
      title: t('breakdown.bracket'),
      render: (_, line) =>
        line.upper === null ? t('breakdown.above', { lower: formatYuan(line.lower) }) : t('breakdown.range', { lower: formatYuan(line.lower), upper: formatYuan(line.upper) }),
    },
    { key: 'rate', title: t('breakdown.rate'), align: 'right', render: (_, line) => ratePercent(line.rate) },
    { key: 'portion', title: t('breakdown.portion'), align: 'right', render: (_, line) => <Money value={line.portion} /> },
    { key: 'amount', title: t('breakdown.amount'), align: 'right', render: (_, line) => <Money value={line.amount} /> },
  ];

  return (
    <section aria-label={t('calculator.title')} data-testid="reward-calculator">
      <Form layout="vertical">
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item label={t('contract.amount')} htmlFor="calc-contract">
              <MoneyInput id="calc-contract" value={inputs.contract} onChange={set('contract')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('contract.technologyAmount')} htmlFor="calc-technology" extra={t('calculator.defaultsToContract')}>
              <MoneyInput id="calc-technology" value={inputs.technology} onChange={set('technology')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('payment.received')} htmlFor="calc-received" extra={t('calculator.defaultsToContract')}>
              <MoneyInput id="calc-received" value={inputs.received} onChange={set('received')} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('claim.share')} htmlFor="calc-share">
              <InputNumber<string> id="calc-share" stringMode min="0.01" max="100" precision={2} suffix="%" value={inputs.share} onChange={set('share')} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('breakdown.alreadyThisYear')} htmlFor="calc-paid">
              <MoneyInput id="calc-paid" value={inputs.paidThisYear} onChange={set('paidThisYear')} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {problem !== null ? (
        <Alert type="warning" showIcon role="alert" message={problem} />
      ) : result === null ? (
        <Alert type="info" showIcon message={t('calculator.needsTechnology')} />
      ) : (
        <>
          <Table<BracketLine & { key: number }> rowKey="key" size="small" pagination={false} columns={columns} dataSource={result.deal.lines.map((line, key) => ({ ...line, key }))} />
          <Descriptions
            size="small"
            column={1}
            style={{ marginTop: 12 }}
            items={[
              { key: 'base', label: t('breakdown.base'), children: <Money value={result.deal.base} /> },
              { key: 'deal', label: t('breakdown.dealReward'), children: <Money value={result.deal.amount} testId="calculator-deal-reward" /> },
              { key: 'share', label: t('breakdown.share', { share: result.share }), children: <Money value={result.shareAmount} /> },
              ...result.capsApplied.map((cap, index) => ({
                key: `cap-${index}`,
                label: t(cap.kind === 'per_claim' ? 'breakdown.cap.per_claim' : 'breakdown.cap.per_broker_year', { limit: formatYuan(cap.limit) }),
                children: t('breakdown.cap.reduced', { amount: formatYuan(cap.reducedBy) }),
              })),
              {
                key: 'amount',
                label: <Typography.Text strong>{t('breakdown.final')}</Typography.Text>,
                children: (
                  <Typography.Text strong>
                    <Money value={result.amount} testId="calculator-amount" />
                  </Typography.Text>
                ),
              },
            ]}
          />
        </>
      )}
    </section>
  );
}
