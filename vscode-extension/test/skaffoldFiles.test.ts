import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSkaffoldContent, listProfiles, orderFiles } from '../src/skaffoldFiles';

test('skaffold files by content, any document', () => {
  assert.ok(isSkaffoldContent('apiVersion: skaffold/v4beta11\nkind: Config\n'));
  assert.ok(isSkaffoldContent('# c\n---\napiVersion: "skaffold/v2beta28"\n'));
  assert.ok(!isSkaffoldContent('apiVersion: apps/v1\nkind: Deployment\n'));
  assert.ok(!isSkaffoldContent('  apiVersion: skaffold/v4beta1\n'));
});

test('listProfiles: block style, name not first, flow style, several documents, indent 0', () => {
  const text = [
    'apiVersion: skaffold/v4beta11',
    'kind: Config',
    'build:',
    '  artifacts:',
    '  - image: app',
    '    ko: {}',
    'profiles:',
    '  - name: dev   # comment',
    '    build:',
    '      artifacts:',
    '      - image: other',
    '        name: not-a-profile',
    '  - activation:',
    '    - env: CI=true',
    '    name: ci',
    '  - {name: "flow", patches: []}',
    'deploy:',
    '  kubectl: {}',
    '---',
    'apiVersion: skaffold/v4beta11',
    'kind: Config',
    'profiles:',
    '- name: second',
    '- name: dev',
  ].join('\n');
  assert.deepEqual(listProfiles(text), ['dev', 'ci', 'flow', 'second']);
  assert.deepEqual(listProfiles('apiVersion: skaffold/v4beta11\nkind: Config\n'), []);
});

test('orderFiles: remembered first, then shallow paths', () => {
  assert.deepEqual(orderFiles(['/w/b/skaffold.yaml', '/w/skaffold.yaml', '/w/a/skaffold.yaml'], undefined),
    ['/w/skaffold.yaml', '/w/a/skaffold.yaml', '/w/b/skaffold.yaml']);
  assert.deepEqual(orderFiles(['/w/b/skaffold.yaml', '/w/skaffold.yaml'], '/w/b/skaffold.yaml'), ['/w/b/skaffold.yaml', '/w/skaffold.yaml']);
  assert.deepEqual(orderFiles(['/w/skaffold.yaml'], '/gone.yaml'), ['/w/skaffold.yaml']);
});
