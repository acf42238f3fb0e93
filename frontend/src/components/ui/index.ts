// Our UI kit: features import from '@/components/ui', never from 'antd'
// (enforced by ESLint no-restricted-imports).
export { Button, type ButtonKind, type ButtonProps } from './Button';
export { Card, StatCard, type CardProps, type StatCardProps } from './Card';
export { EmptyState, type EmptyStateProps } from './EmptyState';
export { useMessage, useShowError } from './feedback';
export { Checkbox, Form, Input, InputNumber, Radio, Select } from './Form';
export type { FormInstance, FormItemProps, FormProps, FormRule } from './Form';
export * as icons from './icons';
export { Alert, Avatar, Col, Divider, Dropdown, Flex, Layout, Menu, Row, Segmented, Space, Tabs, Typography } from './layout';
export type { MenuProps } from './layout';
export { PageLoading } from './Loading';
export { PageHeader, type PageHeaderProps } from './PageHeader';
export { applyProblem, type ProblemFeedbackTarget } from './problemFeedback';
export { StatusPage, type StatusPageProps } from './StatusPage';
export { Table, type TableColumns, type TableProps } from './Table';
export { Tag, type TagProps, type Tone } from './Tag';
