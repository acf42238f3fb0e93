// Each role's whole job: claiming from any listing, asking for an introduction, the broker
// feed's filters, co-brokers by name, the administrators' pages, payment corrections and
// what each public figure counts.
export const rolesZh = {
  'roles.matches.findBroker': '找该领域的经纪人',
  'roles.matches.findBrokerHint': '经纪人可以帮您核实需求、联系对方并推进签约。',
  'roles.claim.unverified': '您的经纪人资格审核通过后才能认领撮合',
  'roles.claim.notOpen': '该需求或成果当前不可撮合',
  'roles.introduce': '感兴趣，请经纪人引荐',
  'roles.introduce.hint': '填写一份需求挖掘申请，经纪人会联系双方。',
  'roles.introduce.text': '我们对科技成果《{achievement}》感兴趣，希望经纪人帮忙引荐、与成果方对接。相关技术需求：《{demand}》。',
  'roles.feed.field': '领域（默认：您擅长的领域）',
  'roles.feed.q': '关键词',
  'roles.feed.region': '地区',
  'roles.feed.previous': '上一页',
  'roles.feed.next': '下一页',
  'roles.feed.page': '第 {page} 页',
  'roles.brokerPicker.placeholder': '输入经纪人姓名或所在机构',
  'roles.brokerPicker.type': '输入姓名或机构名称搜索已认证的经纪人',
  'roles.brokerPicker.none': '没有找到该经纪人（仅列出已认证的经纪人）',
  'roles.shares.line': '{name}：{share}%',
} satisfies Record<string, string>;

export const rolesEn: Record<keyof typeof rolesZh, string> = {
  'roles.matches.findBroker': 'Find a broker in this field',
  'roles.matches.findBrokerHint': 'A broker can check what you need, contact the other side and see it through to a contract.',
  'roles.claim.unverified': 'You can claim pairs once your broker registration is verified',
  'roles.claim.notOpen': 'This demand or achievement is not open to deals now',
  'roles.introduce': 'Interested: ask a broker to introduce us',
  'roles.introduce.hint': 'Opens a help request; a broker will contact both sides.',
  'roles.introduce.text': 'We are interested in the achievement “{achievement}” and would like a broker to introduce us to its owner. Our demand: “{demand}”.',
  'roles.feed.field': 'Field (default: your fields)',
  'roles.feed.q': 'Keywords',
  'roles.feed.region': 'Region',
  'roles.feed.previous': 'Previous',
  'roles.feed.next': 'Next',
  'roles.feed.page': 'Page {page}',
  'roles.brokerPicker.placeholder': 'Type a broker’s name or agency',
  'roles.brokerPicker.type': 'Type a name or agency to search verified brokers',
  'roles.brokerPicker.none': 'No such broker (only verified brokers are listed)',
  'roles.shares.line': '{name}: {share}%',
};
