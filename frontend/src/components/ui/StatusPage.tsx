import { Result } from 'antd';
import type { ReactNode } from 'react';

export interface StatusPageProps {
  status: 403 | 404 | 500;
  title: ReactNode;
  detail?: ReactNode;
  action?: ReactNode;
}

/** Full-page outcome for forbidden, not found and failed loads. */
export function StatusPage({ status, title, detail, action }: StatusPageProps) {
  return <Result status={String(status) as '403' | '404' | '500'} title={title} subTitle={detail} extra={action} />;
}
