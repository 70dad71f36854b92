import type { ProgramReadModel } from '../domain/referrals/repository.ts';

/** Actors the services record that are not people. */
const NOT_PEOPLE: Readonly<Record<string, string>> = { system: 'the system', intake: 'intake', 'demo-seed': 'the demo seed' };

/** How cards name people and locations: from the store's records, never from the activity. */
export interface Names {
  /** For partners: a user's name, or a neutral phrase that reveals no id. */
  person(aadObjectId: string | null): string;
  /** For operations: a user's name, or the raw id so they can look it up. */
  actor(aadObjectId: string): string;
  /** `Name (MPN ID n)`, or the MPN ID alone for a location the store does not know. */
  location(mpnId: string): string;
}

export function namesFrom(read: () => ProgramReadModel): Names {
  const userName = (id: string): string | undefined => read().users().find((u) => u.aadObjectId === id)?.name;
  return {
    person: (id) => (id === null ? 'someone' : (userName(id) ?? (id === 'system' ? 'the system' : 'a team member'))),
    actor: (id) => userName(id) ?? NOT_PEOPLE[id] ?? id,
    location: (mpnId) => {
      const l = read().location(mpnId);
      return l === undefined ? `MPN ID ${mpnId}` : `${l.name} (MPN ID ${mpnId})`;
    },
  };
}
