import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import type { components } from '@/api/schema';
import type { FieldNode } from '@/api/types';
import { DownloadButton } from '@/components/files/DownloadButton';
import {
  Alert,
  Button,
  Card,
  Col,
  DateInput,
  EmptyState,
  Form,
  icons,
  Input,
  List,
  Modal,
  PageHeader,
  QueryState,
  Row,
  Select,
  Space,
  Switch,
  Table,
  type TableColumns,
  Tag,
  Typography,
  Upload,
  useBelow,
  useMessage,
  useShowError,
} from '@/components/ui';
import { useFieldName } from '@/features/listings/fields';
import { useChain, useChains, useChainVersion, useChainVersions, useCreateChain, useImportChain, useSaveChain } from '@/hooks/queries/chains';
import { useFieldTree } from '@/hooks/queries/listings';
import { useLocale, useT } from '@/i18n';
import { codeLabel } from '@/i18n/codeLabels';
import { formatDateTime } from '@/lib/dates';

import { ChainGraph } from './ChainGraph';
import { STAGES } from './graph';
import { graphProblems, type GraphProblem } from './problems';

type ChainIn = components['schemas']['ChainIn'];
type ChainOut = components['schemas']['ChainOut'];
type NodeIn = components['schemas']['NodeIn'];
type EdgeIn = components['schemas']['EdgeIn'];
type MarkKind = components['schemas']['MarkKind'];

const MARK_KINDS: MarkKind[] = ['bottleneck', 'supply_risk', 'common_tech'];
const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

interface FormValues {
  code?: string;
  name_zh: string;
  name_en: string;
  region: string;
  description?: string;
  is_dag: boolean;
  nodes?: NodeIn[];
  edges?: EdgeIn[];
  note?: string;
}

/** A node as the form holds it while being typed (any field may still be empty). */
type DraftNode = Partial<NodeIn> | undefined;

function useNodeName() {
  const { locale } = useLocale();
  return (node: { name_zh?: string; name_en?: string; key?: string }) =>
    [locale === 'zh-CN' ? node.name_zh : node.name_en, node.name_zh, node.key].find((text) => text !== undefined && text !== '') ?? '';
}

function useProblemWords() {
  const t = useT();
  const name = useNodeName();
  return {
    node: (n: number, nodeName: string) => t('chainEditor.problem.node', { n, name: nodeName }),
    edge: (n: number, from: string, to: string) => t('chainEditor.problem.edge', { n, from, to }),
    edges: t('chainEditor.edges'),
    chain: t('chainEditor.chain'),
    name,
  };
}

/** As wide as on a desktop: the graph keeps its aspect ratio, so a narrower box also brings the
 *  rows together until nodes and labels overlap (they did at 760 px). */
const GRAPH_MIN_WIDTH = 1100;

/** The version being edited drawn as the chain map draws it, read-only and as it is typed:
 *  nodes without a key or stage yet, and edges to nodes not there, are left out until they are. */
function GraphPreview({ nodes, edges, saved }: { nodes: DraftNode[]; edges: (Partial<EdgeIn> | undefined)[]; saved: ChainOut | undefined }) {
  const t = useT();
  const name = useNodeName();
  const drawn = nodes.flatMap((n) => (n?.key && n.stage ? [{ ...n, key: n.key, stage: n.stage }] : []));
  const keys = new Set(drawn.map((n) => n.key));
  const links = edges.flatMap((e) => (e?.source && e.target && keys.has(e.source) && keys.has(e.target) ? [{ source: e.source, target: e.target }] : []));
  const byKey = new Map(drawn.map((n) => [n.key, n]));
  const label = (key: string) => name(byKey.get(key) ?? { key });
  // On a phone the note goes under the title (as the card's extra it pushed the title out) and
  // the graph keeps a desktop width in a scrolling box: squeezed to 390 px its labels overlapped.
  const narrow = useBelow('md');
  const note = <Typography.Text type="secondary">{saved === undefined ? t('chainEditor.preview.new') : t('chainEditor.preview.editing', { n: saved.version })}</Typography.Text>;
  const graph = <ChainGraph chain={{ nodes: drawn, edges: links }} figures={null} label={label} testId="chain-editor-graph" />;
  return (
    <Card title={t('chainEditor.preview')} extra={narrow ? undefined : note} style={{ marginBottom: 16 }}>
      {narrow ? <div style={{ marginBottom: 12 }}>{note}</div> : null}
      {drawn.length === 0 ? (
        <Typography.Text type="secondary">{t('chainEditor.preview.empty')}</Typography.Text>
      ) : narrow ? (
        <div style={{ overflowX: 'auto' }} data-testid="chain-editor-graph-scroll">
          <div style={{ minWidth: GRAPH_MIN_WIDTH }}>{graph}</div>
        </div>
      ) : (
        graph
      )}
    </Card>
  );
}

