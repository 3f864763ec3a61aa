/**
 * What the API accepts: strict zod schemas (an unknown field is an error that names it), the
 * screenshot data URL (PNG/JPEG/WebP, checked by its bytes, size-limited), and errors as JSON
 * with a message that says what is wrong.
 */
import { z } from 'zod';
import { dbUsageError, isBusy, StoreBusyError, StoreUnavailableError } from '../store/db-errors.ts';
import { CATEGORIES, STATUSES, TicketError } from '../tickets/model.ts';
import type { Screenshot } from '../tickets/service.ts';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }
}

const pageUrl = z.url({ protocol: /^https?$/, error: '应为 http:// 或 https:// 开头的网址（expected an http(s) URL）' }).max(2048);
const text = (max: number) => z.string().max(max, `最多 ${max} 个字符（at most ${max} characters）`);

const ticketFields = {
  pageUrl: pageUrl.optional(),
  category: z.enum(CATEGORIES, { error: `应为 ${CATEGORIES.join('、')} 之一（unknown category）` }),
  description: text(5000).trim().min(1, '不能为空（must not be empty）'),
  selector: text(2000).optional(),
  snippet: text(5000).optional(),
  pageTitle: text(500).optional(),
  /** 栏目 the page belongs to (routing by column). */
  column: text(100).optional(),
  /** data:image/png;base64,… */
  screenshot: z.string().optional(),
  /** Name of the person who reported (defaults to the token's name). */
  reporter: text(100).optional(),
};

/**
 * POST /api/intake — the browser extension. Besides the ticket fields: `clientKey`, the
 * report's idempotency key (the same report sent twice — a retry after a lost answer — files
 * one ticket: the second answer is 200 with the first ticket), and what the reporter saw with
 * (viewport, browser) and the text they had selected; those three are kept in the evidence.
 */
export const intakeBody = z.strictObject({
  ...ticketFields,
  clientKey: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, '应为 8–100 个字符，只含 A–Z a–z 0–9 _ -（bad clientKey）').optional(),
  viewport: text(50).optional(),
  browser: text(200).optional(),
  selectedText: text(5000).optional(),
});
/** What the extension sends (before defaults and trimming). */
export type IntakeInput = z.input<typeof intakeBody>;

/** POST /api/tickets — filing by hand (handlers/admins may set division and the receipt time). */
export const createBody = z.strictObject({
  ...ticketFields,
  division: text(100).trim().min(1).optional(),
  receivedAt: z.iso.datetime({ offset: true, error: '应为带时区的 ISO 时间，例如 2026-02-13T10:00:00+08:00（expected an ISO time with offset）' }).optional(),
});

export const patchBody = z.strictObject({
  status: z.enum(STATUSES, { error: `应为 ${STATUSES.join('、')} 之一（unknown status）` }).optional(),
  reason: text(2000).optional(),
  note: text(2000).optional(),
  reply: text(10000).optional(),
  division: text(100).optional(),
  category: z.enum(CATEGORIES, { error: `应为 ${CATEGORIES.join('、')} 之一（unknown category）` }).optional(),
  description: text(5000).optional(),
});

export const replyBody = z.strictObject({
  text: text(10000).trim().min(1, '不能为空（must not be empty）'),
  /** Also mark the ticket 已答复 (default true). */
  close: z.boolean().default(true),
});

export function describeIssues(err: z.ZodError): string[] {
  return err.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `${i.keys.map((k) => (i.path.length ? `${i.path.join('.')}.${k}` : k)).join('、')}：未知字段（unknown field）`;
    return `${i.path.length ? i.path.join('.') : '（请求内容）'}：${i.message}`;
  });
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const res = schema.safeParse(value);
  if (!res.success) {
    const details = describeIssues(res.error);
    throw new HttpError(400, `请求内容有误：${details.join('；')}（invalid request body）`, details);
  }
  return res.data;
}

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47,
  'image/jpeg': (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
};

/** Decodes a screenshot data URL; 413 over `max` bytes, 400 when it is not a PNG/JPEG/WebP image. */
export function screenshotFromDataUrl(dataUrl: string, max: number): Screenshot {
  const m = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/=\r\n]+)$/.exec(dataUrl);
  if (!m) throw new HttpError(400, '截图应为 data URL：data:image/png;base64,…（PNG、JPEG 或 WebP）（screenshot: expected a data URL）');
  const approx = Math.floor((m[2].length * 3) / 4);
  if (approx > max + 3) throw new HttpError(413, `截图 ${(approx / 1048576).toFixed(2)} MB，超过上限 ${(max / 1048576).toFixed(2)} MB（screenshot over the limit）`);
  return screenshotFromBytes(Buffer.from(m[2], 'base64'), m[1], max);
}

export function screenshotFromBytes(bytes: Buffer, mime: string, max: number): Screenshot {
  if (bytes.length > max) throw new HttpError(413, `截图 ${(bytes.length / 1048576).toFixed(2)} MB，超过上限 ${(max / 1048576).toFixed(2)} MB（screenshot over the limit）`);
  const check = MAGIC[mime];
  if (!check || !check(bytes)) throw new HttpError(400, `截图数据不是 ${mime.replace('image/', '').toUpperCase()} 图片（screenshot: not a ${mime.replace('image/', '').toUpperCase()} image）`);
  return { mime, bytes };
}

/** Sniffs an uploaded file (dashboard form) by its bytes. */
export function sniffImage(bytes: Buffer): string | undefined {
  return Object.keys(MAGIC).find((m) => MAGIC[m](bytes));
}

export function errorStatus(err: unknown): { status: number; message: string; details?: string[] } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, details: err.details };
  if (err instanceof TicketError) return { status: err.status, message: err.message };
  // Another process (a nightly audit) holding the database past the busy timeout: try again, not a bug.
  if (isBusy(err) || err instanceof StoreBusyError) return { status: 503, message: '数据库正被另一个进程写入，请稍后重试（the database is busy; try again shortly）' };
  // The PostgreSQL store refused or went away: the line says what to start or fix; try again once it is back.
  if (err instanceof StoreUnavailableError) return { status: 503, message: err.message };
  const db = dbUsageError(err);
  if (db) return { status: 500, message: db.message };
  return { status: 500, message: '服务器内部错误，详见服务器日志（internal error）' };
}
