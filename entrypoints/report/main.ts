/** A kept report (the server refused it), opened from the popup to be edited and sent again under the same key. */
import { strings } from '../../src/extension/i18n.ts';
import { send } from '../../src/extension/messages.ts';
import { loadSettings } from '../../src/extension/settings.ts';
import { h } from '../../src/extension/ui/dom.ts';
import { outcomeNote, renderForm } from '../../src/extension/ui/form.ts';
import { BASE_CSS } from '../../src/extension/ui/styles.ts';

const doc = document;
doc.head.appendChild(h(doc, 'style', {}, BASE_CSS));
const app = doc.getElementById('app')!;

async function main(): Promise<void> {
  const s = await loadSettings();
  const t = strings(s.lang);
  doc.title = t.editTitle;
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const { item } = await send('queue:get', { id });
  if (!item) {
    app.appendChild(h(doc, 'p', { class: 'note wait' }, t.notInOutbox));
    return;
  }
  const form = h(doc, 'div');
  app.appendChild(h(doc, 'h1', {}, t.editTitle));
  if (item.status === 'rejected') app.appendChild(outcomeNote(doc, s.lang, { state: 'rejected', id: item.id, status: item.lastStatus ?? 0, error: item.lastError ?? '', details: item.details ?? [] }));
  app.appendChild(form);
  renderForm(form, {
    doc,
    lang: s.lang,
    draft: { ...item.draft, id: item.id },
    submit: (d) => send('report:submit', { draft: d }),
    onClose: () => window.close(),
  });
}

void main();
