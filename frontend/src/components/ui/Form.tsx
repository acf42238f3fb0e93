// Form building blocks. Re-exported rather than wrapped: antd's Form API is
// the contract our forms are written against, and keeping it in one module
// lets us theme, narrow or replace it without touching the features.
export { Checkbox, Form, Input, InputNumber, Radio, Select, Switch, TreeSelect, Upload } from 'antd';
export type { FormInstance, FormProps, FormItemProps, FormRule, UploadFile } from 'antd';
