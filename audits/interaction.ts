/**
 * interaction — 互动交流 (standards §1 互动回应差; seed tasks 20 and 27).
 * 1. A working consultation channel: a 领导信箱/咨询/留言 page (link text) that loads and shows a
 *    form or messages. 信访 and 纪检/举报 channels do not count, nor do 在线访谈/征集调查.
 * 2. Messages read from any page's own text: a question date (留言时间/提问时间/来信时间 …),
 *    a reply date (答复时间/回复时间 …) or a pending status (未答复/办理中 …), with the title
 *    on the line before. The same message on a list and a detail page counts once.
 * 3. The veto 互动回应差: no working channel, or a message asked within the past year and left
 *    unanswered more than 3 months (a reply that took more than 3 months counts too, option).
 *    Mean and longest reply time in days go into the data (the annual report's 平均办理时间).
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type VerdictInputs, type VetoContribution } from '../src/audit/types.ts';
import type { PageArtifact } from '../src/gather/artifacts.ts';
import { daysBetween, firstDate } from '../src/gather/dates.ts';
import { guideline, inspection, seedTask } from './rules/refs.ts';
import { columnText, pageLines, siteIndex, type SiteIndex } from './columns.ts';
import { definePagePart, pagePart } from '../src/audit/page-parts.ts';

const STR = {
  noChannel: '未发现可用的政务咨询渠道（领导信箱、在线咨询、网上留言等）；信访、纪检举报渠道不计入',
  channelBroken: (name: string, url: string, why: string) => `咨询渠道“${name}”无法使用（${why}）：${url}`,
  unanswered: (title: string, asked: string, days: number) => `留言“${title}”于 ${asked} 提交，至今 ${days} 天未答复（超过 3 个月未回应，属于互动回应差）`,
  late: (title: string, asked: string, days: number) => `留言“${title}”于 ${asked} 提交，${days} 天后才答复（超过 3 个月未回应）`,
};

const options = z.strictObject({
  /** Link texts of consultation channels (added to the defaults). */
  channelNames: z.array(z.string()).default([]),
  /** URLs (or paths) of consultation channels, when link text does not find them. */
  channelUrls: z.array(z.string()).default([]),
  /** Messages unanswered longer than this are 互动回应差 (3 months). */
  unansweredDays: z.number().int().positive().default(90),
  /** Only messages asked within this many days count (the past year). */
  windowDays: z.number().int().positive().default(365),
  /** A reply that came after more than `unansweredDays` also counts as unanswered that long. */
  countLateReplies: z.boolean().default(true),
});
type Options = z.infer<typeof options>;

const CHANNEL_NAMES = ['领导信箱', '局长信箱', '厅长信箱', '主任信箱', '书记信箱', '部长信箱', '在线咨询', '网上咨询', '政务咨询', '咨询投诉', '我要咨询', '我要写信', '网上留言', '在线留言', '留言板', '留言咨询', '咨询'];
/** Channels that do not count as 政务咨询 (standards §1; the 2015 rule also excludes 访谈/征集/举报投诉). */
const NOT_CONSULTATION = /信访|纪检|纪委|监察|举报|访谈|调查|征集|找错|纠错/;

const ASK_RE = /(留言时间|提问时间|来信时间|咨询时间|提交时间|写信时间|来信日期|留言日期|咨询日期|提问日期)\s*[：:]\s*([^\n]{6,30})/g;
const REPLY_RE = /(答复时间|回复时间|办理时间|反馈时间|办结时间|答复日期|回复日期|办结日期)\s*[：:]\s*([^\n]{6,30})/;
const PENDING_RE = /未答复|未回复|待答复|待回复|正在办理|办理中|尚未答复|未办结|待处理|处理中/;
const FIELD_LINE = /^[^：:]{1,8}[：:]/;

export interface Message {
  title: string;
  page: string;
  asked: string;
  replied: string | null;
  replyDays: number | null;
  pending: boolean;
}

/** Messages in a page's text: each question-date line starts one; the title is the line before. */
export function readMessages(text: string, page: string): Message[] {
  const lines = text.split('\n');
  const starts: { line: number; asked: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    ASK_RE.lastIndex = 0;
    const m = ASK_RE.exec(lines[i]);
    const d = m && firstDate(m[2]);
    if (d) starts.push({ line: i, asked: d });
  }
  // The title: the nearest line above that is not a "字段：值" line (or an explicit 标题/主题 field).
  const titles = starts.map(({ line }, k) => {
    const prevStart = k > 0 ? starts[k - 1].line : -1;
    for (let i = line - 1; i > Math.max(prevStart, line - 6); i--) {
      const t = lines[i].trim();
      const explicit = t.match(/^(?:标题|主题|留言标题|信件标题)\s*[：:]\s*(.+)$/);
      if (explicit) return { text: explicit[1], line: i };
      if (t && !FIELD_LINE.test(t)) return { text: t, line: i };
    }
    return { text: '', line };
  });
  const out: Message[] = [];
  for (let k = 0; k < starts.length; k++) {
    const { line, asked } = starts[k];
    // This message's lines: from its date line to the next message's title line.
    const stop = k + 1 < starts.length ? titles[k + 1].line : Math.min(lines.length, line + 30);
    let replied: string | null = null;
    let pending = false;
    for (let i = line; i < stop; i++) {
      const r = lines[i].match(REPLY_RE);
      const d = r && firstDate(r[2]);
      if (d && !replied) replied = d;
      if (PENDING_RE.test(lines[i])) pending = true;
    }
    const replyDays = replied ? daysBetween(asked, replied) : null;
    out.push({ title: titles[k].text || '（无标题）', page, asked, replied, replyDays, pending: !replied && pending });
  }
  return out;
}

