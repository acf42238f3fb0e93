import { Flex, Spin } from 'antd';

import { useT } from '@/i18n';

export function PageLoading() {
  const t = useT();
  return (
    <Flex justify="center" align="center" style={{ minHeight: 240 }}>
      <Spin size="large" tip={t('common.loading')}>
        <div style={{ padding: 48 }} />
      </Spin>
    </Flex>
  );
}
