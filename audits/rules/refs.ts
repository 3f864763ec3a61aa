/** Rule references shared by several audits, so every audit cites the documents the same way. */
import type { RuleRef } from '../../src/audit/types.ts';

export const GUIDELINE = '政府网站发展指引（国办发〔2017〕47号）';
export const INSPECTION = '政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）';
export const REGULATION = '中华人民共和国政府信息公开条例（2019年修订）';
export const SEED = '2018年政务公开工作主要任务分解表';

export const guideline = (item: string): RuleRef => ({ source: 'guideline', doc: GUIDELINE, item });
export const inspection = (item: string, unconfirmed = false): RuleRef => ({ source: 'inspection', doc: INSPECTION, item, ...(unconfirmed ? { unconfirmed } : {}) });
export const regulation = (item: string): RuleRef => ({ source: 'regulation', doc: REGULATION, item });
export const seedTask = (n: number): RuleRef => ({ source: 'seed', doc: SEED, item: String(n) });
export const standard = (doc: string, item?: string): RuleRef => ({ source: 'standard', doc, ...(item ? { item } : {}) });
