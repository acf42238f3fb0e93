import type { zhCN } from './zh-CN';

export type MessageKey = keyof typeof zhCN;
/** Every catalogue has exactly the keys of zh-CN. */
export type Messages = Record<MessageKey, string>;
export type Locale = 'zh-CN' | 'en-US';
export type MessageValues = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, values?: MessageValues) => string;

export const LOCALES = ['zh-CN', 'en-US'] as const satisfies readonly Locale[];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