/** Every problem the server found, located in words. */
function ProblemList({ problems }: { problems: GraphProblem[] }) {
  const t = useT();
  return (
    <Alert
      type="error"
      showIcon
      data-testid="chain-problems"
      style={{ marginBottom: 16 }}
      message={t('chainEditor.problems', { n: problems.length })}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {problems.map((p, i) => (
            <li key={i}>
              <Typography.Text strong>{p.where}</Typography.Text>：{p.message}
            </li>
          ))}
        </ul>
      }
    />
  );
}

/** Administrators' list of chains: open one in the editor, start a new one, or import one. */
export function ChainAdminListPage() {
  const t = useT();
  const chains = useChains(true);
  const name = useNodeName();
  const navigate = useNavigate();
  const columns: TableColumns<components['schemas']['ChainSummary']> = [
    { key: 'name', title: t('chainEditor.name'), render: (_, c) => <Link to={`/admin/chains/${c.id}`}>{name(c)}</Link> },
    { key: 'region', title: t('common.region'), dataIndex: 'region' },
    { key: 'version', title: t('chainEditor.version'), render: (_, c) => t('chains.version', { n: c.version }) },
    { key: 'updated', title: t('chainEditor.updatedAt'), render: (_, c) => formatDateTime(c.updated_at) },
  ];
  return (
    <>
      <PageHeader
        title={t('nav.admin.chains')}
        extra={
          <Space wrap>
            <ImportButton />
            <Button kind="primary" icon={<icons.PlusOutlined />} onClick={() => void navigate('/admin/chains/new')}>
              {t('chainEditor.new')}
            </Button>
          </Space>
        }
      />
      <QueryState isPending={chains.isPending} error={chains.error} retry={() => void chains.refetch()}>
        <Card>
          <Table rowKey="id" columns={columns} dataSource={chains.data ?? []} pagination={false} />
        </Card>
      </QueryState>
    </>
  );
}

/** Import a workbook: a new chain (no id) or a new version of chain `id`; problems by sheet and row. */
function ImportButton({ chain }: { chain?: ChainOut }) {
  const t = useT();
  const navigate = useNavigate();
  const message = useMessage();
  const showError = useShowError();
  const words = useProblemWords();
  const upload = useImportChain(chain?.id);
  const [problems, setProblems] = useState<GraphProblem[] | null>(null);
  return (
    <>
      <Upload
        accept=".xlsx"
        showUploadList={false}
        beforeUpload={(file) => {
          setProblems(null);
          upload.mutate(file, {
            onSuccess: (saved) => {
              void message.success(t('chainEditor.imported', { n: saved.version }));
              if (chain === undefined) void navigate(`/admin/chains/${saved.id}`);
            },
            onError: (error) => {
              const found = graphProblems(error, chain?.nodes ?? [], chain?.edges ?? [], words);
              if (found === null) showError(error);
              else setProblems(found);
            },
          });
          return false;
        }}
      >
        <Button icon={<icons.UploadOutlined />} loading={upload.isPending} data-testid="chain-import">
          {chain === undefined ? t('chainEditor.importNew') : t('chainEditor.import')}
        </Button>
      </Upload>
      <Modal open={problems !== null} title={t('chainEditor.importFailed')} onCancel={() => setProblems(null)} footer={null}>
        {problems !== null ? <ProblemList problems={problems} /> : null}
      </Modal>
    </>
  );
}

/** The taxonomy's active sub-fields as choices, by name ("装备制造 / 数控机床"). */
function useSubFieldOptions() {
  const tree = useFieldTree();
  const name = useFieldName();
  return useMemo(
    () =>
      (tree.data ?? [])
        .filter((f: FieldNode) => f.active)
        .flatMap((f) => (f.children ?? []).filter((c) => c.active).map((c) => ({ value: c.code, label: `${name(f)} / ${name(c)}` }))),
    [tree.data, name],
  );
}

