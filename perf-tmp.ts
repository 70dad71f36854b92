import { Matcher } from './domain/matching/index.ts';
import type { Location, Partner, ReferralRequest } from './domain/matching/index.ts';
let seed = 42;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
const countries = Array.from({ length: 30 }, (_, i) => `C${i}`);
const langs = ['en', 'es', 'fr', 'de', 'ja'];
const wls = ['Teams', 'Intune', 'Exchange', 'SharePoint', 'Defender', 'Purview', 'Copilot', 'Windows'];
const partners: Partner[] = Array.from({ length: 2000 }, (_, i) => ({ partnerId: `p${i}`, specializations: wls.filter(() => rnd() < 0.4).map((workload) => ({ workload, expires: rnd() < 0.9 ? '2027-06-30' : '2026-01-01' })) }));
const locations: Location[] = Array.from({ length: 10000 }, (_, i) => ({ mpnId: String(4000000 + i), partnerId: `p${i % 2000}`, country: pick(countries), languages: ['en', pick(langs)], minSeats: pick([null, 150, 500]), maxSeats: pick([null, 5000, 20000]), industries: rnd() < 0.8 ? [] : [pick(['Retail', 'Healthcare'])], status: rnd() < 0.95 ? 'active' : 'departed', pausedUntil: rnd() < 0.05 ? '2026-12-31' : null, referralsReceived: Math.floor(rnd() * 20) }));
const referrals: ReferralRequest[] = Array.from({ length: 20000 }, (_, i) => ({ id: `R${i}`, type: 'Benefit', workloads: [...new Set([pick(wls), pick(wls), pick(wls)])].slice(0, 1 + Math.floor(rnd() * 3)), customer: { country: process.env.NOC ? "ZZ" : pick(countries), language: rnd() < 0.7 ? 'en' : pick(langs), seats: Math.floor(rnd() * 10000), industry: pick(['Retail', 'Healthcare', 'Finance']), cporClaims: rnd() < 0.2 ? [{ mpnId: String(4000000 + Math.floor(rnd() * 10000)), workload: 'Teams' }] : [] }, exclude: [] }));
const times: number[] = [];
const builds: number[] = [];
let sig = '';
for (let k = 0; k < 6; k++) {
  const t0 = performance.now();
  const m = new Matcher({ asOf: '2026-11-25', locations, partners });
  const t1 = performance.now();
  const r = m.matchAll(referrals, { explain: false });
  times.push(performance.now() - t1);
  builds.push(Math.round(t1 - t0));
  sig = JSON.stringify(r).length + ':' + JSON.stringify(r.slice(0, 50)).slice(0, 0) + [...m.receivedCounts().values()].reduce((a, b) => a + b, 0);
}
console.log(times.map((t) => Math.round(20000 / (t / 1000))).join(' '), 'ref/s; build ms', builds.join(' '), sig);
