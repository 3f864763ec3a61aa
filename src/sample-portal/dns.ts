/**
 * A real DNS server on loopback (dns2 over UDP on 127.0.0.1), for the sample portal and tests: answers A, AAAA and NS for the
 * names in a table, NODATA for a known name without that type, NXDOMAIN for unknown names.
 * Names are case-insensitive; `*.zone` entries answer any name under the zone that has no entry
 * of its own. Every query is recorded, so a test can count what the code under test asked.
 */
import dns2 from 'dns2';
import type { AddressInfo } from 'node:net';

const { Packet } = dns2;

export interface DnsRecords {
  A?: string[];
  AAAA?: string[];
  NS?: string[];
}

export type DnsTable = Record<string, DnsRecords>;

export interface TestDns {
  /** HOST:PORT, for --dns-server / config.dnsServer. */
  server: string;
  port: number;
  queries: { name: string; type: 'A' | 'AAAA' | 'NS' | string }[];
  /** Adds or replaces the records of a name. */
  set(name: string, records: DnsRecords): void;
  close(): Promise<void>;
}

const TYPE_NAME: Record<number, string> = { [Packet.TYPE.A]: 'A', [Packet.TYPE.AAAA]: 'AAAA', [Packet.TYPE.NS]: 'NS' };

export async function startDnsServer(initial: DnsTable): Promise<TestDns> {
  const table = new Map<string, DnsRecords>();
  const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');
  for (const [k, v] of Object.entries(initial)) table.set(norm(k), v);
  const queries: TestDns['queries'] = [];

  const find = (name: string): DnsRecords | undefined => {
    const exact = table.get(name);
    if (exact) return exact;
    const labels = name.split('.');
    for (let i = 1; i < labels.length; i++) {
      const wild = table.get('*.' + labels.slice(i).join('.'));
      if (wild) return wild;
    }
    return undefined;
  };

  const server = dns2.createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    for (const q of request.questions) {
      const name = norm(q.name);
      const type = TYPE_NAME[q.type] ?? String(q.type);
      queries.push({ name, type });
      const rec = find(name);
      if (!rec) {
        response.header.rcode = 3; // NXDOMAIN
        continue;
      }
      // dns2 encodes plain records by their type.
      const answer = (r: object) => response.answers.push({ name: q.name, class: Packet.CLASS.IN, ttl: 60, ...r } as unknown as (typeof response.answers)[number]);
      if (type === 'A') for (const address of rec.A ?? []) answer({ type: Packet.TYPE.A, address });
      if (type === 'AAAA') for (const address of rec.AAAA ?? []) answer({ type: Packet.TYPE.AAAA, address });
      if (type === 'NS') for (const ns of rec.NS ?? []) answer({ type: Packet.TYPE.NS, ns });
    }
    send(response);
  });
  await server.listen(0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  return {
    server: `127.0.0.1:${port}`,
    port,
    queries,
    set: (name, records) => void table.set(norm(name), records),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
