/**
 * The companion extension (WXT 0.20): `wxt build` → .output/chrome-mv3, `wxt build -b firefox`
 * → .output/firefox-mv2; `npm run build:ext` builds and zips both.
 *
 * Permissions: activeTab + scripting (the content script is injected into the tab the user acts
 * on, nowhere else), storage + unlimitedStorage (the outbox keeps screenshots until the server
 * has them), alarms (retries), contextMenus. No site access is declared: host access is
 * optional and asked for the portal origins the user configures (Options).
 *
 * Chrome builds carry a public `key` (src/extension/key.ts) so the id is the same everywhere.
 */
import { defineConfig } from 'wxt';
import { EXTENSION_PUBLIC_KEY } from './src/extension/key.ts';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports everywhere: the same files type-check with the project's tsconfig.
  imports: false,
  manifest: ({ browser, manifestVersion }) => ({
    name: '找错 zhaocuo',
    description: '我为政府网站找错：在页面上标记错误并提交工单；本页体检（无障碍、网站标识、个人信息、链接）。',
    permissions: ['activeTab', 'scripting', 'storage', 'unlimitedStorage', 'alarms', 'contextMenus'],
    ...(manifestVersion === 3 ? { optional_host_permissions: ['http://*/*', 'https://*/*'] } : { optional_permissions: ['http://*/*', 'https://*/*'] }),
    action: { default_title: '找错' },
    commands: {
      'flag-element': { suggested_key: { default: 'Alt+Shift+Z' }, description: '找错：标记页面内容 / Report an error on this page' },
    },
    // Chrome: a fixed id for every install (the server allows its origin without configuration).
    ...(browser === 'firefox' ? {} : { key: EXTENSION_PUBLIC_KEY }),
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'zhaocuo@zhaocuo.invalid', strict_min_version: '115.0', data_collection_permissions: { required: ['websiteContent', 'browsingActivity'] } } } } : {}),
  }),
  zip: {
    // The Firefox sources zip: what builds the extension, not the project's data or reports.
    includeSources: [],
    excludeSources: ['data/**', 'reports/**', 'bench/**', 'examples/**', 'docs/**', 'schema/**', '.tmp/**', '.tmp-zc/**', '**/*.db', '**/*.db-*', 'tests/**'],
  },
});
