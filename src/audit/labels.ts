/**
 * What a user reads instead of an id: audit id → 中文名, rule id → 中文名, severity → 否决/严重/….
 * One table for every surface (HTML report, xlsx, dashboard, ticket views, the extension's page
 * check), so a rule is named the same everywhere (evidence labels: src/report/evidence.ts). The ids stay in
 * report.json and in the small grey 「规则」 field for those who look them up.
 *
 * Pure data and lookups, no I/O: the extension imports it too.
 */
import AXE_ZH from 'axe-core/locales/zh_CN.json' with { type: 'json' };
import type { Severity } from './types.ts';

export const SEVERITY_ZH: Record<Severity, string> = { critical: '否决', high: '严重', medium: '一般', low: '轻微', info: '提示' };

/** Audit id → its short Chinese name (the same as each audit's meta.title.zh; a test keeps them equal). */
export const AUDIT_ZH: Record<string, string> = {
  links: '链接可用性',
  https: 'HTTPS 证书',
  ipv6: 'IPv6 支持',
  availability: '站点可访问性',
  identity: '网站标识',
  columns: '栏目设置与更新',
  'service-guides': '办事指南要素',
  search: '站内搜索',
  interaction: '互动交流',
  privacy: '个人信息保护',
  wording: '表述与错别字',
  integrity: '网站安全：暗链、挂马与篡改迹象',
  accessibility: '无障碍（GB/T 37668）',
  'age-friendly': '适老化',
  lighthouse: 'Lighthouse 页面质量',
  verdict: '检查结论',
  // The extension's page check files axe results under their own group.
  axe: '无障碍',
};

/** Rule id → its Chinese name. Rules built from data (axe, Lighthouse, veto items) are named by ruleLabel. */
export const RULE_ZH: Record<string, string> = {
  // links
  'broken-link': '链接不可用',
  'malformed-link': '链接地址格式错误',
  'redirect-loop': '重定向循环',
  'redirect-chain': '多次重定向',
  'blocked-link': '链接被对方拦截',
  'missing-anchor': '页内锚点缺失',
  'soft-404-site': '不存在的页面返回 200',
  // https
  'mixed-content': 'HTTPS 页面引用 HTTP 资源',
  'tls-invalid': 'HTTPS 证书无效',
  // ipv6
  'no-aaaa': '没有 AAAA 记录',
  'ns-no-aaaa': '域名服务器不支持 IPv6',
  'v6-connect-failed': 'IPv6 连接失败',
  'v6-request-failed': 'IPv6 访问出错',
  'content-differs': 'IPv4 与 IPv6 内容不一致',
  'homepage-v6-unreliable': '首页 IPv6 访问不稳定',
  'level2-below-threshold': '二级链接 IPv6 支持率不达标',
  'level3-below-threshold': '三级链接 IPv6 支持率不达标',
  // availability
  'site-unreachable': '站点无法访问',
  'site-unreachable-probes': '站点无法访问（探测）',
  'availability-not-evaluated': '可访问性未评估',
  // identity
  'marker-missing': '网站标识缺失',
  'marker-malformed': '网站标识格式错误',
  'marker-script-only': '网站标识仅由脚本写入',
  'marker-not-in-footer': '网站标识不在页面底部',
  'conac-institution': '事业单位网站标识',
  'domain-ip-host': '以 IP 地址访问',
  'domain-not-gov-cn': '域名不是 .gov.cn',
  'domain-form': '域名形式不规范',
  // columns
  'column-missing': '栏目缺失',
  'column-stale': '栏目不更新',
  'column-blank': '空白栏目',
  'homepage-not-updated': '首页不更新',
  // service guides
  'guide-incomplete': '办事指南要素缺失',
  'no-online-services': '无在线办事服务',
  // search
  'search-broken': '站内搜索不可用',
  'search-not-found': '未找到站内搜索',
  'search-not-checked': '站内搜索未核验',
  // interaction
  'no-consultation-channel': '无咨询建议渠道',
  'channel-broken': '互动渠道不可用',
  'message-unanswered': '留言超期未答复',
  'message-late-reply': '留言答复超期',
  // privacy
  'unmasked-id-number': '身份证号未脱敏',
  'unmasked-id-number-15': '15 位身份证号未脱敏',
  'unmasked-mobile': '手机号未脱敏',
  'unmasked-bank-card': '银行卡号未脱敏',
  // wording
  'outdated-name': '过时名称',
  'serious-wording': '严重表述错误',
  typo: '错别字',
  // integrity
  'hidden-links': '暗链',
  'illegal-link': '违法链接',
  'title-hijack': '标题劫持',
  'cloaking-script': '挂马脚本',
  'spider-cloaking': '对搜索引擎显示不同内容',
  defacement: '网页被篡改',
  'future-date': '发布日期晚于检查日期',
  'homepage-changed': '首页内容异常变化',
  // accessibility
  'page-not-audited': '页面未完成无障碍检查',
  'page-partly-audited': '页面仅部分完成无障碍检查',
  // age-friendly
  'small-font': '字号过小',
  'popup-on-load': '弹窗',
  'floating-layer': '漂浮广告或浮层',
  'zoom-disabled': '禁止页面缩放',
  // lighthouse
  'lighthouse-failed': 'Lighthouse 未能运行',
  // verdict
  'score-below-pass': '得分低于合格线',
};

