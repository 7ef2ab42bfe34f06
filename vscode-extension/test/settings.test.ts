import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consentKey, Consent, expandVariables, trustedValue } from '../src/settings';

const none = (): Consent => undefined;

test('user (global) values are used without asking', () => {
  const t = trustedValue('skaffold.path', { globalValue: '/usr/local/bin/skaffold' }, none);
  assert.equal(t.value, '/usr/local/bin/skaffold');
  assert.equal(t.needsConsent, undefined);
});

test('a workspace value needs consent; until then the user value is used', () => {
  const t = trustedValue('skaffold.server.command', { globalValue: ['skaffold-ls'], workspaceValue: ['./evil.sh'] }, none);
  assert.deepEqual(t.value, ['skaffold-ls']);
  assert.deepEqual(t.needsConsent, { key: consentKey('skaffold.server.command', ['./evil.sh']), value: ['./evil.sh'] });
});

test('consent is per value: allowed value used, denied ignored, changed value asks again', () => {
  const store: Record<string, Consent> = { [consentKey('skaffold.path', '/ws/skaffold')]: 'allow', [consentKey('skaffold.path', '/bad')]: 'deny' };
  const c = (k: string) => store[k];
  assert.equal(trustedValue('skaffold.path', { workspaceValue: '/ws/skaffold' }, c).value, '/ws/skaffold');
  const denied = trustedValue('skaffold.path', { workspaceValue: '/bad' }, c);
  assert.equal(denied.value, undefined);
  assert.equal(denied.needsConsent, undefined);
  assert.ok(trustedValue('skaffold.path', { workspaceValue: '/ws/other' }, c).needsConsent);
});

test('folder value wins over workspace value; same as user value needs no consent; empty values are unset', () => {
  const t = trustedValue('skaffold.path', { workspaceValue: '/a', workspaceFolderValue: '/b' }, none);
  assert.equal(t.needsConsent?.value, '/b');
  assert.equal(trustedValue('skaffold.path', { globalValue: '/a', workspaceValue: '/a' }, none).needsConsent, undefined);
  assert.equal(trustedValue('skaffold.path', { workspaceValue: '', defaultValue: '' }, none).needsConsent, undefined);
  assert.equal(trustedValue('skaffold.server.command', { workspaceValue: [] }, none).needsConsent, undefined);
  assert.equal(trustedValue('x', undefined, none).value, undefined);
});

test('expandVariables walks objects and arrays', () => {
  const out = expandVariables({ schemas: { directory: '${workspaceFolder}/schemas' }, list: ['${userHome}/x', '~/y', '${env:FOO}'], n: 3, b: true },
    '/ws', { FOO: 'bar' }, '/home/me');
  assert.deepEqual(out, { schemas: { directory: '/ws/schemas' }, list: ['/home/me/x', '/home/me/y', 'bar'], n: 3, b: true });
  assert.equal(expandVariables('${workspaceFolder}', undefined, {}, '/h'), '${workspaceFolder}');
});
