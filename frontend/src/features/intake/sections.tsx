import type { SectionPage } from '@/app/sections';
import { icons } from '@/components/ui';

import { AskForHelpPage } from './AskForHelpPage';
import { DossierManagePage, DossiersPage } from './DossierPages';
import { DraftPage, DraftsPage, NewDraftPage } from './DraftPages';
import { MyBrokerProfilePage, PromotionsPage, TrainingPage } from './GradePages';
import { HelpInboxPage } from './HelpInboxPage';
import { HelpRequestPage } from './HelpRequestPage';

function hidden(path: string, element: SectionPage['element']): SectionPage {
  return { path, labelKey: 'nav.workspace', icon: null, element, menu: false };
}

/** Each role's intake pages, added to its section of the app (app/sections.tsx). */
export const intakePages: Record<'firm' | 'broker' | 'admin', SectionPage[]> = {
  firm: [
    { path: 'help', labelKey: 'nav.intake.askForHelp', icon: <icons.SolutionOutlined />, element: <AskForHelpPage /> },
    hidden('help/:requestId', <HelpRequestPage />),
    { path: 'drafts', labelKey: 'nav.intake.approvals', icon: <icons.CheckCircleOutlined />, element: <DraftsPage /> },
    hidden('drafts/:draftId', <DraftPage />),
    { path: 'dossiers', labelKey: 'nav.intake.dossiers', icon: <icons.SafetyCertificateOutlined />, element: <DossiersPage /> },
    hidden('dossiers/:dossierId', <DossierManagePage />),
  ],
  broker: [
    { path: 'help', labelKey: 'nav.intake.inbox', icon: <icons.InboxOutlined />, element: <HelpInboxPage /> },
    hidden('help/:requestId', <HelpRequestPage />),
    hidden('help/:requestId/drafts/new', <NewDraftPage />),
    { path: 'drafts', labelKey: 'nav.intake.drafts', icon: <icons.EditOutlined />, element: <DraftsPage /> },
    hidden('drafts/:draftId', <DraftPage />),
    { path: 'profile', labelKey: 'nav.intake.profile', icon: <icons.UserOutlined />, element: <MyBrokerProfilePage /> },
  ],
  admin: [
    { path: 'help', labelKey: 'nav.intake.adminHelp', icon: <icons.InboxOutlined />, element: <HelpInboxPage /> },
    hidden('help/:requestId', <HelpRequestPage />),
    hidden('drafts/:draftId', <DraftPage />),
    { path: 'training', labelKey: 'nav.intake.training', icon: <icons.SolutionOutlined />, element: <TrainingPage /> },
    { path: 'promotions', labelKey: 'nav.intake.promotions', icon: <icons.AuditOutlined />, element: <PromotionsPage /> },
  ],
};
