import type { JWTPayload } from 'jose';

/**
 * A user's roles and permissions in one tenant.
 *
 * @category Server
 */
export interface TenantClaims {
  /** Roles in this tenant. */
  roles: string[];
  /** Permissions in this tenant. */
  permissions: string[];
}

/**
 * What {@link SessionValidator.validateSession} returns for a valid session JWT.
 *
 * @category Server
 */
export interface SessionClaims {
  /** Descope's user ID (the `sub` claim). */
  userId: string;
  /** When the session JWT expires, in Unix **seconds** (`exp`). */
  expiresAtSeconds: number;
  /** When it was issued, in Unix **seconds** (`iat`), when present. */
  issuedAtSeconds?: number;
  /** Project-level roles (`roles`); empty when the token has none. */
  roles: string[];
  /** Project-level permissions (`permissions`); empty when the token has none. */
  permissions: string[];
  /** Roles and permissions per tenant ID (`tenants`); empty when the user belongs to no tenant. */
  tenants: Record<string, TenantClaims>;
  /** The tenant selected for this session (`dct`), when one is. */
  currentTenant?: string;
  /** Every claim of the token as signed, including custom claims. */
  claims: Readonly<Record<string, unknown>>;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The typed view of a verified payload; malformed optional claims read as empty rather than failing. */
export function sessionClaims(payload: JWTPayload): SessionClaims {
  const tenants: Record<string, TenantClaims> = {};
  if (isObject(payload.tenants)) {
    for (const [tenantId, tenant] of Object.entries(payload.tenants)) {
      if (isObject(tenant)) tenants[tenantId] = { roles: strings(tenant.roles), permissions: strings(tenant.permissions) };
    }
  }
  return {
    userId: payload.sub!,
    expiresAtSeconds: payload.exp!,
    ...(typeof payload.iat === 'number' ? { issuedAtSeconds: payload.iat } : {}),
    roles: strings(payload.roles),
    permissions: strings(payload.permissions),
    tenants,
    ...(typeof payload.dct === 'string' ? { currentTenant: payload.dct } : {}),
    claims: payload,
  };
}
