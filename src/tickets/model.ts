/**
 * 找错 tickets: the national platform's categories, the statuses and which changes are
 * allowed between them (standards §7; seed task 20). Pure constants and rules, shared by the
 * store, the server, the dashboard and the config schema.
 */

/** The categories of the national 我为政府网站找错 platform, in its order. */
export const CATEGORIES = ['内容无法访问', '信息不更新', '内容不准确', '咨询留言不回复', '错别字', '虚假伪造内容', '其他'] as const;
export type Category = (typeof CATEGORIES)[number];

export const STATUSES = ['待处理', '处理中', '已整改', '已答复', '不予处理'] as const;
export type Status = (typeof STATUSES)[number];

export const SOURCES = ['audit', 'extension', 'import', 'manual'] as const;
export type Source = (typeof SOURCES)[number];
export const SOURCE_ZH: Record<Source, string> = { audit: '自动检查', extension: '浏览器插件', import: '国家平台导入', manual: '手工录入' };

/** Statuses that end the handling (closed_at is set on entering them). */
export const CLOSING: readonly Status[] = ['已答复', '不予处理'];

/**
 * Allowed moves. 已答复 needs a reply (given with the change or stored before); 不予处理 needs
 * a reason; leaving 已答复 / 不予处理 is a reopening.
 */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  待处理: ['处理中', '已整改', '已答复', '不予处理'],
  处理中: ['已整改', '已答复', '不予处理', '待处理'],
  已整改: ['处理中', '已答复'],
  已答复: ['待处理', '处理中'],
  不予处理: ['待处理', '处理中'],
};

export interface Evidence {
  selector?: string;
  snippet?: string;
  pageTitle?: string;
  column?: string;
  /** Finding data for audit tickets (target, status, pages …). */
  [key: string]: unknown;
}

export interface Ticket {
  id: number;
  number: string;
  site: string | null;
  pageUrl: string | null;
  category: Category;
  description: string;
  evidence: Evidence;
  source: Source;
  reporter: string | null;
  reporterTokenId: number | null;
  division: string;
  status: Status;
  rejectReason: string | null;
  receivedAt: string;
  dueAt: string | null;
  /** Why due_at could not be computed (e.g. no holiday calendar for the year). */
  dueError: string | null;
  closedAt: string | null;
  reply: string | null;
  repliedAt: string | null;
  externalId: string | null;
  fingerprint: string | null;
  audit: string | null;
  severity: string | null;
  firstRunId: number | null;
  lastSeenRunId: number | null;
  verifiedRunId: number | null;
  verifiedAt: string | null;
  reopenCount: number;
  hasScreenshot: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  note: string | null;
  runId: number | null;
}

/** Who makes a change: a person (by API token), an audit run, an import, the system. */
export interface Actor {
  name: string;
  tokenId?: number;
}

/** A rule broken by a request: the server turns `status` into the HTTP status. */
export class TicketError extends Error {
  override name = 'TicketError';
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 413 | 422 = 400,
  ) {
    super(message);
  }
}

export function isCategory(v: string): v is Category {
  return (CATEGORIES as readonly string[]).includes(v);
}

/** Checks a status change; throws a TicketError that says what is missing. */
export function checkTransition(from: Status, to: Status, o: { reply?: string | null; reason?: string | null }): void {
  if (from === to) throw new TicketError(`工单已是“${to}”状态（the ticket is already ${to}）`, 409);
  if (!TRANSITIONS[from].includes(to)) {
    throw new TicketError(`不能从“${from}”改为“${to}”：“${from}”只能改为 ${TRANSITIONS[from].join('、')}（cannot change status from ${from} to ${to}）`, 409);
  }
  if (to === '已答复' && !o.reply?.trim()) throw new TicketError('改为“已答复”需要答复内容：请填写答复，或先保存答复（a reply text is required for 已答复）', 422);
  if (to === '不予处理' && !o.reason?.trim()) throw new TicketError('改为“不予处理”需要填写理由（a reason is required for 不予处理）', 422);
}
