import { useState } from 'react';
import { Link } from 'react-router';

import type { PayeeAccount, RegistryContract, RegistryImportResult } from '@/api/types';
import { DownloadButton } from '@/components/files/DownloadButton';
import { Alert, Button, Card, Flex, icons, Money, PageHeader, QueryState, ReasonDialog, Segmented, Space, Table, type TableColumns, Tag, Typography, Upload, useMessage, useShowError } from '@/components/ui';
import { RegistryTag } from '@/features/deals/EvidencePanel';
import { useImportRegistry, useRegistryContracts } from '@/hooks/queries/deals';
import { usePayeeAccounts, useVerifyPayeeAccount } from '@/hooks/queries/rewards';
import { useT } from '@/i18n';
import { formatDate, formatDateTime } from '@/lib/dates';

const ACCEPT = '.csv,.xlsx';
type Filter = 'problems' | 'unchecked' | 'verified';
const FILTERS: Record<Filter, ('mismatch' | 'cancelled' | 'unchecked' | 'verified')[]> = {
  problems: ['mismatch', 'cancelled'],
  unchecked: ['unchecked'],
  verified: ['verified'],
};

function useContractColumns(): TableColumns<RegistryContract> {
  const t = useT();
  return [
    { key: 'deal', title: t('deal.numberShort'), render: (_, c) => <Link to={`/admin/deals/${c.deal_id}`}>#{c.deal_id}</Link> },
    { key: 'no', title: t('contract.registrationNo'), render: (_, c) => <code>{c.registration_no}</code> },
    { key: 'name', title: t('contract.name'), render: (_, c) => c.name },
    { key: 'status', title: t('registry.label'), render: (_, c) => <RegistryTag status={c.registry_status} issues={c.registry_issues} /> },
    {
      key: 'declared',
      title: t('registry.declared'),
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Money value={c.amount} />
          <Typography.Text type="secondary">
            {t(`contractType.${c.type}`)} · {formatDate(c.registered_on)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'record',
      title: t('registry.record'),
      render: (_, c) =>
        c.record === null ? (
          '—'
        ) : (
          <Space direction="vertical" size={0}>
            <Money value={c.record.amount} />
            <Typography.Text type="secondary">
              {t(`contractType.${c.record.contract_type}`)} · {formatDate(c.record.registered_on)}
              {c.record.cancelled ? ` · ${t('registry.status.cancelled')}` : ''}
            </Typography.Text>
          </Space>
        ),
    },
  ];
}

/** Upload the registration office's export; see what matched and every mismatch. */
function RegistryUpload() {
  const t = useT();
  const upload = useImportRegistry();
  const showError = useShowError();
  const message = useMessage();
  const columns = useContractColumns();
  const [result, setResult] = useState<RegistryImportResult | null>(null);
  return (
    <Card size="small" title={t('registry.upload.title')} data-testid="registry-upload-card">
      <Typography.Paragraph type="secondary">{t('registry.upload.explain')}</Typography.Paragraph>
      <Space wrap>
        <Upload
          accept={ACCEPT}
          showUploadList={false}
          beforeUpload={(file) => {
            upload.mutate(file, {
              onSuccess: (body) => {
                setResult(body);
                void message.success(t('registry.upload.done', { rows: body.registry_import.rows }));
              },
              onError: (error) => showError(error),
            });
            return false;
          }}
        >
          <Button kind="primary" icon={<icons.UploadOutlined />} loading={upload.isPending} data-testid="registry-upload">
            {t('registry.upload')}
          </Button>
        </Upload>
        <DownloadButton kind="link" path="/api/v1/registry/template" filename="registry-template.csv">
          {t('registry.template')}
        </DownloadButton>
      </Space>
      {result === null ? null : (
        <Flex vertical gap={8} style={{ marginTop: 12 }} data-testid="registry-result">
          <Alert
            type={result.mismatched.length > 0 ? 'warning' : 'success'}
            showIcon
            message={t('registry.result', { rows: result.registry_import.rows, matched: result.matched, mismatched: result.mismatched.length })}
          />
          {result.mismatched.length > 0 ? <Table<RegistryContract> rowKey="contract_id" size="small" columns={columns} dataSource={result.mismatched} pagination={false} scroll={{ x: 'max-content' }} /> : null}
        </Flex>
      )}
    </Card>
  );
}

function RegistryContracts() {
  const t = useT();
  const [filter, setFilter] = useState<Filter>('problems');
  const [page, setPage] = useState(1);
  const contracts = useRegistryContracts(FILTERS[filter], page);
  const columns = useContractColumns();
  return (
    <Card
      size="small"
      title={t('registry.contracts.title')}
      extra={
        <Segmented<Filter>
          value={filter}
          onChange={(value) => {
            setFilter(value);
            setPage(1);
          }}
          options={(['problems', 'unchecked', 'verified'] as const).map((value) => ({ value, label: t(`registry.filter.${value}`) }))}
        />
      }
    >
      <QueryState isPending={contracts.isPending} error={contracts.error} retry={() => void contracts.refetch()}>
        <Table<RegistryContract>
          rowKey="contract_id"
          size="small"
          columns={columns}
          dataSource={contracts.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, total: contracts.data?.total ?? 0, onChange: setPage }}
          data-testid="registry-contracts"
        />
      </QueryState>
    </Card>
  );
}

/** Brokers' own payee accounts awaiting verification: rewards are paid only to verified ones. */
function PayeeAccounts() {
  const t = useT();
  const accounts = usePayeeAccounts('pending');
  const verify = useVerifyPayeeAccount();
  const message = useMessage();
  const showError = useShowError();
  const [rejecting, setRejecting] = useState<PayeeAccount | null>(null);
  const columns: TableColumns<PayeeAccount> = [
    { key: 'broker', title: t('role.broker'), render: (_, a) => a.broker_name },
    { key: 'holder', title: t('payee.holder'), render: (_, a) => a.holder_name },
    { key: 'bank', title: t('payee.bank'), render: (_, a) => a.bank_name },
    { key: 'account', title: t('payee.account'), render: (_, a) => <code>{a.account}</code> },
    { key: 'updated', title: t('payee.updatedAt'), render: (_, a) => formatDateTime(a.updated_at) },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, a) => (
        <Space size={0}>
          <Button
            kind="link"
            data-testid={`payee-verify-${a.broker_id}`}
            loading={verify.isPending && verify.variables.brokerId === a.broker_id}
            onClick={() =>
              verify.mutate({ brokerId: a.broker_id, status: 'verified' }, { onSuccess: () => void message.success(t('payee.verified', { name: a.broker_name })), onError: (e) => showError(e) })
            }
          >
            {t('verification.approve')}
          </Button>
          <Button kind="link" danger onClick={() => setRejecting(a)}>
            {t('verification.reject')}
          </Button>
        </Space>
      ),
    },
  ];
  return (
    <Card size="small" title={t('payee.review.title')} data-testid="payee-accounts">
      <QueryState isPending={accounts.isPending} error={accounts.error} retry={() => void accounts.refetch()}>
        <Table<PayeeAccount> rowKey="broker_id" size="small" columns={columns} dataSource={accounts.data?.items ?? []} pagination={false} scroll={{ x: 'max-content' }} />
      </QueryState>
      <ReasonDialog
        open={rejecting !== null}
        title={t('verification.reject')}
        okText={t('verification.reject')}
        danger
        loading={verify.isPending}
        onCancel={() => setRejecting(null)}
        onSubmit={(note) =>
          rejecting === null
            ? undefined
            : verify.mutate({ brokerId: rejecting.broker_id, status: 'rejected', note }, { onSuccess: () => setRejecting(null), onError: (e) => showError(e) })
        }
      />
    </Card>
  );
}

/** The registration office's export against the declared contracts, and the brokers' payee
 *  accounts: what must be checked before a reward is paid. */
export function RegistryPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('nav.admin.registry')} subtitle={t('registry.subtitle')} extra={<Tag tone="info">{t('registry.principle')}</Tag>} />
      <Flex vertical gap={16}>
        <RegistryUpload />
        <RegistryContracts />
        <PayeeAccounts />
      </Flex>
    </>
  );
}
