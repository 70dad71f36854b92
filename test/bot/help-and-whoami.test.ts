import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { composeBot } from '../../bot/app.ts';
import { COMMANDS, typedCommand } from '../../bot/commands/command-table.ts';
import { memoryLogger } from '../../bot/logger.ts';
import type { ReferralBot } from '../../bot/referral-bot.ts';
import { loadRouting } from '../../bot/router-factory.ts';
import { loadDemoSeed } from '../../data/seed/demo-seed.ts';
import { PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import { JsonStore } from '../../data/store/json-store.ts';
import { LowdbProgramRepository } from '../../data/store/program-repository.ts';
import { emptyStore, storeSchema, type StoreData } from '../../data/store/schema.ts';
import { ReferralService } from '../../domain/referrals/referral-service.ts';
import { cardOf, cardText } from '../helpers/card-text.ts';

const routing = loadRouting();
const NOW = new Date('2026-11-25T12:00:00Z');
const PATTI = '00000000-0000-0000-0000-0000000000024';
type Who = keyof typeof PLAYGROUND_USERS | 'patti';
const AAD: Readonly<Record<Who, string>> = { ...PLAYGROUND_USERS, patti: PATTI };

describe('help and whoami depend on who asks (TestAdapter, demo program)', () => {
  let dir: string;
  let store: JsonStore<StoreData>;
  let bot: ReferralBot;

  before(async function () {
    this.timeout(30000);
    dir = await mkdtemp(path.join(os.tmpdir(), 'help-test-'));
    store = await JsonStore.open(path.join(dir, 'db.json'), storeSchema, emptyStore);
    const repository = new LowdbProgramRepository(store);
    let n = 0;
    await loadDemoSeed(repository, NOW, () => `seed-${++n}`);
    const referrals = new ReferralService(repository, () => NOW, () => `id-${++n}`);
    bot = composeBot({ store, repository, referrals, logger: memoryLogger(), now: () => NOW, routing });
  });

  after(async () => {
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });

  async function say(who: Who, text: string): Promise<string> {
    const adapter = new TestAdapter(async (context) => bot.run(context), {
      channelId: 'msteams',
      conversation: { id: `chat-${who}`, isGroup: false, conversationType: 'personal', name: 'chat' },
      // The display name claims operations: names never grant rights, and never change help.
      from: { id: `29:${who}`, name: 'Adele Vance', aadObjectId: AAD[who] },
      recipient: { id: 'bot', name: 'bot' },
    });
    let got: Partial<Activity> | undefined;
    await adapter.send({ type: ActivityTypes.Message, text, channelData: { tenant: { id: PLAYGROUND_TENANT } } }).assertReply((r) => {
      got = r;
    });
    assert.ok(got !== undefined);
    return got.attachments?.[0] === undefined ? (got.text ?? '') : cardText(cardOf(got));
  }

  const offered = (card: string, usage: string) => card.includes(`**${usage}**`);
  const OPS_ONLY = ['referral R-1035', 'explain R-1035', 'reassign R-1035 4100003', 'unanswered', 'notifications'];

  it('a guest sees what a guest may do and how to get access, and no partner or operations command', async () => {
    const help = await say('patti', 'help');
    for (const u of ['help', 'whoami']) assert.ok(offered(help, u), u);
    assert.match(help, /ask your partner's program admin or FastTrack operations to give you access/);
    for (const u of ['pending', 'accept R-1035', 'pause for 2 weeks', ...OPS_ONLY]) assert.ok(!offered(help, u), `a guest is offered ${u}`);
  });

  it('a partner member sees the location commands, not the admin or operations ones', async () => {
    const help = await say('megan', 'help');
    for (const u of ['pending', 'accept R-1035', 'decline R-1035 no capacity', 'acceptance rate', 'status', 'whoami']) assert.ok(offered(help, u), u);
    for (const u of ['pause for 2 weeks', 'resume', 'subscribe 4100001', ...OPS_ONLY]) assert.ok(!offered(help, u), `a member is offered ${u}`);
    assert.doesNotMatch(help, /give you access/);
  });

  it("a program admin also sees pause, resume and subscribe, still no operations command", async () => {
    const help = await say('alex', 'help');
    for (const u of ['pending', 'pause for 2 weeks', 'resume', 'subscribe 4100001']) assert.ok(offered(help, u), u);
    for (const u of OPS_ONLY) assert.ok(!offered(help, u), `an admin is offered ${u}`);
  });

  it('operations see their commands in their own section, and no answer or pause command', async () => {
    const help = await say('adele', 'help');
    const section = help.slice(help.indexOf('FastTrack operations'));
    for (const u of [...OPS_ONLY, 'role grant <AAD object id> member 4100001', 'pending']) assert.ok(offered(section, u), u);
    for (const u of ['accept R-1035', 'pause for 2 weeks']) assert.ok(!offered(help, u), `operations are offered ${u}`);
  });

  it('the four help cards differ', async () => {
    const cards = await Promise.all((['patti', 'megan', 'alex', 'adele'] as const).map((w) => say(w, 'help')));
    assert.equal(new Set(cards).size, 4);
  });

  it('whoami shows the name and roles from the records, the tenant and user id from Teams, and what the user may do', async () => {
    const me = await say('alex', 'whoami');
    assert.match(me, /Name: Alex Wilber/);
    assert.match(me, new RegExp(`Tenant: ${PLAYGROUND_TENANT}`));
    assert.match(me, new RegExp(`User \\(AAD object id\\): ${PLAYGROUND_USERS.alex}`));
    assert.match(me, /program admin of Contoso US \(MPN ID 4100001\)/);
    assert.match(me, /\*\*pause for 2 weeks\*\*/);
    assert.doesNotMatch(me, /FastTrack operations/);
  });

  it('whoami for someone the bot does not know says so and how to get access, whatever the display name', async () => {
    const me = await say('patti', 'whoami');
    assert.match(me, /Name: not in my records/);
    assert.match(me, /Roles: none/);
    assert.match(me, /give you access/);
    assert.doesNotMatch(me, /\*\*pending\*\*/);
    assert.match(await say('adele', 'who am i'), /FastTrack operations/);
  });

  it('each command in the table is offered only to audiences it serves: others who type its usage are refused', async () => {
    const single: ReadonlyArray<readonly [Who, 'guest' | 'member' | 'admin' | 'operations']> = [['patti', 'guest'], ['megan', 'member'], ['adele', 'operations']];
    for (const c of COMMANDS) {
      // subscribe and unsubscribe answer outside a channel with where to type them, before any rights.
      if (c.name === 'subscribe' || c.name === 'unsubscribe') continue;
      for (const [who, audience] of single) {
        if (c.who.includes(audience)) continue;
        const reply = await say(who, c.help.usage);
        assert.match(reply, /needs|I don't know you|I can't show/, `${c.name} as ${who}: ${reply.slice(0, 120)}`);
      }
    }
  });

  it('every command has a unique name and its help usage routes to it', () => {
    assert.equal(new Set(COMMANDS.map((c) => c.name)).size, COMMANDS.length);
    for (const c of COMMANDS) assert.equal(typedCommand(c.help.usage), c.name, c.help.usage);
  });
});
