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
const referrals: ReferralRequest[] = Array.from({ length: 100000 }, (_, i) => ({ id: `R${i}`, type: 'Benefit', workloads: [...new Set([pick(wls), pick(wls), pick(wls)])].slice(0, 1 + Math.floor(rnd() * 3)), customer: { country: pick(countries), language: rnd() < 0.7 ? 'en' : pick(langs), seats: Math.floor(rnd() * 10000), industry: pick(['Retail', 'Healthcare', 'Finance']), cporClaims: rnd() < 0.2 ? [{ mpnId: String(4000000 + Math.floor(rnd() * 10000)), workload: 'Teams' }] : [] }, exclude: [] }));
for (const n of [20000, 100000]) {
  const t0 = performance.now();
  const m = new Matcher({ asOf: '2026-11-25', locations, partners });
  const t1 = performance.now();
  const r = m.matchAll(referrals.slice(0, n), { explain: false });
  const t2 = performance.now();
  console.log(n, 'build', (t1 - t0).toFixed(1), 'ms; match', (t2 - t1).toFixed(1), 'ms;', Math.round(n / ((t2 - t1) / 1000)), 'ref/s', r.filter(x=>x.assignments.length>1).length, 'splits', r.filter(x=>x.assignments.length===0).length, 'ftc-only');
}
const t3 = performance.now();
new Matcher({ asOf: '2026-11-25', locations, partners }).matchAll(referrals.slice(0, 200));
console.log('explain 200:', (performance.now() - t3).toFixed(1), 'ms');
