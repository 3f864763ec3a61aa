/**
 * The extension's user-facing strings: Chinese first, English available (Settings → 界面语言).
 * One table a language with the same keys; values that take arguments are functions. The
 * category values stay the national platform's Chinese names (they are the API's contract);
 * only their labels are translated.
 */
import { CATEGORIES, type Category } from '../tickets/model.ts';
import type { Severity } from '../audit/types.ts';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const zh = {
  appName: '找错',
  flag: '找错：标记页面内容',
  flagHint: '点选页面上有问题的内容（也可先选中文字）',
  check: '本页体检',
  ruleField: '规则',
  ruleFieldTitle: '规则编号（与 report.json、检查报告中的相同）',
  checkHint: '无障碍、网站标识、个人信息、链接',
  settings: '设置',
  shortcut: (k: string) => `快捷键 ${k}`,
  notConfigured: '尚未设置服务器和令牌。',
  openSettings: '打开设置',
  server: '服务器',
  signedInAs: (name: string, role: string) => `令牌：${name}（${role}）`,
  serverDown: (url: string) => `服务器暂时无法连接（${url}）：报告会保存在本机，恢复后自动发送。`,
  noAnswer: '服务器无法连接',
  outbox: '待发送',
  outboxEmpty: '没有待发送的报告。',
  needsAction: '需处理',
  recentlySent: '最近已提交',
  sendNow: '立即发送',
  resend: '重新发送',
  edit: '编辑',
  remove: '删除',
  attempts: (n: number) => `已尝试 ${n} 次`,
  nextTry: (t: string) => `下次重试 ${t}`,
  noPageHere: '此页面不能使用找错（浏览器内部页面）。',
  // picking
  pickBanner: '找错：点击要报告的内容；Esc 退出',
  // form
  formTitle: '报告问题（我为政府网站找错）',
  category: '问题类型',
  description: '问题描述',
  descriptionPlaceholder: '请说明哪里有错、应当如何改正',
  reporter: '报告人',
  includeScreenshot: '附带截图',
  whatIsSent: '将发送的内容',
  url: '网址',
  title: '页面标题',
  selector: '元素定位',
  snippet: '文字片段',
  selectedText: '选中文字',
  screenshot: '截图',
  viewport: '视口',
  browser: '浏览器',
  maskedNote: '个人信息（身份证号、手机号、银行卡号）已脱敏。',
  submit: '提交',
  submitting: '正在提交…',
  repick: '重新选择',
  cancel: '取消',
  close: '关闭',
  sent: (n: string) => `已提交，工单编号 ${n}`,
  queued: (n: number) => `服务器暂时无法连接，报告已保存，将自动重试（待发送 ${n} 条）。`,
  rejected: (status: number | string, msg: string) => `服务器拒绝了报告（${status}）：${msg}。请修改后重新提交。`,
  missingDescription: '请填写问题描述。',
  // page check
  checking: '正在检查本页…',
  checkDone: (n: number) => (n ? `发现 ${n} 项问题` : '未发现问题'),
  fileIt: '提交找错',
  locate: '定位',
  notFoundOnPage: '未能在页面上定位该元素',
  sources: { integrity: '篡改迹象（暗链、违法链接、挂马）', axe: '无障碍（axe-core）', identity: '网站标识与找错入口', privacy: '个人信息', links: '链接' } as Record<string, string>,
  linksChecked: (n: number, skipped: number) => `已检查 ${n} 个链接${skipped ? `，${skipped} 个无权限读取状态（在设置中添加该网站）` : ''}`,
  // options
  optionsTitle: '找错 — 设置',
  serverUrl: '服务器地址',
  serverUrlHelp: 'zhaocuo serve 的地址，例如 http://127.0.0.1:8787',
  token: '令牌',
  tokenHelp: '管理员用 zhaocuo tokens create --role reporter --name 姓名 创建',
  name: '姓名',
  division: '处室',
  portals: '门户网站',
  portalsHelp: '每行一个网址；扩展只请求这些网站的访问权限（用于链接检查）',
  language: '界面语言',
  save: '保存',
  saved: '已保存。',
  checkingToken: '正在核验令牌…',
  tokenOk: (name: string, role: string) => `令牌有效：${name}（${role}）`,
  tokenBad: (msg: string) => `令牌核验失败：${msg}`,
  tokenRefused: (msg: string) => `服务器拒绝了该令牌，设置未保存：${msg}。请核对令牌（由管理员用 zhaocuo tokens create 生成）后再保存。`,
  tokenUnverified: (msg: string) => `暂时无法连接服务器，令牌尚未核验（${msg}）。设置已保存，服务器可用后请再次保存以核验。`,
  permissionsGranted: '已获得门户网站的访问权限。',
  permissionsDenied: '未获得门户网站的访问权限：链接检查只能判断能否连接。',
  // Chrome builds have a pinned id the server allows by default; Firefox installs each have their own origin.
  extensionOrigin: (o: string) =>
    o.startsWith('chrome-extension://') ? `本扩展的来源为 ${o}，服务器默认允许，无需配置。` : `请让管理员把 ${o} 加入服务器配置 server.extensionOrigins。`,
  invalidUrl: (u: string) => `不是有效的 http(s) 地址：${u}`,
  editTitle: '修改并重新提交',
  notInOutbox: '找不到这条报告（可能已发送或已删除）。',
};

export type Strings = typeof zh;

