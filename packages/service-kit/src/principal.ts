import { z } from 'zod';
import { Id } from '@quanze/events';
import type { Actor } from '@quanze/events';

/**
 * What a signed token may let its holder do. Judicial roles are per organisation: the token's unit is the court,
 * procuratorate or public-security bureau, and its holder sees only what was transferred to that unit.
 */
export const Role = z.enum([
  'clerk', // 各部门、各乡镇 经办人员: records what their unit did
  'legal-reviewer', // 法制审核 / 合法性审查
  'head', // 行政首长: approves, decides, signs
  'supervision', // 监察: sees everything
  'court', // 法院
  'procuratorate', // 检察院
  'public-security', // 公安
  'analyst',
  'admin',
]);
export type Role = z.infer<typeof Role>;

/** Who may call a route: roles, or `public` for anyone, token or not. */
export type Audience = Role | 'public';

/** The holder of a verified token: the person, the post and unit they act in, and their roles. */
export const Principal = z.object({
  personId: Id,
  postId: Id.nullable(),
  unitId: Id.nullable(),
  roles: z.array(Role).min(1),
});
export type Principal = z.infer<typeof Principal>;

export function actorOf(principal: Principal): Actor {
  return { personId: principal.personId, postId: principal.postId, unitId: principal.unitId };
}

export function hasRole(principal: Principal | null, ...roles: readonly Role[]): boolean {
  return principal !== null && principal.roles.some((role) => roles.includes(role));
}
