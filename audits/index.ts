/** Every audit the runner knows, in report order. One file an audit; rule data in rules/. */
import type { Audit } from '../src/audit/types.ts';
import links from './links.ts';
import ipv6 from './ipv6.ts';
import availability from './availability.ts';
import identity from './identity.ts';
import columns from './columns.ts';
import serviceGuides from './service-guides.ts';
import interaction from './interaction.ts';
import privacy from './privacy.ts';
import wording from './wording.ts';
import integrity from './integrity.ts';
import search from './search.ts';
import https from './https.ts';
import accessibility from './accessibility.ts';
import ageFriendly from './age-friendly.ts';
import lighthouse from './lighthouse.ts';
import verdict from './verdict.ts';

export const ALL_AUDITS: Audit[] = [links, https, ipv6, availability, identity, columns, serviceGuides, search, interaction, privacy, wording, integrity, accessibility, ageFriendly, lighthouse, verdict];
