// Our UI kit: features import from '@/components/ui', never from 'antd'
// (enforced by ESLint no-restricted-imports).
export { ActionButton, type ActionButtonProps, type ConfirmSpec } from './ActionButton';
export { Button, type ButtonKind, type ButtonProps } from './Button';
export { Card, FigureTitle, StatCard, type CardProps, type StatCardProps } from './Card';
export { DateInput, type DateInputProps } from './DateInput';
export { EmptyState, type EmptyStateProps } from './EmptyState';
export { useMessage, useShowError } from './feedback';
export { Checkbox, Form, Input, InputNumber, Radio, Select, Switch, TreeSelect, Upload } from './Form';
export type { FormInstance, FormItemProps, FormProps, FormRule, UploadFile } from './Form';
export * as icons from './icons';
export * from './layout';
export { PageLoading } from './Loading';
export { BudgetRange, Money, type MoneyProps } from './Money';
export { MoneyInput, type MoneyInputProps } from './MoneyInput';
export { PageHeader, type PageHeaderProps } from './PageHeader';
export { applyProblem, type ProblemFeedbackTarget } from './problemFeedback';
export { LoadError, QueryState, type QueryStateProps } from './QueryState';
export { ReasonDialog, type ReasonDialogProps } from './ReasonDialog';
export { BREAKPOINTS, type Breakpoint, useBelow } from './responsive';
export { ServerText } from './ServerText';
export { StatusPage, type StatusPageProps } from './StatusPage';
export { Table, type TableColumns, type TableProps } from './Table';
export { Tag, type TagProps, type Tone } from './Tag';
