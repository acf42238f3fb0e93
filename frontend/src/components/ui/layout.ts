// Layout, typography and display primitives used by the app shell and pages.
export {
  Alert,
  Avatar,
  Badge,
  Col,
  Collapse,
  Divider,
  Drawer,
  Dropdown,
  Flex,
  Grid,
  Layout,
  List,
  Menu,
  Modal,
  Pagination,
  Popconfirm,
  Progress,
  Row,
  Segmented,
  Space,
  Spin,
  Statistic,
  Steps,
  Tabs,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
export type { DescriptionsProps, MenuProps, StepsProps, TabsProps } from 'antd';
export { Descriptions } from './Descriptions';

/** `Descriptions` columns for a card half the page wide or less. antd fills in the breakpoints
 *  a responsive `column` leaves out with its default of 3, so every one is named. */
export const TWO_COLUMNS = { xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 } as const;
