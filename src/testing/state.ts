import { fail } from './errors.js';
import { isEmail, type Fields } from './body.js';
import type { Issuer } from './issuer.js';
import { randomBase64Url, randomInt, randomLabels } from './random.js';
import type { EmulatorEmail, EmulatorLink, EmulatorUser } from './types.js';

/** Refresh JWT lifetime, in seconds (30 days), also the cookie max-age. */
const REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60;

/** What the state needs from the emulator's options, with defaults applied. */
export interface StateConfig {
  readonly projectId: string;
  readonly linkTtlMs: number;
  readonly sessionTtlSeconds: number;
  readonly now: () => number;
  readonly users: readonly EmulatorUser[];
  readonly onEmail: ((email: EmulatorEmail) => void) | undefined;
  /** Signs the session and refresh JWTs. */
  readonly issuer: Issuer;
  /** The `iss` claim of every JWT. */
  readonly issuerName: string;
  /** Whether refresh answers carry a new refresh JWT (and revoke the one used). */
  readonly rotateRefreshJwt: boolean;
}

/** A user as stored; `seen` is whether they ever had a session (decides `firstSeen`). */
export interface UserRecord {
  readonly userId: string;
  readonly loginIds: string[];
  email: string | undefined;
  name: string | undefined;
  verifiedEmail: boolean;
  readonly createdTime: number;
  seen: boolean;
}

/** One send, already checked by its route. */
export interface SendInput {
  readonly kind: EmulatorEmail['kind'];
  readonly loginId: string;
  /** Address the links go to (for updateEmail, the new address). */
  readonly to: string;
  readonly redirectUrl: string;
  readonly customClaims: Fields;
  /** signUp: the new user's name. */
  readonly name?: string | undefined;
  /** updateEmail: also add `to` to the user's login IDs. */
  readonly addToLoginIds?: boolean;
}

interface LoginRecord {
  readonly send: SendInput;
  readonly email: EmulatorEmail;
  status: 'pending' | 'verified' | 'redeemed';
  /** Set when the right link is verified. */
  user?: UserRecord;
  /** The session being signed for this login: a poll arriving meanwhile (a retry) gets the same one. */
  issuing?: Promise<Record<string, unknown>>;
}

/** Users, pending logins, tokens and sessions: the emulator's domain logic, free of HTTP. */
export class EmulatorState {
  readonly #config: StateConfig;
  readonly #users = new Set<UserRecord>();
  /** By pendingRef. Kept after redemption so a reused token is told apart from an unknown one. */
  readonly #logins = new Map<string, LoginRecord>();
  /** By link token. */
  readonly #tokens = new Map<string, { readonly pendingRef: string; readonly correct: boolean }>();
  /** By refresh JWT, the only tokens the emulator accepts back. */
  readonly #sessions = new Map<string, { readonly user: UserRecord; readonly expiresAt: number; readonly customClaims: Fields }>();
  /** Refresh JWTs ended by logout, logoutall or rotation, told apart from ones never issued. */
  readonly #revoked = new Set<string>();
  readonly #outbox: EmulatorEmail[] = [];

  constructor(config: StateConfig) {
    this.#config = config;
    this.reset();
  }

