import { describe, expect, it, vi } from 'vitest';

import { ApiError, fieldPath, toProblem } from '@/api/problem';
import { createTranslate } from '@/i18n';
import { setServerTextLocale } from '@/i18n/serverText';

import { applyProblem } from './problemFeedback';

const t = createTranslate('zh-CN');

function validationError(errors: { field: string; message: string }[]) {
  return new ApiError({ type: 'about:blank', title: '参数校验失败', status: 422, detail: '请求参数有误', errors });
}

describe('applyProblem (problem+json → form field errors / message)', () => {
  it('puts field errors on their form fields and shows no message', () => {
    const form = { setFields: vi.fn() };
    const notify = vi.fn();
    const placed = applyProblem(
      validationError([
        { field: 'body.username', message: '用户名已被占用' },
        { field: 'password', message: '密码过短' },
        { field: 'password', message: '密码过于简单' },
      ]),
      { form, fields: ['username', 'password'], notify, t },
    );

    expect(placed).toBe(true);
    expect(form.setFields).toHaveBeenCalledTimes(1);
    expect(form.setFields).toHaveBeenCalledWith([
      { name: ['username'], errors: ['用户名已被占用'] },
      { name: ['password'], errors: ['密码过短', '密码过于简单'] },
    ]);
    expect(notify).not.toHaveBeenCalled();
  });

  it('maps nested and indexed paths', () => {
    const form = { setFields: vi.fn() };
    applyProblem(validationError([{ field: 'body.organisation.shareholders.0.name', message: '必填' }]), {
      form,
      notify: vi.fn(),
      t,
    });
    expect(form.setFields).toHaveBeenCalledWith([{ name: ['organisation', 'shareholders', 0, 'name'], errors: ['必填'] }]);
  });

  it('accepts any row of a list with a "prefix.*" field', () => {
    const form = { setFields: vi.fn() };
    const notify = vi.fn();
    applyProblem(validationError([{ field: 'body.organisation.shareholders.1.percent', message: '超过100%' }]), {
      form,
      fields: ['organisation.name', 'organisation.shareholders.*'],
      notify,
      t,
    });
    expect(form.setFields).toHaveBeenCalledWith([{ name: ['organisation', 'shareholders', 1, 'percent'], errors: ['超过100%'] }]);
    expect(notify).not.toHaveBeenCalled();
  });

  it('shows errors for fields the form does not have as a message', () => {
    const form = { setFields: vi.fn() };
    const notify = vi.fn();
    applyProblem(
      validationError([
        { field: 'username', message: '用户名已被占用' },
        { field: 'credit_code', message: '统一社会信用代码已注册' },
      ]),
      { form, fields: ['username'], notify, t },
    );
    expect(form.setFields).toHaveBeenCalledWith([{ name: ['username'], errors: ['用户名已被占用'] }]);
    expect(notify).toHaveBeenCalledWith('请修改标红的内容；统一社会信用代码已注册');
  });

  it('shows the detail of a problem without field errors', () => {
    const form = { setFields: vi.fn() };
    const notify = vi.fn();
    const placed = applyProblem(
      new ApiError({ type: 'https://techbroker/problems/conflict', title: 'Conflict', status: 409, detail: '该撮合项目已被认领' }),
      { form, notify, t },
    );
    expect(placed).toBe(false);
    expect(form.setFields).not.toHaveBeenCalled();
    expect(notify).toHaveBeenCalledWith('该撮合项目已被认领');
  });

  it('without a form, every field error becomes part of the message', () => {
    const notify = vi.fn();
    applyProblem(validationError([{ field: 'username', message: '用户名已被占用' }]), { notify, t });
    expect(notify).toHaveBeenCalledWith('填写的内容有误，请按提示修改；用户名已被占用');
  });

  it('says it in the UI’s language, without the internal paths of the fields, and scrolls to the first', () => {
    const problem = () =>
      new ApiError({
        type: 'about:blank',
        title: '输入有误 Invalid input',
        status: 422,
        detail: '请检查这些字段 Please check: ip_items.0.number, title',
        errors: [
          { field: 'title', message: '内容过短。String should have at least 2 characters' },
          { field: 'ip_items.0.number', message: '专利号格式不正确。The patent number is malformed.' },
        ],
      });
    const form = { setFields: vi.fn(), scrollToField: vi.fn() };
    const notify = vi.fn();
    setServerTextLocale('en-US');
    try {
      applyProblem(problem(), { form, fields: ['title'], notify, t: createTranslate('en-US') });
    } finally {
      setServerTextLocale('zh-CN');
    }
    expect(form.setFields).toHaveBeenCalledWith([{ name: ['title'], errors: ['String should have at least 2 characters'] }]);
    expect(form.scrollToField).toHaveBeenCalledWith(['title'], { block: 'center', focus: true });
    expect(notify).toHaveBeenCalledWith('Change what is marked in red; The patent number is malformed.');

    const zhNotify = vi.fn();
    applyProblem(problem(), { notify: zhNotify, t });
    expect(zhNotify).toHaveBeenCalledWith('填写的内容有误，请按提示修改；内容过短。；专利号格式不正确。');
    expect(zhNotify.mock.calls[0]![0]).not.toContain('ip_items');
  });

  it('shows a conflict’s detail in the UI’s language only', () => {
    const notify = vi.fn();
    applyProblem(new ApiError({ type: 'about:blank', title: '与当前状态冲突 Conflict', status: 409, detail: '该撮合项目已被认领。This pair is already claimed.' }), { notify, t });
    expect(notify).toHaveBeenCalledWith('该撮合项目已被认领。');
  });

  it('translates network and unknown failures', () => {
    const notify = vi.fn();
    applyProblem(new TypeError('Failed to fetch'), { notify, t });
    applyProblem(new Error('boom'), { notify, t });
    expect(notify.mock.calls).toEqual([['网络连接失败，请检查网络后重试'], ['系统开小差了，请稍后重试']]);
  });
});

describe('toProblem', () => {
  it('keeps a problem+json body', () => {
    const body = { type: 'about:blank', title: 'Not Found', status: 404, detail: '技术需求不存在' };
    expect(toProblem(body, 404)).toEqual(body);
  });

  it("reads FastAPI's default validation shape", () => {
    const body = { detail: [{ loc: ['body', 'username'], msg: 'Field required', type: 'missing' }] };
    expect(toProblem(body, 422, 'Unprocessable Entity')).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      errors: [{ field: 'body.username', message: 'Field required' }],
    });
  });

  it('falls back to the status for a body that says nothing', () => {
    expect(toProblem('<html>Bad Gateway</html>', 502, 'Bad Gateway')).toEqual({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
    });
  });

  it('splits field paths', () => {
    expect(fieldPath('query.page')).toEqual(['page']);
    expect(fieldPath('body')).toEqual(['body']);
    expect(fieldPath('items.2')).toEqual(['items', 2]);
  });
});
