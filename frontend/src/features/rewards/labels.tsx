import type { ClaimStatus, FlagStatus, Severity } from '@/api/types';
import { Tag, type Tone } from '@/components/ui';
import { useT } from '@/i18n';

const CLAIM_TONE: Record<ClaimStatus, Tone> = {
  submitted: 'neutral',
  under_review: 'info',
  approved: 'info',
  paid: 'success',
  rejected: 'danger',
  clawed_back: 'danger',
};

export function ClaimStatusTag({ status }: { status: ClaimStatus }) {
  const t = useT();
  return <Tag tone={CLAIM_TONE[status]}>{t(`claimStatus.${status}`)}</Tag>;
}

const SEVERITY_TONE: Record<Severity, Tone> = { info: 'info', warning: 'warning', critical: 'danger' };

export function SeverityTag({ severity }: { severity: Severity }) {
  const t = useT();
  return <Tag tone={SEVERITY_TONE[severity]}>{t(`severity.${severity}`)}</Tag>;
}

const FLAG_TONE: Record<FlagStatus, Tone> = { open: 'warning', dismissed: 'neutral', confirmed: 'danger', cleared: 'success' };

export function FlagStatusTag({ status }: { status: FlagStatus }) {
  const t = useT();
  return <Tag tone={FLAG_TONE[status]}>{t(`flagStatus.${status}`)}</Tag>;
}
