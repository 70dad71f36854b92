import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { serviceUrlProblem } from '../../bot/notifications/service-url.ts';
import { conversationRefOf } from '../../bot/notifications/conversation-refs.ts';

const PROD = { extraHosts: [], allowLocal: false };
const DEV = { extraHosts: [], allowLocal: true };

describe('service URL allow-list', () => {
  const allowed = [
    'https://smba.trafficmanager.net/amer/',
    'https://smba.trafficmanager.net/emea/',
    'https://webchat.botframework.com/',
    'https://smba.infra.gcc.teams.microsoft.com/',
  ];
  for (const url of allowed) {
    it(`admits ${url}`, () => assert.equal(serviceUrlProblem(url, PROD), null));
  }

  const refused: Array<[string, RegExp]> = [
    ['https://evil.example.com/', /not a Teams or Bot Framework connector/],
    ['https://smba.trafficmanager.net.evil.com/', /not a Teams/],
    ['https://botframework.com.evil.com/', /not a Teams/],
    ['https://evilbotframework.com/', /not a Teams/],
    ['http://smba.trafficmanager.net/amer/', /not https/],
    ['https://user:pw@smba.trafficmanager.net/amer/', /credentials/],
    ['not a url', /not a URL/],
    ['', /not a URL/],
    ['http://localhost:56150/_connector', /only in development/],
    ['http://127.0.0.1:3000/', /only in development/],
  ];
  for (const [url, why] of refused) {
    it(`refuses ${url || '(empty)'} in production`, () => assert.match(serviceUrlProblem(url, PROD) ?? '', why));
  }

  it('admits localhost only in development, and configured extra hosts with wildcards', () => {
    assert.equal(serviceUrlProblem('http://localhost:56150/_connector', DEV), null);
    assert.equal(serviceUrlProblem('https://connector.contoso.net/', { extraHosts: ['*.contoso.net'], allowLocal: false }), null);
    assert.match(serviceUrlProblem('https://contoso.net/', { extraHosts: ['*.contoso.net'], allowLocal: false }) ?? '', /not a Teams/);
  });
});

describe('conversation references', () => {
  const base = {
    type: 'message',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    from: { id: '29:u', name: 'Display Name', aadObjectId: 'aad-1' },
    recipient: { id: '28:bot', name: 'bot' },
  };

  it('keeps only what sending needs; a channel thread id becomes the channel', () => {
    const found = conversationRefOf(
      {
        ...base,
        conversation: { id: '19:abc@thread.tacv2;messageid=1700', isGroup: true, conversationType: 'channel', tenantId: 't-conv' },
        channelData: { tenant: { id: 't-1' }, team: { id: 'team-1' }, channel: { id: '19:abc@thread.tacv2' } },
      } as unknown as Activity,
      PROD,
    );
    assert.ok('ref' in found);
    assert.deepEqual(found.ref, {
      id: '19:abc@thread.tacv2',
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
      tenantId: 't-1',
      scope: 'channel',
      userAadObjectId: null,
      teamId: 'team-1',
      channelId: '19:abc@thread.tacv2',
    });
  });

  it('a personal chat keeps its user; a group chat keeps no user', () => {
    const personal = conversationRefOf({ ...base, conversation: { id: 'a:1', conversationType: 'personal', tenantId: 't-1' } } as unknown as Activity, PROD);
    assert.ok('ref' in personal && personal.ref.scope === 'personal' && personal.ref.userAadObjectId === 'aad-1' && personal.ref.tenantId === 't-1');
    const group = conversationRefOf({ ...base, conversation: { id: '19:g', isGroup: true, conversationType: 'groupChat', tenantId: 't-1' } } as unknown as Activity, PROD);
    assert.ok('ref' in group && group.ref.scope === 'groupChat' && group.ref.userAadObjectId === null);
  });

  it('refuses a poisoned service URL', () => {
    const found = conversationRefOf({ ...base, serviceUrl: 'https://attacker.example/', conversation: { id: 'a:1', conversationType: 'personal' } } as unknown as Activity, PROD);
    assert.ok('refused' in found && /service URL refused/.test(found.refused));
  });
});
