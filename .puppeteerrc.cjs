/** puppeteer (pulled in by pa11y-ci, the benchmark's peer) must not download its own Chrome: every browser here is the system Chromium. */
module.exports = { skipDownload: true };
