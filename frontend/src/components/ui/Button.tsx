import { Button as AntButton, type ButtonProps as AntButtonProps } from 'antd';

export type ButtonKind = 'primary' | 'secondary' | 'link' | 'text' | 'danger';

export type ButtonProps = Omit<AntButtonProps, 'type' | 'variant' | 'color' | 'ghost'> & {
  /** What the button is for, not how antd draws it. */
  kind?: ButtonKind;
  /** A destructive action drawn in the kind's quieter style (a red link, a red outline). */
  danger?: boolean;
  /** The HTML button type (antd calls it htmlType). */
  htmlType?: 'button' | 'submit' | 'reset';
};

const KIND_PROPS: Record<ButtonKind, Pick<AntButtonProps, 'type' | 'danger'>> = {
  primary: { type: 'primary' },
  secondary: { type: 'default' },
  link: { type: 'link' },
  text: { type: 'text' },
  danger: { type: 'primary', danger: true },
};

export function Button({ kind = 'secondary', ...props }: ButtonProps) {
  return <AntButton {...KIND_PROPS[kind]} {...props} />;
}
