/**
 * The content script, injected on demand into the tab the user acts on (activeTab +
 * scripting.executeScript; never declared for any site in the manifest). Listens for the
 * background's requests: picking mode and the page check.
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { createRouter } from '../../src/extension/messages.ts';
import { PageApp } from './app.ts';

export default defineContentScript({
  registration: 'runtime',
  main() {
    // Injected again (a second click): the first copy keeps serving.
    const w = window as unknown as { __zhaocuo?: PageApp };
    if (w.__zhaocuo) return;
    const app = new PageApp(document);
    w.__zhaocuo = app;
    browser.runtime.onMessage.addListener(
      createRouter({
        ping: () => ({ ready: true as const }),
        'pick:start': (m) => {
          void app.startFlag(m);
          return { started: true as const };
        },
        'check:run': () => {
          void app.runCheck();
          return { started: true as const };
        },
      }) as Parameters<typeof browser.runtime.onMessage.addListener>[0],
    );
  },
});
