import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PLAYGROUND_TENANT, PLAYGROUND_USERS } from '../../data/seed/demo-network.ts';
import {
  PLAYGROUND_CONFIG_FILE,
  PlaygroundConfigError,
  configAs,
  parsePlaygroundConfig,
  type RunningPlayground,
} from '../../scripts/playground.ts';
import { freePort, startTestPlayground } from './support.ts';

const original = await readFile(PLAYGROUND_CONFIG_FILE, 'utf-8');

describe('scripts/playground .m365agentsplayground.yml', () => {
  it('keeps the Playground default tenant and users, which the demo seed gives roles to', () => {
    const config = parsePlaygroundConfig(original);
    assert.equal(config.tenantId, PLAYGROUND_TENANT);
    assert.equal(config.currentUser.name, 'Alex Wilber');
    assert.equal(config.currentUser.aadObjectId, PLAYGROUND_USERS.alex);
    const byName = new Map(config.users.map((u) => [u.givenName, u.aadObjectId]));
    assert.equal(byName.get('Megan'), PLAYGROUND_USERS.megan);
    assert.equal(byName.get('Adele'), PLAYGROUND_USERS.adele);
    assert.equal(byName.get('Isaiah'), PLAYGROUND_USERS.isaiah);
    assert.equal(config.users.length, 5, 'the Playground schema wants exactly five other users');
  });

  it('--as megan makes Megan the current user, moves Alex into her place and gives her own 1:1 chat', () => {
    const { text, user } = configAs(original, 'Megan');
    assert.equal(user.name, 'Megan Bowen');
    const config = parsePlaygroundConfig(text);
    assert.equal(config.currentUser.aadObjectId, PLAYGROUND_USERS.megan);
    assert.deepEqual(
      config.users.map((u) => u.givenName),
      ['Alex', 'Adele', 'Isaiah', 'Patti', 'Lynne'],
    );
    assert.equal(config.personalChatId, 'personal-chat-id-user-id-1');
    assert.equal(config.tenantId, PLAYGROUND_TENANT);
    // Nothing outside the three rewritten sections (currentUser, users, personalChat) moves.
    const rest = (t: string) => t.replace(/^currentUser:[\s\S]*?(?=^groupChat:)/m, '');
    assert.notEqual(rest(original), original);
    assert.equal(rest(text), rest(original));
  });

  it('accepts a full name or an aadObjectId, and leaves the file as it is for the current user', () => {
    assert.equal(configAs(original, 'adele vance').user.aadObjectId, PLAYGROUND_USERS.adele);
    assert.equal(configAs(original, PLAYGROUND_USERS.isaiah).user.givenName, 'Isaiah');
    assert.equal(configAs(original, 'alex').text, original);
  });

  it('names the choices for an unknown user', () => {
    assert.throws(() => configAs(original, 'bob'), (err: unknown) => {
      assert.ok(err instanceof PlaygroundConfigError);
      assert.match(err.message, /no user "bob" \(choose one of: alex, megan, adele, isaiah, patti, lynne\)/);
      return true;
    });
  });

  it('refuses a layout it does not know instead of guessing', () => {
    assert.throws(() => parsePlaygroundConfig(original.replace('currentUser:', 'current_user:')), /no "currentUser:" section/);
    assert.throws(() => parsePlaygroundConfig(original.replace('  - id: user-id-3', '  -   id: user-id-3')), /is not a list item field/);
  });
});

describe('scripts/playground startPlayground @e2e', function () {
  this.timeout(120_000);
  let tmp = '';
  let running: RunningPlayground | undefined;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'playground-config-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  async function start(configText: string): Promise<RunningPlayground> {
    const configFile = path.join(tmp, `${Date.now()}.yml`);
    await writeFile(configFile, configText);
    // The Playground only calls the bot once a page connects, so no bot is needed here.
    return startTestPlayground(`http://localhost:${await freePort()}/api/messages`, configFile, path.join(tmp, 'playground.log'), tmp);
  }

  it('the real Playground accepts the --as rewrite and reports the new current user', async () => {
    running = await start(configAs(original, 'isaiah').text);
    assert.equal(running.currentUser, 'Isaiah Langer');
  });

  it('a config the Playground refuses fails with its reason, not a silent exit 1', async () => {
    const fourUsers = original.replace(/ {2}- id: user-id-5\n(?: {4}.*\n)+/, '');
    assert.equal(parsePlaygroundConfig(fourUsers).users.length, 4);
    await assert.rejects(start(fourUsers), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /exited while loading \.m365agentsplayground\.yml/);
      assert.match(err.message, /Failed to start Microsoft 365 Agents Playground/);
      assert.match(err.message, /users/);
      return true;
    });
  });
});
