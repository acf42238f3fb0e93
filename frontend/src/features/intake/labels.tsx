import type { BrokerLevel, DossierAccess, DraftStatus, HelpStatus } from '@/api/types';
import { Tag, type Tone } from '@/components/ui';
import { useT } from '@/i18n';

const HELP_TONE: Record<HelpStatus, Tone> = { open: 'warning', accepted: 'info', closed: 'success', cancelled: 'neutral' };
const DRAFT_TONE: Record<DraftStatus, Tone> = { draft: 'neutral', submitted: 'warning', returned: 'danger', approved: 'success', discarded: 'neutral' };
const ACCESS_TONE: Record<DossierAccess['status'], Tone> = { requested: 'warning', granted: 'success', declined: 'neutral', revoked: 'danger' };

export function HelpStatusTag({ status }: { status: HelpStatus }) {
  const t = useT();
  return <Tag tone={HELP_TONE[status]}>{t(`intake.helpStatus.${status}`)}</Tag>;
}

export function DraftStatusTag({ status }: { status: DraftStatus }) {
  const t = useT();
  return <Tag tone={DRAFT_TONE[status]}>{t(`intake.draftStatus.${status}`)}</Tag>;
}

export function AccessStatusTag({ status }: { status: DossierAccess['status'] }) {
  const t = useT();
  return <Tag tone={ACCESS_TONE[status]}>{t(`intake.access.${status}`)}</Tag>;
}

export function LevelTag({ level }: { level: BrokerLevel | null | undefined }) {
  const t = useT();
  if (level === null || level === undefined) return null;
  return <Tag tone={level === 'senior' ? 'success' : level === 'intermediate' ? 'info' : 'neutral'}>{t(`brokerLevel.${level}`)}</Tag>;
}
