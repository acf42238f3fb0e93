import { useEffect } from 'react';

import { MODES } from '@/api/types';
import { Button, Col, Form, Input, InputNumber, Row, Select } from '@/components/ui';
import { useT } from '@/i18n';

import { FieldSelect } from './FieldSelect';
import type { ListingFilterValues } from './listingFilters';

export interface ListingSearchProps {
  values: ListingFilterValues;
  onSearch: (values: ListingFilterValues) => void;
  /** Distinguishes the two tabs' forms for assistive technology and tests. */
  name: string;
}

/** Keyword search plus field, region, cooperation mode and minimum TRL. */
export function ListingSearch({ values, onSearch, name }: ListingSearchProps) {
  const t = useT();
  const [form] = Form.useForm<ListingFilterValues>();
  useEffect(() => {
    form.setFieldsValue({ q: '', field_id: null, region: '', modes: [], trl_min: null, ...values });
  }, [form, values]);

  return (
    <Form<ListingFilterValues> form={form} name={name} layout="vertical" onFinish={onSearch} role="search" aria-label={t('listing.search.label')}>
      <Row gutter={12}>
        <Col xs={24} md={12} lg={8}>
          <Form.Item name="q" label={t('listing.search.keywords')}>
            <Input allowClear placeholder={t('listing.search.placeholder')} maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} lg={5}>
          <Form.Item name="field_id" label={t('common.field')}>
            <FieldSelect allowClear placeholder={t('common.all')} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8} lg={3}>
          <Form.Item name="region" label={t('common.region')}>
            <Input allowClear maxLength={64} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8} lg={5}>
          <Form.Item name="modes" label={t('listing.modes')}>
            <Select mode="multiple" allowClear maxTagCount="responsive" options={MODES.map((mode) => ({ value: mode, label: t(`mode.${mode}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8} lg={3}>
          <Form.Item name="trl_min" label={t('listing.search.trlMin')}>
            <InputNumber min={1} max={9} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Button kind="primary" htmlType="submit">
        {t('common.search')}
      </Button>{' '}
      <Button
        onClick={() => {
          onSearch({});
        }}
      >
        {t('common.reset')}
      </Button>
    </Form>
  );
}
