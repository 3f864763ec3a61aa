/**
 * The dashboard's pages: server-rendered, Chinese UI, no scripts (the CSP forbids them).
 * Every value goes through the `html` tag (escaped, personal data masked); forms that change
 * something carry the session's CSRF token.
 */
import { html, link, Raw } from '../report/escape.ts';
import type { RunRow } from '../store/runs.ts';
import type { HistoryEntry, Status, Ticket } from '../tickets/model.ts';
import { CATEGORIES, SOURCE_ZH, STATUSES, TRANSITIONS } from '../tickets/model.ts';
import type { OnTimeStats, RateRow } from '../tickets/stats.ts';
import { pct } from '../tickets/stats.ts';
import { formatLocal, formatZoned, zoneName } from '../tickets/zoned.ts';
import { SEVERITY_ZH } from '../report/sections/common.ts';
import type { Severity } from '../audit/types.ts';
import { timeliness } from '../tickets/export.ts';
import { ROLE_ZH, type Principal } from './tokens.ts';
import { STACKED_TABLE_CSS } from '../report/stacked-table.ts';
import { EVIDENCE_CSS, evidenceHtml } from '../report/evidence.ts';
import { auditLabel, ruleLabel } from '../audit/labels.ts';

export interface ViewCtx {
  principal?: Principal;
  csrf?: string;
  tz: string;
  now: Date;
}

const CSS = `
*{box-sizing:border-box}body{font-family:"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:0;color:#1f2328;background:#f6f7f9;line-height:1.55;font-size:14px}
header{background:#9b1c1c;color:#fff;padding:10px 24px;display:flex;gap:20px;align-items:center;flex-wrap:wrap}header a{color:#fff;text-decoration:none}header b{font-size:18px;margin-right:12px}
header .me{margin-left:auto;display:flex;gap:10px;align-items:center}header form{margin:0}header button{background:transparent;color:#fff;border:1px solid #fff8;border-radius:4px;padding:2px 10px;cursor:pointer}
main{max-width:1240px;margin:0 auto;padding:18px 24px}section{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:14px 18px;margin:0 0 16px}
h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:0 0 10px}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eaecef;padding:6px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6;white-space:nowrap}
td.url,td.desc{word-break:break-all}.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap;background:#6b7280}
.sev-critical{background:#7f1d1d}.sev-high{background:#c2410c}.sev-medium{background:#b45309}.sev-low{background:#2563eb}.sev-info{background:#6b7280}.s-待处理{background:#b45309}.s-处理中{background:#2563eb}.s-已整改{background:#0f766e}.s-已答复{background:#15803d}.s-不予处理{background:#6b7280}.overdue{background:#b91c1c}.today{background:#c2410c}
.muted{color:#6b7280}.error{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;padding:8px 12px;border-radius:6px;margin-bottom:12px}.ok{background:#f0fdf4;border:1px solid #bbf7d0;padding:8px 12px;border-radius:6px;margin-bottom:12px}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end}label{display:block;font-size:13px;color:#374151}input[type=text],input[type=url],input[type=password],select,textarea{font:inherit;padding:4px 6px;border:1px solid #cbd5e1;border-radius:4px;max-width:100%}
textarea{width:100%;min-height:70px}button,.btn{font:inherit;background:#9b1c1c;color:#fff;border:0;border-radius:4px;padding:5px 14px;cursor:pointer;text-decoration:none;display:inline-block}
.grid{display:grid;grid-template-columns:130px 1fr;gap:4px 12px}.grid dt{color:#6b7280}.grid dd{margin:0;word-break:break-all}.forms{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
pre{white-space:pre-wrap;word-break:break-all;background:#f8fafc;border:1px solid #e2e8f0;padding:8px;border-radius:4px;margin:0}img.shot{max-width:100%;border:1px solid #e3e6ea}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #e3e6ea;border-radius:6px;padding:8px 14px;min-width:120px;background:#fff}.card b{display:block;font-size:22px}
.forms{grid-template-columns:repeat(auto-fit,minmax(min(300px,100%),1fr))}td,th,dd,a,code{overflow-wrap:anywhere}.zone{font-size:12px;opacity:.85}fieldset.fixed{border:1px solid #cbd5e1;border-radius:4px;margin:6px 0;padding:4px 10px}fieldset.fixed legend{font-size:13px}
@media (max-width:600px){header{padding:8px 12px;gap:8px 14px}main{padding:12px 8px}section{padding:10px}.grid{grid-template-columns:1fr}.grid dt{margin-top:6px}
table{display:block;overflow-x:auto;max-width:100%}th{white-space:normal}}
${STACKED_TABLE_CSS}
${EVIDENCE_CSS}.rule-id{color:#9ca3af;font-size:11px}.rule-id code{font-size:11px}
`;

