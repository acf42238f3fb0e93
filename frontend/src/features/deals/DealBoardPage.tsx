import { type DragEvent, useState } from 'react';
import { Link } from 'react-router';

import { ApiError } from '@/api/problem';
import type { DealStage, DealSummary } from '@/api/types';
import { Alert, Badge, Button, Card, Col, EmptyState, LoadError, Money, PageHeader, ReasonDialog, Row, Space, Spin, Typography, useBelow, useMessage, useShowError } from '@/components/ui';
import { useDeals, useTransitionDeal } from '@/hooks/queries/deals';
import { useT } from '@/i18n';

import { type EndingStage, forbiddenMoveText, forwardStage, isAllowed, isEnding, OPEN_STAGES, TRANSITIONS } from './stageRules';
import { StageTag } from './StageTag';

const BOARD_COLUMNS: readonly DealStage[] = [...OPEN_STAGES, 'closed'];
const DRAG_TYPE = 'application/x-techbroker-deal';

interface MoveProblem {
  dealId: number;
  text: string;
}

function DealCard({
  deal,
  onMove,
  onEnd,
  moving,
  problem,
}: {
  deal: DealSummary;
  onMove: (deal: DealSummary, to: DealStage) => void;
  onEnd: (deal: DealSummary, to: EndingStage) => void;
  moving: boolean;
  problem: string | null;
}) {
  const t = useT();
  const next = forwardStage(deal.stage);
  return (
    <Card
      size="small"
      data-testid={`deal-card-${deal.id}`}
      draggable
      onDragStart={(event: DragEvent) => {
        event.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ id: deal.id, stage: deal.stage }));
        event.dataTransfer.effectAllowed = 'move';
      }}
      style={{ marginBottom: 8, cursor: 'grab' }}
      title={<Link to={`/broker/deals/${deal.id}`}>{t('deal.number', { id: deal.id })}</Link>}
      extra={<StageTag stage={deal.stage} />}
    >
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <Typography.Text ellipsis>
          {t('deal.demandSide')}: {deal.demand_title}
        </Typography.Text>
        <Typography.Text type="secondary" ellipsis>
          {deal.demand_organisation ?? t('common.anonymousFirm')}
        </Typography.Text>
        <Typography.Text ellipsis>
          {t('deal.achievementSide')}: {deal.achievement_title}
        </Typography.Text>
        <Typography.Text type="secondary" ellipsis>
          {deal.achievement_organisation ?? t('common.notAvailable')}
        </Typography.Text>
        {deal.contract_amount === null ? null : <Money value={deal.contract_amount} />}
        {problem === null ? null : <Alert type="warning" showIcon role="alert" message={problem} />}
        <Space wrap size={4}>
          {next === null ? null : (
            <Button size="small" kind="primary" loading={moving} onClick={() => onMove(deal, next)} data-testid={`move-${deal.id}-${next}`}>
              {t('deal.move.to', { stage: t(`stage.${next}`) })}
            </Button>
          )}
          {TRANSITIONS[deal.stage]
            .filter(isEnding)
            .map((stage) => (
              <Button key={stage} size="small" kind="text" danger onClick={() => onEnd(deal, stage)} data-testid={`move-${deal.id}-${stage}`}>
                {t(`deal.end.${stage}`)}
              </Button>
            ))}
        </Space>
      </Space>
    </Card>
  );
}

