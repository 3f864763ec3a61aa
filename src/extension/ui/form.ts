/**
 * The report form: the category from the national list, the description, the reporter, and
 * exactly what will be sent (URL, title, selector, masked snippet and selection, the
 * screenshot with the element outlined, viewport, browser). Used by the in-page panel and by
 * the report page (editing a report the server refused).
 */
import { CATEGORIES, type Category } from '../../tickets/model.ts';
import { pageText, type Draft } from '../draft.ts';
import { categoryLabel, strings, type Lang } from '../i18n.ts';
import type { SubmitOutcome } from '../queue.ts';
import { clear, h } from './dom.ts';

export interface FormOptions {
  doc: Document;
  lang: Lang;
  draft: Draft;
  submit: (draft: Draft) => Promise<SubmitOutcome>;
  onRepick?: () => void;
  onClose: () => void;
}

export function outcomeNote(doc: Document, lang: Lang, r: SubmitOutcome): HTMLElement {
  const t = strings(lang);
  if (r.state === 'sent') return h(doc, 'div', { class: 'note ok', 'data-zc': 'result', 'data-state': 'sent', 'data-ticket': r.ticketNumber }, t.sent(r.ticketNumber));
  if (r.state === 'queued') return h(doc, 'div', { class: 'note wait', 'data-zc': 'result', 'data-state': 'queued' }, t.queued(r.waiting));
  return h(
    doc,
    'div',
    { class: 'note err', 'data-zc': 'result', 'data-state': 'rejected', 'data-status': r.status },
    t.rejected(r.status || '—', r.error),
    r.details.length ? h(doc, 'ul', {}, r.details.map((d) => h(doc, 'li', {}, d))) : null,
  );
}

export function renderForm(root: HTMLElement, o: FormOptions): void {
  const { doc, lang } = o;
  const t = strings(lang);
  let draft: Draft = { ...o.draft };
  clear(root);

  const category = h(doc, 'select', { name: 'category' }, CATEGORIES.map((c) => h(doc, 'option', { value: c, selected: c === draft.category }, categoryLabel(c, lang))));
  category.value = draft.category;
  const description = h(doc, 'textarea', { name: 'description', placeholder: t.descriptionPlaceholder, maxlength: 5000 });
  description.value = draft.description;
  const reporter = h(doc, 'input', { type: 'text', name: 'reporter', value: draft.reporter ?? '', maxlength: 100 });
  const withShot = h(doc, 'input', { type: 'checkbox', name: 'includeScreenshot', checked: draft.includeScreenshot && Boolean(draft.screenshot) });
  if (!draft.screenshot) withShot.disabled = true;
  const status = h(doc, 'div', { 'data-zc': 'status' });

  const dd = (label: string, key: string, value: string | undefined) =>
    value ? [h(doc, 'dt', {}, label), h(doc, 'dd', { 'data-zc': key }, key === 'selector' ? h(doc, 'code', {}, value) : value)] : [];
  const shot = draft.screenshot ? h(doc, 'img', { class: 'shot', src: draft.screenshot, alt: t.screenshot, 'data-zc': 'screenshot' }) : null;
  const preview = h(
    doc,
    'dl',
    { class: 'sent', 'data-zc': 'preview' },
    dd(t.url, 'url', draft.pageUrl),
    dd(t.title, 'title', pageText(draft.pageTitle, 500)),
    dd(t.selector, 'selector', draft.selector),
    dd(t.snippet, 'snippet', pageText(draft.snippet)),
    dd(t.selectedText, 'selectedText', pageText(draft.selectedText)),
    dd(t.viewport, 'viewport', draft.viewport),
    dd(t.browser, 'browser', draft.browser),
  );

  const submitBtn = h(doc, 'button', { class: 'primary', type: 'submit', 'data-zc': 'submit' }, t.submit);
  const form = h(
    doc,
    'form',
    { 'data-zc': 'form', novalidate: true },
    h(doc, 'h2', {}, t.formTitle),
    h(doc, 'label', {}, t.category),
    category,
    h(doc, 'label', {}, t.description),
    description,
    h(doc, 'label', {}, t.reporter),
    reporter,
    h(doc, 'h3', { style: 'margin-top:12px' }, t.whatIsSent),
    preview,
    shot ? h(doc, 'label', { class: 'inline' }, withShot, t.includeScreenshot) : null,
    shot,
    h(doc, 'p', { class: 'muted' }, t.maskedNote),
    status,
    h(
      doc,
      'div',
      { class: 'actions' },
      submitBtn,
      o.onRepick ? h(doc, 'button', { type: 'button', 'data-zc': 'repick', onclick: () => o.onRepick!() }, t.repick) : null,
      h(doc, 'button', { type: 'button', 'data-zc': 'cancel', onclick: () => o.onClose() }, t.cancel),
    ),
  );
  withShot.addEventListener('change', () => {
    if (shot) shot.style.opacity = withShot.checked ? '1' : '.3';
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(status);
    if (!description.value.trim()) {
      status.appendChild(h(doc, 'div', { class: 'note err', 'data-zc': 'result', 'data-state': 'invalid' }, t.missingDescription));
      description.focus();
      return;
    }
    draft = { ...draft, category: category.value as Category, description: description.value, reporter: reporter.value.trim() || undefined, includeScreenshot: withShot.checked };
    submitBtn.disabled = true;
    submitBtn.textContent = t.submitting;
    let r: SubmitOutcome;
    try {
      r = await o.submit(draft);
    } catch (err) {
      r = { state: 'rejected', id: draft.id ?? '', status: 0, error: (err as Error).message, details: [] };
    }
    submitBtn.disabled = false;
    submitBtn.textContent = t.submit;
    if (r.id) draft = { ...draft, id: r.id };
    if (r.state === 'rejected') {
      status.appendChild(outcomeNote(doc, lang, r));
      return;
    }
    // Filed or kept for later: the form is done.
    clear(root);
    root.appendChild(h(doc, 'h2', {}, t.formTitle));
    root.appendChild(outcomeNote(doc, lang, r));
    root.appendChild(h(doc, 'div', { class: 'actions' }, h(doc, 'button', { type: 'button', 'data-zc': 'close', onclick: () => o.onClose() }, t.close)));
  });
  root.appendChild(form);
  description.focus();
}
