/**
 * The `tickets` block of the site config: deadline and office hours, holiday calendar data,
 * which audit findings become tickets, the national platform's export columns, webhooks.
 * Strict like the rest of the config: an unknown key is an error naming it.
 */
import { z } from 'zod';
import { SEVERITIES } from '../audit/types.ts';
import { calendarYearSchema } from './calendar.ts';
import { CATEGORIES } from './model.ts';
import { isValidTimeZone } from './zoned.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM, e.g. 08:30');
const headers = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const NOTIFY_EVENTS = ['new', 'due-today', 'overdue'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const webhookSchema = z.strictObject({
  /** A name for logs and the outbox (the URL may hold a secret and is never printed). */
  name: z.string().min(1).optional(),
  url: z.url(),
  /** json: {event, ticket}; dingtalk / wecom: their robot bodies (msgtype text or markdown). */
  format: z.enum(['json', 'dingtalk', 'wecom']).default('json'),
  msgtype: z.enum(['text', 'markdown']).default('markdown'),
  events: z.array(z.enum(NOTIFY_EVENTS)).default([...NOTIFY_EVENTS]),
  /** DingTalk 加签 secret: adds timestamp + sign to the URL. */
  secret: z.string().optional(),
  /** Only tickets of these divisions (default: all). */
  divisions: z.array(z.string()).optional(),
});

const importColumnsSchema = z.strictObject({
  messageId: headers.default(['留言编号', '编号', '问题编号', '工单编号', '信件编号']),
  receivedAt: headers.default(['留言时间', '提交时间', '转办时间', '创建时间', '受理时间']),
  pageUrl: headers.default(['问题网址', '问题页面', '页面地址', '网址', '问题链接']),
  category: headers.default(['问题类型', '错误类型', '问题分类', '类型']),
  description: headers.default(['问题描述', '留言内容', '描述', '内容']),
  reporter: headers.default(['留言人', '提交人', '姓名', '网民']),
  title: headers.default(['标题', '留言标题']),
});

export const ticketsSchema = z.strictObject({
  /** Ticket numbers look like ZC-2026-000123. */
  numberPrefix: z.string().regex(/^[A-Z]{1,8}$/, 'expected 1–8 capital letters').default('ZC'),
  /** Handling deadline in working days (this department: 2; other provinces 3). */
  workingDays: z.number().int().min(0).max(60).default(2),
  timezone: z.string().refine(isValidTimeZone, '不认识的时区，应如 Asia/Shanghai（unknown time zone）').default('Asia/Shanghai'),
  /** A ticket received at or after `end`, or on a day off, counts from the next working day; due at `end`. */
  officeHours: z
    .strictObject({ start: hhmm.default('08:30'), end: hhmm.default('17:30') })
    .refine((h) => h.start < h.end, 'officeHours.start 应早于 officeHours.end（start must be before end）')
    .default({ start: '08:30', end: '17:30' }),
  calendar: z
    .strictObject({
      /** Days off and make-up working days for years the packaged data lacks (e.g. "2027"). */
      years: z.record(z.string().regex(/^\d{4}$/, 'expected a year such as "2027"'), calendarYearSchema).default({}),
      /** JSON files { "years": { "2027": { daysOff, workdays } } }, relative to the working folder. */
      files: z.array(z.string()).default([]),
    })
    .default({ years: {}, files: [] }),
  fromAudits: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Findings at or above this severity become tickets. */
      minSeverity: z.enum(SEVERITIES).default('high'),
      /** Audit id → ticket category (defaults: links 内容无法访问, columns 信息不更新, wording 错别字 …). */
      categories: z.record(z.string(), z.enum(CATEGORIES)).default({}),
    })
    .default({ enabled: true, minSeverity: 'high', categories: {} }),
  /** The national platform's CSV/xlsx export: header names (or candidates) for each field. */
  import: z
    .strictObject({
      columns: importColumnsSchema.default(() => importColumnsSchema.parse({})),
      /** Worksheet name for xlsx (default: the first). */
      sheet: z.string().optional(),
      /** CSV encoding; auto = UTF-8 when valid, else GB18030 (Excel's 中文 CSV). */
      encoding: z.enum(['auto', 'utf-8', 'gb18030']).default('auto'),
      /** Division for imported tickets whose URL matches no prefix (default: divisions.default). */
      division: z.string().optional(),
    })
    .default(() => ({ columns: importColumnsSchema.parse({}), encoding: 'auto' as const })),
  notify: z
    .strictObject({
      webhooks: z.array(webhookSchema).default([]),
      /** How often `serve` delivers the outbox and looks for due-today / overdue tickets. */
      intervalSeconds: z.number().positive().default(60),
      timeoutMs: z.number().int().positive().default(10000),
      retry: z
        .strictObject({
          baseSeconds: z.number().min(0).default(30),
          maxSeconds: z.number().min(0).default(3600),
          maxAttempts: z.number().int().min(1).default(10),
        })
        .default({ baseSeconds: 30, maxSeconds: 3600, maxAttempts: 10 }),
      /** Dashboard address for links in messages, e.g. http://zhaocuo.hyj.example.gov.cn:8787. */
      dashboardUrl: z.url().optional(),
    })
    .default(() => ({ webhooks: [], intervalSeconds: 60, timeoutMs: 10000, retry: { baseSeconds: 30, maxSeconds: 3600, maxAttempts: 10 } })),
});

export type TicketsConfig = z.infer<typeof ticketsSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
