/**
 * Settings: the server and the token (checked with GET /api/me before saving: a refused token is
 * not saved), name and division,
 * the portal sites (host permissions are asked for these origins only) and the UI language.
 */
import { browser } from 'wxt/browser';
import { LANGS, roleLabel, strings, type Lang } from '../../src/extension/i18n.ts';
import { send } from '../../src/extension/messages.ts';
import { loadSettings, normaliseServerUrl, originPattern, parseOrigins, saveSettings, serverUnreachable, type Settings } from '../../src/extension/settings.ts';
import { clear, h } from '../../src/extension/ui/dom.ts';
import { BASE_CSS } from '../../src/extension/ui/styles.ts';

const doc = document;
doc.head.appendChild(h(doc, 'style', {}, BASE_CSS));
const app = doc.getElementById('app')!;

async function render(): Promise<void> {
  const s = await loadSettings();
  const t = strings(s.lang);
  doc.title = t.optionsTitle;
  clear(app);
  const ownOrigin = new URL(browser.runtime.getURL('/')).origin;

  const field = (name: string, label: string, value: string, help?: string, type = 'text') => {
    const input = h(doc, 'input', { type, name, value, autocomplete: 'off', spellcheck: 'false' });
    return { input, nodes: [h(doc, 'label', { for: name }, label), input, help ? h(doc, 'p', { class: 'muted' }, help) : null] };
  };
  const server = field('serverUrl', t.serverUrl, s.serverUrl, t.serverUrlHelp, 'url');
  const token = field('token', t.token, s.token, t.tokenHelp, 'password');
  const name = field('name', t.name, s.name);
  const division = field('division', t.division, s.division);
  const portals = h(doc, 'textarea', { name: 'portals', rows: 3 });
  portals.value = s.portalOrigins.join('\n');
  const lang = h(doc, 'select', { name: 'lang' }, LANGS.map((l) => h(doc, 'option', { value: l, selected: l === s.lang }, l === 'zh' ? '中文' : 'English')));
  lang.value = s.lang;
  const status = h(doc, 'div', { 'data-zc': 'options-status' });

  const form = h(
    doc,
    'form',
    { 'data-zc': 'options', novalidate: true },
    h(doc, 'h1', {}, t.optionsTitle),
    server.nodes, token.nodes, name.nodes, division.nodes,
    h(doc, 'label', { for: 'portals' }, t.portals), portals, h(doc, 'p', { class: 'muted' }, t.portalsHelp),
    h(doc, 'label', { for: 'lang' }, t.language), lang,
    h(doc, 'div', { class: 'actions' }, h(doc, 'button', { type: 'submit', class: 'primary', 'data-zc': 'save' }, t.save)),
    status,
    h(doc, 'p', { class: 'muted', 'data-zc': 'extension-origin' }, t.extensionOrigin(ownOrigin)),
  );

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clear(status);
    const note = (cls: string, text: string, zc: string) => status.appendChild(h(doc, 'div', { class: `note ${cls}`, 'data-zc': zc }, text));
    const serverUrl = server.input.value.trim() ? normaliseServerUrl(server.input.value) : '';
    const { origins, invalid } = parseOrigins(portals.value);
    if (serverUrl === null) return void note('err', t.invalidUrl(server.input.value), 'invalid');
    if (invalid.length) return void note('err', t.invalidUrl(invalid.join(', ')), 'invalid');
    const next: Settings = { serverUrl, token: token.input.value.trim(), name: name.input.value.trim(), division: division.input.value.trim(), portalOrigins: origins, lang: lang.value as Lang };
    // Asked first, inside the click: browsers grant permissions only in response to a user action.
    const asked = origins.length ? browser.permissions.request({ origins: origins.map(originPattern) }).catch(() => false) : null;
    void (async () => {
      const tt = strings(next.lang);
      // Checked before saving: a token the server refuses is not stored as if it worked (the
      // popup would offer to file reports that every send then loses).
      if (next.serverUrl && next.token) {
        const checking = h(doc, 'div', { class: 'note wait', 'data-zc': 'token-check' }, tt.checkingToken);
        status.appendChild(checking);
        const state = (cls: string, s: string, text: string) => {
          checking.className = `note ${cls}`;
          checking.setAttribute('data-state', s);
          checking.textContent = text;
        };
        try {
          const { me } = await send('settings:check', { settings: next });
          state('ok', 'ok', tt.tokenOk(me.name, roleLabel(me.role, next.lang)));
          if (!next.name && name.input.value === '') name.input.value = me.name;
        } catch (err) {
          const msg = (err as Error).message;
          if (!serverUnreachable(msg)) {
            state('err', 'error', tt.tokenRefused(msg));
            token.input.focus();
            return;
          }
          // No answer is not a refusal: kept, and said to be unchecked.
          state('wait', 'unverified', tt.tokenUnverified(msg));
        }
      }
      await saveSettings(next);
      note('ok', tt.saved, 'saved');
      if (asked) {
        const granted = await asked;
        note(granted ? 'ok' : 'wait', granted ? tt.permissionsGranted : tt.permissionsDenied, 'permissions');
      }
      if (next.lang !== s.lang) await render();
    })();
  });
  app.appendChild(form);
}

void render();
