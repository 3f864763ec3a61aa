/**
 * The page check's result list (the panel of 本页体检) names each result by its rule's Chinese
 * label — the same table the report uses (src/audit/labels.ts) — and shows the rule id only in a
 * small grey 「规则」 field: the visible text outside that field holds no rule id or audit id.
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { renderCheckList } from '../src/extension/ui/check-list.ts';
import type { CheckItem } from '../src/extension/page-check.ts';
import { ruleLabel } from '../src/audit/labels.ts';

const item = (audit: string, rule: string, severity: CheckItem['severity'], message: string): CheckItem => ({
  id: `${audit}:${rule}`, audit, rule, severity, message, url: 'https://hyj.example.gov.cn/', category: '其他', evidence: {}, refs: [], locate: { kind: 'none' },
});

const ITEMS: CheckItem[] = [
  item('integrity', 'hidden-links', 'high', '页面有 3 个对访客隐藏的外部链接'),
  item('accessibility', 'image-alt', 'high', '图片缺少替代文字'),
  item('accessibility', 'color-contrast', 'medium', '文字与背景对比度不足'),
  item('identity', 'marker-jiucuo', 'medium', '首页底部没有“我为政府网站找错”入口'),
  item('privacy', 'unmasked-id-number', 'high', '页面公开了未脱敏的居民身份证号码 1 个：3501**********1248'),
  item('links', 'broken-link', 'medium', '链接不可用（HTTP 404）'),
];

function render(lang: 'zh' | 'en' = 'zh') {
  const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
  const root = document.getElementById('root') as unknown as HTMLElement;
  renderCheckList(root, { doc: document as unknown as Document, lang, items: ITEMS, onFile() {}, onLocate() {}, onClose() {} });
  return root;
}

describe('the page check list', () => {
  it('names every result in Chinese; the rule id only in the grey 规则 field', () => {
    const root = render();
    const shown = [...root.querySelectorAll('[data-zc=item]')].map((e) => ({
      rule: e.getAttribute('data-rule')!,
      audit: e.getAttribute('data-audit')!,
      name: e.querySelector('[data-zc=rule-name]')?.textContent ?? '',
      field: [...e.querySelectorAll('.rule-id')].map((x) => x.textContent),
    }));
    expect(shown.map((s) => s.rule).sort()).toEqual(ITEMS.map((i) => i.rule).sort());
    for (const s of shown) {
      expect(s.name, s.rule).toBe(ruleLabel(s.audit, s.rule));
      expect(s.name, s.rule).toMatch(/[\u4e00-\u9fff]/);
      expect(s.name, s.rule).not.toContain(s.rule);
      expect(s.field, s.rule).toEqual([`规则 ${s.rule}`]);
    }
    expect(shown.find((s) => s.rule === 'broken-link')!.name).toBe('链接不可用');
    expect(shown.find((s) => s.rule === 'image-alt')!.name).toMatch(/图/);
    // Outside the 规则 fields: no rule id, no audit id.
    for (const f of root.querySelectorAll('.rule-id')) f.remove();
    const text = root.textContent ?? '';
    for (const i of ITEMS) {
      expect(text).not.toContain(i.rule);
      expect(text).not.toMatch(new RegExp(`\\b${i.audit}\\b`));
    }
    expect(text).not.toMatch(/\b(critical|high|medium|low|info)\b/);
  });

  it('the English panel keeps the Chinese rule names and says Rule', () => {
    const root = render('en');
    expect([...root.querySelectorAll('.rule-id')].map((x) => x.textContent)).toContain('Rule broken-link');
    expect(root.querySelector('[data-rule=broken-link] [data-zc=rule-name]')!.textContent).toBe('链接不可用');
  });
});
