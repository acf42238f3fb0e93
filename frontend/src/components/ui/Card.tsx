import { Card as AntCard, type CardProps as AntCardProps, Skeleton, Statistic } from 'antd';
import type { ReactNode } from 'react';

export type CardProps = Omit<AntCardProps, 'bordered' | 'variant'>;

export function Card(props: CardProps) {
  return <AntCard variant="outlined" {...props} />;
}

export interface StatCardProps {
  title: ReactNode;
  /** null shows the placeholder (no data yet). */
  value: number | null;
  placeholder?: ReactNode;
  loading?: boolean;
  precision?: number;
  suffix?: ReactNode;
}

/** One market figure: a title and a number, or a placeholder while there is none. */
export function StatCard({ title, value, placeholder = '—', loading = false, precision, suffix }: StatCardProps) {
  return (
    <AntCard variant="outlined">
      {loading ? (
        <Skeleton active paragraph={false} />
      ) : (
        <Statistic
          title={title}
          value={value ?? undefined}
          formatter={value === null ? () => placeholder : undefined}
          precision={precision}
          suffix={value === null ? undefined : suffix}
        />
      )}
    </AntCard>
  );
}
