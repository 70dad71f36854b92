import type { WhoAmIReply } from '../../dialogs/whoami.ts';
import { card, facts, heading, text, type AdaptiveCard } from './adaptive.ts';
import type { HelpLine } from './help-cards.ts';

const ROLE_NAMES = { member: 'partner member', admin: 'program admin' } as const;

/** `whoami`: the identity the bot acts on, the roles its records give, and what they allow. */
export function whoAmICard(r: WhoAmIReply, mayRun: readonly HelpLine[]): AdaptiveCard {
  const roles = [
    ...r.locations.map((l) => `${ROLE_NAMES[l.role]} of ${l.name} (MPN ID ${l.mpnId})`),
    ...(r.operations ? ['FastTrack operations'] : []),
  ];
  return card([
    heading('Who I think you are'),
    facts([
      ['Name', r.name ?? 'not in my records'],
      ['Tenant', r.tenantId],
      ['User (AAD object id)', r.aadObjectId],
    ]),
    text(roles.length === 0 ? 'Roles: none. You can ask me about the program rules.' : `Roles:\n\n${roles.map((x) => `- ${x}`).join('\n')}`),
    ...(r.audiences.has('guest')
      ? [
          text(
            "To see and answer your location's referrals, ask your partner's program admin or FastTrack operations to give you access. Send them the tenant and user id above.",
            { subtle: true },
          ),
        ]
      : []),
    text(`You may use: ${mayRun.map((c) => `**${c.usage}**`).join(', ')}.`, { separator: true }),
  ]);
}
