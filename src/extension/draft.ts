/**
 * A report as the form holds it, and what of it is sent: the body of POST /api/intake, checked
 * with the server's own zod schema (src/server/inputs.ts) before it leaves the browser, so a
 * report the server would refuse for its shape is shown to the user at once. Text taken from
 * the page (snippet, selection, title) is masked with the same maskPii the server and the
 * audits use; the description is the reporter's own words (the server masks it on filing).
 */
import { intakeBody, type IntakeInput } from '../server/inputs.ts';
import { describeIssues } from '../server/inputs.ts';
import { maskPii } from '../pii/detect.ts';
import type { Category } from '../tickets/model.ts';

export interface Draft {
  /** The outbox id (also the idempotency key) once the draft was submitted. */
  id?: string;
  pageUrl: string;
  pageTitle: string;
  selector?: string;
  snippet?: string;
  selectedText?: string;
  /** data:image/png;base64,… of the visible tab with the element outlined. */
  screenshot?: string;
  includeScreenshot: boolean;
  category: Category;
  description: string;
  reporter?: string;
  viewport?: string;
  browser?: string;
  /** Where the draft came from: a flag, or a page-check result (audit and rule). */
  origin?: { kind: 'flag' } | { kind: 'check'; audit: string; rule: string };
}

const LIMITS = { snippet: 5000, selectedText: 5000, pageTitle: 500, selector: 2000, reporter: 100, viewport: 50, browser: 200 } as const;

const clip = (s: string | undefined, n: number) => {
  const t = s?.replace(/\s+/g, ' ').trim();
  if (!t) return undefined;
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
};

/** Page text as it is shown and sent: whitespace collapsed, personal data masked, capped. */
export function pageText(s: string | undefined, n = 500): string | undefined {
  const t = clip(s, n);
  return t ? maskPii(t) : undefined;
}

/** The intake body of a draft (no validation). */
export function toIntake(d: Draft, clientKey: string): IntakeInput {
  const body: IntakeInput = {
    clientKey,
    category: d.category,
    description: d.description.trim(),
  };
  if (/^https?:/i.test(d.pageUrl)) body.pageUrl = d.pageUrl;
  const title = clip(d.pageTitle, LIMITS.pageTitle);
  if (title) body.pageTitle = maskPii(title);
  const sel = clip(d.selector, LIMITS.selector);
  if (sel) body.selector = sel;
  const snip = pageText(d.snippet, LIMITS.snippet);
  if (snip) body.snippet = snip;
  const selected = pageText(d.selectedText, LIMITS.selectedText);
  if (selected) body.selectedText = selected;
  if (d.includeScreenshot && d.screenshot) body.screenshot = d.screenshot;
  const reporter = clip(d.reporter, LIMITS.reporter);
  if (reporter) body.reporter = reporter;
  const vp = clip(d.viewport, LIMITS.viewport);
  if (vp) body.viewport = vp;
  const br = clip(d.browser, LIMITS.browser);
  if (br) body.browser = br;
  return body;
}

/** The server's verdict on a body, before sending: the problems, as the server would word them. */
export function checkIntake(body: IntakeInput): string[] {
  const r = intakeBody.safeParse(body);
  return r.success ? [] : describeIssues(r.error);
}

/** A random idempotency key (UUID without dashes fits the server's [A-Za-z0-9_-]{8,100}). */
export function newClientKey(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * The category a flagged element suggests (the reporter can change it): a short selection is
 * most likely a typo (错别字); a link, image or frame that is flagged most likely does not open
 * (内容无法访问); anything else is inaccurate content (内容不准确).
 */
export function suggestCategory(o: { tag: string; inLink: boolean; selectedText: string }): Category {
  const tag = o.tag.toLowerCase();
  const sel = o.selectedText.trim();
  if (sel && sel.length <= 20) return '错别字';
  if (!sel && (tag === 'a' || tag === 'img' || tag === 'iframe' || tag === 'area' || o.inLink)) return '内容无法访问';
  return '内容不准确';
}