/** The broker's deals as a Kanban board: a column per stage, moved by button or by dragging. */
export function DealBoardPage() {
  const t = useT();
  // On a phone the columns stack (a board wider than the screen hides its cards).
  const stacked = useBelow('md');
  const message = useMessage();
  const showError = useShowError();
  const deals = useDeals({ page_size: 100 });
  const transition = useTransitionDeal();
  const [problem, setProblem] = useState<MoveProblem | null>(null);
  const [ending, setEnding] = useState<{ deal: DealSummary; to: EndingStage } | null>(null);
  const [endError, setEndError] = useState<string | null>(null);

  const move = (deal: DealSummary, to: DealStage, reason?: string) => {
    setProblem(null);
    if (!isAllowed(deal.stage, to)) {
      setProblem({ dealId: deal.id, text: forbiddenMoveText(t, deal.stage, to) });
      return;
    }
    if (isEnding(to) && reason === undefined) {
      setEndError(null);
      setEnding({ deal, to });
      return;
    }
    transition.mutate(
      { id: deal.id, to, reason },
      {
        onSuccess: () => {
          setEnding(null);
          void message.success(isEnding(to) ? t(`deal.end.done.${to}`) : t('deal.move.done', { stage: t(`stage.${to}`) }));
        },
        onError: (error) => {
          // A 409 says which guard failed ("both parties must accept first"…): show it on the card.
          if (error instanceof ApiError && (error.status === 409 || error.status === 422)) {
            const text = error.message;
            if (ending === null) setProblem({ dealId: deal.id, text });
            else setEndError(text);
          } else showError(error);
        },
      },
    );
  };

  const onDrop = (event: DragEvent, to: DealStage) => {
    event.preventDefault();
    const raw = event.dataTransfer.getData(DRAG_TYPE);
    if (!raw) return;
    const { id } = JSON.parse(raw) as { id: number };
    const deal = deals.data?.items.find((item) => item.id === id);
    if (deal !== undefined && deal.stage !== to) move(deal, to);
  };

  const items = deals.data?.items ?? [];
  const ended = items.filter((deal) => deal.stage === 'lost' || deal.stage === 'cancelled');

  return (
    <>
      <PageHeader title={t('nav.broker.deals')} subtitle={t('deal.board.subtitle')} />
      {deals.isError ? (
        <LoadError error={deals.error} retry={() => void deals.refetch()} />
      ) : deals.isPending ? (
        <Spin />
      ) : items.length === 0 ? (
        <Card>
          <EmptyState
            description={t('deal.board.empty')}
            action={
              <Link to="/broker/matches">
                <Button kind="primary">{t('deal.board.toMatches')}</Button>
              </Link>
            }
          />
        </Card>
      ) : (
        <>
          <Row gutter={[12, 12]} wrap={stacked} style={{ overflowX: 'auto', paddingBottom: 8 }} role="list" aria-label={t('deal.board.label')}>
            {BOARD_COLUMNS.map((stage) => {
              const column = items.filter((deal) => deal.stage === stage);
              return (
                <Col key={stage} flex={stacked ? '1 0 100%' : '1 0 180px'} role="listitem" aria-label={t(`stage.${stage}`)}>
                  <section
                    data-testid={`column-${stage}`}
                    onDragOver={(event) => event.preventDefault()}
                    onDrop={(event) => onDrop(event, stage)}
                    style={{ background: 'rgba(0,0,0,0.02)', borderRadius: 8, padding: 8, minHeight: stacked ? 0 : 320 }}
                  >
                    <Space style={{ marginBottom: 8 }}>
                      <Typography.Text strong>{t(`stage.${stage}`)}</Typography.Text>
                      <Badge count={column.length} showZero color="#1d4ed8" />
                    </Space>
                    {column.map((deal) => (
                      <DealCard
                        key={deal.id}
                        deal={deal}
                        moving={transition.isPending && transition.variables.id === deal.id}
                        problem={problem?.dealId === deal.id ? problem.text : null}
                        onMove={(d, to) => move(d, to)}
                        onEnd={(d, to) => move(d, to)}
                      />
                    ))}
                  </section>
                </Col>
              );
            })}
          </Row>
          {ended.length === 0 ? null : (
            <Card size="small" title={t('deal.board.ended')} style={{ marginTop: 16 }}>
              <Space wrap>
                {ended.map((deal) => (
                  <Link key={deal.id} to={`/broker/deals/${deal.id}`}>
                    {t('deal.number', { id: deal.id })} <StageTag stage={deal.stage} />
                  </Link>
                ))}
              </Space>
            </Card>
          )}
          {deals.data.total > items.length ? (
            <Typography.Paragraph type="secondary">{t('deal.board.truncated', { shown: items.length, total: deals.data.total })}</Typography.Paragraph>
          ) : null}
        </>
      )}
      <ReasonDialog
        open={ending !== null}
        title={ending === null ? '' : t(`deal.end.${ending.to}.title`)}
        description={t('deal.end.explain')}
        okText={t('deal.end.confirm')}
        danger
        loading={transition.isPending}
        error={endError}
        testId="end-deal"
        onCancel={() => setEnding(null)}
        onSubmit={(reason) => {
          if (ending !== null) move(ending.deal, ending.to, reason);
        }}
      />
    </>
  );
}