const LIGHTHOUSE_CATEGORY_ZH: Record<string, string> = { performance: '性能', accessibility: '无障碍', 'best-practices': '最佳实践', seo: '搜索引擎优化' };

/**
 * Lighthouse's own Chinese locale leaves its metric names in English ("Largest Contentful Paint"
 * is the title of the largest-contentful-paint audit, and inside other titles): ours, by audit id
 * and by the English name, longest first.
 */
export const LIGHTHOUSE_METRIC_ZH: Record<string, { en: string; zh: string }> = {
  'max-potential-fid': { en: 'Max Potential First Input Delay', zh: '首次输入延迟最大潜在值（Max Potential FID）' },
  'first-contentful-paint': { en: 'First Contentful Paint', zh: '首次内容绘制（FCP）' },
  'largest-contentful-paint': { en: 'Largest Contentful Paint', zh: '最大内容绘制（LCP）' },
  'first-meaningful-paint': { en: 'First Meaningful Paint', zh: '首次有效绘制（FMP）' },
  'total-blocking-time': { en: 'Total Blocking Time', zh: '总阻塞时间（TBT）' },
  'cumulative-layout-shift': { en: 'Cumulative Layout Shift', zh: '累积布局偏移（CLS）' },
  'interaction-to-next-paint': { en: 'Interaction to Next Paint', zh: '交互到下一次绘制（INP）' },
  interactive: { en: 'Time to Interactive', zh: '可交互时间（TTI）' },
  'speed-index': { en: 'Speed Index', zh: '速度指数（Speed Index）' },
  'server-response-time': { en: 'Time to First Byte', zh: '首字节时间（TTFB）' },
  'first-input-delay': { en: 'First Input Delay', zh: '首次输入延迟（FID）' },
};
const METRIC_NAMES = Object.values(LIGHTHOUSE_METRIC_ZH).sort((a, b) => b.en.length - a.en.length);

/** A Lighthouse title or value in Chinese: its English metric names and units (s, ms) replaced. */
export function lighthouseZh(text: string): string {
  let out = text;
  // The space Lighthouse puts between a Latin name and Chinese goes with the name.
  const cjk = (c: string | undefined) => c !== undefined && /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/.test(c);
  for (const m of METRIC_NAMES)
    out = out.replace(new RegExp(`( ?)${m.en}( ?)`, 'g'), (all: string, a: string, b: string, at: number, s: string) => `${a && !cjk(s[at - 1]) ? ' ' : ''}${m.zh}${b && !cjk(s[at + all.length]) ? ' ' : ''}`);
  return out.replace(/(\d)\s*ms\b/g, '$1 毫秒').replace(/(\d)\s*s\b/g, '$1 秒');
}

const AXE_RULES = (AXE_ZH as { rules: Record<string, { help?: string; description?: string }> }).rules;

/**
 * The Chinese name of a finding's rule. Rules made from data are named from it: axe rules by
 * axe's own Chinese help text, veto items by the item, Lighthouse audits as such. Never the id.
 */
export function ruleLabel(audit: string, rule: string): string {
  const known = RULE_ZH[rule];
  if (known) return known;
  if (rule.startsWith('veto-')) return `单项否决：${rule.slice(5)}`;
  if (rule.startsWith('needs-review/')) return `需人工复核：${axeRuleLabel(rule.slice('needs-review/'.length))}`;
  if (audit === 'accessibility' || audit === 'axe') return axeRuleLabel(rule);
  if (audit === 'lighthouse') {
    if (rule.startsWith('score/')) return `Lighthouse ${LIGHTHOUSE_CATEGORY_ZH[rule.slice(6)] ?? ''}得分偏低`;
    if (LIGHTHOUSE_METRIC_ZH[rule]) return `Lighthouse 指标未达标：${LIGHTHOUSE_METRIC_ZH[rule].zh}`;
    return 'Lighthouse 未通过项';
  }
  return `${AUDIT_ZH[audit] ?? '其他检查'}问题`;
}

function axeRuleLabel(id: string): string {
  return AXE_RULES[id]?.help ?? '无障碍问题';
}

export function auditLabel(audit: string): string {
  return AUDIT_ZH[audit] ?? '其他检查';
}
