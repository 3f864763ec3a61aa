/**
 * Bidirectional controls from crawled pages and reporters, shown as visible markers.
 *
 * U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E/U+200F (marks) and
 * U+061C (Arabic letter mark) are invisible, yet reorder what follows them: a page title
 * "通知‮gpj.exe" would read "通知exe.jpg", and an override left open runs on into the table
 * cell, the finding and the link after it. Isolating the text (<bdi>, dir=auto) would stop it
 * spilling into its neighbours but still reverse the text inside, which is the spoof itself;
 * and a reviewer of a government site should see that the page holds such a character. So each
 * one is replaced by a visible `[U+202E]`. Plain data (report.json, the store) keeps the text
 * as it was; only what is rendered for people is changed.
 *
 * Pure and dependency-free: the server's HTML, the report and the extension's UI all use it.
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

export function showBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}
