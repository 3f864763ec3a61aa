/** 检查结论: 合格/不合格, every veto item with its evidence, the score and its deductions (audits/verdict.ts). */
import { html, type Raw } from '../escape.ts';
import type { Report } from '../schema.ts';
import { auditData, findingsTable, refsLine, type Finding } from './common.ts';

/** `audits[id=verdict].data` as audits/verdict.ts returns it (VerdictData); every field optional for older reports. */
export interface VerdictView {
  verdict?: string;
  score?: number;
  passMark?: number;
  base?: number;
  provisional?: boolean;
  vetoes?: { item: string; hit: boolean; evaluated?: boolean; notApplicable?: boolean; evidence?: string; sources?: string[] }[];
  deductions?: { item: string; points: number; raw?: number; cap?: number; unconfirmed?: boolean; excluded?: boolean; sources?: string[] }[];
  unconfirmedNote?: string | null;
  reasons?: string[];
}

const titleOf = (r: Report, id: string) => r.audits.find((a) => a.id === id)?.title.zh ?? id;

function vetoState(x: NonNullable<VerdictView['vetoes']>[number]): Raw {
  if (x.hit) return html`<td class="fail nw">触发</td>`;
  if (x.notApplicable) return html`<td class="muted nw">不适用</td>`;
  if (x.evaluated === false) return html`<td class="u nw">未评估</td>`;
  return html`<td class="pass nw">未触发</td>`;
}

export function verdictSection(r: Report, findings: Finding[] = []): Raw {
  const v = auditData<VerdictView>(r, 'verdict');
  const linksData = auditData<{ homepageBroken?: number; otherBroken?: number; deduction?: { total: number } }>(r, 'links');
  if (!v) {
    return html`<section id="verdict"><h2>检查结论</h2><p class="muted">本次未运行检查结论评估（verdict）。链接扣分估算：${linksData?.deduction?.total ?? 0} 分（首页不可用链接 ${linksData?.homepageBroken ?? 0} 个，其他页面 ${linksData?.otherBroken ?? 0} 个）。</p></section>`;
  }
  const pass = v.verdict === '合格';
  const vetoes = v.vetoes ?? [];
  const unevaluated = vetoes.filter((x) => x.evaluated === false && !x.notApplicable);
  const deductions = v.deductions ?? [];
  const lost = deductions.reduce((s, d) => s + (d.excluded ? 0 : d.points), 0);
  const meta = r.audits.find((a) => a.id === 'verdict');
  return html`<section id="verdict"><h2>检查结论</h2>
    <p class="verdict ${pass ? 'pass' : 'fail'}">${v.verdict ?? '—'}　<span>${v.score ?? '—'} 分</span></p>
    <p class="muted">合格线 ${v.passMark ?? 60} 分；${v.base === 75 ? '本部门无对外服务，按 75 分制计分后 × 4/3' : '满分 100 分'}；得分 = 满分 − Σ min(扣分, 权重)${deductions.length ? `（本次共扣 ${Math.round(lost * 100) / 100} 分）` : ''}；任一单项否决指标触发即不合格。</p>
    ${v.reasons?.length ? html`<p class="fail">${v.reasons.join('；')}</p>` : ''}
    ${v.provisional && unevaluated.length ? html`<p class="u">以下单项否决指标本次未评估，结论仅基于已评估的指标：${unevaluated.map((x) => x.item).join('、')}</p>` : ''}
    ${meta ? refsLine(meta.refs) : ''}
    <h3>单项否决指标</h3><table class="stack"><tr><th>指标</th><th>结果</th><th>依据</th><th>审计项</th></tr>
    ${vetoes.map((x) => html`<tr><td class="nw"><b>${x.item}</b></td>${vetoState(x)}<td data-label="依据">${x.evidence ?? ''}</td><td class="muted" data-label="审计项">${(x.sources ?? []).map((id) => titleOf(r, id)).join('、')}</td></tr>`)}</table>
    <h3>扣分</h3>${deductions.length ? html`<table><tr><th>指标</th><th class="num">扣分（计入）</th><th class="num">扣分（原始）</th><th class="num">上限（权重）</th><th>审计项</th></tr>
    ${deductions.map((d) => html`<tr><td>${d.item}${d.unconfirmed ? html` <span class="u">[权重待确认]</span>` : ''}${d.excluded ? html` <span class="muted">（不适用，不计）</span>` : ''}</td><td class="num">${d.points}</td><td class="num">${d.raw ?? d.points}</td><td class="num">${d.cap ?? ''}</td><td class="muted">${(d.sources ?? []).map((id) => titleOf(r, id)).join('、')}</td></tr>`)}</table>` : html`<p class="muted">没有审计项报告扣分。</p>`}
    ${v.unconfirmedNote ? html`<p class="u">${v.unconfirmedNote}</p>` : ''}
    ${findings.length ? html`<h3>否决与得分问题</h3>${findingsTable(findings)}` : ''}</section>`;
}