/** The messages of a page that reads like a consultation page, kept by page content between runs. */
const pageMessages = definePagePart({
  id: 'interaction.messages',
  version: 1,
  of(p: PageArtifact): Message[] {
    const text = p.text;
    if (!/留言|提问|来信|咨询/.test(text) || NOT_CONSULTATION.test(p.title)) return [];
    return readMessages(text, p.url);
  },
});

export interface Channel {
  name: string;
  url: string;
  working: boolean;
  /** form | messages | external | links-to-form | empty, or why it is broken (HTTP 404, an error) */
  reason: string;
}

/** How a channel was judged, as the report and the findings say it. */
export const CHANNEL_REASON_ZH: Record<string, string> = {
  form: '有留言表单',
  messages: '有公开留言',
  external: '链接到外部平台',
  'links-to-form': '链接到留言表单',
  empty: '页面上没有留言表单或留言',
  broken: '无法打开',
};
export const channelReason = (r: string): string => CHANNEL_REASON_ZH[r] ?? r;

export interface InteractionData extends VerdictInputs {
  channels: Channel[];
  messages: Message[];
  total: number;
  answered: number;
  unanswered: number;
  /** Unanswered (or answered late) for more than `unansweredDays`, asked within the window. */
  overdue: number;
  meanReplyDays: number | null;
  maxReplyDays: number | null;
  veto: VetoContribution;
}

function resolve(u: string, base: string): string | undefined {
  try {
    return new URL(u, base).href;
  } catch {
    return undefined;
  }
}

function hasMessageForm(p: PageArtifact): boolean {
  return p.forms.some(
    (f) =>
      !/search|sousuo|query/i.test(f.action) &&
      (f.inputs.some((i) => /content|message|question|liuyan|nr|neirong|body|text|detail|zxnr|lynr/i.test(i)) || f.inputs.length >= 3),
  );
}

function findChannels(idx: SiteIndex, o: Options): Channel[] {
  const names = [...o.channelNames, ...CHANNEL_NAMES];
  const found = new Map<string, string>();
  for (const u of o.channelUrls) {
    const url = resolve(u, idx.artifacts.site.startUrl);
    if (url) found.set(url, '配置的咨询渠道');
  }
  for (const p of idx.pages) {
    for (const l of p.links) {
      if (l.kind !== 'a') continue;
      const t = columnText(l.text);
      if (!t || t.length > 12 || NOT_CONSULTATION.test(t)) continue;
      if (names.some((n) => t.includes(n)) && !found.has(l.url)) found.set(l.url, t);
    }
  }
  const out: Channel[] = [];
  for (const [url, name] of found) {
    const page = idx.get(url);
    if (page) {
      if (NOT_CONSULTATION.test(page.title)) continue;
      const form = hasMessageForm(page);
      const msgs = readMessages(page.text, page.url).length > 0;
      out.push({ name, url: page.url, working: form || msgs, reason: form ? 'form' : msgs ? 'messages' : 'empty' });
      continue;
    }
    const t = idx.target(url);
    if (t?.state === 'broken') out.push({ name, url, working: false, reason: t.status ? `HTTP ${t.status}` : (t.error ?? 'broken') });
    else if (t && !t.internal) out.push({ name, url, working: t.state === 'ok' || t.state === 'blocked', reason: 'external' });
  }
  // A channel page that only links to the form page works when that form page works.
  for (const c of out) {
    if (c.working || c.reason !== 'empty') continue;
    const page = idx.get(c.url);
    if (page?.links.some((l) => out.some((x) => x.url === (idx.get(l.url)?.url ?? l.url) && x.working))) {
      c.working = true;
      c.reason = 'links-to-form';
    }
  }
  return out.sort((a, b) => Number(b.working) - Number(a.working) || (a.url < b.url ? -1 : 1));
}

