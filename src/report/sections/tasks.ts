/** 任务对照: the 2018 task table against this run — met / not met / not checkable with evidence; the rest listed as 不可由软件判断. */
import { html, type Raw } from '../escape.ts';
import type { Report } from '../schema.ts';
import { TASK_DOC, TASK_GROUPS, TASK_STATE_ZH, auditZh, taskCounts, type TaskRow } from '../tasks.ts';

export function tasksSection(r: Report, rows: TaskRow[]): Raw {
  const n = taskCounts(rows);
  let group = '';
  return html`<section id="tasks"><h2>任务对照 <span class="muted">${TASK_DOC}</span></h2>
<div class="cards">
<div class="card"><b class="pass">${n.met}</b><span>${TASK_STATE_ZH.met}</span></div>
<div class="card"><b class="${n['not-met'] ? 'fail' : 'pass'}">${n['not-met']}</b><span>${TASK_STATE_ZH['not-met']}</span></div>
<div class="card"><b class="u">${n['not-checkable']}</b><span>${TASK_STATE_ZH['not-checkable']}</span></div>
<div class="card"><b class="muted">${n.manual}</b><span>${TASK_STATE_ZH.manual}（需人工核对）</span></div>
</div>
<p class="muted">软件可取证的任务按本次检查结果判断；其余任务列出牵头单位，由人工核对。</p>
<table class="tasks stack"><colgroup><col style="width:22%"><col style="width:12%"><col style="width:10%"><col style="width:12%"><col style="width:9%"><col></colgroup>
<tr><th>任务</th><th>牵头单位</th><th>责任单位</th><th>依据</th><th>结论</th><th>证据</th></tr>
${rows.map((t) => {
  const head = t.group !== group ? ((group = t.group), html`<tr><th colspan="6" class="group">${TASK_GROUPS[t.group] ?? ''}</th></tr>`) : '';
  return html`${head}<tr id="task-${t.n}"><td>${t.n}. ${t.title}</td><td data-label="牵头单位">${t.lead.join('、')}</td><td data-label="责任单位">${t.responsible || '—'}</td><td data-label="依据">${t.audits.map((a) => auditZh(a, r)).join('、') || '—'}</td><td class="nw" data-label="结论"><span class="state st-${t.state}">${TASK_STATE_ZH[t.state]}</span></td><td data-label="证据">${t.evidence.map((e) => html`<div>${e}</div>`)}</td></tr>`;
})}
</table></section>`;
}
