// The loopback DNS server lives with the sample portal (npm start uses it too).
export * from '../../src/sample-portal/dns.ts';
