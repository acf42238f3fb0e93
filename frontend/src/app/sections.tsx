import type { ReactNode } from 'react';

import type { Role } from '@/api/types';
import { icons } from '@/components/ui';
import { SectionPlaceholder } from '@/features/workspace/SectionPlaceholder';
import { WorkspacePage } from '@/features/workspace/WorkspacePage';
import type { MessageKey } from '@/i18n';

export interface SectionPage {
  /** Relative to the section's base; '' is the section's index page. */
  path: string;
  labelKey: MessageKey;
  icon: ReactNode;
  element: ReactNode;
}

export interface RoleSection {
  role: Role;
  /** Absolute path of the section, e.g. "/firm". */
  base: string;
  labelKey: MessageKey;
  pages: SectionPage[];
}

const workspace: SectionPage = {
  path: '',
  labelKey: 'nav.workspace',
  icon: <icons.DashboardOutlined />,
  element: <WorkspacePage />,
};

function placeholder(path: string, labelKey: MessageKey, icon: ReactNode): SectionPage {
  return { path, labelKey, icon, element: <SectionPlaceholder titleKey={labelKey} /> };
}

/**
 * Each role's part of the app: the side menu and the routes are both built
 * from this table, so a page added here is routed, guarded by role and listed
 * in that role's menu.
 */
export const ROLE_SECTIONS: Record<Role, RoleSection> = {
  firm: {
    role: 'firm',
    base: '/firm',
    labelKey: 'nav.firm',
    pages: [
      workspace,
      placeholder('demands', 'nav.firm.demands', <icons.BulbOutlined />),
      placeholder('matches', 'nav.firm.matches', <icons.NodeIndexOutlined />),
      placeholder('introductions', 'nav.firm.introductions', <icons.TeamOutlined />),
    ],
  },
  institute: {
    role: 'institute',
    base: '/institute',
    labelKey: 'nav.institute',
    pages: [
      workspace,
      placeholder('achievements', 'nav.institute.achievements', <icons.FileTextOutlined />),
      placeholder('matches', 'nav.institute.matches', <icons.NodeIndexOutlined />),
      placeholder('introductions', 'nav.institute.introductions', <icons.TeamOutlined />),
    ],
  },
  broker: {
    role: 'broker',
    base: '/broker',
    labelKey: 'nav.broker',
    pages: [
      workspace,
      placeholder('matches', 'nav.broker.matches', <icons.NodeIndexOutlined />),
      placeholder('deals', 'nav.broker.deals', <icons.ProjectOutlined />),
      placeholder('claims', 'nav.broker.claims', <icons.SolutionOutlined />),
      placeholder('rewards', 'nav.broker.rewards', <icons.MoneyCollectOutlined />),
    ],
  },
  admin: {
    role: 'admin',
    base: '/admin',
    labelKey: 'nav.admin',
    pages: [
      workspace,
      placeholder('verifications', 'nav.admin.verifications', <icons.SafetyCertificateOutlined />),
      placeholder('policies', 'nav.admin.policies', <icons.FileSearchOutlined />),
      placeholder('claims', 'nav.admin.claims', <icons.AuditOutlined />),
      placeholder('dishonesty-list', 'nav.admin.dishonesty', <icons.StopOutlined />),
      placeholder('audit-log', 'nav.admin.audit', <icons.FileTextOutlined />),
      placeholder('statistics', 'nav.admin.statistics', <icons.BarChartOutlined />),
    ],
  },
};

export function sectionPagePath(section: RoleSection, page: SectionPage): string {
  return page.path === '' ? section.base : `${section.base}/${page.path}`;
}
