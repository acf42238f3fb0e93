import { Card as AntCard, type CardProps as AntCardProps, Skeleton, Space, Statistic, Tooltip } from 'antd';
import type { ReactNode } from 'react';

import { QuestionCircleOutlined } from './icons';

export type CardProps = Omit<AntCardProps, 'bordered' | 'variant'>;

export function Card(props: CardProps) {
  return <AntCard variant="outlined" {...props} />;
}

export interface StatCardProps {
  title: ReactNode;
  /** null shows the placeholder (no data yet). */
  value: number | string | null;
  placeholder?: ReactNode;
  loading?: boolean;
  precision?: number;
  suffix?: ReactNode;
  /** What the figure counts, on hover or focus of the help mark beside its title. */
  help?: string;
}

/** A figure's title with a help mark that says what it counts. */
export function FigureTitle({ title, help }: { title: ReactNode; help?: string }) {
  if (help === undefined) return <>{title}</>;
  return (
    <Space size={4}>
      <span>{title}</span>
      <Tooltip title={help}>
        <QuestionCircleOutlined tabIndex={0} role="img" aria-label={help} data-help={help} style={{ cursor: 'help' }} />
      </Tooltip>
    </Space>
  );
}

/** One market figure: a title and a number, or a placeholder while there is none. */
export function StatCard({ title, value, placeholder = '—', loading = false, precision, suffix, help }: StatCardProps) {
  return (
    <AntCard variant="outlined">
      {loading ? (
        <Skeleton active paragraph={false} />
      ) : (
        <Statistic
          title={<FigureTitle title={title} help={help} />}
          value={value ?? undefined}
          formatter={value === null ? () => placeholder : undefined}
          precision={precision}
          suffix={value === null ? undefined : suffix}
        />
      )}
    </AntCard>
  );
}
