import type { LocationRecord, PartnerRecord, UserRecord } from '../../domain/referrals/types.ts';
import { MS_PER_DAY } from '../../domain/calendar.ts';

function day(now: Date, offsetDays: number): string {
  return new Date(now.getTime() + offsetDays * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The Agents Playground's tenant and default users (shared/docs/real-client.md). */
export const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';
export const PLAYGROUND_USERS = {
  alex: '00000000-0000-0000-0000-0000000000020',
  megan: '00000000-0000-0000-0000-0000000000021',
  adele: '00000000-0000-0000-0000-0000000000022',
  isaiah: '00000000-0000-0000-0000-0000000000023',
} as const;

/** Alex administers, and Megan belongs to, this Contoso location; Isaiah is at Fabrikam. */
export const DEMO_MPN = { contosoUs: '4100001', fabrikamUs: '4100002' } as const;

const SPECIALIZATIONS: ReadonlyArray<readonly [string, string, ReadonlyArray<readonly [string, number]>]> = [
  ['contoso', 'Contoso Consulting', [['Teams', 400], ['Intune', 300], ['Exchange', 200], ['Purview', -20]]],
  ['fabrikam', 'Fabrikam Partners', [['Teams', 250], ['Intune', 500], ['Defender', 365], ['SharePoint', 180]]],
  ['northwind', 'Northwind Modern Work', [['Teams', 300], ['SharePoint', 300], ['Exchange', 90], ['Copilot', 200]]],
  ['adatum', 'Adatum Security', [['Defender', 400], ['Purview', 300], ['Intune', 120], ['Entra', 260]]],
  ['litware', 'Litware Cloud', [['Teams', 150], ['Exchange', 150], ['SharePoint', 45]]],
  ['tailspin', 'Tailspin Services', [['Copilot', 300], ['Teams', 220], ['Purview', 100]]],
  ['wingtip', 'Wingtip Digital', [['Intune', 200], ['Defender', 60], ['Entra', 330]]],
  ['proseware', 'Proseware Advisory', [['SharePoint', 280], ['Exchange', 280], ['Teams', -5]]],
];

/** Partners with specializations that expire relative to `now`; a few have already expired. */
export function demoPartners(now: Date): PartnerRecord[] {
  return SPECIALIZATIONS.map(([partnerId, name, specs]) => ({
    partnerId,
    name,
    specializations: specs.map(([workload, days]) => ({ workload, expires: day(now, days) })),
  }));
}

type LocationSeed = readonly [mpnId: string, partnerId: string, name: string, country: string, languages: string[], min: number | null, max: number | null, industries: string[]];

const LOCATIONS: readonly LocationSeed[] = [
  ['4100001', 'contoso', 'Contoso US', 'US', ['en', 'es'], 150, null, []],
  ['4100002', 'fabrikam', 'Fabrikam US', 'US', ['en'], 150, null, []],
  ['4100003', 'northwind', 'Northwind US', 'US', ['en'], 300, 20000, []],
  ['4100004', 'adatum', 'Adatum US', 'US', ['en', 'es'], 150, null, ['Healthcare', 'Finance', 'Government']],
  ['4100005', 'litware', 'Litware US', 'US', ['en'], 150, 2000, []],
  ['4200001', 'contoso', 'Contoso UK', 'GB', ['en'], 150, null, []],
  ['4200002', 'northwind', 'Northwind UK', 'GB', ['en'], 150, null, []],
  ['4200003', 'wingtip', 'Wingtip UK', 'GB', ['en'], 150, 10000, []],
  ['4300001', 'fabrikam', 'Fabrikam Deutschland', 'DE', ['de', 'en'], 150, null, []],
  ['4300002', 'tailspin', 'Tailspin DACH', 'DE', ['de'], 150, null, []],
  ['4300003', 'proseware', 'Proseware Germany', 'DE', ['de', 'en'], 150, 3000, []],
  ['4400001', 'adatum', 'Adatum France', 'FR', ['fr'], 150, null, []],
  ['4400002', 'litware', 'Litware France', 'FR', ['fr', 'en'], 150, null, []],
  ['4500001', 'contoso', 'Contoso Mexico', 'MX', ['es'], 150, null, []],
  ['4500002', 'tailspin', 'Tailspin LATAM', 'MX', ['es', 'en'], 150, null, []],
];

export function demoLocations(): LocationRecord[] {
  return LOCATIONS.map(([mpnId, partnerId, name, country, languages, min, max, industries]) => ({
    mpnId,
    partnerId,
    name,
    country,
    languages,
    minSeats: min,
    maxSeats: max,
    industries,
    // Litware France left the program: it stays for history and never receives work.
    status: mpnId === '4400002' ? 'departed' : 'active',
    pause: null,
    distributionLists: {
      benefit: `fpc-benefit-${mpnId}@${partnerId}.example.com`,
      standard: `fpc-standard-${mpnId}@${partnerId}.example.com`,
    },
    referralsReceived: 0,
    lastPauseEndedAt: null,
  }));
}

export function demoUsers(): UserRecord[] {
  const t = PLAYGROUND_TENANT;
  return [
    { tenantId: t, aadObjectId: PLAYGROUND_USERS.alex, name: 'Alex Wilber', roles: [{ role: 'admin', mpnId: DEMO_MPN.contosoUs }] },
    { tenantId: t, aadObjectId: PLAYGROUND_USERS.megan, name: 'Megan Bowen', roles: [{ role: 'member', mpnId: DEMO_MPN.contosoUs }] },
    { tenantId: t, aadObjectId: PLAYGROUND_USERS.adele, name: 'Adele Vance', roles: [{ role: 'operations', mpnId: null }] },
    { tenantId: t, aadObjectId: PLAYGROUND_USERS.isaiah, name: 'Isaiah Langer', roles: [{ role: 'member', mpnId: DEMO_MPN.fabrikamUs }] },
  ];
}