/** A time in a table whose header names the zone. */
export function fmt(iso: string | null | undefined, v: ViewCtx): string {
  return formatLocal(iso, v.tz);
}

/** A time on its own: the zone named (2026-03-02 17:30 北京时间). */
function fmtZ(iso: string | null | undefined, v: ViewCtx): string {
  return formatZoned(iso, v.tz);
}

export function layout(v: ViewCtx, title: string, body: Raw, status?: { error?: string; ok?: string }): string {
  const p = v.principal;
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · 找错工单</title><style>${new Raw(CSS)}</style></head>
<body><header><b>找错工单</b>${p
    ? html`<a href="/tickets">工单</a><a href="/tickets?overdue=1">超期</a><a href="/tickets?dueToday=1">今日到期</a><a href="/tickets/new">登记问题</a>${p.role !== 'reporter' ? html`<a href="/sites">网站</a><a href="/stats">按时率</a><a href="/runs">检查记录</a>` : ''}
<span class="me"><span class="zone" title="${v.tz}">时间均为${zoneName(v.tz)}</span><span>${p.name}（${p.division ?? ROLE_ZH[p.role]}）</span><form method="post" action="/logout"><input type="hidden" name="_csrf" value="${v.csrf}"><button type="submit">退出</button></form></span>`
    : ''}</header>
<main>${status?.error ? html`<div class="error" role="alert">${status.error}</div>` : ''}${status?.ok ? html`<div class="ok">${status.ok}</div>` : ''}${body}</main></body></html>`.value;
}

export function loginPage(v: ViewCtx, next: string, error?: string): string {
  return layout(
    v,
    '登录',
    html`<section style="max-width:480px;margin:40px auto"><h1>登录</h1><p class="muted">请输入个人令牌（由管理员用 <code>zhaocuo tokens create</code> 生成）。</p>
<form method="post" action="/login"><input type="hidden" name="next" value="${next}"><label>令牌 <input type="password" name="token" autocomplete="off" required style="width:100%"></label><p><button type="submit">登录</button></p></form></section>`,
    { error },
  );
}

/** The finding's severity of an audit ticket (否决, 严重 …); a ticket filed by a person has none: —. */
export function severityBadge(sev: string | null): Raw {
  const zh = sev ? SEVERITY_ZH[sev as Severity] : undefined;
  return zh ? html`<span class="badge sev-${sev}">${zh}</span>` : html`<span class="muted">—</span>`;
}

export function statusBadge(s: Status): Raw {
  return html`<span class="badge s-${s}">${s}</span>`;
}

function dueCell(t: Ticket, v: ViewCtx, zoned = false): Raw {
  if (!t.dueAt) return html`<span class="badge overdue" title="${t.dueError ?? ''}">无法计算</span>`;
  const state = timeliness(t, v.now);
  const today = !t.closedAt && fmt(t.dueAt, v).slice(0, 10) === fmt(v.now.toISOString(), v).slice(0, 10);
  return html`${zoned ? fmtZ(t.dueAt, v) : fmt(t.dueAt, v)} ${state === '超期未办结' ? html`<span class="badge overdue">已超期</span>` : state === '超期' ? html`<span class="badge overdue">超期办结</span>` : today ? html`<span class="badge today">今日到期</span>` : ''}`;
}

export interface ListQuery {
  status?: string;
  division?: string;
  overdue?: boolean;
  dueToday?: boolean;
  q?: string;
  open?: string;
}

export function ticketsPage(v: ViewCtx, items: Ticket[], total: number, q: ListQuery, divisions: string[], counts: { overdue: number; dueToday: number; open: number; critical: number }, exportQuery: string, status?: { ok?: string }): string {
  const body = html`<h1>工单</h1>
${counts.critical ? html`<p class="error" role="alert" data-zc="critical">有 ${counts.critical} 个单项否决级问题（如严重问题：违法链接、网站被篡改）尚未办结，请立即处置。<a href="/tickets?open=1&amp;severity=critical">查看</a></p>` : ''}
<div class="cards"><a class="card" href="/tickets?open=1"><b>${counts.open}</b>未办结</a><a class="card" href="/tickets?overdue=1"><b>${counts.overdue}</b>已超期</a><a class="card" href="/tickets?dueToday=1"><b>${counts.dueToday}</b>今日到期</a></div>
<section style="margin-top:14px"><form class="filters" method="get" action="/tickets">
<label>状态<br><select name="status"><option value="">全部</option>${STATUSES.map((s) => html`<option value="${s}"${q.status === s ? new Raw(' selected') : ''}>${s}</option>`)}</select></label>
<label>责任处室<br><select name="division"><option value="">全部</option>${divisions.map((d) => html`<option value="${d}"${q.division === d ? new Raw(' selected') : ''}>${d}</option>`)}</select></label>
<label><input type="checkbox" name="overdue" value="1"${q.overdue ? new Raw(' checked') : ''}> 仅超期</label>
<label><input type="checkbox" name="dueToday" value="1"${q.dueToday ? new Raw(' checked') : ''}> 今日到期</label>
<label>关键词<br><input type="text" name="q" value="${q.q ?? ''}"></label>
<button type="submit">筛选</button> <a href="/export/tickets.xlsx${exportQuery}">导出 Excel</a> <a href="/export/tickets.csv${exportQuery}">导出 CSV</a></form></section>
<section><p class="muted">共 ${total} 条${total > items.length ? `，显示前 ${items.length} 条` : ''}</p>
<table id="tickets" class="stack"><thead><tr><th>编号</th><th>级别</th><th>问题类型</th><th>问题描述</th><th>责任处室</th><th>状态</th><th>受理时间（${zoneName(v.tz)}）</th><th>办理时限（${zoneName(v.tz)}）</th><th>来源</th></tr></thead><tbody>
${items.map(
  (t) => html`<tr data-number="${t.number}"><td><a href="/tickets/${encodeURIComponent(t.number)}">${t.number}</a></td><td data-label="级别">${severityBadge(t.severity)}</td><td data-label="问题类型">${t.category}</td><td class="desc">${t.description.length > 80 ? t.description.slice(0, 80) + '…' : t.description}</td><td data-label="责任处室">${t.division}</td><td data-label="状态">${statusBadge(t.status)}</td><td data-label="受理时间（${zoneName(v.tz)}）">${fmt(t.receivedAt, v)}</td><td data-label="办理时限（${zoneName(v.tz)}）">${dueCell(t, v)}</td><td data-label="来源">${SOURCE_ZH[t.source]}</td></tr>`,
)}${items.length ? '' : html`<tr><td colspan="9" class="muted">没有符合条件的工单</td></tr>`}
</tbody></table></section>`;
  return layout(v, '工单', body, status);
}

const ACTION_ZH: Record<string, string> = { created: '登记', status: '状态变更', reopened: '重新打开', replied: '答复', changed: '修改', verified: '整改核验', note: '备注' };
const FIELD_ZH: Record<string, string> = { status: '状态', division: '责任处室', category: '问题类型', description: '问题描述', reply: '答复', due_at: '办理时限' };

/**
 * A ticket's evidence as the report shows a finding's (src/report/evidence.ts): 标签：值 fields,
 * lists as lists, never JSON; an audit ticket names its check and rule in Chinese, the rule id
 * only in the small grey 「规则」 field.
 */
function ticketEvidence(t: Ticket): Raw {
  const e = t.evidence;
  const audit = typeof e.audit === 'string' ? e.audit : t.audit;
  const rule = typeof e.rule === 'string' ? e.rule : null;
  const head = audit
    ? html`<div class="ev-f"><span class="ev-k">检查项：</span>${auditLabel(audit)}</div>${rule ? html`<div class="ev-f"><span class="ev-k">问题名称：</span>${ruleLabel(audit, rule)} <span class="rule-id" title="规则编号，见检查报告的 report.json">规则 <code>${rule}</code></span></div>` : ''}`
    : '';
  const fields = evidenceHtml(e, { maxItems: 20, moreNote: '完整清单见该次检查的报告' });
  if (!head && !fields.value) return html`<p class="muted">无</p>`;
  return html`<div class="ev" id="evidence">${head}${fields}</div>`;
}

export function ticketPage(v: ViewCtx, t: Ticket, history: HistoryEntry[], canWork: boolean, divisions: string[], status?: { error?: string; ok?: string }): string {
  const next = TRANSITIONS[t.status];
  const csrf = html`<input type="hidden" name="_csrf" value="${v.csrf}">`;
  const body = html`<h1>${t.number} ${statusBadge(t.status)}</h1>
<section><dl class="grid">
<dt>问题类型</dt><dd>${t.category}</dd>
${t.severity ? html`<dt>级别</dt><dd>${severityBadge(t.severity)}</dd>` : ''}
<dt>问题描述</dt><dd id="description">${t.description}</dd>
<dt>页面地址</dt><dd>${t.pageUrl ? link(t.pageUrl) : html`<span class="muted">未提供</span>`}</dd>
<dt>网站</dt><dd>${t.site ?? ''}</dd>
<dt>来源</dt><dd>${SOURCE_ZH[t.source]}</dd>
<dt>报告人</dt><dd>${t.reporter ?? ''}</dd>
<dt>责任处室</dt><dd>${t.division}</dd>
<dt>受理时间</dt><dd>${fmtZ(t.receivedAt, v)}</dd>
<dt>办理时限</dt><dd>${dueCell(t, v, true)}${t.dueError ? html`<div class="error">${t.dueError}</div>` : ''}</dd>
${t.closedAt ? html`<dt>办结时间</dt><dd>${fmtZ(t.closedAt, v)}</dd>` : ''}
${t.reply ? html`<dt>答复</dt><dd><pre>${t.reply}</pre></dd>` : ''}
${t.rejectReason ? html`<dt>不予处理理由</dt><dd>${t.rejectReason}</dd>` : ''}
${t.verifiedRunId ? html`<dt>整改核验</dt><dd>检查运行 #${t.verifiedRunId} 未再发现（${fmtZ(t.verifiedAt, v)}）</dd>` : ''}
${t.reopenCount ? html`<dt>重新打开</dt><dd>${t.reopenCount} 次</dd>` : ''}
</dl></section>
<section><h2>证据</h2>${ticketEvidence(t)}${t.hasScreenshot ? html`<p><img class="shot" alt="截图" src="/tickets/${encodeURIComponent(t.number)}/screenshot"></p>` : html`<p class="muted">无截图</p>`}</section>
${canWork
    ? html`<section class="forms">
<form method="post" action="/tickets/${encodeURIComponent(t.number)}/status" id="status-form"><h2>变更状态</h2>${csrf}
<label>新状态 <select name="status" required><option value="" selected disabled>请选择</option>${next.map((s) => html`<option value="${s}">${s}${t.closedAt ? '（重新打开）' : ''}</option>`)}</select></label>
<label>理由 / 说明（不予处理时必填）<textarea name="reason"></textarea></label>
<label>答复（改为“已答复”时必填，已有答复可留空）<textarea name="reply"></textarea></label>
<button type="submit">保存</button></form>
<form method="post" action="/tickets/${encodeURIComponent(t.number)}/reply" id="reply-form"><h2>答复</h2>${csrf}
<label>答复内容<textarea name="text" required></textarea></label>
${askFixed(t) ? html`<fieldset class="fixed"><legend>问题是否已整改？</legend><label><input type="radio" name="fixed" value="yes" required> 已整改（状态改为“已整改”）</label><label><input type="radio" name="fixed" value="no"> 尚未整改（仅保存答复）</label></fieldset>` : ''}
<label><input type="checkbox" name="close" value="1"> 同时标记为“已答复”（办结）</label>
<button type="submit">提交答复</button></form>
<form method="post" action="/tickets/${encodeURIComponent(t.number)}/division" id="division-form"><h2>转办</h2>${csrf}
<p class="muted">当前责任处室：${t.division}。只能转办到配置中登记的处室。</p>
<label>转办至 <select name="division" required><option value="" selected disabled>请选择处室</option>${divisions.filter((d) => d !== t.division).map((d) => html`<option value="${d}">${d}</option>`)}</select></label>
<label>说明<textarea name="note"></textarea></label>
<button type="submit">转办…</button></form></section>`
    : ''}
<section><h2>处理记录</h2><table id="history" class="stack"><thead><tr><th>时间（${zoneName(v.tz)}）</th><th>操作人</th><th>操作</th><th>内容</th></tr></thead><tbody>
${history.map(
  (h) => html`<tr><td data-label="时间（${zoneName(v.tz)}）">${fmt(h.at, v)}</td><td data-label="操作人">${h.actor}</td><td data-label="操作">${ACTION_ZH[h.action] ?? h.action}</td><td data-label="内容">${h.field ? html`${FIELD_ZH[h.field] ?? h.field}：${h.field === 'due_at' ? fmt(h.oldValue, v) : (h.oldValue ?? '')} → ${h.field === 'due_at' ? fmt(h.newValue, v) : (h.newValue ?? '')}` : h.newValue ?? ''}${h.note ? html`<div class="muted">${h.note}</div>` : ''}${h.runId ? html`<div class="muted">检查运行 #${h.runId}</div>` : ''}</td></tr>`,
)}
</tbody></table></section>`;
  return layout(v, t.number, body, status);
}

/** An open ticket not yet marked 已整改: a reply must say whether the problem was fixed. */
export function askFixed(t: Ticket): boolean {
  return t.status === '待处理' || t.status === '处理中';
}

/** 转办, second step: what will happen, and a button that does it (no script: the CSP forbids them). */
export function confirmDivisionPage(v: ViewCtx, t: Ticket, to: string, note: string, stillVisible: boolean): string {
  const body = html`<section id="confirm-division" style="max-width:640px"><h1>确认转办</h1>
<p>将工单 <b>${t.number}</b>（${t.category}）从 <b>${t.division}</b> 转办至 <b>${to}</b>？</p>
<p class="muted">转办后由${to}办理，办理时限不变（${fmtZ(t.dueAt, v) || '未计算'}）。${stillVisible ? '' : '转办后您将无法再查看或办理该工单。'}</p>
${note ? html`<p>说明：${note}</p>` : ''}
<form method="post" action="/tickets/${encodeURIComponent(t.number)}/division"><input type="hidden" name="_csrf" value="${v.csrf}"><input type="hidden" name="division" value="${to}"><input type="hidden" name="note" value="${note}"><input type="hidden" name="confirm" value="1">
<button type="submit">确认转办至${to}</button> <a href="/tickets/${encodeURIComponent(t.number)}">取消</a></form></section>`;
  return layout(v, '确认转办', body);
}

export function newTicketPage(v: ViewCtx, divisions: string[], canRoute: boolean, error?: string): string {
  const body = html`<h1>登记问题</h1><section><form method="post" action="/tickets" enctype="multipart/form-data" id="new-ticket"><input type="hidden" name="_csrf" value="${v.csrf}">
<p><label>页面地址<br><input type="url" name="pageUrl" style="width:100%" placeholder="https://"></label></p>
<p><label>问题类型<br><select name="category">${CATEGORIES.map((c) => html`<option value="${c}">${c}</option>`)}</select></label></p>
<p><label>问题描述<textarea name="description" required></textarea></label></p>
<p><label>报告人<br><input type="text" name="reporter" value="${v.principal?.name ?? ''}"></label></p>
${canRoute ? html`<p><label>责任处室<br><select name="division"><option value="" selected>按配置自动分派</option>${divisions.map((d) => html`<option value="${d}">${d}</option>`)}</select></label></p>` : ''}
<p><label>元素选择器<br><input type="text" name="selector" style="width:100%"></label></p>
<p><label>页面片段<textarea name="snippet"></textarea></label></p>
<p><label>截图（PNG/JPEG/WebP，不超过 3 MB）<br><input type="file" name="screenshot" accept="image/png,image/jpeg,image/webp"></label></p>
<button type="submit">提交</button></form></section>`;
  return layout(v, '登记问题', body, { error });
}

export function runsPage(v: ViewCtx, runs: RunRow[]): string {
  const body = html`<h1>检查记录</h1><section><table id="runs" class="stack"><thead><tr><th>运行</th><th>网站</th><th>开始（${zoneName(v.tz)}）</th><th>状态</th><th>页面</th><th>问题</th><th>报告</th></tr></thead><tbody>
${runs.map((r) => {
  const s = (r.summary ?? {}) as { pages?: number; findingsTotal?: number };
  return html`<tr><td>#${r.id}</td><td data-label="网站">${r.origin}</td><td data-label="开始（${zoneName(v.tz)}）">${fmt(r.startedAt, v)}</td><td data-label="状态">${r.status === 'complete' ? '完成' : r.status === 'failed' ? html`失败：${r.error ?? ''}` : '进行中'}</td><td data-label="页面">${s.pages ?? ''}</td><td data-label="问题">${s.findingsTotal ?? ''}</td><td>${r.status === 'complete' ? html`<a href="/runs/${r.id}/report">查看报告</a>` : ''}</td></tr>`;
})}${runs.length ? '' : html`<tr><td colspan="7" class="muted">还没有检查记录：zhaocuo audit &lt;网址&gt;</td></tr>`}</tbody></table></section>`;
  return layout(v, '检查记录', body);
}

function rateTable(rows: RateRow[], first: string): Raw {
  return html`<table><thead><tr><th>${first}</th><th>应办结</th><th>按时</th><th>超期</th><th>其中未办结</th><th>未到期</th><th>按时率</th></tr></thead><tbody>${rows.map(
    (r) => html`<tr><td>${r.key}</td><td>${r.counted}</td><td>${r.onTime}</td><td>${r.late}</td><td>${r.overdueOpen}</td><td>${r.pending}</td><td>${pct(r.rate)}</td></tr>`,
  )}</tbody></table>`;
}

export function statsPage(v: ViewCtx, s: OnTimeStats): string {
  const body = html`<h1>按时率</h1><p class="muted">任务20：收到“我为政府网站找错”问题后按时办结率 100%。以办理时限所在${s.period === 'month' ? '月份' : s.period === 'year' ? '年份' : '日期'}统计。${s.undated ? `另有 ${s.undated} 件未办结工单因缺少节假日数据无法计算时限。` : ''}</p>
<div class="cards"><div class="card"><b>${pct(s.total.rate)}</b>总按时率</div><div class="card"><b>${s.total.late}</b>超期</div><div class="card"><b>${s.total.pending}</b>未到期</div></div>
<section style="margin-top:14px"><h2>按期间</h2>${rateTable(s.periods, '期间')}</section><section><h2>按处室</h2>${rateTable(s.divisions, '责任处室')}</section>`;
  return layout(v, '按时率', body);
}

export function errorPage(v: ViewCtx, status: number, message: string): string {
  const title = status === 404 ? '未找到' : status === 403 ? '无权访问' : status === 413 ? '内容过大' : '出错了';
  return layout(v, title, html`<section><h1>${title}</h1><p>${message}</p><p><a href="/tickets">返回工单列表</a></p></section>`);
}
