import type { ProgramRepository } from '../../domain/referrals/repository.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import type { CustomerRecord, DeclineReason } from '../../domain/referrals/types.ts';
import { DEMO_MPN, demoLocations, demoPartners, demoUsers } from './demo-network.ts';
import { MS_PER_DAY } from '../../domain/calendar.ts';

// Common workloads appear more often, as in real demand; rarer ones produce the occasional split.
const WORKLOADS = ['Teams', 'Teams', 'Teams', 'Intune', 'Intune', 'Exchange', 'SharePoint', 'SharePoint', 'Defender', 'Purview', 'Copilot', 'Entra'];
const CONTOSO_WORKLOADS = ['Teams', 'Intune', 'Exchange'];
const COUNTRIES: ReadonlyArray<readonly [string, string]> = [
  ['US', 'en'], ['US', 'en'], ['US', 'es'], ['US', 'en'], ['GB', 'en'], ['DE', 'de'], ['US', 'en'], ['FR', 'fr'], ['MX', 'es'], ['US', 'en'],
];
const INDUSTRIES = ['Healthcare', 'Retail', 'Manufacturing', 'Finance', 'Education', 'Government'];
const NAMES = ['Alpine Ski House', 'Blue Yonder Airlines', 'Coho Winery', 'Consolidated Messenger', 'Fourth Coffee', 'Graphic Design Institute', 'Humongous Insurance', 'Lamna Healthcare', 'Margie\'s Travel', 'Munson\'s Pickles', 'Nod Publishers', 'Relecloud', 'School of Fine Art', 'Southridge Video', 'Trey Research', 'VanArsdel', 'Woodgrove Bank', 'Wide World Importers', 'Lucerne Publishing', 'First Up Consultants'];
const REASONS: readonly DeclineReason[] = [
  { code: 'no-capacity', text: null },
  { code: 'cannot-support-workload', text: null },
  { code: 'customer-unreachable', text: null },
  { code: 'other', text: 'Customer asked for an on-site team we cannot staff' },
];

/** Deterministic pseudo-random numbers, so every fresh start shows the same demo. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

type Plan = 'accept' | 'decline' | 'expire' | 'pending';
interface Action {
  readonly at: number;
  readonly run: () => Promise<void>;
}

export interface SeedSummary {
  readonly partners: number;
  readonly locations: number;
  readonly referrals: number;
  readonly events: number;
}

/**
 * Loads the demo program: 8 partners, 15 locations in 5 countries, the Playground's users, and 40
 * referrals over the previous and current quarter in every state. The referrals go through the
 * real service on a replayed clock, so the event log, the counters and the acceptance rates are
 * exactly what live use would have produced.
 */
export async function loadDemoSeed(repo: ProgramRepository, now: Date, newId: () => string): Promise<SeedSummary> {
  await repo.transaction((tx) => {
    for (const p of demoPartners(now)) tx.putPartner(p);
    for (const l of demoLocations()) tx.putLocation(l);
    for (const u of demoUsers()) tx.putUser(u);
  });

  let clock = now.getTime();
  const service = new ReferralService(repo, () => new Date(clock), newId);
  const random = prng(20261125);
  const actions: Action[] = [];
  const end = now.getTime();

  for (let i = 0; i < 40; i++) {
    const created = end - Math.round((140 - i * 3.4) * MS_PER_DAY) + Math.round(random() * 6) * 3_600_000;
    // The six newest requests come from Contoso US's own customers, so the demo users (Alex,
    // Megan) find offers waiting for them.
    const forContoso = i >= 34;
    const [country, language] = forContoso ? ['US', 'en'] : (COUNTRIES[i % COUNTRIES.length] ?? ['US', 'en']);
    const pool = forContoso ? CONTOSO_WORKLOADS : WORKLOADS;
    const count = random() < 0.6 ? 1 : 2 + Math.floor(random() * 2);
    const workloads = [...new Set(Array.from({ length: count }, () => pool[Math.floor(random() * pool.length)] ?? 'Teams'))];
    // Every few US customers already work with Contoso US, so Alex and Megan have offers to answer.
    const recent = end - created < 40 * MS_PER_DAY;
    const claims = country === 'US' && (i % 3 === 0 || recent) ? [{ mpnId: DEMO_MPN.contosoUs, workload: workloads[0] ?? 'Teams' }] : [];
    const customer: CustomerRecord = {
      name: `${NAMES[i % NAMES.length] ?? 'Customer'}${i >= NAMES.length ? ' Holdings' : ''}`,
      country,
      language,
      seats: 150 + Math.floor(random() * 40) * 100,
      industry: INDUSTRIES[Math.floor(random() * INDUSTRIES.length)] ?? 'Retail',
      cporClaims: claims,
    };
    const id = `R-${1001 + i}`;
    const age = (end - created) / MS_PER_DAY;
    const roll = random();
    const plan: Plan = age < 30 || roll > 0.9 ? 'pending' : roll < 0.6 ? 'accept' : roll < 0.75 ? 'decline' : 'expire';
    const answerAt = created + (plan === 'expire' ? 7 : 1 + Math.floor(random() * 3)) * MS_PER_DAY;
    const type = random() < 0.6 ? 'Benefit' : 'Standard';
    actions.push({ at: created, run: () => service.intake({ id, type, workloads, customer }).then(() => undefined) });
    if (plan === 'pending') continue;
    actions.push({
      at: answerAt,
      run: async () => {
        const referral = repo.read().referral(id);
        // Parts offered by these declines get answered later; each is scheduled once.
        const known = new Set(referral?.assignments.map((a) => a.id) ?? []);
        for (const part of referral?.assignments.filter((a) => a.state === 'offered') ?? []) {
          if (plan === 'accept') await service.accept(id, part.id, 'demo-seed');
          else if (plan === 'expire') await service.expire(id, part.id);
          else {
            const reason = REASONS[i % REASONS.length] ?? { code: 'no-capacity', text: null };
            const outcome = await service.decline(id, part.id, reason, 'demo-seed');
            const later = clock + 3 * MS_PER_DAY;
            if (later < end - 2 * MS_PER_DAY) {
              for (const next of outcome.referral.assignments.filter((a) => a.state === 'offered' && !known.has(a.id))) {
                known.add(next.id);
                actions.push({ at: later, run: () => service.accept(id, next.id, 'demo-seed').then(() => undefined) });
              }
            }
          }
        }
      },
    });
  }

  // Wingtip UK paused itself four days ago for two weeks.
  actions.push({ at: end - 4 * MS_PER_DAY, run: () => service.pause('4200003', new Date(end + 10 * MS_PER_DAY), 'demo-seed').then(() => undefined) });

  while (actions.length > 0) {
    actions.sort((a, b) => a.at - b.at);
    const next = actions.shift();
    if (next === undefined) break;
    clock = next.at;
    await next.run();
  }

  const data = repo.read();
  return {
    partners: data.partners().length,
    locations: data.locations().length,
    referrals: data.referrals().length,
    events: data.events().length,
  };
}
