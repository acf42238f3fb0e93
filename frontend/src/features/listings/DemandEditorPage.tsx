import { useNavigate, useParams } from 'react-router';

import { Card, Form, PageHeader, QueryState, useMessage, useShowError } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useCreateDemand, useDemand, useUpdateDemand } from '@/hooks/queries/listings';
import { useT } from '@/i18n';

import { DemandForm } from './DemandForm';
import { DEMAND_FIELDS, type DemandFormValues, demandToValues } from './demandValues';

function useVerifiedOrganisation(): boolean {
  const session = useSession();
  return session.status === 'authenticated' && session.user.organisation?.verification_status === 'verified';
}

export function NewDemandPage() {
  const t = useT();
  const [form] = Form.useForm<DemandFormValues>();
  const create = useCreateDemand();
  const showError = useShowError();
  const message = useMessage();
  const navigate = useNavigate();
  const verified = useVerifiedOrganisation();

  return (
    <>
      <PageHeader title={t('demand.new')} subtitle={t('demand.new.subtitle')} />
      <Card>
        <DemandForm
          form={form}
          canPublish
          verified={verified}
          submitting={create.isPending}
          onSubmit={(values, publish) =>
            create.mutate(
              { ...values, publish },
              {
                onSuccess: (demand) => {
                  void message.success(publish ? t('demand.published') : t('demand.savedDraft'));
                  void navigate(`/firm/demands/${demand.id}`, { replace: true });
                },
                onError: (error) => showError(error, { form, fields: DEMAND_FIELDS }),
              },
            )
          }
        />
      </Card>
    </>
  );
}

export function EditDemandPage() {
  const t = useT();
  const id = Number(useParams().demandId);
  const demand = useDemand(id);
  const [form] = Form.useForm<DemandFormValues>();
  const update = useUpdateDemand(id);
  const showError = useShowError();
  const message = useMessage();
  const navigate = useNavigate();

  return (
    <QueryState isPending={demand.isPending} error={demand.error} retry={() => void demand.refetch()}>
      {demand.data === undefined ? null : (
        <>
          <PageHeader title={t('demand.edit')} subtitle={demand.data.title} />
          <Card>
            <DemandForm
              form={form}
              initialValues={demandToValues(demand.data)}
              canPublish={false}
              verified
              submitting={update.isPending}
              onSubmit={(values) =>
                update.mutate(values, {
                  onSuccess: () => {
                    void message.success(t('common.saved'));
                    void navigate(`/firm/demands/${id}`);
                  },
                  onError: (error) => showError(error, { form, fields: DEMAND_FIELDS }),
                })
              }
            />
          </Card>
        </>
      )}
    </QueryState>
  );
}