const EMPTY: FormValues = {
  code: '',
  name_zh: '',
  name_en: '',
  region: '',
  description: '',
  is_dag: true,
  nodes: [],
  edges: [],
  note: '',
};

function toValues(chain: ChainOut | ChainIn): FormValues {
  return {
    code: chain.code,
    name_zh: chain.name_zh,
    name_en: chain.name_en,
    region: chain.region,
    description: chain.description ?? '',
    is_dag: chain.is_dag ?? true,
    nodes: chain.nodes.map((n) => ({
      key: n.key,
      name_zh: n.name_zh,
      name_en: n.name_en,
      stage: n.stage,
      description: n.description ?? '',
      keywords: n.keywords ?? [],
      field_codes: n.field_codes,
      marks: n.marks ?? [],
    })),
    edges: (chain.edges ?? []).map((e) => ({ source: e.source, target: e.target, note: e.note ?? '' })),
    note: '',
  };
}

/** The chain editor: `/admin/chains/new` or `/admin/chains/:chainId`. */
export function ChainEditorPage() {
  const params = useParams();
  const id = params.chainId === undefined ? undefined : Number(params.chainId);
  const chain = useChain(id);
  if (id === undefined) return <ChainEditor />;
  return (
    <QueryState isPending={chain.isPending} error={chain.error} retry={() => void chain.refetch()}>
      {chain.data !== undefined ? <ChainEditor key={`${chain.data.id}-${chain.data.version}`} chain={chain.data} /> : null}
    </QueryState>
  );
}

