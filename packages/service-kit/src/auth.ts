import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CryptoKey, JWK, KeyObject } from 'jose';
import { SignJWT, errors as joseErrors, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { z } from 'zod';
import { Principal } from './principal.js';

const ALGORITHM = 'EdDSA';
const ISSUER = 'quanze';
const AUDIENCE = 'quanze';

type Key = CryptoKey | KeyObject;

/** A token that is missing its signature, expired, for another audience, or carrying no valid principal. */
export class InvalidToken extends Error {
  readonly code = 'auth.invalid-token';
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
    this.name = 'InvalidToken';
  }
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export interface TokenIssuer extends TokenVerifier {
  /** Signs a token for the principal; `expiresIn` as jose takes it (`8h`, `30d`). */
  issue(principal: Principal, options?: { expiresIn?: string }): Promise<string>;
}

const Claims = z.object({
  sub: Principal.shape.personId,
  post: Principal.shape.postId,
  unit: Principal.shape.unitId,
  roles: Principal.shape.roles,
});

export function createTokenVerifier(publicKey: Key): TokenVerifier {
  return {
    async verify(token) {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [ALGORITHM] }));
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) throw new InvalidToken(error.code);
        throw error;
      }
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw new InvalidToken('the token names no valid person, post, unit and roles');
      return { personId: claims.data.sub, postId: claims.data.post, unitId: claims.data.unit, roles: claims.data.roles };
    },
  };
}

export function createTokenIssuer(keys: { privateKey: Key; publicKey: Key }): TokenIssuer {
  const verifier = createTokenVerifier(keys.publicKey);
  return {
    verify: (token) => verifier.verify(token),
    issue(principal, options = {}) {
      const valid = Principal.parse(principal);
      return new SignJWT({ post: valid.postId, unit: valid.unitId, roles: valid.roles })
        .setProtectedHeader({ alg: ALGORITHM })
        .setSubject(valid.personId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '8h')
        .sign(keys.privateKey);
    },
  };
}

export async function generateSigningKeys(): Promise<{ privateKey: Key; publicKey: Key }> {
  return generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true });
}

/** A private Ed25519 key as a JWK file: what `QUANZE_SIGNING_KEY_FILE` points at. */
export async function readSigningKeys(file: string): Promise<{ privateKey: Key; publicKey: Key }> {
  const jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  if (jwk.d === undefined) throw new Error(`${file} holds no private key (a JWK with "d")`);
  const { d: _private, ...publicJwk } = jwk;
  return { privateKey: await importKey(jwk), publicKey: await importKey(publicJwk) };
}

async function importKey(jwk: JWK): Promise<Key> {
  const key = await importJWK(jwk, ALGORITHM);
  // Only symmetric JWKs import as bytes; an Ed25519 one is always a key object.
  if (key instanceof Uint8Array) throw new Error('expected an Ed25519 key, found a symmetric one');
  return key;
}

/** A public key as a JWK file: services that only verify tokens need nothing more. */
export async function readVerificationKey(file: string): Promise<Key> {
  const { d: _private, ...publicJwk } = JSON.parse(await readFile(file, 'utf8')) as JWK;
  return importKey(publicJwk);
}

/**
 * The development key: generated into the data folder on first start (readable by its owner only), so that a
 * fresh `npm start` needs no set-up and a restart keeps earlier tokens valid. Production passes its own key.
 */
export async function loadOrCreateSigningKeys(file: string): Promise<{ privateKey: Key; publicKey: Key; created: boolean }> {
  try {
    return { ...(await readSigningKeys(file)), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keys = await generateSigningKeys();
  await mkdir(dirname(file), { recursive: true });
  const jwk = await exportJWK(keys.privateKey);
  // `wx`: two processes starting at once must not overwrite each other's key.
  try {
    await writeFile(file, `${JSON.stringify({ ...jwk, alg: ALGORITHM, use: 'sig' }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ...(await readSigningKeys(file)), created: false };
    throw error;
  }
  return { ...keys, created: true };
}
