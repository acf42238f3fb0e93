import { Descriptions as AntDescriptions, type DescriptionsProps } from 'antd';

import { useBelow } from './responsive';

/**
 * Label–value lists. On a phone the labels go above their values: beside them, a bordered
 * list squeezes its labels to one character per line.
 */
export function Descriptions({ layout, ...props }: DescriptionsProps) {
  const phone = useBelow('sm');
  return <AntDescriptions layout={phone ? 'vertical' : layout} {...props} />;
}
