"""listings and field taxonomy

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:34:15.430028
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The seeded industry taxonomy (code, 中文, English, sub-fields). Administrators edit it
# afterwards through the API; this is only the starting point.
TAXONOMY = [
    ("equipment", "智能装备", "Intelligent equipment", [
        ("robotics", "工业机器人", "Industrial robots"),
        ("cnc", "数控机床", "CNC machine tools"),
        ("sensing", "智能传感与检测", "Sensing and inspection"),
        ("additive", "增材制造", "Additive manufacturing")]),
    ("materials", "新材料", "New materials", [
        ("polymers", "高分子材料", "Polymers"),
        ("metals", "先进金属材料", "Advanced metals"),
        ("ceramics", "先进陶瓷", "Advanced ceramics"),
        ("composites", "复合材料", "Composites")]),
    ("electronics", "电子信息", "Electronics and IT", [
        ("semiconductors", "集成电路", "Integrated circuits"),
        ("software", "软件与信息服务", "Software and IT services"),
        ("ai", "人工智能", "Artificial intelligence"),
        ("communications", "通信与网络", "Communications and networks")]),
    ("biomedicine", "生物医药", "Biomedicine", [
        ("drugs", "创新药物", "Innovative drugs"),
        ("tcm", "中医药", "Traditional Chinese medicine"),
        ("devices", "医疗器械", "Medical devices"),
        ("biotech", "生物技术", "Biotechnology")]),
    ("environment", "节能环保", "Energy saving and environment", [
        ("water", "水污染治理", "Water treatment"),
        ("air", "大气污染治理", "Air pollution control"),
        ("waste", "固废资源化", "Solid waste recycling"),
        ("efficiency", "节能技术", "Energy efficiency")]),
    ("agriculture", "现代农业", "Modern agriculture", [
        ("breeding", "种业育种", "Breeding and seeds"),
        ("smart_farming", "智慧农业", "Smart farming"),
        ("aquaculture", "水产养殖", "Aquaculture"),
        ("agri_processing", "农产品加工", "Agricultural processing")]),
    ("new_energy", "新能源", "New energy", [
        ("solar", "光伏", "Photovoltaics"),
        ("wind", "风电", "Wind power"),
        ("storage", "储能与电池", "Energy storage and batteries"),
        ("hydrogen", "氢能", "Hydrogen")]),
    ("chemicals", "化工", "Chemicals", [
        ("fine_chemicals", "精细化工", "Fine chemicals"),
        ("petrochemicals", "石油化工", "Petrochemicals"),
        ("catalysis", "催化技术", "Catalysis")]),
    ("textiles", "纺织服装", "Textiles and apparel", [
        ("fibres", "功能纤维", "Functional fibres"),
        ("dyeing", "印染技术", "Dyeing and finishing"),
        ("footwear", "鞋服智能制造", "Smart footwear and apparel manufacturing")]),
    ("food", "食品", "Food", [
        ("food_processing", "食品加工", "Food processing"),
        ("food_safety", "食品安全检测", "Food safety testing"),
        ("preservation", "保鲜与冷链", "Preservation and cold chain")]),
    ("auto_parts", "汽车零部件", "Automotive parts", [
        ("ev_parts", "新能源汽车部件", "EV components"),
        ("lightweight", "轻量化", "Lightweighting"),
        ("auto_electronics", "汽车电子", "Automotive electronics")]),
    ("construction", "建筑建材", "Construction and building materials", [
        ("green_building", "绿色建筑", "Green building"),
        ("building_materials", "新型建材", "New building materials"),
        ("prefab", "装配式建筑", "Prefabricated construction")]),
]


def upgrade() -> None:
    op.create_table('fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['fields.id'], name=op.f('fk_fields_parent_id_fields')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fields')),
    sa.UniqueConstraint('code', name=op.f('uq_fields_code'))
    )
    with op.batch_alter_table('fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fields_parent_id'), ['parent_id'], unique=False)

    op.create_table('achievements',
    sa.Column('abstract', sa.Text(), nullable=False),
    sa.Column('trl', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('lab', 'pilot', 'industrialised', name='stage', native_enum=False, length=16), nullable=False),
    sa.Column('price', backend.core.types.Money(precision=18, scale=2), nullable=True),
    sa.Column('negotiable', sa.Boolean(), nullable=False),
    sa.Column('team_lead', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'transferred', 'withdrawn', name='achievementstatus', native_enum=False, length=16), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('keywords', sa.String(length=500), nullable=False),
    sa.Column('modes_mask', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('price IS NULL OR price >= 0', name=op.f('ck_achievements_price_nonnegative')),
    sa.CheckConstraint('trl BETWEEN 1 AND 9', name=op.f('ck_achievements_trl_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_achievements_created_by_id_users')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_achievements_field_id_fields')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_achievements_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievements'))
    )
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievements_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_hidden'), ['hidden'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_trl'), ['trl'], unique=False)

    op.create_table('demands',
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('budget_min', backend.core.types.Money(precision=18, scale=2), nullable=True),
    sa.Column('budget_max', backend.core.types.Money(precision=18, scale=2), nullable=True),
    sa.Column('min_trl', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'brokers', 'private', name='visibility', native_enum=False, length=16), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'in_negotiation', 'fulfilled', 'closed', 'expired', 'withdrawn', name='demandstatus', native_enum=False, length=16), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('keywords', sa.String(length=500), nullable=False),
    sa.Column('modes_mask', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('budget_max IS NULL OR budget_min IS NULL OR budget_min <= budget_max', name=op.f('ck_demands_budget_ordered')),
    sa.CheckConstraint('budget_min IS NULL OR budget_min >= 0', name=op.f('ck_demands_budget_min_nonnegative')),
    sa.CheckConstraint('min_trl IS NULL OR (min_trl BETWEEN 1 AND 9)', name=op.f('ck_demands_min_trl_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_demands_created_by_id_users')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_demands_field_id_fields')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_demands_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demands'))
    )
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demands_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_hidden'), ['hidden'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_visibility'), ['visibility'], unique=False)

    op.create_table('demand_brokers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_demand_brokers_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['broker_id'], ['users.id'], name=op.f('fk_demand_brokers_broker_id_users')),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_demand_brokers_demand_id_demands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_brokers')),
    sa.UniqueConstraint('demand_id', 'broker_id', name=op.f('uq_demand_brokers_demand_id_broker_id'))
    )
    with op.batch_alter_table('demand_brokers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_brokers_broker_id'), ['broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_brokers_demand_id'), ['demand_id'], unique=False)

    op.create_table('ip_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invention_patent', 'utility_model', 'software_copyright', 'know_how', name='ipkind', native_enum=False, length=24), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_ip_items_achievement_id_achievements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_items'))
    )
    with op.batch_alter_table('ip_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_items_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_items_number'), ['number'], unique=False)
    fields = sa.table("fields", sa.column("id", sa.Integer), sa.column("code", sa.String),
                      sa.column("name_zh", sa.String), sa.column("name_en", sa.String),
                      sa.column("parent_id", sa.Integer), sa.column("sort", sa.Integer),
                      sa.column("active", sa.Boolean))
    rows, next_id = [], 1
    for top_sort, (code, zh, en, children) in enumerate(TAXONOMY):
        parent_id = next_id
        rows.append({"id": parent_id, "code": code, "name_zh": zh, "name_en": en,
                     "parent_id": None, "sort": top_sort, "active": True})
        next_id += 1
        for sort, (sub, sub_zh, sub_en) in enumerate(children):
            rows.append({"id": next_id, "code": f"{code}.{sub}", "name_zh": sub_zh,
                         "name_en": sub_en, "parent_id": parent_id, "sort": sort, "active": True})
            next_id += 1
    op.bulk_insert(fields, rows)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval('fields_id_seq', (SELECT max(id) FROM fields))")


def downgrade() -> None:
    with op.batch_alter_table('ip_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_items_number'))
        batch_op.drop_index(batch_op.f('ix_ip_items_achievement_id'))

    op.drop_table('ip_items')
    with op.batch_alter_table('demand_brokers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_brokers_demand_id'))
        batch_op.drop_index(batch_op.f('ix_demand_brokers_broker_id'))

    op.drop_table('demand_brokers')
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demands_visibility'))
        batch_op.drop_index(batch_op.f('ix_demands_status'))
        batch_op.drop_index(batch_op.f('ix_demands_region'))
        batch_op.drop_index(batch_op.f('ix_demands_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_demands_hidden'))
        batch_op.drop_index(batch_op.f('ix_demands_field_id'))
        batch_op.drop_index(batch_op.f('ix_demands_deadline'))
        batch_op.drop_index(batch_op.f('ix_demands_created_at'))

    op.drop_table('demands')
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievements_trl'))
        batch_op.drop_index(batch_op.f('ix_achievements_status'))
        batch_op.drop_index(batch_op.f('ix_achievements_region'))
        batch_op.drop_index(batch_op.f('ix_achievements_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_achievements_hidden'))
        batch_op.drop_index(batch_op.f('ix_achievements_field_id'))
        batch_op.drop_index(batch_op.f('ix_achievements_created_at'))

    op.drop_table('achievements')
    with op.batch_alter_table('fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fields_parent_id'))

    op.drop_table('fields')
