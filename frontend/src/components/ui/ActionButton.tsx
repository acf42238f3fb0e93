import { Popconfirm, Tooltip } from 'antd';
import type { ReactNode } from 'react';

import { useT } from '@/i18n';

import { Button, type ButtonProps } from './Button';

export interface ConfirmSpec {
  /** The question: what will happen. */
  title: ReactNode;
  description?: ReactNode;
  /** The confirming button's words ("认领", "确认发放"). */
  okText: string;
  danger?: boolean;
  /** data-testid of the confirming button. */
  testId?: string;
}

export type ActionButtonProps = ButtonProps & {
  /** Why the action cannot succeed now: the button is disabled and says so on hover and focus
   *  (the server still refuses it). */
  disabledReason?: string | null;
  /** Ask before acting: onClick runs only once the user confirms. */
  confirm?: ConfirmSpec;
};

/** A button for an action with consequences: disabled with the reason when it cannot work,
 *  and asking first when it should not happen by accident (claiming, submitting, paying). */
export function ActionButton({ disabledReason, confirm, onClick, ...props }: ActionButtonProps) {
  const t = useT();
  if (disabledReason) {
    return (
      <Tooltip title={disabledReason}>
        {/* A disabled button gets no pointer events: the wrapper carries the tooltip. */}
        <span style={{ display: 'inline-block', cursor: 'not-allowed' }} tabIndex={0} aria-label={disabledReason} data-disabled-reason={disabledReason}>
          <Button {...props} disabled style={{ ...props.style, pointerEvents: 'none' }} />
        </span>
      </Tooltip>
    );
  }
  if (confirm === undefined) return <Button {...props} onClick={onClick} />;
  return (
    <Popconfirm
      title={confirm.title}
      description={confirm.description}
      okText={confirm.okText}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: confirm.danger, ...(confirm.testId === undefined ? {} : { 'data-testid': confirm.testId }) }}
      onConfirm={(event) => {
        if (event !== undefined) onClick?.(event);
      }}
    >
      <Button {...props} />
    </Popconfirm>
  );
}