  /** A copy of the outbox, oldest first. */
  get outbox(): readonly EmulatorEmail[] {
    return [...this.#outbox];
  }

  /** Back to the configured users, with nothing sent. */
  reset(): void {
    for (const collection of [this.#users, this.#logins, this.#tokens, this.#sessions, this.#revoked]) collection.clear();
    this.#outbox.length = 0;
    for (const { loginId, email, name } of this.#config.users) {
      if (this.findUser(loginId)) throw new TypeError(`Two users have the login ID ${loginId}`);
      // Configured users are returning users: an address of theirs counts as verified, and firstSeen is false.
      const user = this.#addUser(loginId, email ?? (isEmail(loginId) ? loginId : undefined), name);
      user.verifiedEmail = user.email !== undefined;
      user.seen = true;
    }
  }

  findUser(loginId: string): UserRecord | undefined {
    for (const user of this.#users) if (user.loginIds.includes(loginId)) return user;
    return undefined;
  }

  requireUser(loginId: string): UserRecord {
    return this.findUser(loginId) ?? fail('userNotFound', `no user has the login ID ${loginId}`);
  }

  /** The user a refresh JWT (from `Bearer <projectId>:<refreshJwt>`) was issued to. */
  sessionUser(refreshJwt: string | undefined): UserRecord {
    return this.#liveSession(refreshJwt).user;
  }

  #liveSession(refreshJwt: string | undefined) {
    if (refreshJwt === undefined) fail('refreshJwtRequired', 'send Authorization: Bearer <projectId>:<refreshJwt>');
    if (this.#revoked.has(refreshJwt)) fail('refreshJwtRevoked', 'the refresh JWT was revoked (signed out)');
    const session =
      this.#sessions.get(refreshJwt) ?? fail('refreshJwtRequired', 'the refresh JWT was not issued by this emulator');
    if (this.#config.now() >= session.expiresAt) fail('refreshJwtRequired', 'the refresh JWT expired');
    return session;
  }

  /** `POST /v1/auth/refresh`: a new session JWT; a new refresh JWT too when rotating (the old one is revoked). */
  async refresh(refreshJwt: string | undefined): Promise<Record<string, unknown>> {
    const { user, customClaims } = this.#liveSession(refreshJwt);
    if (!this.#config.rotateRefreshJwt) return this.#issueSession(user, customClaims, false);
    this.#revoke(refreshJwt!);
    return this.#issueSession(user, customClaims, true);
  }

  /** `POST /v1/auth/logout`: this refresh JWT is rejected from now on. */
  logout(refreshJwt: string | undefined): void {
    this.#liveSession(refreshJwt);
    this.#revoke(refreshJwt!);
  }

  /** `POST /v1/auth/logoutall`: every refresh JWT of the user is rejected from now on. */
  logoutAll(refreshJwt: string | undefined): void {
    const { user } = this.#liveSession(refreshJwt);
    for (const [jwt, session] of this.#sessions) if (session.user === user) this.#revoke(jwt);
  }

  #revoke(refreshJwt: string): void {
    this.#sessions.delete(refreshJwt);
    this.#revoked.add(refreshJwt);
  }

  /** Emails three links and starts a pending login. */
  send(input: SendInput): { linkId: string; pendingRef: string; maskedEmail: string } {
    const sentAt = this.#config.now();
    const pendingRef = randomBase64Url(24);
    const labels = randomLabels(3);
    const linkId = labels[randomInt(labels.length)] ?? fail('internalError');
    const links = labels.map((number): EmulatorLink => {
      const token = randomBase64Url(32);
      const correct = number === linkId;
      this.#tokens.set(token, { pendingRef, correct });
      return Object.freeze({ number, url: withToken(input.redirectUrl, token), token, correct });
    });
    const maskedEmail = `${input.to.slice(0, 1)}***${input.to.slice(input.to.lastIndexOf('@'))}`;
    const { kind, loginId, to } = input;
    const email = Object.freeze({
      to, loginId, kind, linkId, pendingRef, maskedEmail,
      links: Object.freeze(links) as EmulatorLink[],
      sentAtMs: sentAt,
      expiresAtMs: sentAt + this.#config.linkTtlMs,
    });
    this.#outbox.push(email);
    this.#logins.set(pendingRef, { send: input, email, status: 'pending' });
    this.#config.onEmail?.(email);
    return { linkId, pendingRef, maskedEmail };
  }

  /** What the page behind a link does; only the right, fresh, unused link verifies. */
  verify(token: string): void {
    const link = this.#tokens.get(token) ?? fail('invalidToken', 'no link has this token');
    const login = this.#logins.get(link.pendingRef) ?? fail('invalidToken', 'no login has this token');
    if (this.#expired(login)) fail('linkExpired');
    if (!link.correct) fail('wrongLink', 'the flow stays pending; the right link still works');
    if (login.status !== 'pending') fail('linkAlreadyUsed');
    login.user = this.#complete(login.send);
    login.status = 'verified';
  }

  /** The pending-session answer: 401 until verified, then the session once. */
  async redeem(pendingRef: string): Promise<Record<string, unknown>> {
    const login = this.#logins.get(pendingRef) ?? fail('unknownPendingRef', 'this pendingRef was never issued');
    if (login.status === 'redeemed') fail('unknownPendingRef', 'this pendingRef was already redeemed');
    if (this.#expired(login)) fail('unknownPendingRef', 'this pendingRef expired');
    if (login.status === 'pending' || !login.user) fail('pending');
    // Redeemed only once the answer is ready: signing takes real time, and a client whose request timed
    // out meanwhile retries. That retry shares the signing instead of meeting "already redeemed".
    login.issuing ??= this.#issueSession(login.user, login.send.customClaims, true).then(
      (session) => {
        login.status = 'redeemed';
        return session;
      },
      (error: unknown) => {
        delete login.issuing;
        throw error;
      },
    );
    return login.issuing;
  }

  #expired(login: LoginRecord): boolean {
    return this.#config.now() >= login.email.expiresAtMs;
  }

  /** Applies a verified send: creates the signed-up user, or changes the email. */
  #complete(send: SendInput): UserRecord {
    const user = this.findUser(send.loginId) ?? this.#addUser(send.loginId, send.to, send.name);
    if (send.kind === 'updateEmail') {
      user.email = send.to;
      if (send.addToLoginIds && !user.loginIds.includes(send.to)) user.loginIds.push(send.to);
    }
    if (user.email === send.to) user.verifiedEmail = true;
    return user;
  }

  #addUser(loginId: string, email: string | undefined, name: string | undefined): UserRecord {
    const user: UserRecord = {
      userId: `U${randomBase64Url(20)}`,
      loginIds: [loginId],
      email,
      name,
      verifiedEmail: false,
      createdTime: Math.floor(this.#config.now() / 1000),
      seen: false,
    };
    this.#users.add(user);
    return user;
  }

  /**
   * A JWTResponse (spec §7.4); times in Unix seconds. Both JWTs are signed by the issuer. With
   * `withRefreshJwt` false (a refresh that does not rotate), the answer has no refresh JWT or cookie fields.
   */
  async #issueSession(user: UserRecord, customClaims: Fields, withRefreshJwt: boolean): Promise<Record<string, unknown>> {
    const iat = Math.floor(this.#config.now() / 1000);
    const sessionExpiration = iat + this.#config.sessionTtlSeconds;
    const cookieExpiration = iat + REFRESH_TTL_SECONDS;
    // Custom claims first, so they can never override the registered ones. A unique `jti` keeps two
    // tokens issued in the same second distinct.
    const claims = { ...customClaims, sub: user.userId, iat, iss: this.#config.issuerName };
    const firstSeen = !user.seen;
    user.seen = true;
    const [sessionJwt, refreshJwt] = await Promise.all([
      this.#config.issuer.sign({ ...claims, exp: sessionExpiration, drn: 'DS', jti: randomBase64Url(12) }),
      withRefreshJwt ? this.#config.issuer.sign({ ...claims, exp: cookieExpiration, drn: 'DSR', jti: randomBase64Url(12) }) : undefined,
    ]);
    if (refreshJwt) this.#sessions.set(refreshJwt, { user, expiresAt: cookieExpiration * 1000, customClaims });
    const cookie = refreshJwt ? { refreshJwt, cookieDomain: '', cookiePath: '/', cookieMaxAge: REFRESH_TTL_SECONDS, cookieExpiration } : {};
    return { sessionJwt, ...cookie, sessionExpiration, firstSeen, user: userJson(user) };
  }
}

/** `ResponseUser` (spec §7.5), as pending-session, refresh and me return it. */
export function userJson(user: UserRecord): Record<string, unknown> {
  return {
    userId: user.userId,
    loginIds: [...user.loginIds],
    email: user.email ?? '',
    verifiedEmail: user.verifiedEmail,
    name: user.name ?? '',
    status: 'enabled',
    roleNames: [],
    userTenants: [],
    customAttributes: {},
    createdTime: user.createdTime,
    TOTP: false,
    SAML: false,
    SCIM: false,
    OAuth: {},
    webauthn: false,
    password: false,
    test: false,
  };
}

/** `base` with `t=<token>` added to its query (before any #fragment); the token is base64url, URL-safe. */
function withToken(base: string, token: string): string {
  const hash = base.includes('#') ? base.slice(base.indexOf('#')) : '';
  const head = base.slice(0, base.length - hash.length);
  return `${head}${head.includes('?') ? '&' : '?'}t=${token}${hash}`;
}
