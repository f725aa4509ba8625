import { parseArgs } from 'node:util';
import { Principal, Role, loadTokens, runtimeConfig } from '@quanze/service-kit';
import { pino } from 'pino';

/** Prints a development token signed with the data folder's key: `npm run token -- --roles clerk --person p-1`. */
const { values } = parseArgs({
  options: {
    roles: { type: 'string', default: 'admin' },
    person: { type: 'string', default: 'dev-admin' },
    post: { type: 'string' },
    unit: { type: 'string' },
    expires: { type: 'string', default: '8h' },
  },
});

const roles = values.roles.split(',').map((role) => role.trim());
const unknown = roles.filter((role) => !Role.options.includes(role as Role));
if (unknown.length > 0) {
  process.stderr.write(`unknown role(s): ${unknown.join(', ')}; roles are: ${Role.options.join(', ')}\n`);
  process.exit(2);
}
const principal = Principal.safeParse({ personId: values.person, postId: values.post ?? null, unitId: values.unit ?? null, roles });
if (!principal.success) {
  process.stderr.write(`${principal.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n')}\n`);
  process.exit(2);
}
const tokens = await loadTokens(runtimeConfig(), pino({ level: 'warn' }));
if (tokens.issue === undefined) {
  process.stderr.write('this configuration only verifies tokens (QUANZE_VERIFICATION_KEY_FILE); set QUANZE_SIGNING_KEY_FILE\n');
  process.exit(2);
}
process.stdout.write(`${await tokens.issue(principal.data, { expiresIn: values.expires })}\n`);
