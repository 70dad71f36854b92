import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * restify 11.1.0 pins versions of find-my-way and send with known advisories; package.json's
 * `overrides` lift them. An override can silently stop applying (a lockfile regenerated without it,
 * restify moving the dependency), so this reads what restify itself would load.
 */
const fromRestify = createRequire(createRequire(import.meta.url).resolve('restify'));

function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(fromRestify.resolve(`${name}/package.json`), 'utf-8')) as { version?: unknown };
  assert.equal(typeof manifest.version, 'string', `${name} has a version`);
  return String(manifest.version);
}

/** Whether `version` (x.y.z, any pre-release ignored) is at least `minimum`. */
function atLeast(version: string, minimum: string): boolean {
  const parts = (v: string): number[] => v.split('-')[0]?.split('.').map(Number) ?? [];
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

describe('dependencies: the versions restify actually loads', () => {
  it('compares versions numerically, not as text', () => {
    assert.equal(atLeast('8.2.2', '8.2.2'), true);
    assert.equal(atLeast('8.10.0', '8.2.2'), true);
    assert.equal(atLeast('8.2.1', '8.2.2'), false);
    assert.equal(atLeast('0.18.0', '0.19.0'), false);
    assert.equal(atLeast('1.0.0', '0.19.0'), true);
  });

  for (const [name, minimum, why] of [
    ['find-my-way', '8.2.2', 'ReDoS in multi-parameter routes, GHSA-rrr8-f88r-h8q6'],
    ['send', '0.19.0', 'template injection (XSS) in redirects, GHSA-m6fv-jmcg-4jfg'],
  ] as const) {
    it(`${name} is at least ${minimum}: ${why}`, () => {
      const version = installedVersion(name);
      assert.ok(atLeast(version, minimum), `${name} ${version} is below ${minimum}`);
    });
  }
});
