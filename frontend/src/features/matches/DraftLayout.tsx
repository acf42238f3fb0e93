import type { ReactNode } from 'react';

import { Col, Grid, Row } from '@/components/ui';

export interface DraftLayoutProps {
  /** The form, given the help to place after its description when the screen is narrow. */
  form: (inlineHelp: ReactNode) => ReactNode;
  help: ReactNode;
}

/**
 * A draft form with its drafting help: beside the form on a wide screen (kept in view while
 * scrolling), right under the description on a phone, where a side column would push it below
 * the whole form.
 */
export function DraftLayout({ form, help }: DraftLayoutProps) {
  const wide = Grid.useBreakpoint().lg === true;
  if (!wide) return <>{form(help)}</>;
  return (
    <Row gutter={24} wrap={false}>
      <Col flex="auto" style={{ minWidth: 0 }}>
        {form(null)}
      </Col>
      <Col flex="360px">
        <div style={{ position: 'sticky', top: 80 }}>{help}</div>
      </Col>
    </Row>
  );
}
