/**
 * The league order and the sites view's sorting (src/sites/league.ts), on hand-made standings:
 * veto sites last whatever their score, score descending, ties by fewer overdue tickets, a
 * full tie shares its rank, 未评估 / 未检查 unranked at the end; the verdict label, the trend
 * arrow, sorting by each column with sites lacking a value last in both directions.
 */
import { describe, expect, it } from 'vitest';
import { knownTags, rankLeague, sortStandings, trendOf, verdictLabel, SORT_KEYS, type RunStanding, type SiteStanding } from '../src/sites/league.ts';

let n = 0;
function run(score: number | null, o: Partial<RunStanding> = {}): RunStanding {
  n++;
  return { runId: n, today: '2026-11-20', at: `2026-11-20T0${n % 10}:00:00.000Z`, score, verdict: score === null ? null : score >= 60 ? '合格' : '不合格', vetoes: [], provisional: false, broken: 0, hasReportFile: true, ...o };
}
function site(name: string, latest: RunStanding | null, o: Partial<SiteStanding> = {}): SiteStanding {
  return { siteId: ++n, origin: `https://${n}.example.gov.cn`, url: `https://${n}.example.gov.cn/`, name, sponsor: null, tags: { province: '福建省' }, registered: true, latest, previous: null, pending: null, openTickets: 0, overdueTickets: 0, ...o };
}

const top = site('甲局', run(96));
const vetoHigh = site('乙局', run(99, { verdict: '不合格', vetoes: ['严重问题'] }));
const tieFewer = site('丙局', run(90), { overdueTickets: 0 });
const tieMore = site('丁局', run(90), { overdueTickets: 2 });
const tieSame = site('戊局', run(90), { overdueTickets: 0 });
const failing = site('己局', run(55));
const vetoLow = site('庚局', run(80, { verdict: '不合格', vetoes: ['首页不更新', '栏目不更新'] }));
const unchecked = site('辛局', null);
const unjudged = site('壬局', run(null));
const all = [unchecked, vetoHigh, tieMore, failing, top, unjudged, tieSame, vetoLow, tieFewer];

describe('the league order', () => {
  it('ranks non-veto sites by score, ties by fewer overdue tickets, then veto sites, then the unranked', () => {
    const l = rankLeague(all);
    expect(l.map((e) => [e.rank, e.standing.name, e.verdict])).toEqual([
      [1, '甲局', '合格'],
      [2, '丙局', '合格'],
      [2, '戊局', '合格'], // same score and overdue tickets as 丙局: shares its rank
      [4, '丁局', '合格'], // same score, more overdue tickets
      [5, '己局', '不合格'],
      [6, '乙局', '单项否决'], // the best score, but a veto item: after every site without one
      [7, '庚局', '单项否决'],
      [null, '壬局', '未评估'],
      [null, '辛局', '未检查'],
    ]);
  });

  it('the verdict label: 单项否决 over the stored verdict; 未评估 without a score; 未检查 without a run', () => {
    expect(verdictLabel(vetoLow)).toBe('单项否决');
    expect(verdictLabel(failing)).toBe('不合格');
    expect(verdictLabel(top)).toBe('合格');
    expect(verdictLabel(unjudged)).toBe('未评估');
    expect(verdictLabel(unchecked)).toBe('未检查');
  });

  it('the trend compares the score with the previous complete run’s', () => {
    expect(trendOf({ latest: run(96), previous: run(92.5) })).toEqual({ trend: 'up', delta: 3.5 });
    expect(trendOf({ latest: run(90), previous: run(91.1) })).toEqual({ trend: 'down', delta: -1.1 });
    expect(trendOf({ latest: run(90), previous: run(90) })).toEqual({ trend: 'same', delta: 0 });
    expect(trendOf({ latest: run(90), previous: null })).toBeNull();
    expect(trendOf({ latest: run(90), previous: run(null) })).toBeNull();
  });
});

describe('the sites view’s sorting', () => {
  it('every column sorts both ways; a site without a value stays last', () => {
    for (const key of SORT_KEYS) {
      for (const dir of ['asc', 'desc'] as const) {
        const rows = sortStandings(all, key, dir);
        expect(rows).toHaveLength(all.length);
        expect(new Set(rows.map((r) => r.standing.siteId)).size).toBe(all.length);
      }
    }
    const names = (key: (typeof SORT_KEYS)[number], dir: 'asc' | 'desc') => sortStandings(all, key, dir).map((e) => e.standing.name);
    expect(names('score', 'desc')).toEqual(['乙局', '甲局', '丙局', '戊局', '丁局', '庚局', '己局', '壬局', '辛局']);
    expect(names('score', 'asc')).toEqual(['己局', '庚局', '丙局', '戊局', '丁局', '甲局', '乙局', '壬局', '辛局']);
    expect(names('overdue', 'desc')[0]).toBe('丁局');
    expect(names('rank', 'asc')).toEqual(rankLeague(all).map((e) => e.standing.name));
    expect(names('rank', 'desc')).toEqual(rankLeague(all).map((e) => e.standing.name).reverse());
    // 辛局 has no run: last by time both ways
    expect(names('lastRun', 'asc').at(-1)).toBe('辛局');
    expect(names('lastRun', 'desc').at(-1)).toBe('辛局');
    // names in pinyin order (甲 jia, 乙 yi …), not code points
    expect(names('name', 'asc')).toEqual([...all.map((s) => s.name)].sort(new Intl.Collator('zh-CN').compare));
  });

  it('trend sorts by the change in score', () => {
    const up = site('升局', run(95), { previous: run(90) });
    const down = site('降局', run(85), { previous: run(90) });
    const none = site('新局', run(88));
    expect(sortStandings([none, down, up], 'trend', 'desc').map((e) => e.standing.name)).toEqual(['升局', '降局', '新局']);
    expect(sortStandings([none, down, up], 'trend', 'asc').map((e) => e.standing.name)).toEqual(['降局', '升局', '新局']);
  });

  it('known tags are grouped by kind: provinces, cities, counties, departments', () => {
    expect(knownTags([{ tags: { province: '福建省', city: '福州市' } }, { tags: { department: '海洋与渔业局', province: '广东省' } }, { tags: {} }])).toEqual(['福建省', '广东省', '福州市', '海洋与渔业局']);
  });
});
