import { Link, useNavigate, useSearchParams } from 'react-router';

import type { Credentials } from '@/api/auth';
import { Button, Card, Flex, Form, Input, PageHeader, Typography, useShowError } from '@/components/ui';
import { useLogin } from '@/hooks/queries/accounts';
import { useT } from '@/i18n';

import { ROLE_HOME, safeNext } from './roleHome';

const FIELDS = ['username', 'password'] as const;

export function LoginPage() {
  const t = useT();
  const [form] = Form.useForm<Credentials>();
  const login = useLogin();
  const showError = useShowError();
  const navigate = useNavigate();
  const [params] = useSearchParams();

  const onFinish = (values: Credentials) => {
    login.mutate(values, {
      onSuccess: (user) => void navigate(safeNext(params.get('next')) ?? ROLE_HOME[user.role], { replace: true }),
      onError: (error) => showError(error, { form, fields: FIELDS }),
    });
  };

  return (
    <Flex justify="center">
      <Card style={{ width: '100%', maxWidth: 420 }}>
        <PageHeader title={t('login.title')} subtitle={t('login.subtitle')} />
        <Form<Credentials> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} data-testid="login-form" aria-label={t('login.title')}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('form.required', { field: t('login.username') }) }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('form.required', { field: t('login.password') }) }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button kind="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
          {t('login.noAccount')} <Link to="/register">{t('login.toRegister')}</Link>
          {' · '}
          <Link to="/experts/apply">{t('experts.apply.link')}</Link>
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}
