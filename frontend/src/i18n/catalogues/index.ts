// Each domain's strings, zh-CN and en-US side by side in one file; an English
// catalogue typed Record<keyof zh, string> fails tsc when a key is missing.
import { accountsEn, accountsZh } from './accounts';
import { capitalEn, capitalZh } from './capital';
import { challengesEn, challengesZh } from './challenges';
import { chainsEn, chainsZh } from './chains';
import { adminEn, adminZh } from './admin';
import { codesEn, codesZh } from './codes';
import { dealsEn, dealsZh } from './deals';
import { evidenceEn, evidenceZh } from './evidence';
import { expertsEn, expertsZh } from './experts';
import { intakeEn, intakeZh } from './intake';
import { listingsEn, listingsZh } from './listings';
import { matchesEn, matchesZh } from './matches';
import { rewardsEn, rewardsZh } from './rewards';
import { rolesEn, rolesZh } from './roles';
import { sharedEn, sharedZh } from './shared';

/** Every part, for the test that no key is defined twice. */
export const CATALOGUE_PARTS: Record<string, Record<string, string>> = {
  shared: sharedZh,
  accounts: accountsZh,
  listings: listingsZh,
  matches: matchesZh,
  deals: dealsZh,
  rewards: rewardsZh,
  evidence: evidenceZh,
  admin: adminZh,
  codes: codesZh,
  intake: intakeZh,
  experts: expertsZh,
  roles: rolesZh,
  capital: capitalZh,
  challenges: challengesZh,
  chains: chainsZh,
};

export const CATALOGUES_ZH = { ...sharedZh, ...accountsZh, ...listingsZh, ...matchesZh, ...dealsZh, ...rewardsZh, ...evidenceZh, ...adminZh, ...codesZh, ...intakeZh, ...rolesZh, ...expertsZh, ...capitalZh, ...challengesZh, ...chainsZh };
export const CATALOGUES_EN: Record<keyof typeof CATALOGUES_ZH, string> = {
  ...sharedEn,
  ...accountsEn,
  ...listingsEn,
  ...matchesEn,
  ...dealsEn,
  ...rewardsEn,
  ...evidenceEn,
  ...adminEn,
  ...codesEn,
  ...intakeEn,
  ...rolesEn,
  ...expertsEn,
  ...capitalEn,
  ...challengesEn,
  ...chainsEn,
};
