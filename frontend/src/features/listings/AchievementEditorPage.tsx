import { useNavigate, useParams } from 'react-router';

import { Card, Form, PageHeader, QueryState, useMessage, useShowError } from '@/components/ui';
import { useSession } from '@/features/accounts/useSession';
import { useAchievement, useCreateAchievement, useUpdateAchievement } from '@/hooks/queries/listings';
import { useT } from '@/i18n';

import { AchievementForm } from './AchievementForm';
import { ACHIEVEMENT_FIELDS, type AchievementFormValues, achievementToValues } from './achievementValues';

export function NewAchievementPage() {
  const t = useT();
  const [form] = Form.useForm<AchievementFormValues>();
  const create = useCreateAchievement();
  const showError = useShowError();
  const message = useMessage();
  const navigate = useNavigate();
  const session = useSession();
  const verified = session.status === 'authenticated' && session.user.organisation?.verification_status === 'verified';

  return (
    <>
      <PageHeader title={t('achievement.new')} subtitle={t('achievement.new.subtitle')} />
      <Card>
        <AchievementForm
          form={form}
          canPublish
          verified={verified}
          submitting={create.isPending}
          onSubmit={(values, publish) =>
            create.mutate(
              { ...values, publish },
              {
                onSuccess: (achievement) => {
                  void message.success(publish ? t('achievement.published') : t('achievement.savedDraft'));
                  void navigate(`/institute/achievements/${achievement.id}`, { replace: true });
                },
                onError: (error) => showError(error, { form, fields: ACHIEVEMENT_FIELDS }),
              },
            )
          }
        />
      </Card>
    </>
  );
}

export function EditAchievementPage() {
  const t = useT();
  const id = Number(useParams().achievementId);
  const achievement = useAchievement(id);
  const [form] = Form.useForm<AchievementFormValues>();
  const update = useUpdateAchievement(id);
  const showError = useShowError();
  const message = useMessage();
  const navigate = useNavigate();

  return (
    <QueryState isPending={achievement.isPending} error={achievement.error} retry={() => void achievement.refetch()}>
      {achievement.data === undefined ? null : (
        <>
          <PageHeader title={t('achievement.edit')} subtitle={achievement.data.title} />
          <Card>
            <AchievementForm
              form={form}
              initialValues={achievementToValues(achievement.data)}
              canPublish={false}
              verified
              submitting={update.isPending}
              onSubmit={(values) =>
                update.mutate(values, {
                  onSuccess: () => {
                    void message.success(t('common.saved'));
                    void navigate(`/institute/achievements/${id}`);
                  },
                  onError: (error) => showError(error, { form, fields: ACHIEVEMENT_FIELDS }),
                })
              }
            />
          </Card>
        </>
      )}
    </QueryState>
  );
}
