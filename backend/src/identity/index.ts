export * from './identity-repository';
export * from './identity-service';
export * from './first-run';
export { hashPassword, verifyPassword } from './passwords';
export { randomToken, safeEqual, sha256Hex } from './tokens';
export { readAuthCookie } from './auth-cookie-value';
export { KyselyIdentityRepository } from './kysely-identity-repository';