const en: Strings = {
  appName: 'zhaocuo',
  flag: 'Report an error on this page',
  flagHint: 'Click the faulty content (or select text first)',
  check: 'Check this page',
  ruleField: 'Rule',
  ruleFieldTitle: 'Rule id (as in report.json and the audit report)',
  checkHint: 'Accessibility, site identity, personal data, links',
  settings: 'Settings',
  shortcut: (k) => `Shortcut ${k}`,
  notConfigured: 'No server or token set yet.',
  openSettings: 'Open settings',
  server: 'Server',
  signedInAs: (name, role) => `Token: ${name} (${role})`,
  serverDown: (url) => `The server cannot be reached (${url}): reports are kept here and sent when it is back.`,
  noAnswer: 'server not reachable',
  outbox: 'Waiting to be sent',
  outboxEmpty: 'Nothing waiting.',
  needsAction: 'Needs attention',
  recentlySent: 'Recently filed',
  sendNow: 'Send now',
  resend: 'Send again',
  edit: 'Edit',
  remove: 'Delete',
  attempts: (n) => `${n} attempt${n === 1 ? '' : 's'}`,
  nextTry: (t) => `next try ${t}`,
  noPageHere: 'This page cannot be reported (browser page).',
  pickBanner: 'zhaocuo: click the content to report; Esc to leave',
  formTitle: 'Report an error (我为政府网站找错)',
  category: 'Category',
  description: 'Description',
  descriptionPlaceholder: 'What is wrong, and how should it read',
  reporter: 'Reporter',
  includeScreenshot: 'Attach screenshot',
  whatIsSent: 'What will be sent',
  url: 'URL',
  title: 'Page title',
  selector: 'Selector',
  snippet: 'Text snippet',
  selectedText: 'Selected text',
  screenshot: 'Screenshot',
  viewport: 'Viewport',
  browser: 'Browser',
  maskedNote: 'Personal data (ID, mobile and bank card numbers) is masked.',
  submit: 'Submit',
  submitting: 'Submitting…',
  repick: 'Pick again',
  cancel: 'Cancel',
  close: 'Close',
  sent: (n) => `Filed as ticket ${n}`,
  queued: (n) => `The server cannot be reached; the report is kept and will be sent automatically (${n} waiting).`,
  rejected: (status, msg) => `The server refused the report (${status}): ${msg}. Edit it and submit again.`,
  missingDescription: 'Please describe the problem.',
  checking: 'Checking this page…',
  checkDone: (n) => (n ? `${n} problem${n === 1 ? '' : 's'} found` : 'No problems found'),
  fileIt: 'File ticket',
  locate: 'Show',
  notFoundOnPage: 'The element could not be found on the page',
  sources: { integrity: 'Tampering (hidden and illegal links, cloaking)', axe: 'Accessibility (axe-core)', identity: 'Site identity and 找错 entry', privacy: 'Personal data', links: 'Links' },
  linksChecked: (n, skipped) => `${n} links checked${skipped ? `; ${skipped} could not be read (add the site in Settings)` : ''}`,
  optionsTitle: 'zhaocuo — Settings',
  serverUrl: 'Server URL',
  serverUrlHelp: 'Where zhaocuo serve runs, e.g. http://127.0.0.1:8787',
  token: 'Token',
  tokenHelp: 'An admin creates one: zhaocuo tokens create --role reporter --name <name>',
  name: 'Name',
  division: 'Division',
  portals: 'Portal sites',
  portalsHelp: 'One URL a line; the extension asks access to these sites only (for the link check)',
  language: 'Language',
  save: 'Save',
  saved: 'Saved.',
  checkingToken: 'Checking the token…',
  tokenOk: (name, role) => `Token valid: ${name} (${role})`,
  tokenBad: (msg) => `Token check failed: ${msg}`,
  tokenRefused: (msg) => `The server refused this token; settings not saved: ${msg}. Check the token (made with zhaocuo tokens create) and save again.`,
  tokenUnverified: (msg) => `The server cannot be reached, the token is not checked yet (${msg}). Settings saved; save again once the server answers.`,
  permissionsGranted: 'Access to the portal sites granted.',
  permissionsDenied: 'No access to the portal sites: the link check can only tell whether a link connects.',
  extensionOrigin: (o) =>
    o.startsWith('chrome-extension://') ? `This extension's origin is ${o}; the server allows it by default.` : `Ask an admin to add ${o} to server.extensionOrigins in the server config.`,
  invalidUrl: (u) => `Not a valid http(s) URL: ${u}`,
  editTitle: 'Edit and send again',
  notInOutbox: 'This report is gone (sent or deleted).',
};

export const STRINGS: Record<Lang, Strings> = { zh, en };

export function strings(lang: Lang | undefined): Strings {
  return STRINGS[lang === 'en' ? 'en' : 'zh'];
}

const CATEGORY_EN: Record<Category, string> = {
  内容无法访问: 'Content cannot be reached',
  信息不更新: 'Not updated',
  内容不准确: 'Inaccurate content',
  咨询留言不回复: 'Enquiry not answered',
  错别字: 'Typo',
  虚假伪造内容: 'False or forged content',
  其他: 'Other',
};

/** The label of a national category: the Chinese name, with the English one in English. */
export function categoryLabel(c: Category, lang: Lang): string {
  return lang === 'en' ? `${CATEGORY_EN[c]} (${c})` : c;
}

export const CATEGORY_OPTIONS = CATEGORIES;

const SEVERITY_ZH: Record<Severity, string> = { critical: '否决', high: '严重', medium: '一般', low: '轻微', info: '提示' };

export function severityLabel(s: Severity, lang: Lang): string {
  return lang === 'en' ? s : SEVERITY_ZH[s];
}

const ROLE_EN: Record<string, string> = { reporter: 'reporter', handler: 'handler', admin: 'admin' };
const ROLE_ZH: Record<string, string> = { reporter: '报告人', handler: '处室经办', admin: '管理员' };

export function roleLabel(role: string, lang: Lang): string {
  return (lang === 'en' ? ROLE_EN : ROLE_ZH)[role] ?? role;
}