function ChainEditor({ chain }: { chain?: ChainOut }) {
  const t = useT();
  const navigate = useNavigate();
  const message = useMessage();
  const showError = useShowError();
  const words = useProblemWords();
  const name = useNodeName();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateChain();
  const save = useSaveChain(chain?.id ?? 0);
  const [problems, setProblems] = useState<GraphProblem[] | null>(null);
  const nodes: DraftNode[] = Form.useWatch('nodes', form) ?? [];
  const edges: (Partial<EdgeIn> | undefined)[] = Form.useWatch('edges', form) ?? [];
  const fieldOptions = useSubFieldOptions();
  const stageOptions = STAGES.map((s) => ({ value: s, label: codeLabel(t, 'ChainStage', s) }));
  const markOptions = MARK_KINDS.map((m) => ({ value: m, label: codeLabel(t, 'MarkKind', m) }));
  const nodeOptions = nodes.flatMap((n) => (n?.key ? [{ value: n.key, label: name(n) }] : []));

  const submit = (values: FormValues) => {
    setProblems(null);
    const graph = {
      name_zh: values.name_zh,
      name_en: values.name_en,
      region: values.region,
      description: values.description ?? '',
      is_dag: values.is_dag,
      nodes: (values.nodes ?? []).map((n) => ({ ...n, description: n.description ?? '', keywords: n.keywords ?? [], marks: n.marks ?? [] })),
      edges: (values.edges ?? []).map((e) => ({ ...e, note: e.note ?? '' })),
      note: values.note ?? '',
    };
    const onError = (error: unknown) => {
      const found = graphProblems(error, graph.nodes, graph.edges, words);
      if (found === null) showError(error);
      else {
        setProblems(found);
        window.scrollTo({ top: 0 });
      }
    };
    if (chain === undefined) {
      create.mutate(
        { ...graph, code: values.code ?? '' },
        {
          onSuccess: (saved) => {
            void message.success(t('chainEditor.saved', { n: saved.version }));
            void navigate(`/admin/chains/${saved.id}`);
          },
          onError,
        },
      );
    } else {
      save.mutate(graph, { onSuccess: (saved) => void message.success(t('chainEditor.saved', { n: saved.version })), onError });
    }
  };

  const newKey = () => {
    const taken = new Set(nodes.map((n) => n?.key));
    let i = nodes.length + 1;
    while (taken.has(`node-${i}`)) i += 1;
    return `node-${i}`;
  };

  return (
    <>
      <PageHeader
        title={chain === undefined ? t('chainEditor.new') : `${name(chain)} · ${t('chains.version', { n: chain.version })}`}
        subtitle={t('nav.admin.chains')}
        extra={
          <Space wrap>
            <Button onClick={() => void navigate('/admin/chains')}>{t('common.back')}</Button>
            {chain !== undefined ? (
              <>
                <DownloadButton path={`/api/v1/chains/${chain.id}/export`} filename={`chain-${chain.code}.xlsx`}>
                  {t('chains.export')}
                </DownloadButton>
                <ImportButton chain={chain} />
              </>
            ) : null}
          </Space>
        }
      />
      {problems !== null ? <ProblemList problems={problems} /> : null}
      <GraphPreview nodes={nodes} edges={edges} saved={chain} />
      <Form<FormValues> form={form} layout="vertical" initialValues={chain === undefined ? EMPTY : toValues(chain)} onFinish={submit} scrollToFirstError>
        <Card title={t('chainEditor.chain')}>
          <Row gutter={16}>
            {chain === undefined ? (
              <Col xs={24} md={8}>
                <Form.Item name="code" label={t('chainEditor.code')} extra={t('chainEditor.codeHint')} rules={[{ required: true, pattern: /^[a-z0-9_.-]{1,32}$/, message: t('chainEditor.codeHint') }]}>
                  <Input />
                </Form.Item>
              </Col>
            ) : null}
            <Col xs={24} md={8}>
              <Form.Item name="name_zh" label={t('chainEditor.nameZh')} rules={[{ required: true, whitespace: true, message: t('chainEditor.required') }]}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="name_en" label={t('chainEditor.nameEn')} rules={[{ required: true, whitespace: true, message: t('chainEditor.required') }]}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="region" label={t('common.region')} rules={[{ required: true, whitespace: true, message: t('chainEditor.required') }]}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="is_dag" label={t('chainEditor.isDag')} valuePropName="checked" extra={t('chainEditor.isDagHint')}>
                <Switch />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item name="description" label={t('chainEditor.description')}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Form.List name="nodes">
          {(fields, { add, remove }) => (
            <Card title={t('chainEditor.nodes', { n: fields.length })} style={{ marginTop: 16 }} data-testid="chain-editor-nodes">
              {fields.length === 0 ? <EmptyState compact description={t('chainEditor.noNodes')} /> : null}
              {fields.map((field, i) => (
                <Card
                  key={field.key}
                  size="small"
                  type="inner"
                  style={{ marginBottom: 12 }}
                  title={`${i + 1}. ${name(nodes[i] ?? {})}`}
                  extra={
                    <Button kind="link" danger onClick={() => remove(field.name)} aria-label={t('chainEditor.removeNode')}>
                      {t('chainEditor.remove')}
                    </Button>
                  }
                >
                  <Row gutter={12}>
                    <Col xs={24} md={6}>
                      <Form.Item name={[field.name, 'key']} label={t('chainEditor.key')} extra={t('chainEditor.keyHint')} rules={[{ required: true, pattern: KEY_PATTERN, message: t('chainEditor.keyHint') }]}>
                        <Input />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={6}>
                      <Form.Item name={[field.name, 'name_zh']} label={t('chainEditor.nameZh')} rules={[{ required: true, whitespace: true, message: t('chainEditor.required') }]}>
                        <Input maxLength={100} data-testid={`node-${i}-name-zh`} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={6}>
                      <Form.Item name={[field.name, 'name_en']} label={t('chainEditor.nameEn')} rules={[{ required: true, whitespace: true, message: t('chainEditor.required') }]}>
                        <Input maxLength={200} data-testid={`node-${i}-name-en`} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={6}>
                      <Form.Item name={[field.name, 'stage']} label={t('chainEditor.stage')} rules={[{ required: true, message: t('chainEditor.required') }]}>
                        <Select options={stageOptions} data-testid={`node-${i}-stage`} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={12}>
                      <Form.Item name={[field.name, 'field_codes']} label={t('chainEditor.fields')} rules={[{ required: true, type: 'array', min: 1, message: t('chainEditor.fieldsHint') }]}>
                        <Select mode="multiple" options={fieldOptions} optionFilterProp="label" showSearch data-testid={`node-${i}-fields`} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={12}>
                      <Form.Item name={[field.name, 'keywords']} label={t('common.keywords')}>
                        <Select mode="tags" tokenSeparators={[',', '，', '、']} open={false} />
                      </Form.Item>
                    </Col>
                    <Col xs={24}>
                      <Form.Item name={[field.name, 'description']} label={t('chainEditor.description')}>
                        <Input.TextArea rows={2} maxLength={2000} />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.List name={[field.name, 'marks']}>
                    {(marks, markOps) => (
                      <>
                        {marks.map((mark) => (
                          <Card key={mark.key} size="small" style={{ marginBottom: 8, background: 'rgba(212,136,6,0.06)' }}>
                            <Row gutter={12}>
                              <Col xs={24} md={8}>
                                <Form.Item name={[mark.name, 'kind']} label={t('chainEditor.markKind')} rules={[{ required: true, message: t('chainEditor.required') }]}>
                                  <Select options={markOptions} />
                                </Form.Item>
                              </Col>
                              <Col xs={24} md={8}>
                                <Form.Item name={[mark.name, 'marked_on']} label={t('chainEditor.markedOn')} rules={[{ required: true, message: t('chainEditor.required') }]}>
                                  <DateInput disabledFuture />
                                </Form.Item>
                              </Col>
                              <Col xs={24} md={8} style={{ display: 'flex', alignItems: 'center' }}>
                                <Button kind="link" danger onClick={() => markOps.remove(mark.name)}>
                                  {t('chainEditor.removeMark')}
                                </Button>
                              </Col>
                              <Col xs={24} md={12}>
                                <Form.Item name={[mark.name, 'reason']} label={t('chainEditor.reason')} rules={[{ required: true, whitespace: true, message: t('chainEditor.required') }]}>
                                  <Input.TextArea rows={2} maxLength={1000} />
                                </Form.Item>
                              </Col>
                              <Col xs={24} md={12}>
                                <Form.Item name={[mark.name, 'evidence']} label={t('chainEditor.evidence')} rules={[{ required: true, whitespace: true, message: t('chainEditor.required') }]}>
                                  <Input.TextArea rows={2} maxLength={2000} />
                                </Form.Item>
                              </Col>
                            </Row>
                          </Card>
                        ))}
                        {marks.length < MARK_KINDS.length ? (
                          <Button icon={<icons.PlusOutlined />} onClick={() => markOps.add({ kind: undefined, reason: '', marked_on: undefined, evidence: '' })}>
                            {t('chainEditor.addMark')}
                          </Button>
                        ) : null}
                      </>
                    )}
                  </Form.List>
                </Card>
              ))}
              <Button
                icon={<icons.PlusOutlined />}
                data-testid="chain-add-node"
                onClick={() => add({ key: newKey(), name_zh: '', name_en: '', stage: 'components', description: '', keywords: [], field_codes: [], marks: [] })}
              >
                {t('chainEditor.addNode')}
              </Button>
            </Card>
          )}
        </Form.List>

        <Form.List name="edges">
          {(fields, { add, remove }) => (
            <Card title={t('chainEditor.edgesN', { n: fields.length })} style={{ marginTop: 16 }} data-testid="chain-editor-edges">
              <Typography.Paragraph type="secondary">{t('chainEditor.edgesHint')}</Typography.Paragraph>
              {fields.map((field, i) => (
                <Row key={field.key} gutter={8} align="middle" style={{ marginBottom: 4 }}>
                  <Col xs={24} md={8}>
                    <Form.Item name={[field.name, 'source']} label={t('chainEditor.source')} rules={[{ required: true, message: t('chainEditor.required') }]} style={{ marginBottom: 8 }}>
                      <Select options={nodeOptions} showSearch optionFilterProp="label" data-testid={`edge-${i}-source`} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item name={[field.name, 'target']} label={t('chainEditor.target')} rules={[{ required: true, message: t('chainEditor.required') }]} style={{ marginBottom: 8 }}>
                      <Select options={nodeOptions} showSearch optionFilterProp="label" data-testid={`edge-${i}-target`} />
                    </Form.Item>
                  </Col>
                  <Col xs={18} md={6}>
                    <Form.Item name={[field.name, 'note']} label={t('chainEditor.edgeNote')} style={{ marginBottom: 8 }}>
                      <Input maxLength={200} />
                    </Form.Item>
                  </Col>
                  <Col xs={6} md={2}>
                    <Button kind="link" danger onClick={() => remove(field.name)} aria-label={t('chainEditor.removeEdge')}>
                      {t('chainEditor.remove')}
                    </Button>
                  </Col>
                </Row>
              ))}
              <Button icon={<icons.PlusOutlined />} data-testid="chain-add-edge" onClick={() => add({ source: undefined, target: undefined, note: '' })}>
                {t('chainEditor.addEdge')}
              </Button>
            </Card>
          )}
        </Form.List>

        <Card style={{ marginTop: 16 }}>
          <Form.Item name="note" label={t('chainEditor.note')} extra={t('chainEditor.noteHint')}>
            <Input maxLength={500} />
          </Form.Item>
          <Button kind="primary" htmlType="submit" loading={create.isPending || save.isPending} data-testid="chain-save">
            {t('chainEditor.save')}
          </Button>
        </Card>
      </Form>
      {chain !== undefined ? <VersionHistory chain={chain} /> : null}
    </>
  );
}