export default defineAudit({
  meta: {
    id: 'interaction',
    title: { zh: '互动交流', en: 'Interaction (互动交流)' },
    description: '检查政务咨询渠道是否可用，读取留言的提交与答复时间，统计平均答复天数，按“互动回应差”单项否决规则判断。',
    refs: [guideline('互动交流：建立网民留言审看、处理、反馈机制，及时答复'), inspection('单项否决：互动回应差'), seedTask(20), seedTask(27)],
    severity: 'high',
    requires: ['pages'],
    options,
    pageParts: [pageLines, pageMessages],
  },
  run({ artifacts, options: o, today }) {
    const idx = siteIndex(artifacts);
    const channels = findChannels(idx, o);

    // Messages, deduplicated by (date, title); consultation pages only.
    const byKey = new Map<string, Message>();
    for (const p of idx.pages) {
      for (const m of pagePart(artifacts, pageMessages, p, undefined)) {
        const key = `${m.asked}|${m.title}`;
        const prev = byKey.get(key);
        if (!prev || (!prev.replied && m.replied)) byKey.set(key, m);
      }
    }
    // Messages published on a page the link texts did not name: that page is a channel too.
    if (!channels.some((c) => c.working)) {
      for (const page of new Set([...byKey.values()].map((m) => m.page))) {
        const p = idx.get(page);
        channels.push({ name: p ? (p.headings[0] ?? p.title) : page, url: page, working: true, reason: 'messages' });
      }
    }
    const working = channels.filter((c) => c.working);
    const messages = [...byKey.values()].sort((a, b) => (a.asked < b.asked ? 1 : a.asked > b.asked ? -1 : 0));
    const answered = messages.filter((m) => m.replied);
    const replyDays = answered.map((m) => m.replyDays!).filter((d) => d >= 0);
    const mean = replyDays.length ? Math.round((replyDays.reduce((s, d) => s + d, 0) / replyDays.length) * 100) / 100 : null;

    const refs = [guideline('互动交流：对网民留言及时答复处理'), inspection('单项否决：互动回应差'), seedTask(20), seedTask(27)];
    const findings: FindingDraft[] = [];
    const inWindow = (m: Message) => daysBetween(m.asked, today) <= o.windowDays && m.asked <= today;
    const overdue: Message[] = [];
    for (const m of messages) {
      if (!inWindow(m)) continue;
      const age = daysBetween(m.asked, today);
      if (!m.replied && age > o.unansweredDays) {
        overdue.push(m);
        findings.push({
          rule: 'message-unanswered',
          url: m.page,
          locator: `${m.asked}|${m.title}`,
          severity: 'critical',
          message: STR.unanswered(m.title, m.asked, age),
          evidence: { title: m.title, asked: m.asked, ageDays: age, pages: [m.page] },
          refs,
        });
      } else if (m.replied && o.countLateReplies && (m.replyDays ?? 0) > o.unansweredDays) {
        overdue.push(m);
        findings.push({
          rule: 'message-late-reply',
          url: m.page,
          locator: `${m.asked}|${m.title}`,
          severity: 'high',
          message: STR.late(m.title, m.asked, m.replyDays!),
          evidence: { title: m.title, asked: m.asked, replied: m.replied, replyDays: m.replyDays, pages: [m.page] },
          refs,
        });
      }
    }
    for (const c of channels) {
      if (c.working || c.reason === 'empty') continue;
      findings.push({
        rule: 'channel-broken',
        url: c.url,
        locator: c.url,
        severity: 'high',
        message: STR.channelBroken(c.name, c.url, channelReason(c.reason)),
        evidence: { target: c.url, anchorText: c.name },
        refs,
      });
    }
    if (!working.length) {
      findings.push({
        rule: 'no-consultation-channel',
        url: idx.home?.url ?? artifacts.site.startUrl,
        locator: 'channel',
        severity: 'critical',
        message: STR.noChannel,
        evidence: { channels: channels.map((c) => `${c.name} ${c.url}（${channelReason(c.reason)}）`) },
        refs,
      });
    }

    const reasons: string[] = [];
    if (!working.length) reasons.push(STR.noChannel);
    if (overdue.length) reasons.push(`过去一年内 ${overdue.length} 条留言超过 3 个月未回应：${overdue.slice(0, 5).map((m) => `“${m.title}”（${m.asked}）`).join('、')}`);
    const veto: VetoContribution = {
      item: '互动回应差',
      hit: reasons.length > 0,
      evaluated: true,
      evidence: reasons.length
        ? reasons.join('；')
        : `咨询渠道可用（${working.map((c) => c.name).join('、')}）；${messages.length} 条留言，${answered.length} 条已答复${mean !== null ? `，平均 ${mean} 天` : ''}，无超过 3 个月未回应的留言`,
    };
    const data: InteractionData = {
      channels,
      messages,
      total: messages.length,
      answered: answered.length,
      unanswered: messages.length - answered.length,
      overdue: overdue.length,
      meanReplyDays: mean,
      maxReplyDays: replyDays.length ? Math.max(...replyDays) : null,
      veto,
    };
    return { findings, data };
  },
});
