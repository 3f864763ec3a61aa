/**
 * Tables that stack into one labelled card per row on a narrow screen (a 390 px phone): the
 * table carries class "stack", each cell that needs its column's name carries data-label, and
 * below 720 px on a screen (not in print: an A4 PDF is about 700 px wide) every row becomes a
 * block of 「标签：值」 lines. One mechanism for the site report,
 * the league table and the dashboard (tickets, history, runs, sites).
 */
export const STACK_MAX_WIDTH = 720;

/** Trusted, constant CSS: interpolate as Raw. A page may add rules after it (the sites view keeps its header row as sort chips). */
export const STACKED_TABLE_CSS = `@media screen and (max-width:${STACK_MAX_WIDTH}px){
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:auto;max-width:none;overflow:visible}table.stack thead,table.stack colgroup,table.stack th{display:none}table.stack th.group{display:block}
table.stack tr{border-bottom:1px solid #d0d7de;padding:6px 0}table.stack td{border:0;padding:2px 2px;text-align:left;overflow-wrap:anywhere;min-width:0}
table.stack td[data-label]::before{content:attr(data-label) "：";color:#57606a;font-size:12px}}`;
