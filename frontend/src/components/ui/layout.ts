// Layout and typography primitives used by the app shell and pages.
export { Alert, Avatar, Col, Divider, Dropdown, Flex, Layout, Menu, Row, Segmented, Space, Tabs, Typography } from 'antd';
export type { MenuProps } from 'antd';
