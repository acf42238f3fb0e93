import { Tag as AntTag } from 'antd';
import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

const TONE_COLOR: Record<Tone, string | undefined> = {
  neutral: undefined,
  info: 'processing',
  success: 'success',
  warning: 'warning',
  danger: 'error',
};

export interface TagProps {
  tone?: Tone;
  children: ReactNode;
}

/** A status label; the tone carries the meaning (e.g. a 风险提示 severity), not a colour name. */
export function Tag({ tone = 'neutral', children }: TagProps) {
  return (
    <AntTag color={TONE_COLOR[tone]} bordered={false}>
      {children}
    </AntTag>
  );
}