/** Every saved version, newest first; an old one opens read-only. */
function VersionHistory({ chain }: { chain: ChainOut }) {
  const t = useT();
  const versions = useChainVersions(chain.id);
  const [open, setOpen] = useState<number>();
  return (
    <Card title={t('chainEditor.versions')} style={{ marginTop: 16 }} data-testid="chain-versions">
      <QueryState isPending={versions.isPending} error={versions.error} retry={() => void versions.refetch()}>
        <List
          dataSource={versions.data ?? []}
          renderItem={(v) => (
            <List.Item
              actions={[
                <Button key="view" kind="link" onClick={() => setOpen(v.number)}>
                  {t('chainEditor.viewVersion')}
                </Button>,
              ]}
            >
              <Space wrap>
                <Tag tone={v.number === chain.version ? 'success' : 'neutral'}>{t('chains.version', { n: v.number })}</Tag>
                <Typography.Text type="secondary">{formatDateTime(v.created_at)}</Typography.Text>
                <Typography.Text>{v.note || t('chainEditor.noNote')}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </QueryState>
      <VersionModal chainId={chain.id} number={open} onClose={() => setOpen(undefined)} />
    </Card>
  );
}

function VersionModal({ chainId, number, onClose }: { chainId: number; number: number | undefined; onClose: () => void }) {
  const t = useT();
  const name = useNodeName();
  const version = useChainVersion(chainId, number);
  const graph = version.data?.graph;
  const byKey = new Map((graph?.nodes ?? []).map((n) => [n.key, n]));
  const label = (key: string) => {
    const node = byKey.get(key);
    return node === undefined ? key : name(node);
  };
  return (
    <Modal open={number !== undefined} onCancel={onClose} footer={null} width={720} title={number === undefined ? '' : t('chains.version', { n: number })}>
      <QueryState isPending={version.isPending} error={version.error} retry={() => void version.refetch()}>
        {graph !== undefined && version.data !== undefined ? (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="chain-version-view">
            <Typography.Text type="secondary">
              {formatDateTime(version.data.created_at)} · {version.data.note || t('chainEditor.noNote')}
            </Typography.Text>
            <Typography.Text strong>
              {name(graph)} · {graph.region}
            </Typography.Text>
            <List
              size="small"
              header={t('chainEditor.nodes', { n: graph.nodes.length })}
              dataSource={graph.nodes}
              renderItem={(n) => (
                <List.Item>
                  <Space wrap>
                    <Typography.Text>{name(n)}</Typography.Text>
                    <Typography.Text type="secondary">{codeLabel(t, 'ChainStage', n.stage)}</Typography.Text>
                    {(n.marks ?? []).map((m) => (
                      <Tag key={m.kind} tone="warning">
                        {codeLabel(t, 'MarkKind', m.kind)}
                      </Tag>
                    ))}
                  </Space>
                </List.Item>
              )}
            />
            <List
              size="small"
              header={t('chainEditor.edgesN', { n: (graph.edges ?? []).length })}
              dataSource={graph.edges ?? []}
              renderItem={(e) => (
                <List.Item>
                  {label(e.source)} → {label(e.target)}
                </List.Item>
              )}
            />
          </Space>
        ) : null}
      </QueryState>
    </Modal>
  );
}
