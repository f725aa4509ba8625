import { z } from 'zod';

/** RFC 9457 problem details, with our `code` and, for invalid input, every field at fault. */
export const Problem = z.object({
  type: z.string().describe('a URI naming the kind of problem; `about:blank` when the status says it all'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional().describe('the request id, to find the request in the logs'),
  code: z.string().describe('stable, machine-readable: `validation.failed`, `decision.legality-review-required`…'),
  article: z.string().optional().describe('the rule the check applies, e.g. 重大行政决策程序暂行条例 第30条'),
  errors: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Where a problem's `type` points: one page per code in the API documentation. */
export function problemType(code: string): string {
  return `https://quanze.dev/problems/${code}`;
}

export function problem(status: number, code: string, title: string, extra: Partial<Problem> = {}): Problem {
  return { type: problemType(code), title, status, code, ...extra };
}

/** zod issues as `{ path, message }`, the path starting at where the value came from (`body`, `query`, `params`). */
export function issuesOf(error: z.ZodError, root: string): NonNullable<Problem['errors']> {
  return error.issues.map((issue) => ({
    path: [root, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))],
    message: issue.message,
  }));
}
