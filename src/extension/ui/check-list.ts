/**
 * The page check's results in the panel: grouped by check, worst first, each with "file it" and
 * "show". A result is named by its rule's Chinese label (src/audit/labels.ts, the report's own
 * table); the rule id only in a small grey 「规则」 field.
 */
import { ruleLabel } from '../../audit/labels.ts';
import { severityLabel, strings, type Lang } from '../i18n.ts';
import type { CheckItem } from '../page-check.ts';
import { h } from './dom.ts';

export interface CheckListOptions {
  doc: Document;
  lang: Lang;
  items: CheckItem[];
  /** Links verified and those whose status could not be read (no permission). */
  linkStats?: { checked: number; skipped: number };
  /** Results already filed: result id → ticket number (or "waiting"). */
  filed?: Map<string, string>;
  onFile: (item: CheckItem) => void;
  onLocate: (item: CheckItem) => void;
  onClose: () => void;
}

const GROUPS = ['integrity', 'accessibility', 'identity', 'privacy', 'links'] as const;
const GROUP_KEY: Record<string, string> = { integrity: 'integrity', accessibility: 'axe', identity: 'identity', privacy: 'privacy', links: 'links' };

export function renderCheckList(root: HTMLElement, o: CheckListOptions): void {
  const { doc, lang } = o;
  const t = strings(lang);
  root.appendChild(
    h(doc, 'div', { class: 'head' }, h(doc, 'h2', { style: 'margin:0' }, t.check), h(doc, 'button', { type: 'button', class: 'link', 'data-zc': 'close', onclick: () => o.onClose() }, t.close)),
  );
  root.appendChild(h(doc, 'p', { 'data-zc': 'check-summary', 'data-count': o.items.length }, t.checkDone(o.items.length)));
  if (o.linkStats) root.appendChild(h(doc, 'p', { class: 'muted' }, t.linksChecked(o.linkStats.checked, o.linkStats.skipped)));
  for (const g of GROUPS) {
    const items = o.items.filter((i) => i.audit === g);
    const section = h(doc, 'section', { 'data-zc': `group-${g}`, 'data-count': items.length }, h(doc, 'h3', {}, `${t.sources[GROUP_KEY[g]]}`, h(doc, 'span', { class: 'count' }, String(items.length))));
    for (const it of items) {
      section.appendChild(
        h(
          doc,
          'div',
          { class: 'item', 'data-zc': 'item', 'data-audit': it.audit, 'data-rule': it.rule, 'data-id': it.id },
          h(
            doc,
            'div',
            {},
            h(doc, 'span', { class: `sev ${it.severity}` }, severityLabel(it.severity, lang)),
            h(doc, 'b', { class: 'rule-name', 'data-zc': 'rule-name' }, ruleLabel(it.audit, it.rule)),
            ' ',
            h(doc, 'span', { class: 'rule-id', title: t.ruleFieldTitle }, `${t.ruleField} `, h(doc, 'code', {}, it.rule)),
          ),
          h(doc, 'div', { class: 'msg' }, it.message),
          h(
            doc,
            'div',
            { class: 'row' },
            o.filed?.has(it.id)
              ? h(doc, 'span', { class: 'note ok', 'data-zc': 'filed', style: 'margin:0;padding:2px 8px' }, o.filed.get(it.id)!)
              : h(doc, 'button', { type: 'button', class: 'primary', 'data-zc': 'file', onclick: () => o.onFile(it) }, t.fileIt),
            it.locate.kind !== 'none' ? h(doc, 'button', { type: 'button', 'data-zc': 'locate', onclick: () => o.onLocate(it) }, t.locate) : null,
          ),
        ),
      );
    }
    root.appendChild(section);
  }
}
