import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';

const base = { OIDC_CLIENT_ID: 'pairpad' };

it('OIDC is off without OIDC_ISSUER and OIDC_CLIENT_ID; the button label still has its default', () => {
  const config = loadConfig({});
  assert.equal(config.oidc, null);
  assert.equal(config.OIDC_LABEL, 'SSO');
});

it('reads the OIDC settings: lists split and lowercased, scopes and verification defaults', () => {
  const config = loadConfig({
    ...base,
    OIDC_ISSUER: 'https://login.example.com/realms/team',
    OIDC_ALLOWED_DOMAINS: ' Example.com, @example.org ,',
    OIDC_ALLOWED_GROUPS: 'interviewers,Hiring Team',
  });
  assert.deepEqual(config.oidc, {
    issuer: 'https://login.example.com/realms/team',
    clientId: 'pairpad',
    label: 'SSO',
    scopes: 'openid email profile',
    allowedDomains: ['example.com', 'example.org'],
    allowedGroups: ['interviewers', 'Hiring Team'],
    requireVerifiedEmail: true,
    allowInsecureRequests: false,
  });
});

it('refuses half a configuration, stray OIDC settings, and an http issuer except on localhost outside production', () => {
  const refused = (env: Record<string, string>, pattern: RegExp): void =>
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => error instanceof ConfigError && pattern.test(error.message),
    );
  refused({ OIDC_ISSUER: 'https://login.example.com' }, /OIDC_CLIENT_ID: needed with OIDC_ISSUER/);
  refused({ OIDC_ALLOWED_DOMAINS: 'example.com' }, /OIDC_ALLOWED_DOMAINS: set without OIDC_ISSUER/);
  refused({ ...base, OIDC_ISSUER: 'http://login.example.com' }, /OIDC_ISSUER: must be https/);
  refused({ ...base, OIDC_ISSUER: 'http://localhost:8080/realms/dev', NODE_ENV: 'production' }, /OIDC_ISSUER: must be https/);
  refused(
    { ...base, OIDC_ISSUER: 'https://login.example.com', OIDC_REQUIRE_VERIFIED_EMAIL: 'no' },
    /OIDC_REQUIRE_VERIFIED_EMAIL must be true or false/,
  );
  assert.equal(loadConfig({ ...base, OIDC_ISSUER: 'http://localhost:8080/realms/dev' }).oidc?.allowInsecureRequests, true);
});
