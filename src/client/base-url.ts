/**
 * Descope's rule (spec §10): 32-character project IDs carry their region in characters 2 to 5
 * (`Puse1…` → `https://api.use1.descope.com`); all others use the global endpoint.
 */
export function baseUrlForProject(projectId: string): string {
  return projectId.length >= 32 ? `https://api.${projectId.slice(1, 5)}.descope.com` : 'https://api.descope.com';
}
